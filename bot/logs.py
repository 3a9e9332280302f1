"""Where log lines go, and in what shape: plain text (the default) or, with
``MENTORBOT_LOG_FORMAT=json``, one JSON object per line for a log collector.

A JSON line has ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``pid``, the
``exception`` text when there is one, and any extra field a call passes that is a number or a
boolean. Nothing in it is personal text:

- every record has already been through ``bot.redaction`` (tokens, passwords, keys);
- email addresses are masked as well (:data:`EMAIL`), in the message and the exception;
- our code never logs what people wrote: it logs ids, counts and kinds. The libraries that
  would (slack_sdk and bolt log request bodies at DEBUG) are cut off: no DEBUG line is
  written in JSON mode.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.redaction import redact

SETTING = "MENTORBOT_LOG_FORMAT"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASKED_EMAIL = "[email]"
# A LogRecord's own attributes: anything else on a record came from ``extra=``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def scrub(text: str) -> str:
    """``text`` without secrets or email addresses."""
    return EMAIL.sub(MASKED_EMAIL, redact(text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "pid": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        for name, value in record.__dict__.items():
            if name in _STANDARD or name in entry or name.startswith("_"):
                continue
            if isinstance(value, bool | int | float):
                entry[name] = value
        return json.dumps(entry, ensure_ascii=False)


def json_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(SETTING, "").strip().lower() == "json"


def configure(level: int, text_format: str, environ: Mapping[str, str] = os.environ) -> None:
    """Log at ``level`` to stderr: as ``text_format`` lines, or JSON (``MENTORBOT_LOG_FORMAT``)."""
    if not json_wanted(environ):
        logging.basicConfig(level=level, format=text_format)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.INFO)  # whatever a library's logger is set to
    logging.basicConfig(level=level, handlers=[handler])
