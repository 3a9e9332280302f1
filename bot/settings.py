"""Configuration from the environment (and the CLI flags that override it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from storage.db import redacted


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    now: str | None

    def __repr__(self) -> str:  # never the database password (logs, tracebacks, debuggers)
        url = redacted(self.database_url) if self.database_url else None
        return f"Settings(database_url={url!r}, now={self.now!r})"

    @classmethod
    def from_env(cls, database_url: str | None = None, now: str | None = None) -> Settings:
        return cls(
            database_url=database_url or os.environ.get("DATABASE_URL") or None,
            now=now or os.environ.get("MENTORBOT_NOW") or None,
        )


@dataclass(frozen=True)
class TurnProcess:
    """Run Slack's dialog turns in a worker process of their own (``mentorbot serve``);
    ``now``: the fixed time (``--now``) the worker shares with the server, if any."""

    now: str | None = None


def chat_platforms(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The platforms this process can send on, preferred first: Slack when ``SLACK_BOT_TOKEN``
    is set, Teams when ``TEAMS_APP_ID`` is (or ``TEAMS_ALLOW_UNAUTHENTICATED=true``), and
    incoming webhooks always."""
    found: list[str] = []
    if environ.get("SLACK_BOT_TOKEN"):
        found.append("slack")
    if environ.get("TEAMS_APP_ID") or environ.get("TEAMS_ALLOW_UNAUTHENTICATED") == "true":
        found.append("teams")
    found.append("webhook")
    return found
