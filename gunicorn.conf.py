"""gunicorn settings for production: `gunicorn directory.wsgi`."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
# No client address, user agent, referrer or query string: an access log line
# must never tie what someone searched for to who they are.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
