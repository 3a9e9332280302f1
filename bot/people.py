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

from conversations import reach
from storage import reach_queries
from storage.db import transaction

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
