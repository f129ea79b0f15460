"""gunicorn settings for production: `gunicorn directory.wsgi`.

Time limits nest: the database's (settings.DIRECTORY_DB_TIMEOUTS, 5 s for
public pages, 40 s for staff, each with a shorter wait for locks) <
gunicorn's `timeout` (50 s) < the proxy's (nginx's `proxy_read_timeout` is
60 s by default). A request past the database's limit gets the calm 503
page; a worker stuck past gunicorn's is replaced before the proxy gives up
on it.
"""

import os

from directory.logs import GunicornLogger

# Loopback unless told otherwise: the proxy in front is the way in.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "50"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Replace each worker after a while, at staggered times, so that a slow
# leak cannot build up and all workers never restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Load the code once, in the master: a recycled worker is a fork that
# answers at once, not a second of imports on a busy machine.
preload_app = True
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
# No client address, user agent, referrer or query string: an access log line
# must never tie what someone searched for to who they are.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# The error log neither (gunicorn writes "Invalid request from ip=…" and
# request URLs with their query there).
errorlog = "-"
logger_class = GunicornLogger
