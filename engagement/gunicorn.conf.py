"""gunicorn's settings for production: `gunicorn -c engagement/gunicorn.conf.py engagement.wsgi`.

Command-line options still apply on top (`--bind`, `--workers`); the logger below never
writes an access log or a client's address, whatever they say.
"""

# No access log: each line would be a resident's address, user agent and referrer.
accesslog = None
disable_redirect_access_to_syslog = True
# Errors go to standard error, with addresses, user agents and referrers removed.
errorlog = "-"
logger_class = "engagement.gunicorn_logging.PrivateLogger"
