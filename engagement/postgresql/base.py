"""Django's PostgreSQL backend with a client-side deadline on every wait for the server.

PostgreSQL's own statement_timeout cannot help when the server itself is stalled (paused,
swapped out, its disk hung): the query was sent, the server's kernel acknowledged it, and
nothing will ever answer, so neither TCP keepalives nor tcp_user_timeout notice. psycopg
would wait for ever and gunicorn would kill the worker at 30 s, leaving the resident with a
dropped connection. Here every wait of a connection (queries, commits, Django's health check)
ends after OPTIONS["client_timeout"] seconds: the connection, now in an unknown state, is
closed and an OperationalError raised, which the site answers with its 503 page.
"""

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base
from psycopg import IsolationLevel


class DeadlineConnection(psycopg.Connection):
    deadline = None  # seconds; None or 0: wait as long as the server takes

    def wait(self, gen, *args, timeout=None, **kwargs):
        if timeout is not None or not self.deadline:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        try:
            return super().wait(gen, *args, timeout=self.deadline, **kwargs)
        # psycopg's own timeout error (an OperationalError), as its wait() documents.
        except psycopg.errors._WaitTimeout as error:
            self.close()
            raise psycopg.OperationalError(
                f"PostgreSQL did not answer within {self.deadline} s; connection closed."
            ) from error


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if self.pool:
            raise ImproperlyConfigured("engagement.postgresql does not support OPTIONS['pool'].")
        conn_params = dict(conn_params)
        deadline = conn_params.pop("client_timeout", None)
        # As Django's own backend does: READ COMMITTED unless OPTIONS names another level.
        level = self.settings_dict["OPTIONS"].get("isolation_level")
        self.isolation_level = IsolationLevel.READ_COMMITTED
        if level is not None:
            try:
                self.isolation_level = IsolationLevel(level)
            except ValueError:
                raise ImproperlyConfigured(
                    f"Invalid transaction isolation level {level} specified. "
                    "Use one of the psycopg.IsolationLevel values."
                ) from None
        connection = DeadlineConnection.connect(**conn_params)
        connection.deadline = deadline
        if level is not None:
            connection.isolation_level = self.isolation_level
        return connection
