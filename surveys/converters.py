"""URL parts that can only be a link token or a short code: anything else is a 404 from the
URL resolver, without a database query."""

from .models import SHORT_CODE_ALPHABET


class LinkTokenConverter:
    # secrets.token_urlsafe: URL-safe base64.
    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ShortCodeConverter(LinkTokenConverter):
    # Flyers print the code in lower case; a person may type it in capitals.
    regex = f"[{SHORT_CODE_ALPHABET}{SHORT_CODE_ALPHABET.upper()}]+"
