"""The signed response id: minted by the server when a resident consents, bound to one link.

Its own module (below the views) because three callers read it: the resident's steps, the
offline outbox's submit endpoint, and the workspace upload of a kiosk's exported outbox.
"""

import uuid

from django.conf import settings
from django.core import signing

RESPONSE_ID_SALT = "surveys.response-id"


def sign_response_id(response_id, link):
    return signing.dumps([response_id.hex, link.pk if link else 0], salt=RESPONSE_ID_SALT)


def unsign_response_id(value, link):
    """The response id from a signed value; BadSignature if forged, expired or another link's."""
    payload = signing.loads(value, salt=RESPONSE_ID_SALT, max_age=settings.RESPONSE_ID_MAX_AGE)
    try:
        response_hex, link_pk = payload
        response_id = uuid.UUID(hex=response_hex)
    except (TypeError, ValueError):
        raise signing.BadSignature("Malformed response id.") from None
    if link_pk != (link.pk if link else 0):
        raise signing.BadSignature("Response id of another link.")
    return response_id


def signed_at(value):
    """When a signed response id (already checked by unsign_response_id) was minted: the
    resident's consent, as a Unix time."""
    return signing.b62_decode(value.rsplit(signing.Signer().sep, 2)[-2])
