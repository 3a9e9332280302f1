"""The Microsoft Teams channel (issue 6).

- ``mount(app, db, clock)``: ``POST /api/messages`` on ``mentorbot serve`` (``adapter.py``).
- ``sender_from_env(http)``: proactive messages for the outbox deliverer (``adapter.py``).
- ``cards.py``: neutral parts as Adaptive Cards (plain JSON); ``manifest.py``: the app package.
- ``calendar.py``: meeting invites as *Add to calendar* (a signed, expiring download link that
  ``mentorbot serve`` answers at ``GET /calendar/{token}.ics``) and a Teams meeting link.

Only ``adapter.py`` imports botbuilder, and only when ``mount`` or ``sender_from_env`` is
called, so building the manifest (or ``mentorbot chat``) never pays for the SDK's import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from sqlalchemy import Engine

from bot.channels.teams.manifest import build_manifest_zip
from conversations.clock import Clock

if TYPE_CHECKING:
    from bot.channels.teams.adapter import TeamsSender, TeamsSettings
    from bot.channels.teams.calendar import CalendarLinks

__all__ = ["build_manifest_zip", "mount", "sender_from_env"]


def mount(
    app: web.Application, db: Engine, clock: Clock, *, settings: TeamsSettings | None = None
) -> None:
    from bot.channels.teams import adapter

    adapter.mount(app, db, clock, settings=settings)


def sender_from_env(
    http: aiohttp.ClientSession,
    *,
    settings: TeamsSettings | None = None,
    links: CalendarLinks | None = None,
) -> TeamsSender:
    from bot.channels.teams import adapter

    return adapter.sender_from_env(http, settings=settings, links=links)


def __getattr__(name: str) -> Any:  # pragma: no cover - convenience for TeamsSettings
    if name in ("TeamsSettings", "TeamsSender"):
        from bot.channels.teams import adapter

        return getattr(adapter, name)
    raise AttributeError(name)
