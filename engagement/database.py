"""Turn a database that does not answer into one sentence a person can act on."""

import sys
from contextlib import contextmanager


def describe_connection_error(error):
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    text = str(error).lower()
    if (
        "password authentication failed" in text
        or "no password supplied" in text
        or ("role" in text and "does not exist" in text)
    ):
        return (
            f"PostgreSQL at {where} refused the user {db.get('USER')!r}: "
            "fix the user or password in DATABASE_URL."
        )
    if "does not exist" in text and "database" in text:
        return (
            f"The database {db.get('NAME')!r} does not exist on {where}: "
            f"create it with `createdb -h {db.get('HOST')} -U {db.get('USER')} {db.get('NAME')}` "
            "or run `make run`, which creates it."
        )
    return (
        f"No PostgreSQL answers at {where}: start PostgreSQL, or set DATABASE_URL to one "
        "that runs (`make run` starts a local one when DATABASE_URL is not set)."
    )


@contextmanager
def explain_connection_errors():
    from django.db.utils import OperationalError

    try:
        yield
    except OperationalError as error:
        message = str(error).lower()
        if "connect" in message or "authentication" in message or "does not exist" in message:
            sys.stderr.write(describe_connection_error(error) + "\n")
            sys.exit(1)
        raise
