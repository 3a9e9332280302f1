"""``mentorbot people [--cohort SLUG]``: everyone in the scheme, and how the bot reaches them.

One line per person, in columns: name, email, roles (with their cohorts), and how they are
reached: Slack, Teams, email (when the server sends email and they have neither), or "not yet".
A last line counts each. The listing is ``conversations.reach.reached_by``'s, the same answer
the lead gets in chat ("who can't you reach?") and the sweep uses for its welcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from conversations import reach
from storage import reach_queries
from storage.db import transaction
from storage.models import Application, Person

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


def _everyone(session: Session) -> list[_Someone]:
    """Everyone not erased, with their roles (an applicant without one is "applicant")."""
    found: dict[int, _Someone] = {}
    for person in session.exec(
        select(Person).where(col(Person.erased_at).is_(None)).order_by(col(Person.id))
    ).all():
        assert person.id is not None
        found[person.id] = _Someone(person.id, person.display_name, person.email)
    for row in reach_queries.members(session):
        if row.person_id in found and row.role not in found[row.person_id].roles:
            found[row.person_id].roles.append(row.role)
    applied = set(session.exec(select(Application.person_id)).all())
    for someone in found.values():
        if not someone.roles and someone.person_id in applied:
            someone.roles.append("applicant")

    def rank(someone: _Someone) -> tuple[int, int]:
        first = someone.roles[0] if someone.roles else "applicant"
        order = _ROLE_ORDER.index(first) if first in _ROLE_ORDER else len(_ROLE_ORDER)
        return order, someone.person_id

    return sorted(found.values(), key=rank)


def roster(db: Engine, out: TextIO) -> int:
    """The people of a (demo) database, one line each: who to chat as, name, roles, email."""
    with transaction(db) as session:
        people = _everyone(session)
    if not people:
        out.write("Nobody is in a scheme yet.\n")
        return 0
    table = [
        (
            p.handle,
            p.name,
            ", ".join(reach.role_name(r) for r in p.roles) or "no role yet",
            p.email,
        )
        for p in people
    ]
    widths = [max(len(cells[i]) for cells in table) for i in range(3)]
    for cells in table:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:3])]
        out.write("  " + "  ".join([*padded, cells[3]]) + "\n")
    return 0


def find(session: Session, who: str) -> Person:
    """The person ``who`` names: an email, the part of one before the @ ("mentor2"), or a role
    held by one person ("lead", "chair"). A :class:`LookupError` says, kindly, why not."""
    wanted = " ".join(who.strip().casefold().replace("-", " ").split())
    if not wanted:
        raise LookupError("say who to chat as: an email, or a name from the list (e.g. lead)")
    people = _everyone(session)
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
    person = session.get(Person, matches[0].person_id)
    assert person is not None
    return person
