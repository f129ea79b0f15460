"""Logs that never tie a request to a person: no client address, no query.

`Redact` is a logging filter for Django's handlers and gunicorn's error log
(gunicorn.conf.py): it rewrites each record's message with IPv4 and IPv6
addresses and URL query strings (where typed search words travel) taken
out. Access logs are shaped separately (gunicorn's `access_log_format`).
"""

import logging
import re

ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"  # IPv4
    r"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])"  # IPv6, full
    r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){1,7}:[0-9A-Fa-f]{0,4}(?![\w:])"  # IPv6, ::
)
QUERY = re.compile(r"\?[^\s\"'<>]*")


def redact(text: str) -> str:
    return QUERY.sub("?…", ADDRESS.sub("[address]", text))


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is for production; Django runs without it
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger, with its error log redacted (see `Redact`)."""

        def setup(self, cfg):
            super().setup(cfg)
            self.error_log.addFilter(Redact())
            for handler in self.error_log.handlers:
                handler.addFilter(Redact())
