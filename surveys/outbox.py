"""Submissions that waited on a resident's phone or a kiosk (the offline outbox), and the
encrypted file a kiosk exports when it will not come back online.

A phone that lost its connection keeps the resident's answers and the server-minted signed
response id in IndexedDB (static/site/outbox.js) and sends them later to the submit
endpoint (surveys/offline.py); staff may instead upload a kiosk's exported file in the
workspace. Both end here, in `store_submission`: the same validator as the last step of the
survey (ResponseForm over every question, skip logic applied) and the same `store_response`,
keyed by the response id, so a resend or an upload after a resend stores nothing twice.
"""

import base64
import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from .forms import ResponseForm, areas_for, hidden_questions
from .models import CollectionLink, Response, store_response
from .response_ids import signed_at, unsign_response_id

logger = logging.getLogger(__name__)

# What the endpoint and the upload answer per submission.
STORED = "stored"
ALREADY_STORED = "already_stored"
INVALID = "invalid"  # answers the validator refuses: kept on the device, flagged
INELIGIBLE = "ineligible"  # the eligibility questions end the survey: nothing to store
BAD_ID = "bad_id"  # a forged or expired response id, or another link's
WAIT = "wait"  # sooner after consent than MIN_SECONDS_TO_COMPLETE: send again later

# Bounds on what one submission may carry before any parsing (the form then checks lengths).
MAX_FIELDS = 500
MAX_VALUES = 100
MAX_VALUE_LENGTH = 10_000

EXPORT_FORMAT = "engagement-outbox-1"


class Result:
    def __init__(self, status, *, errors=None, wait=0, response_id=None):
        self.status = status
        self.errors = errors or {}
        self.wait = wait
        self.response_id = response_id

    def as_json(self):
        data = {"status": self.status}
        if self.errors:
            data["errors"] = self.errors
        if self.wait:
            data["retry_after"] = self.wait
        return data


def answers_from(value):
    """A submission's answers ({field name: [values]}) as form data, or None if malformed."""
    if not isinstance(value, dict) or len(value) > MAX_FIELDS:
        return None
    data = MultiValueDict()
    for name, values in value.items():
        if isinstance(values, str):
            values = [values]
        if (
            not isinstance(name, str)
            or not name.startswith("q-")
            or not isinstance(values, list)
            or len(values) > MAX_VALUES
            or not all(isinstance(v, str) and len(v) <= MAX_VALUE_LENGTH for v in values)
        ):
            return None
        data.setlist(name, [v for v in values if v != ""])
    return data


def store_submission(link, submission, *, wait_for_min_seconds=True):
    """Validate one waiting submission of `link` and store it exactly once.

    `submission` is what the device kept: {"rid", "answers": {name: [values]}, "language",
    "languages"}. The signed rid is the proof that the server itself started this resident's
    walk on this link; its signing time is the consent's, for MIN_SECONDS_TO_COMPLETE.
    """
    if not isinstance(submission, dict):
        return Result(BAD_ID)
    rid = submission.get("rid")
    try:
        response_id = unsign_response_id(rid, link) if isinstance(rid, str) else None
    except signing.BadSignature:
        response_id = None
    if response_id is None:
        return Result(BAD_ID)
    if Response.objects.filter(pk=response_id).exists():
        # Checked before the answers: a resend after the survey's wording (or our validator)
        # changed must still clear the device.
        return Result(ALREADY_STORED, response_id=response_id)
    elapsed = time.time() - signed_at(rid)
    if wait_for_min_seconds and elapsed < settings.MIN_SECONDS_TO_COMPLETE:
        return Result(WAIT, wait=max(1, int(settings.MIN_SECONDS_TO_COMPLETE - elapsed) + 1))

    instrument = link.instrument
    offered = instrument.offered_languages or [settings.LANGUAGE_CODE]
    language = submission.get("language")
    if language not in offered:
        language = offered[0]
    used = submission.get("languages")
    used = [code for code in used if code in offered] if isinstance(used, list) else []
    used = list(dict.fromkeys(used or [language]))
    if language not in used:
        used.append(language)

    with translation.override(language):
        data = answers_from(submission.get("answers"))
        if data is None:
            return Result(INVALID, errors={"": ["Malformed answers."]})
        questions = instrument.cached_questions()
        hidden = hidden_questions(questions, data)
        form = ResponseForm(
            questions,
            data,
            areas=areas_for(questions),
            hidden=hidden,
            kiosk=link.kind == link.Kind.KIOSK,
        )
        if not form.is_valid():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return Result(INVALID, errors=errors)
        if form.ineligible():
            return Result(INELIGIBLE)
        response = Response(
            id=response_id,
            instrument=instrument,
            organization=link.organization,
            link=link,
            channel=(
                Response.Channel.KIOSK
                if link.kind == CollectionLink.Kind.KIOSK
                else Response.Channel.WEB
            ),
            language=language,
            languages_used=used,
            consented=True,
            # The version shown now: the device's copy of the consent page is not trusted,
            # and a consent text changes far more rarely than a device stays offline.
            consent_version=instrument.consent_version,
            area=form.area(),
        )
        stored = store_response(response=response, answers=form.answers())
    if stored and submission.get("offline_consent") is True:
        # A kiosk's resident who agreed while it was offline (with an id from its reserve):
        # the consent page's counters hear of it now. Only a counter, never a response.
        link.count(consented=True)
    return Result(STORED if stored else ALREADY_STORED, response_id=response_id)


# --- The exported file ------------------------------------------------------------------
# A kiosk that will not come back online exports its outbox from the staff screen: the
# browser draws a random AES-GCM key, encrypts the submissions with it, and wraps the key
# with the facilitator workspace's RSA-OAEP public key (WebCrypto). Only the server holds
# the private key, so a file left on a USB stick or in a mailbox reveals nothing.


def _load_private_key():
    from cryptography.hazmat.primitives import serialization

    pem = settings.OUTBOX_PRIVATE_KEY
    if not pem and settings.DEBUG:
        # `make run`: a key of this checkout's own, kept in the git-ignored var/ folder.
        path = Path(settings.OUTBOX_KEY_FILE)
        if not path.exists():
            from cryptography.hazmat.primitives.asymmetric import rsa

            key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
        pem = path.read_text()
    if not pem:
        raise ImproperlyConfigured("Set OUTBOX_PRIVATE_KEY to export and upload kiosk outboxes.")
    return serialization.load_pem_private_key(pem.encode(), password=None)


_key_cache = {}


def private_key():
    pem = settings.OUTBOX_PRIVATE_KEY
    if pem not in _key_cache:
        _key_cache.clear()
        _key_cache[pem] = _load_private_key()
    return _key_cache[pem]


def public_key_spki():
    """The public half, base64 DER (SubjectPublicKeyInfo), for WebCrypto's importKey."""
    from cryptography.hazmat.primitives import serialization

    der = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(der).decode()


class ExportError(ValueError):
    pass


def decrypt_export(raw):
    """The submissions of an exported outbox file: [{"token", "rid", "answers", ...}]."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        envelope = json.loads(raw)
        if envelope.get("format") != EXPORT_FORMAT:
            raise ExportError("Not an exported outbox.")
        wrapped = base64.b64decode(envelope["key"], validate=True)
        iv = base64.b64decode(envelope["iv"], validate=True)
        data = base64.b64decode(envelope["data"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ExportError("Not an exported outbox.") from error
    oaep = padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    )
    try:
        key = private_key().decrypt(wrapped, oaep)
        plain = AESGCM(key).decrypt(iv, data, None)
        submissions = json.loads(plain)["submissions"]
    except (ValueError, KeyError, TypeError, InvalidTag) as error:
        raise ExportError("The file cannot be opened with this workspace's key.") from error
    if not isinstance(submissions, list):
        raise ExportError("Not an exported outbox.")
    return submissions


def encrypt_export(submissions, public_key=None):
    """What the kiosk page does in the browser, in Python: for tests and for tools."""
    import os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    public_key = public_key or private_key().public_key()
    key, iv = AESGCM.generate_key(bit_length=256), os.urandom(12)
    oaep = padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    )
    data = AESGCM(key).encrypt(iv, json.dumps({"submissions": submissions}).encode(), None)
    return json.dumps(
        {
            "format": EXPORT_FORMAT,
            "key": base64.b64encode(public_key.encrypt(key, oaep)).decode(),
            "iv": base64.b64encode(iv).decode(),
            "data": base64.b64encode(data).decode(),
        }
    ).encode()


def store_export(submissions, links):
    """Store each submission of an uploaded file through `store_submission`; `links` are the
    collection links the uploader may see. Counts per outcome; a submission for a link the
    uploader may not see is `not_yours`, and nothing of it is looked at further."""
    counts = {STORED: 0, ALREADY_STORED: 0, INVALID: 0, "not_yours": 0}
    tokens = {s.get("token") for s in submissions if isinstance(s, dict)}
    tokens = {t for t in tokens if isinstance(t, str)}
    visible = {
        link.token: link
        for link in links.filter(token__in=tokens).select_related("instrument", "organization")
    }
    for submission in submissions:
        token = submission.get("token") if isinstance(submission, dict) else None
        link = visible.get(token)
        if link is None:
            counts["not_yours"] += 1
            continue
        # Staff upload what a device kept for hours or days: no waiting on consent's time.
        result = store_submission(link, submission, wait_for_min_seconds=False)
        if result.status in (STORED, ALREADY_STORED):
            counts[result.status] += 1
        else:
            counts[INVALID] += 1
    return counts
