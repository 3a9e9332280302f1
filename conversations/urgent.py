"""Urgent concerns' own lane: the second route when the lead channel cannot take an alert, and
the check that a scheme's lead channel can deliver at all.

An urgent concern's lead-channel alert is never given up on (``storage.outbox_queries``: it is
retried, at least every two minutes, until delivered). The first time it cannot be delivered
(the platform refused it for good, or nothing here can reach the channel), or when it is still
waiting :data:`GRACE` after it was written, the concern goes by every second route at once:

- :data:`SECOND_ROUTES`: today a direct message to the cohort's lead and steering chair, each on
  their own platform (Slack, Teams or the console, whichever the outbox reaches them on), in the
  urgent lane like the alert: retried until delivered, never dead-lettered. It
  names the reference, the category, the urgency and the cohort, never the concern's text or who
  raised it. When this process can send email (:func:`second_routes`), also :func:`emails`: one
  email to each of them (in the urgent lane too), saying the same and where to read it; someone
  who has email only already gets the direct message by email, so not a second one.
- :func:`use_second_route`: once per concern: the unique key of ``second_route`` decides, so
  two workers seeing the same failure write one set of messages.
- :func:`watch`: the deliverer's periodic look for alerts nothing can reach, or still waiting.
- :func:`lead_channel_problem`, :func:`lead_channel_warnings`: why a scheme's lead channel cannot
  deliver from this process, for ``mentorbot scheme load`` and ``mentorbot serve`` to say loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from conversations.cut_off import what_happened
from conversations.messages import Part, Text, part_to_json, preview
from storage import concern_queries, outbox_queries, platform_queries
from storage.concern_queries import AlertFacts
from storage.models import Outbox, Scheme

log = logging.getLogger(__name__)

# An urgent alert still waiting this long after it was written (a platform down, say, rather
# than refusing) goes by the second route too: well within the five minutes we promise.
GRACE = timedelta(minutes=3)

SecondRoute = Callable[[AlertFacts, str, datetime], list[Outbox]]


def reference(concern_id: int) -> str:
    return f"C{concern_id}"


def second_route_parts(facts: AlertFacts, why: str) -> list[Part]:
    """The message a lead or chair gets when the lead channel could not take an alert."""
    ref = reference(facts.concern_id)
    category = facts.category.replace("_", " ")
    headline = f"{'URGENT: ' if facts.urgent else ''}{category} concern {ref} in {facts.cohort}"
    return [
        Text(
            f"{headline}.\nI couldn't post its alert in the lead channel ({why}), so it comes "
            f"to you directly. Type *open {ref}* to read it, and *ack {ref}* once someone is "
            "on it. I'll keep trying the lead channel and post the alert there as soon as it "
            "works."
        )
    ]


def direct_messages(facts: AlertFacts, why: str, now: datetime) -> list[Outbox]:
    """A direct message to each of the cohort's lead and steering chair (who may read it)."""
    parts = second_route_parts(facts, why)
    return [
        Outbox(
            scheme_id=facts.scheme_id,
            recipient_id=person_id,
            kind="concern_second_route",
            priority=outbox_queries.URGENT_PRIORITY,
            concern_id=facts.concern_id,
            parts=[part_to_json(p) for p in parts],
            preview=preview(parts),
            next_attempt_at=now,
            created_at=now,
        )
        for person_id in facts.readers
    ]


def emails(
    facts: AlertFacts, why: str, now: datetime, chats: Mapping[int, str | None]
) -> list[Outbox]:
    """An email to each of the cohort's lead and steering chair who is also in a chat (``chats``:
    ``storage.outbox_queries.by_email``; someone on email only gets :func:`direct_messages` by
    email already). The address asks for email
    (``storage.outbox_queries.by_email``); the preview is all the email says, with where to read
    the concern: never its text or who raised it."""
    ref = reference(facts.concern_id)
    parts = second_route_parts(facts, why)
    said = preview(parts).rstrip(".")
    text = (
        f"{said}. I couldn't post its alert in the lead channel ({why}), so I'm telling you "
        f"directly: type open {ref} in your chat with mentorbot to read it, and ack {ref} "
        "once someone is on it."
    )
    return [
        Outbox(
            scheme_id=facts.scheme_id,
            recipient_id=person_id,
            address={"platform": outbox_queries.EMAIL},
            kind="concern_second_route_email",
            priority=outbox_queries.URGENT_PRIORITY,
            concern_id=facts.concern_id,
            parts=[part_to_json(p) for p in parts],
            preview=text,
            next_attempt_at=now,
            created_at=now,
        )
        for person_id in facts.readers
        if chats.get(person_id) is not None
    ]


# Every second route, tried together (email only where this process can send it).
SECOND_ROUTES: tuple[SecondRoute, ...] = (direct_messages,)


def second_routes(platforms: Collection[str], session: Session) -> tuple[SecondRoute, ...]:
    """The second routes a deliverer sending on ``platforms`` uses (``session``: to look up
    who is in a chat, for :func:`emails`)."""
    if outbox_queries.EMAIL not in platforms:
        return SECOND_ROUTES

    def by_email(facts: AlertFacts, why: str, now: datetime) -> list[Outbox]:
        return emails(facts, why, now, outbox_queries.by_email(session, facts.readers))

    return (*SECOND_ROUTES, by_email)


def use_second_route(
    session: Session,
    concern_id: int,
    outbox_id: int | None,
    reason: str,
    now: datetime,
    routes: Sequence[SecondRoute] = SECOND_ROUTES,
) -> int:
    """Send the concern by every second route, unless it has gone that way already. ``reason``
    is what went wrong (recorded as is; the messages say it in plain words). Returns how many
    messages were written (0 when the concern had its second route already)."""
    facts = concern_queries.alert_facts(session, concern_id)
    if facts is None:
        return 0
    if not outbox_queries.claim_second_route(session, concern_id, outbox_id, reason, now):
        return 0
    why = plain_reason(reason)
    messages = [message for route in routes for message in route(facts, why, now)]
    session.add_all(messages)
    session.flush()
    if messages:
        log.warning(
            "the lead channel could not take the alert for urgent concern %s (%s): sent it to "
            "%d people directly",
            reference(concern_id),
            reason,
            len(messages),
        )
    else:
        log.error(
            "the lead channel could not take the alert for urgent concern %s (%s), and the "
            "cohort has no lead or chair to tell directly",
            reference(concern_id),
            reason,
        )
    return len(messages)


def watch(
    session: Session, now: datetime, platforms: Sequence[str], environ: Mapping[str, str]
) -> int:
    """Send by the second route each urgent alert that nothing here can reach, or that is still
    waiting :data:`GRACE` after it was written. Returns how many messages were written."""
    written = 0
    for alert in outbox_queries.urgent_undelivered(session, platforms):
        if alert.route is None:
            reason = _channel_problem(session, alert, platforms, environ)
        elif alert.created_at <= now - GRACE:
            reason = (
                f"{STILL_WAITING}: {alert.attempts} attempts, last error: "
                f"{alert.last_error or 'none yet'}"
            )
        else:
            continue
        written += use_second_route(
            session,
            alert.concern_id,
            alert.outbox_id,
            reason,
            now,
            second_routes(platforms, session),
        )
    return written


STILL_WAITING = "still not delivered"
NO_ROUTE = "no route"


def _channel_problem(
    session: Session,
    alert: outbox_queries.Undelivered,
    platforms: Collection[str],
    environ: Mapping[str, str],
) -> str:
    scheme = session.get(Scheme, alert.scheme_id) if alert.scheme_id is not None else None
    channels = (scheme.settings or {}).get("channels") if scheme is not None else None
    address = channels.get(alert.channel) if isinstance(channels, dict) else None
    platform = address.get("platform") if isinstance(address, dict) else None
    cut = platform_queries.cut_off(session).get(str(platform)) if platform else None
    if cut is not None:  # the platform cut us off (the Slack app uninstalled): say so
        return f"{NO_ROUTE}: {what_happened(cut, start=False)}"
    problem = lead_channel_problem(address, platforms, environ)
    return f"{NO_ROUTE}: {problem or 'nothing here can reach the channel'}"


def plain_reason(reason: str) -> str:
    """Why the lead channel could not take an alert, in words a lead can act on."""
    if reason.startswith(NO_ROUTE):
        return reason.removeprefix(NO_ROUTE).lstrip(": ")
    if reason.startswith(STILL_WAITING):
        return "it still hasn't gone through after a few minutes"
    if "not_in_channel" in reason:
        return "I'm not a member of it: please invite me to the channel"
    if "channel_not_found" in reason or "is_archived" in reason:
        return "it can't be found: it may have been deleted, archived or made private"
    if "environment variable" in reason:
        return "its webhook address isn't set on the server"
    if "webhook" in reason and any(f"HTTP {code}" in reason for code in (401, 403, 404, 410)):
        return "its webhook no longer works: it may have been removed"
    return "it was refused"


# ------------------------------------------------------------------ can the lead channel deliver?

_PLATFORM_SETTING = {
    "slack": "Slack is not set up on this server (SLACK_BOT_TOKEN)",
    "teams": "Teams is not set up on this server (TEAMS_APP_ID)",
}


def lead_channel_problem(
    address: Any, platforms: Collection[str], environ: Mapping[str, str]
) -> str | None:
    """Why a scheme channel with this stored ``address`` cannot deliver from a process that
    sends on ``platforms``, in plain words; ``None`` when it has a route that can."""
    if not isinstance(address, dict) or not address:
        return "it has no address set up"
    platform = address.get("platform")
    if not isinstance(platform, str) or platform == "console":
        return "it has no chat platform set up"
    if platform not in platforms:
        return _PLATFORM_SETTING.get(platform, f"{platform} is not set up on this server")
    if platform == "webhook":
        variable = address.get("url_env")
        if isinstance(variable, str) and variable:
            if not environ.get(variable):
                return f"its webhook URL's environment variable {variable} is not set"
        elif not str(address.get("url") or "").startswith(("https://", "http://")):
            return "its webhook has no URL"
    if platform == "slack" and not address.get("channel"):
        return "it has no Slack channel id"
    if platform == "teams" and not isinstance(address.get("reference"), dict):
        return "it has no Teams conversation reference"
    return None


def lead_channel_warnings(
    session: Session, platforms: Collection[str], environ: Mapping[str, str]
) -> list[str]:
    """One line per scheme whose lead channel cannot deliver from here."""
    warnings: list[str] = []
    for scheme in session.exec(select(Scheme).order_by(col(Scheme.id))).all():
        channels = (scheme.settings or {}).get("channels")
        address = channels.get(scheme.lead_channel) if isinstance(channels, dict) else None
        problem = lead_channel_problem(address, platforms, environ)
        if problem is not None:
            warnings.append(
                f'scheme {scheme.slug}: the lead channel "{scheme.lead_channel}" cannot receive '
                f"alerts: {problem}. "
                "Until it can, alerts wait for `mentorbot inbox --channel "
                f"{scheme.lead_channel}` and urgent concerns go to the lead's and chair's own "
                "chats. See docs/scheme-format.md ([scheme.channels.lead])."
            )
    return warnings
