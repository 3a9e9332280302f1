"""Secrets never reach a log: every log record is redacted as it is made.

- :class:`SecretFilter`: a ``logging.Filter`` that rewrites a record's message (its arguments
  merged in), its exception text (traceback included) and its stack text, replacing

  - the VALUES of the secret settings in the environment, wherever they appear (exact match):
    every variable whose name says it is a secret (``TOKEN``, ``SECRET``, ``PASSWORD``,
    ``KEY``, ``CREDENTIAL``: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``,
    ``TEAMS_APP_PASSWORD``, ``MENTORBOT_DATA_KEY``, ``MENTORBOT_SMTP_PASSWORD``...), every
    other ``MENTORBOT_*`` setting except the few that are plainly not secret
    (:data:`NOT_SECRET`) and URLs, and the
    password of every URL setting (``DATABASE_URL``, ``MENTORBOT_SMTP_URL``...), as written and
    percent-decoded;
  - anything shaped like a token (:data:`PATTERNS`): Slack tokens (``xoxb-``, ``xoxp-``,
    ``xapp-``...), Slack incoming-webhook URLs, bearer tokens and ``Authorization`` headers,
    JSON web tokens, a URL's password, ``client_secret=``/``password=`` in a form or JSON body;

  each by :data:`REDACTED`. Values shorter than :data:`SHORTEST` characters are left alone
  (redacting ``1`` or ``true`` everywhere would hide everything and protect nothing).
- :func:`install`: once per process, where logging is configured (``bot.cli.main`` and the
  Slack turn worker's ``main``). It puts the filter in the record factory, so it applies to
  every record of every logger before any handler sees it: a filter on a handler misses
  handlers added later (a library's, pytest's), and one on a logger misses its children.
- :func:`redact`: the same rewriting for text that is stored rather than logged (a delivery's
  last error, shown to the lead with the failed messages).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

REDACTED = "[redacted]"
SHORTEST = 8

# MENTORBOT_* settings that are plainly not secret (everything else of that prefix is).
NOT_SECRET = frozenset(
    {
        "MENTORBOT_NOW",
        "MENTORBOT_FILES_DIR",
        "MENTORBOT_CORPUS",
        "MENTORBOT_LOOP_WATCH_VERBOSE",
        "MENTORBOT_LOG_FORMAT",
        "MENTORBOT_READY_OUTBOX_MINUTES",
        "MENTORBOT_MAIL_FROM",
        "MENTORBOT_SMTP_CA_FILE",
    }
)
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"://[^/?#@:\s]*:(?P<password>[^/?#@\s]+)@")

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, configuration, refresh, legacy workspace ones.
    (re.compile(r"\bx(?:ox[abpoesr]|app|oxe\.xox[bp])-[0-9A-Za-z-]+"), REDACTED),
    # Slack incoming webhooks (the URL is the secret).
    (
        re.compile(r"hooks\.slack(?:-gov)?\.com/services/[0-9A-Za-z/_-]+"),
        f"hooks.slack.com/{REDACTED}",
    ),
    # Authorization headers of any scheme, and bare bearer tokens.
    (
        re.compile(
            r"(?i)(\bauthorization['\"]?\s*[:=]\s*['\"]?)(?:bearer\s+|basic\s+)?[^\s'\",})]+"
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\bbearer\s+[0-9A-Za-z._~+/=-]+"), f"Bearer {REDACTED}"),
    # JSON web tokens (Bot Framework tokens are JWTs).
    (re.compile(r"\beyJ[0-9A-Za-z_-]{5,}\.[0-9A-Za-z_-]{5,}\.[0-9A-Za-z_-]*"), REDACTED),
    # A URL's password.
    (re.compile(r"(://[^/?#@:\s]*:)[^/?#@\s]+@"), rf"\1{REDACTED}@"),
    # client_secret / password / token fields in a form, a query string or JSON.
    (
        re.compile(
            r"(?i)([\"']?\b(?:client_secret|password|access_token|refresh_token|signing_secret)"
            r"[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+"
        ),
        rf"\1{REDACTED}",
    ),
)


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """The values in ``environ`` that are secrets (see the module docstring), longest first."""
    found: set[str] = set()
    for name, value in environ.items():
        value = value.strip()
        if not value:
            continue
        upper = name.upper()
        if _SECRET_NAME.search(upper) or (
            upper.startswith("MENTORBOT_")
            and upper not in NOT_SECRET
            and not upper.endswith("_URL")  # a URL's secret is its password, below
        ):
            found.add(value)
        for match in _URL_PASSWORD.finditer(value):  # as written, and as sent (decoded)
            found.update((match["password"], unquote(match["password"])))
    return sorted((v for v in found if len(v) >= SHORTEST), key=len, reverse=True)


class SecretFilter(logging.Filter):
    """Rewrites each record it sees so no secret is left in it; lets every record through."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.secrets: tuple[str, ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Redact these values too (exact match)."""
        with self._lock:
            known = {*self.secrets, *(s for s in secrets if len(s) >= SHORTEST)}
            self.secrets = tuple(sorted(known, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern, replacement in PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it; show what there is
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.redact(text)
            record.exc_info = None  # handlers print exc_text; nothing can format it again
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_installed: SecretFilter | None = None
_lock = threading.Lock()


def install(environ: Mapping[str, str] = os.environ) -> SecretFilter:
    """Redact every log record of this process from now on (see the module docstring). Called
    again, it adds the secrets now in ``environ`` to the filter already installed."""
    global _installed
    with _lock:
        if _installed is not None:
            _installed.add(*secret_values(environ))
            return _installed
        secret_filter = SecretFilter(secret_values(environ))
        make_record = logging.getLogRecordFactory()

        def redacting_record(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            secret_filter.filter(record)
            return record

        redacting_record.previous = make_record  # type: ignore[attr-defined]
        logging.setLogRecordFactory(redacting_record)
        _installed = secret_filter
        return secret_filter


def redact(text: str) -> str:
    """``text`` as a log record would show it: for errors that are stored (and shown) too."""
    if _installed is not None:
        return _installed.redact(text)
    return SecretFilter(secret_values(os.environ)).redact(text)


def uninstall() -> None:
    """Undo :func:`install` (for tests that configure logging themselves)."""
    global _installed
    with _lock:
        if _installed is None:
            return
        factory = logging.getLogRecordFactory()
        previous = getattr(factory, "previous", None)
        if previous is not None:
            logging.setLogRecordFactory(previous)
        _installed = None
