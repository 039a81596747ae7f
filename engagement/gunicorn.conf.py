"""gunicorn's settings for production: `gunicorn -c engagement/gunicorn.conf.py engagement.wsgi`.

Command-line options still apply on top (`--bind`, `--workers`); the logger below never
writes an access log or a client's address, whatever they say.
"""

import os

# No access log: each line would be a resident's address, user agent and referrer.
accesslog = None
disable_redirect_access_to_syslog = True
# Errors go to standard error, with addresses, user agents and referrers removed.
errorlog = "-"
logger_class = "engagement.gunicorn_logging.PrivateLogger"

# Threads in each worker (gunicorn's gthread worker): while some requests wait for a database
# that stalled (at most DB_CLIENT_TIMEOUT, 15 s), another thread still answers /healthz within
# its 1 s, so the load balancer takes this server out at once instead of timing out on it.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
