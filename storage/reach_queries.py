"""Who in a scheme the bot can reach, and how: the records behind ``conversations.reach``.

- :func:`members`: everyone in the scheme's cohorts (one row per person and cohort, with role);
- :func:`platforms_of`: the chat platforms each person is linked on;
- :func:`how`: the one way a person is reached: ``"slack"``, ``"teams"``, ``"email"`` (when
  the server sends email and the person has neither platform) or None;
- :func:`unlinked`: people on no identity of a platform yet (to link by email);
- :func:`remember_miss`, :func:`missed`: a platform that did not know someone's email is
  asked again the next day, not on every sweep. No table of their own: a miss is a row of the
  nudge table under the natural key (``lookup_miss:<platform>``, ``person:<id>``, the day), so
  two processes record it once and the retention of nudges clears it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import (
    Application,
    ChannelIdentity,
    Cohort,
    Membership,
    Nudge,
    Pairing,
    PairingStatus,
    Person,
    Scheme,
)
from storage.outbox_queries import CHAT_PLATFORMS, EMAIL

# The chat platforms a person can be linked on (the console and webhooks reach nobody).
CHAT = CHAT_PLATFORMS
__all__ = ["CHAT", "EMAIL"]


@dataclass(frozen=True)
class Member:
    """A person's place in a cohort, as the reach rules need it."""

    person_id: int
    name: str
    email: str
    role: str
    cohort_id: int
    cohort: str  # the cohort's slug
    cohort_name: str
    scheme_id: int
    scheme_tz: str
    added_at: datetime  # when the person was loaded into the scheme
    wrote_at: datetime | None  # the last message they sent the bot


def members(
    session: Session, *, cohort: str | None = None, current_on: date | None = None
) -> list[Member]:
    """Everyone (not erased) with a role in a cohort, by name; one row per role. ``cohort``: one
    cohort's slug; ``current_on``: only cohorts not ended by that day."""
    query = (
        select(Membership, Person, Cohort, Scheme)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Scheme, col(Scheme.id) == col(Cohort.scheme_id))
        .where(col(Person.erased_at).is_(None))
    )
    if cohort is not None:
        query = query.where(col(Cohort.slug) == cohort)
    if current_on is not None:
        query = query.where(col(Cohort.ends_on) >= current_on)
    rows = session.exec(
        query.order_by(col(Person.display_name), col(Person.id), col(Membership.id))
    ).all()
    found: list[Member] = []
    for membership, person, row, scheme in rows:
        assert person.id is not None
        assert row.id is not None
        assert scheme.id is not None
        found.append(
            Member(
                person.id, person.display_name, person.email, membership.role, row.id,
                row.slug, row.name, scheme.id, scheme.time_zone, person.created_at,
                person.last_active_at,
            )
        )  # fmt: skip
    return found


def platforms_of(session: Session, person_ids: Iterable[int]) -> dict[int, set[str]]:
    """The chat platforms each person is linked on (people on none are left out)."""
    ids = sorted(set(person_ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(ids), 500):
        for person_id, platform in session.exec(
            select(ChannelIdentity.person_id, ChannelIdentity.platform).where(
                col(ChannelIdentity.person_id).in_(ids[start : start + 500]),
                col(ChannelIdentity.platform).in_(CHAT),
            )
        ).all():
            found.setdefault(person_id, set()).add(platform)
    return found


def how(platforms: Iterable[str], *, email: bool = False) -> str | None:
    """How a person on ``platforms`` is reached: Slack first, then Teams (the deliverer's
    order), then email when the server sends email (``email``), else None: not yet."""
    linked = set(platforms)
    for platform in CHAT:
        if platform in linked:
            return platform
    return EMAIL if email else None


def unlinked(session: Session, platform: str) -> list[tuple[int, str]]:
    """(person id, email) of everyone in a cohort with no identity on ``platform`` yet."""
    linked = select(ChannelIdentity.person_id).where(col(ChannelIdentity.platform) == platform)
    rows = session.exec(
        select(Person.id, Person.email)
        .where(
            col(Person.erased_at).is_(None),
            col(Person.id).in_(select(Membership.person_id)),
            col(Person.id).not_in(linked),
        )
        .order_by(col(Person.id))
    ).all()
    return [(person_id, email) for person_id, email in rows if person_id is not None]


def _miss_rule(platform: str) -> str:
    return f"lookup_miss:{platform}"


def missed(session: Session, platform: str, day: date) -> set[int]:
    """The people ``platform`` did not know on ``day`` (not asked again that day)."""
    subjects = session.exec(
        select(Nudge.subject).where(
            col(Nudge.rule) == _miss_rule(platform), col(Nudge.period) == day.isoformat()
        )
    ).all()
    return {int(s.partition(":")[2]) for s in subjects if s.partition(":")[2].isdigit()}


def last_missed(session: Session, platform: str, person_ids: Iterable[int]) -> dict[int, date]:
    """The last day ``platform`` did not know each person's email (people never missed are
    left out)."""
    wanted = {f"person:{pid}" for pid in person_ids}
    found: dict[int, date] = {}
    for subject, period in session.exec(
        select(Nudge.subject, Nudge.period).where(col(Nudge.rule) == _miss_rule(platform))
    ).all():
        if subject in wanted:
            person_id, day = int(subject.partition(":")[2]), date.fromisoformat(period)
            found[person_id] = max(day, found.get(person_id, day))
    return found


def remember_miss(session: Session, platform: str, person_id: int, now: datetime) -> None:
    """``platform`` did not know the person's email today: once, whoever records it."""
    insert_into = (
        postgresql_insert if session.connection().dialect.name == "postgresql" else sqlite_insert
    )
    session.connection().execute(
        insert_into(Nudge.__table__)  # type: ignore[attr-defined]
        .values(
            rule=_miss_rule(platform),
            subject=f"person:{person_id}",
            period=now.date().isoformat(),
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["rule", "subject", "period"])
    )


def outbox_of(session: Session, rule: str, subject: str, period: str) -> int | None:
    """The outbox row of the nudge with this natural key, if it has one."""
    return session.exec(
        select(Nudge.outbox_id).where(
            col(Nudge.rule) == rule, col(Nudge.subject) == subject, col(Nudge.period) == period
        )
    ).first()


@dataclass(frozen=True)
class Roster:
    """What listing a (demo) database's people needs: everyone not erased (by id), the
    cohorts (oldest first), every application, and the active pairings."""

    people: list[Person]
    cohorts: list[Cohort]
    applications: list[Application]
    pairings: list[Pairing]


def roster(session: Session) -> Roster:
    return Roster(
        people=list(
            session.exec(
                select(Person).where(col(Person.erased_at).is_(None)).order_by(col(Person.id))
            ).all()
        ),
        cohorts=list(session.exec(select(Cohort).order_by(col(Cohort.starts_on))).all()),
        applications=list(session.exec(select(Application)).all()),
        pairings=list(
            session.exec(
                select(Pairing).where(col(Pairing.status) == PairingStatus.ACTIVE.value)
            ).all()
        ),
    )
