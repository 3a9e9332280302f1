"""Reaching people who never wrote to the bot: linking them on the chat platforms by email.

- :func:`link_slack`: everyone in a scheme with no Slack identity is looked up by email
  (``users.lookupByEmail``, scope ``users:read.email``) and linked to the Slack user it finds
  (address ``{"team", "user"}``: the DM is opened when the first message is due, see
  :func:`chat_opened`). A ``users_not_found`` answer is remembered for the day
  (``storage.reach_queries.remember_miss``), so each sweep asks only about people added since,
  and someone not on Slack is asked about again the next day. At most ``limit`` lookups a pass
  (Slack allows about 50 a minute); the rest wait for the next sweep.
- :func:`chat_opened`: a sender opened a person's chat for an address with none (a Slack DM by
  ``conversations.open``, a Teams personal chat by ``POST /v3/conversations``): the new address
  is kept in the identity, so the chat is opened once.
- :func:`rules`: the sweep's reach rules (``conversations.reach.specs``), when this process can
  reach anyone (a chat platform or email is configured); None otherwise (the console alone
  reaches nobody, so nobody is welcomed or reported unreachable).

Teams needs no lookup here: the app's install events carry each person's conversation
reference (``bot.channels.teams.adapter``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.settings import chat_platforms
from conversations import reach
from conversations.clock import Clock
from conversations.nudges import NudgeSpec
from storage import queries
from storage import reach_queries as rq
from storage.db import transaction
from storage.models import ChannelIdentity

if TYPE_CHECKING:  # Slack's SDK is imported only when Slack is configured
    from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

SLACK = "slack"
LOOKUPS_PER_PASS = 100


def rules() -> Callable[[Session, datetime], list[NudgeSpec]] | None:
    """The reach rules for the sweep, when this process reaches people at all."""
    if set(chat_platforms()) & set(rq.CHAT) or reach.email_configured():
        return reach.specs
    return None


def _to_look_up(db: Engine, clock: Clock, limit: int) -> list[tuple[int, str]]:
    with transaction(db) as session:
        missed = rq.missed(session, SLACK, clock.now().date())
        return [(pid, email) for pid, email in rq.unlinked(session, SLACK) if pid not in missed][
            :limit
        ]


def _missed(db: Engine, clock: Clock, person_id: int) -> None:
    with transaction(db) as session:
        rq.remember_miss(session, SLACK, person_id, clock.now())


def _link(db: Engine, clock: Clock, email: str, user: dict[str, Any], team: str) -> bool:
    user_id = str(user.get("id") or "")
    with transaction(db) as session:
        linked = queries.linked_identity(
            session,
            platform=SLACK,
            tenant=team,
            user_id=user_id,
            email=email,
            address={"team": team, "user": user_id},
            now=clock.now(),
        )
        if linked is None:
            return False
        zone = user.get("tz")
        queries.set_time_zone(
            session, linked.person_id, zone if isinstance(zone, str) else None, only_if_default=True
        )
        return linked.created


async def link_slack(
    db: Engine, clock: Clock, client: AsyncWebClient, *, limit: int = LOOKUPS_PER_PASS
) -> int:
    """Link people on Slack by email; how many were linked. A failure other than "not found"
    (a rate limit, a missing scope, Slack down) ends the pass: the next sweep tries again."""
    from slack_sdk.errors import SlackApiError

    from bot.channels.slack.sender import user_by_email

    linked = 0
    team_hint = os.environ.get("SLACK_TEAM_ID", "").strip()
    for person_id, email in await asyncio.to_thread(_to_look_up, db, clock, limit):
        try:
            user = await user_by_email(client, email)
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            code = str(data.get("error", "")) if isinstance(data, dict) else "error"
            log.warning("Slack: looking people up by email failed (%s); next sweep", code)
            return linked
        except (TimeoutError, OSError) as exc:
            log.warning("Slack: looking people up by email failed (%s); next sweep", exc)
            return linked
        if user is None or user.get("deleted") or user.get("is_bot"):
            await asyncio.to_thread(_missed, db, clock, person_id)
            continue
        team = str(user.get("team_id") or team_hint)
        if await asyncio.to_thread(_link, db, clock, email, user, team):
            linked += 1
    if linked:
        log.info("Slack: linked %d people by email", linked)
    return linked


def _user_of(platform: str, address: dict[str, Any]) -> str:
    """The platform's user id an address is for (the identity's ``user_id``)."""
    if platform == SLACK:
        return str(address.get("user") or "")
    reference = address.get("reference")
    user = reference.get("user") if isinstance(reference, dict) else None
    return str(user.get("aadObjectId") or "") if isinstance(user, dict) else ""


def _keep(db: Engine, platform: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    with transaction(db) as session:
        for identity in session.exec(
            select(ChannelIdentity).where(
                col(ChannelIdentity.platform) == platform,
                col(ChannelIdentity.user_id) == _user_of(platform, old),
            )
        ).all():
            if identity.address == old:  # not one changed meanwhile (the person wrote)
                identity.address = new
                session.add(identity)


def chat_opened(
    db: Engine, platform: str
) -> Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]]:
    """What a sender calls when it opened a person's chat for an address without one (a Slack
    DM, a Teams personal chat): the identity's address becomes ``new``, so it opens once."""

    async def keep(old: dict[str, Any], new: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(_keep, db, platform, old, new)
        except Exception:  # the message went: the chat is opened again next time
            log.exception("%s: could not store the chat it opened", platform)

    return keep
