"""``mentorbot people [--cohort SLUG]``: everyone in the scheme, and how the bot reaches them.

One line per person, in columns: name, email, roles (with their cohorts), and how they are
reached: Slack, Teams, email (when the server sends email and they have neither), or "not yet".
A last line counts each. The listing is ``conversations.reach.reached_by``'s, the same answer
the lead gets in chat ("who can't you reach?") and the sweep uses for its welcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from conversations import reach
from conversations.clock import Clock
from conversations.dates import format_day
from storage import reach_queries
from storage.db import transaction
from storage.models import (
    ApplicationStatus,
    Cohort,
    Person,
)

SHOWN = {"slack": "Slack", "teams": "Teams", "email": "email", None: "not yet"}


@dataclass
class _Line:
    name: str
    email: str
    roles: list[str] = field(default_factory=list)
    way: str | None = None


def listing(db: Engine, cohort: str | None, out: TextIO) -> int:
    """Print the people of the scheme (or of one cohort); 2 when the cohort has nobody."""
    with transaction(db) as session:
        rows = reach_queries.members(session, cohort=cohort)
        ways = reach.reached_by(session, {row.person_id for row in rows})
    lines: dict[int, _Line] = {}
    for row in rows:
        line = lines.setdefault(row.person_id, _Line(row.name, row.email))
        line.roles.append(f"{reach.role_name(row.role)} ({row.cohort})")
        line.way = ways.get(row.person_id)
    if not lines:
        out.write(
            f"Nobody is in cohort {cohort!r}.\n" if cohort else "Nobody is in a scheme yet.\n"
        )
        return 2 if cohort else 0
    table = [(x.name, x.email, ", ".join(x.roles), SHOWN[x.way]) for x in lines.values()]
    widths = [max(len(cells[i]) for cells in table) for i in range(3)]
    for cells in table:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:3])]
        out.write("  ".join([*padded, cells[3]]) + "\n")
    counts = {way: sum(1 for x in lines.values() if x.way == way) for way in SHOWN}
    out.write(
        f"{len(lines)} {'person' if len(lines) == 1 else 'people'}: {counts['slack']} on Slack, "
        f"{counts['teams']} on Teams, {counts['email']} by email, {counts[None]} not reached yet.\n"
    )
    return 0


# ------------------------------------------------------------------------- who you chat as

# The order people are listed in, and the words a role may be asked for by (``make run AS=``).
_ROLE_ORDER = ("lead", "steering_chair", "steering_member", "moderator", "mentee", "mentor")
_ROLE_WORDS = {
    "lead": "lead",
    "project lead": "lead",
    "chair": "steering_chair",
    "steering chair": "steering_chair",
    "steering_chair": "steering_chair",
    "steering": "steering_member",
    "steering member": "steering_member",
    "steering_member": "steering_member",
    "moderator": "moderator",
    "mentee": "mentee",
    "mentor": "mentor",
    "applicant": "applicant",
}


@dataclass
class _Someone:
    person_id: int
    name: str
    email: str
    roles: list[str] = field(default_factory=list)

    @property
    def handle(self) -> str:
        return self.email.split("@", 1)[0]


def _everyone(listed: reach_queries.Roster, members: list[reach_queries.Member]) -> list[_Someone]:
    """Everyone not erased, with their roles (an applicant without one is "applicant")."""
    found: dict[int, _Someone] = {}
    for person in listed.people:
        assert person.id is not None
        found[person.id] = _Someone(person.id, person.display_name, person.email)
    for row in members:
        if row.person_id in found and row.role not in found[row.person_id].roles:
            found[row.person_id].roles.append(row.role)
    applied = {a.person_id for a in listed.applications}
    for someone in found.values():
        if not someone.roles and someone.person_id in applied:
            someone.roles.append("applicant")

    def rank(someone: _Someone) -> tuple[int, int]:
        first = someone.roles[0] if someone.roles else "applicant"
        order = _ROLE_ORDER.index(first) if first in _ROLE_ORDER else len(_ROLE_ORDER)
        return order, someone.person_id

    return sorted(found.values(), key=rank)


_APPLIED = {
    ApplicationStatus.SUBMITTED.value: "applied, in review",
    ApplicationStatus.SELECTED.value: "selected",
    ApplicationStatus.REJECTED.value: "not selected",
    ApplicationStatus.WITHDRAWN.value: "withdrew",
}
_TEAM = ("lead", "steering_chair", "steering_member", "moderator")


def _cohort_state(cohort: Cohort, today: date, waiting: int) -> str:
    """Where a cohort is in its year, in a few words."""
    opens, closes = cohort.applications_open, cohort.applications_close
    if opens is not None and today < opens:
        return f"applications open on {format_day(opens, today)}"
    if opens is not None and closes is not None and today <= closes:
        return f"applications open until {format_day(closes, today)}"
    if today < cohort.starts_on:
        if waiting:
            return f"selection: {waiting} application{'s' * (waiting != 1)} to decide"
        return f"starts {format_day(cohort.starts_on, today)}"
    if today <= cohort.ends_on:
        return f"running since {format_day(cohort.starts_on, today)}"
    return f"ended {format_day(cohort.ends_on, today)}"


def roster(db: Engine, clock: Clock, out: TextIO) -> int:
    """The people of a (demo) database, to pick who to chat as: the scheme team first, then
    each cohort's mentees and mentors, one line each (handle, name, what they are, email)."""
    with transaction(db) as session:
        listed = reach_queries.roster(session)
        members = reach_queries.members(session)
    people = {p.person_id: p for p in _everyone(listed, members)}
    cohorts = listed.cohorts
    applications = {(a.person_id, a.cohort_id): a for a in listed.applications}
    pairs = listed.pairings
    zone = members[0].scheme_tz if members else "UTC"
    if not people:
        out.write("Nobody is in a scheme yet.\n")
        return 0
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    partners: dict[tuple[int, int], list[int]] = {}
    for pair in pairs:
        partners.setdefault((pair.mentee_id, pair.cohort_id), []).append(pair.mentor_id)
        partners.setdefault((pair.mentor_id, pair.cohort_id), []).append(pair.mentee_id)
    team = [p for p in people.values() if any(r in _TEAM for r in p.roles)]
    groups: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    if team:
        lines = [
            (p.handle, p.name, ", ".join(reach.role_name(r) for r in p.roles), p.email)
            for p in team
        ]
        groups.append(("The scheme team, in every cohort", lines))
    shown = {p.person_id for p in team}
    for cohort in cohorts:
        assert cohort.id is not None
        here = [m for m in members if m.cohort_id == cohort.id and m.person_id not in shown]
        waiting = sum(
            1
            for (_, cohort_id), a in applications.items()
            if cohort_id == cohort.id and a.status == ApplicationStatus.SUBMITTED.value
        )
        lines = []
        for member in sorted(here, key=lambda m: (m.role != "mentee", m.person_id)):
            someone = people.get(member.person_id)
            if someone is None:
                continue
            what = reach.role_name(member.role)
            application = applications.get((member.person_id, cohort.id))
            paired = [
                people[other].name
                for other in partners.get((member.person_id, cohort.id), [])
                if other in people
            ]
            if paired:
                what += f", paired with {' and '.join(paired)}"
            elif application is not None and application.status in _APPLIED:
                what = f"{_APPLIED[application.status]} ({application.reference})"
            elif member.role == "mentee" and "applications open until" in _cohort_state(
                cohort, today, 0
            ):
                what = "can apply now"
            lines.append((someone.handle, someone.name, what, someone.email))
        if lines:
            groups.append((f"{cohort.name} ({_cohort_state(cohort, today, waiting)})", lines))
    rows = [line for _, lines in groups for line in lines]
    widths = [max(len(line[i]) for line in rows) for i in range(3)]
    for title, lines in groups:
        out.write(f"  {title}:\n")
        for line in lines:
            padded = [cell.ljust(widths[i]) for i, cell in enumerate(line[:3])]
            out.write("    " + "  ".join([*padded, line[3]]) + "\n")
    return 0


def find(session: Session, who: str) -> Person:
    """The person ``who`` names: an email, the part of one before the @ ("mentor2"), or a role
    held by one person ("lead", "chair"). A :class:`LookupError` says, kindly, why not."""
    wanted = " ".join(who.strip().casefold().replace("-", " ").split())
    if not wanted:
        raise LookupError("say who to chat as: an email, or a name from the list (e.g. lead)")
    listed = reach_queries.roster(session)
    people = _everyone(listed, reach_queries.members(session))
    matches = [p for p in people if p.email.casefold() == wanted]
    if not matches and "@" not in wanted:
        matches = [p for p in people if p.handle.casefold() == wanted.replace(" ", "")]
        role = _ROLE_WORDS.get(wanted)
        if not matches and role is not None:
            matches = [p for p in people if role in p.roles]
    if len(matches) > 1:
        names = ", ".join(f"{p.handle} ({p.name})" for p in matches)
        raise LookupError(f"{len(matches)} people are {who.strip()}s here: say which ({names})")
    if not matches and "@" in wanted:
        raise LookupError(
            f"nobody with the email {who.strip()!r} is in this database "
            "(load a scheme first: mentorbot scheme load --demo)"
        )
    if not matches:
        handles = ", ".join(p.handle for p in people[:12])
        known = (
            f" Try one of: {handles}"
            if handles
            else " (load a scheme first: mentorbot scheme load --demo)"
        )
        raise LookupError(f"nobody here is {who.strip()!r}.{known}")
    return next(p for p in listed.people if p.id == matches[0].person_id)
