"""Reaching everyone in a scheme from day one: the welcome, and the people nobody can reach.

- :func:`reached_by`: how each person is reached (``"slack"``, ``"teams"``, ``"email"`` or
  None: not yet). Email counts only when the server sends email (``MENTORBOT_SMTP_URL``) and
  the person has neither chat platform; the email channel itself lives elsewhere.
- :func:`welcome_parts`: who the bot is, the person's scheme and partner, what it will ask of
  them (by role), who sees what, and how to pause.
- :func:`specs`: the sweep's two rules (passed to ``conversations.nudges.sweep`` by the
  scheduler of a process that can send on a chat platform or by email):
  - ``welcome``: once per person ever (key ``("welcome", "person:<id>", "")``), at the first
    sweep once they can be reached. Not to someone who already wrote to the bot: they have met
    it, and a welcome after a conversation reads oddly. (A Teams install writes the same key
    when it welcomes someone at once: :func:`welcome_now`.)
  - ``unreachable_lead``: someone in a current cohort the bot still cannot reach 3 working days
    (Mon-Fri, in the scheme's time zone) after they were loaded appears in the lead channel once
    per person and cohort, with their name and role only.
- :func:`unreachable`: who cannot be reached in the cohorts a lead, chair or steering member
  reaches, and why (the lead's "who can't you reach?").
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from conversations.dates import format_day
from conversations.messages import Part, Text, part_to_json, preview
from conversations.nudges import LEAD_PRIORITY, NudgeSpec
from storage import access, nudge_queries, queries
from storage import reach_queries as rq
from storage.models import Role, Scheme

WELCOME = "welcome"
UNREACHABLE = "unreachable_lead"
# Working days (Mon-Fri, in the scheme's time zone) before the lead hears of someone unreached.
UNREACHABLE_AFTER_DAYS = 3
# Someone on neither chat platform is welcomed by email only a working day after they were
# added: a Teams app pushed by an admin policy can take that long to reach them, and their
# welcome belongs in the chat they will use (it is sent once, wherever it goes).
EMAIL_WELCOME_AFTER_DAYS = 1
PRIVACY_DOC = "docs/privacy.md"

_ROLE_NAMES = {
    Role.MENTEE.value: "mentee",
    Role.MENTOR.value: "mentor",
    Role.LEAD.value: "project lead",
    Role.STEERING_CHAIR.value: "steering group chair",
    Role.STEERING_MEMBER.value: "steering group member",
    Role.MODERATOR.value: "moderator",
}


def email_configured() -> bool:
    """The server sends email (``MENTORBOT_SMTP_URL``): people on no chat platform get it."""
    return bool(os.environ.get("MENTORBOT_SMTP_URL", "").strip())


def reached_by(session: Session, person_ids: Iterable[int]) -> dict[int, str | None]:
    """How each person is reached now: ``"slack"``, ``"teams"``, ``"email"`` or None."""
    ids = list(person_ids)
    linked = rq.platforms_of(session, ids)
    email = email_configured()
    return {pid: rq.how(linked.get(pid, ()), email=email) for pid in ids}


def role_name(role: str) -> str:
    return _ROLE_NAMES.get(role, role.replace("_", " "))


def privacy_link() -> str:
    """Where the plain-English privacy notice is: ``MENTORBOT_PRIVACY_URL``, else the file."""
    return os.environ.get("MENTORBOT_PRIVACY_URL", "").strip() or (
        f"{PRIVACY_DOC} (“In plain English”)"
    )


# ------------------------------------------------------------------------------ the welcome


def _asks(role: str, partner: str | None) -> str:
    them = partner.split(" ", 1)[0] if partner else "your partner"
    if role == Role.MENTEE.value:
        return (
            f"I'll remind you to meet {them} every few weeks, ask for a few lines of minutes "
            "after each meeting, and now and then ask how it's going. You can keep a private "
            "diary with me too."
        )
    if role == Role.MENTOR.value:
        return (
            f"I'll remind you about meetings with {them}, ask for a few lines of minutes after "
            "each one, and now and then ask how it's going."
        )
    return (
        "I'll post alerts and reports in the lead channel, and bring you what needs your "
        "attention: concerns to pick up, contracts and surveys outstanding."
    )


def welcome_parts(session: Session, person_id: int, member: rq.Member) -> list[Part]:
    """The welcome: who the bot is, the scheme and partner, what it will ask, who sees what,
    and how to pause. Nothing private: the same text could sit in a notification."""
    first = member.name.split(" ", 1)[0]
    scheme = session.get(Scheme, member.scheme_id)
    scheme_name = scheme.name if scheme is not None else member.cohort_name
    partner: str | None = None
    pairings = queries.active_pairings(session, person_id)
    if pairings:
        partner_id = queries.partner_of(pairings[0], person_id)
        found = nudge_queries.people(session, [partner_id]).get(partner_id)
        partner = found.display_name if found is not None else None
    role = role_name(member.role)
    if partner:
        with_whom = (
            f" Your {'mentor' if member.role == Role.MENTEE.value else 'mentee'} is {partner}."
        )
    elif member.role in (Role.MENTEE.value, Role.MENTOR.value):
        with_whom = " You're not paired yet: I'll tell you as soon as you are."
    else:
        with_whom = ""
    return [
        Text(
            f"Hello {first}! I'm mentorbot, the assistant for *{scheme_name}* "
            f"({member.cohort_name}), where you're a {role}.{with_whom}"
        ),
        Text(f"*What I'll ask of you:* {_asks(member.role, partner)}"),
        Text(
            "*Who sees what:* your diary is yours alone; minutes and actions are shared with "
            "your partner only; a concern goes to the project lead and steering group, never to "
            f"anyone it's about. The privacy notice, in plain English: {privacy_link()}"
        ),
        Text(
            "*Taking a break:* say *pause reminders until 5 Jan* (any date) and I'll hold them "
            "until then. Say *help* any time to see what I can do, or *what's next* for what's due."
        ),
    ]


def _current(session: Session, now: datetime) -> list[rq.Member]:
    return rq.members(session, current_on=now.date())


def _first_place(rows: Iterable[rq.Member]) -> dict[int, rq.Member]:
    """Each person's first role in the listing (the one their welcome speaks of)."""
    found: dict[int, rq.Member] = {}
    for row in rows:
        found.setdefault(row.person_id, row)
    return found


def welcome_spec(session: Session, member: rq.Member, now: datetime) -> NudgeSpec:
    return NudgeSpec(
        rule=WELCOME,
        subject=f"person:{member.person_id}",
        period="",
        scheme_id=member.scheme_id,
        parts=tuple(welcome_parts(session, member.person_id, member)),
        moment=now,
        recipient_id=member.person_id,
        priority=LEAD_PRIORITY,  # a message, not a nudge: not spread over the morning
    )


def welcome_now(session: Session, person_id: int, now: datetime) -> tuple[int, list[Part]] | None:
    """Welcome ``person_id`` now (a Teams install that reached them): the welcome's outbox id
    and parts, or None when they were welcomed already (or are in no current cohort). The
    caller shows the parts and marks the row delivered."""
    places = _first_place(m for m in _current(session, now) if m.person_id == person_id)
    member = places.get(person_id)
    if member is None or member.wrote_at is not None:  # they have met the bot
        return None
    spec = welcome_spec(session, member, now)
    made = nudge_queries.insert_nudges(
        session,
        [
            nudge_queries.NewNudge(
                rule=spec.rule, subject=spec.subject, period=spec.period,
                scheme_id=spec.scheme_id, recipient_id=person_id, channel=None,
                parts=[part_to_json(p) for p in spec.parts], preview=preview(list(spec.parts)),
                priority=spec.priority, send_at=now,
            )
        ],
        now,
    )  # fmt: skip
    if not made:
        return None
    outbox_id = rq.outbox_of(session, spec.rule, spec.subject, spec.period)
    if outbox_id is None:
        return None
    return outbox_id, list(spec.parts)


# ------------------------------------------------------------------------------ the unreached


def working_days_after(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``days`` working days (Mon-Fri, in ``tz``) after ``moment``, at the same time of day."""
    local = moment.astimezone(tz)
    day = local.date()
    left = days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, local.time(), tz)


def unreachable_spec(member: rq.Member, lead_channel: str, due: datetime) -> NudgeSpec:
    return NudgeSpec(
        rule=UNREACHABLE,
        subject=f"person:{member.person_id}",
        period=f"cohort:{member.cohort_id}",
        scheme_id=member.scheme_id,
        parts=(
            Text(
                f"I can't reach {member.name} ({role_name(member.role)}) yet: they're on "
                "neither Slack nor Teams under their scheme email. Please check the email "
                "we hold, or ask them to add the app. Say *who can't you reach* to see everyone."
            ),
        ),
        moment=due,
        channel=lead_channel,
        priority=LEAD_PRIORITY,
    )


def specs(session: Session, now: datetime) -> list[NudgeSpec]:
    """The welcomes and unreachable alerts due at ``now`` (the sweep skips existing keys)."""
    rows = _current(session, now)
    ways = reached_by(session, {m.person_id for m in rows})
    found: list[NudgeSpec] = []
    existing = nudge_queries.existing_keys(
        session, [(WELCOME, f"person:{pid}", "") for pid in ways if ways[pid] is not None]
    )
    for pid, member in _first_place(rows).items():
        way = ways.get(pid)
        if way is None or member.wrote_at is not None:
            continue
        if (WELCOME, f"person:{pid}", "") in existing:
            continue
        if way == rq.EMAIL:
            tz = ZoneInfo(member.scheme_tz)
            if now < working_days_after(member.added_at, EMAIL_WELCOME_AFTER_DAYS, tz):
                continue
        found.append(welcome_spec(session, member, now))
    schemes = nudge_queries.active_scheme_settings(session)
    leads = {scheme_id: lead for scheme_id, (_tz, lead, _settings) in schemes.items()}
    for member in rows:
        if ways.get(member.person_id) is not None:
            continue
        due = working_days_after(
            member.added_at, UNREACHABLE_AFTER_DAYS, ZoneInfo(member.scheme_tz)
        )
        if due <= now and member.scheme_id in leads:
            found.append(unreachable_spec(member, leads[member.scheme_id], due))
    return found


# ------------------------------------------------------------------------------ for the lead


@dataclass(frozen=True)
class Unreached:
    name: str
    role: str
    cohort: str
    why: str


# Why someone linked on neither chat platform is not reached.
NOT_FOUND = "no Slack or Teams account linked yet, and the Teams app isn't installed for them"


def _why(missed: date | None) -> str:
    if missed is None:
        return NOT_FOUND
    return (
        f"Slack has no account with their scheme email (checked {format_day(missed)}), "
        "and the Teams app isn't installed for them"
    )


def unreachable(session: Session, person_id: int, now: datetime) -> list[Unreached] | None:
    """Everyone the bot cannot reach in the current cohorts ``person_id`` reaches as lead,
    chair, steering member or moderator (``storage.access``'s rule); None when they reach none."""
    cohorts = access.reach(session, person_id)
    if not cohorts:
        return None
    rows = [m for m in _current(session, now) if m.cohort_id in cohorts]
    ways = reached_by(session, {m.person_id for m in rows})
    missed = rq.last_missed(session, "slack", [pid for pid, way in ways.items() if way is None])
    found: dict[int, Unreached] = {}
    for m in rows:
        if ways.get(m.person_id) is not None:
            continue
        known = found.get(m.person_id)
        if known is None:
            why = _why(missed.get(m.person_id))
            found[m.person_id] = Unreached(m.name, role_name(m.role), m.cohort_name, why)
        elif role_name(m.role) not in known.role.split(", "):
            found[m.person_id] = replace(known, role=f"{known.role}, {role_name(m.role)}")
    return list(found.values())
