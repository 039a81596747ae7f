"""gunicorn's log without residents' addresses (the privacy rules in DESIGN.md).

gunicorn writes the client's address into its error log ("Invalid request from ip=...") and,
when asked, an access log full of addresses, user agents and referrers. This logger keeps
the error log, with addresses and those headers removed, and never writes an access log,
whatever the configuration says. `engagement/gunicorn.conf.py` selects it.
"""

import ipaddress
import logging
import re

from gunicorn import glogging

REDACTED = "[redacted]"

# An address ends where no more of it can follow: a colon or a dot may end the sentence
# ("from ip=2001:db8::1: Invalid request"), a hex digit, ":x" or ".7" may not.
IPV6 = re.compile(
    r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?:%[\w.-]+)?"
    r"(?![0-9A-Fa-f]|:[0-9A-Fa-f:]|\.\d)"
)
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)")
HEADERS = re.compile(r"(?i)\b(user[-_]agent|referr?er)(['\"]?\s*[:=]\s*)[^\n,;]*")


def _is_address(text):
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _address(match):
    text = match.group(0)
    if _is_address(text):
        return REDACTED
    # The pattern takes the colon that ends "ip=2001:db8::1: ..." as part of the address.
    if text.endswith(":") and _is_address(text[:-1]):
        return REDACTED + ":"
    return text


def redact(text):
    """`text` without IPv4 or IPv6 addresses, user agents or referrers."""
    text = IPV6.sub(_address, text)
    text = IPV4.sub(_address, text)
    return HEADERS.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)


class RedactClients(logging.Filter):
    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class PrivateLogger(glogging.Logger):
    """gunicorn's logger, minus the addresses: the error log is redacted, no access log."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactClients) for f in self.error_log.filters):
            self.error_log.addFilter(RedactClients())

    @property
    def access_log_enabled(self):
        return False

    def _compute_access_log_enabled(self):
        return False

    def access(self, resp, req, environ, request_time):
        """Never: an access log line is an address, a user agent and a referrer."""
