"""The outbox as a work queue: claim due rows, route them, record what happened.

- :func:`claim`: due, deliverable rows in priority order (urgent concerns first), locked with
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and leased to one worker for a while;
- :func:`routes`: where each claimed row goes (platform and stored address);
- :func:`record_sent`, :func:`record_failure`, :func:`release`: the outcome, written only while
  the row is still claimed by the worker that sends it;
- :func:`dead_letters`: what could not be delivered, for the scheme's lead;
- the urgent lane (:func:`in_urgent_lane`): an urgent concern's lead-channel alert, and the
  second-route messages sent when that channel cannot take it, are never dead;
  :func:`urgent_undelivered` finds alerts still waiting and :func:`claim_second_route` records,
  once per concern, that one went by a second route (``conversations.urgent``).
- :func:`drop_obsolete`: nudges that no longer apply when they fall due (a contract reminder
  after signing, a meeting reminder for a moved meeting) are marked ``obsolete``, never sent.
  :func:`claim` runs it on what it claims, so every channel's deliverer drops them, and the
  console inbox (:func:`due_for_console`) does the same.
- :func:`take_for_console`: what a console shows is marked sent row by row with an ``UPDATE``
  that re-checks it is still pending, so two consoles never both show a row.

Routing. A row for a person goes to the person's newest channel identity on the first of the
deliverer's platforms they have (never ``console``). A row for a scheme channel goes to
``scheme.settings["channels"][<channel>]``, e.g. ``{"platform": "webhook", "url": "https://..."}``,
unless the row carries its own ``address`` (a notice to a lead channel's old route). A reply's
``address`` names a place within the person's chat (``{"platform", "thread"}``: the thread they
wrote in), used when the person is reached on that platform.
A row with neither stays pending for the console (``mentorbot inbox``/``chat``): it is never
claimed, so it neither churns nor dies (an urgent concern's alert in that state is found by
:func:`urgent_undelivered` and goes by the second route as well).

Email (``bot/channels/email.py``), when the deliverer has an ``email`` sender (SMTP is set up).
:func:`by_email` is the one rule: a person goes by email when they have neither a Slack nor a
Teams identity (:data:`CHAT_PLATFORMS`), whichever platforms this process sends on. A row for a
person that carries ``{"platform": "email"}`` as its address goes by email even when they are in
a chat (an urgent concern's second route to the lead and chair). Either way the route's address
is made here from the person (``{"platform": "email", "to", "name", "chat"}``, ``chat`` naming
where they can answer, or ``None``): no email address is copied into the outbox.

Claims are two steps in one transaction: select the ids (``SKIP LOCKED`` makes concurrent
workers take disjoint rows on PostgreSQL), then lease them with an ``UPDATE`` that re-checks the
row is still pending and free. SQLite ignores ``FOR UPDATE``; the re-check in the ``UPDATE`` still
keeps two claimers apart, since SQLite runs one write at a time.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage import nudge_queries
from storage.models import (
    ChannelIdentity,
    Cohort,
    Concern,
    Inbox,
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Scheme,
    SecondRoute,
)

CONSOLE = "console"
EMAIL = "email"
# The platforms a person can chat with the bot on: someone on none of them is reached by email.
CHAT_PLATFORMS = ("slack", "teams")
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
# The priority of an urgent concern's alert (others: 1 concerns, 5 messages, 7 nudges).
URGENT_PRIORITY = 0
# An urgent alert is retried at least this often, so the lead channel gets it soon after it
# works again (a Retry-After from the platform is still obeyed).
URGENT_BACKOFF_CAP = timedelta(minutes=2)
_ERROR_CHARS = 500


@dataclass(frozen=True)
class Route:
    """Where one row goes: the platform (picks the sender) and its stored address."""

    platform: str
    address: dict[str, Any]


@dataclass(frozen=True)
class DeadLetter:
    """An undeliverable message as the lead sees it: who, what (the preview, never private
    content), how often it was tried and the last error."""

    id: int
    recipient: str | None
    channel: str | None
    kind: str
    preview: str
    attempts: int
    last_error: str | None
    created_at: datetime
    recipient_id: int | None = None
    concern_id: int | None = None


def _channel_routes(session: Session, platforms: Collection[str]) -> dict[tuple[int, str], Route]:
    """The scheme channels that have an address on one of ``platforms``."""
    found: dict[tuple[int, str], Route] = {}
    for scheme_id, channels in session.exec(
        select(Scheme.id, col(Scheme.settings)["channels"])
    ).all():
        if scheme_id is None or not isinstance(channels, dict):
            continue
        for name, address in channels.items():
            if not isinstance(address, dict):
                continue
            platform = address.get("platform")
            if isinstance(platform, str) and platform in platforms and platform != CONSOLE:
                found[(scheme_id, str(name))] = Route(platform, dict(address))
    return found


def _deliverable(session: Session, platforms: Collection[str]) -> ColumnElement[bool]:
    """Rows that some platform in ``platforms`` can reach (see the module's routing notes)."""
    usable = [p for p in platforms if p != CONSOLE]
    if not usable:
        return false()
    asks_for_email = func.coalesce(col(Outbox.address)["platform"].as_string(), "") == EMAIL
    to_person = and_(
        col(Outbox.recipient_id).is_not(None),
        ~asks_for_email,  # only the email route takes it (``own_route``, when it is usable)
        exists().where(
            col(ChannelIdentity.person_id) == col(Outbox.recipient_id),
            col(ChannelIdentity.platform).in_(usable),
        ),
    )
    by_scheme: dict[int, list[str]] = {}
    for scheme_id, name in _channel_routes(session, usable):
        by_scheme.setdefault(scheme_id, []).append(name)
    to_channel = [
        and_(
            col(Outbox.scheme_id) == scheme_id,
            col(Outbox.channel).in_(names),
            col(Outbox.address).is_(None),
        )
        for scheme_id, names in by_scheme.items()
    ]
    own_route = and_(
        # A person's row with an address is theirs to claim only when it asks for email; a
        # thread a reply names is found through their identity (``to_person``).
        or_(col(Outbox.recipient_id).is_(None), asks_for_email),
        col(Outbox.address).is_not(None),
        col(Outbox.address)["platform"].as_string().in_(usable),
    )
    by_mail = [_email_only(col(Outbox.recipient_id))] if EMAIL in usable else []
    return or_(to_person, own_route, *to_channel, *by_mail)


def _email_only(person_id: Any) -> ColumnElement[bool]:
    """``person_id`` is a person, not erased, with neither a Slack nor a Teams identity."""
    return and_(
        person_id.is_not(None),
        exists().where(col(Person.id) == person_id, col(Person.erased_at).is_(None)),
        ~exists().where(
            col(ChannelIdentity.person_id) == person_id,
            col(ChannelIdentity.platform).in_(CHAT_PLATFORMS),
        ),
    )


def by_email(session: Session, person_ids: Collection[int]) -> dict[int, str | None]:
    """How each person is reached by email when email is set up: ``None`` when they go by
    email (no Slack or Teams identity), else the chat platform they answer on (Slack first).
    The one place that decides who goes by email (see the module's routing notes); people not
    found, or erased, are left out."""
    if not person_ids:
        return {}
    chats: dict[int, set[str]] = {}
    for person_id, platform in session.exec(
        select(ChannelIdentity.person_id, ChannelIdentity.platform).where(
            col(ChannelIdentity.person_id).in_(person_ids),
            col(ChannelIdentity.platform).in_(CHAT_PLATFORMS),
        )
    ).all():
        chats.setdefault(person_id, set()).add(platform)
    alive = session.exec(
        select(Person.id).where(col(Person.id).in_(person_ids), col(Person.erased_at).is_(None))
    ).all()
    return {
        person_id: next((p for p in CHAT_PLATFORMS if p in chats.get(person_id, ())), None)
        for person_id in alive
        if person_id is not None
    }


def _email_routes(session: Session, person_ids: Collection[int]) -> dict[int, Route]:
    """The email route of each person (see :func:`by_email`)."""
    chat = by_email(session, person_ids)
    found: dict[int, Route] = {}
    for person in session.exec(select(Person).where(col(Person.id).in_(list(chat)))).all():
        if person.id is not None and person.email:
            address = {
                "platform": EMAIL,
                "to": person.email,
                "name": person.display_name,
                "chat": chat[person.id],
            }
            found[person.id] = Route(EMAIL, address)
    return found


def deliverable(session: Session, platforms: Collection[str]) -> ColumnElement[bool]:
    """Outbox rows that some platform in ``platforms`` can reach."""
    return _deliverable(session, platforms)


Leased = TypeVar("Leased", Outbox, Inbox)


def lease_free(model: type[Outbox] | type[Inbox], now: datetime) -> ColumnElement[bool]:
    """Rows of ``model`` (the outbox or the inbox) that no live lease holds at ``now``."""
    return or_(col(model.lease_until).is_(None), col(model.lease_until) < now)


def lease_rows(
    session: Session,
    model: type[Leased],
    ids: Sequence[int | None],
    worker: str,
    now: datetime,
    lease: timedelta,
    order: Sequence[Any],
) -> list[Leased]:
    """Lease the rows ``ids`` of ``model`` that are still pending and free to ``worker`` until
    ``now + lease``, re-checked in the ``UPDATE`` (another worker may have taken some since they
    were selected); return the rows it got, in ``order``."""
    until = now + lease
    session.exec(
        update(model)
        .where(
            col(model.id).in_(ids),
            col(model.status) == OutboxStatus.PENDING.value,
            lease_free(model, now),
        )
        .values(claimed_by=worker, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return list(
        session.exec(
            select(model)
            .where(
                col(model.id).in_(ids),
                col(model.claimed_by) == worker,
                col(model.lease_until) == until,
            )
            .order_by(*order)
            .execution_options(populate_existing=True)
        ).all()
    )


def claim(
    session: Session,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    *,
    platforms: Collection[str],
) -> list[Outbox]:
    """Lease up to ``limit`` due rows that ``platforms`` can deliver to ``worker`` until
    ``now + lease``, most urgent first (priority, then due time, then id)."""
    order = (col(Outbox.priority), col(Outbox.next_attempt_at), col(Outbox.id))
    ids = session.exec(
        select(Outbox.id)
        .where(
            col(Outbox.status) == OutboxStatus.PENDING.value,
            col(Outbox.next_attempt_at) <= now,
            lease_free(Outbox, now),
            _deliverable(session, platforms),
        )
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Outbox)
    ).all()
    if not ids:
        return []
    claimed = lease_rows(session, Outbox, ids, worker, now, lease, order)
    return drop_obsolete(session, claimed, now)


# An alert coming back to the lead channel when its snooze ends.
SNOOZE_RETURN = "snooze_return"


def drop_obsolete(session: Session, rows: Sequence[Outbox], now: datetime) -> list[Outbox]:
    """Mark the rows that no longer apply ``obsolete``, with why in ``last_error``; return the
    others, in order. They are nudges no longer applying (``storage.nudge_queries.obsolete``)
    and snoozed alerts coming back for a concern resolved meanwhile."""
    why = nudge_queries.obsolete(
        session, [row.id for row in rows if row.kind == "nudge" and row.id], now
    )
    for row in rows:
        if row.kind == SNOOZE_RETURN and row.id is not None and row.concern_id is not None:
            concern = session.get(Concern, row.concern_id)
            if concern is not None and concern.resolved_at is not None:
                why[row.id] = "the concern was resolved"
    kept: list[Outbox] = []
    for row in rows:
        reason = why.get(row.id or 0)
        if reason is None:
            kept.append(row)
            continue
        row.status = OutboxStatus.OBSOLETE.value
        row.last_error = f"obsolete: {reason}"
        row.claimed_by = None
        row.lease_until = None
        session.add(row)
    session.flush()
    return kept


def due_for_console(
    session: Session,
    now: datetime,
    *,
    recipient_id: int | None = None,
    channel: str | None = None,
    scheme_id: int | None = None,
) -> list[Outbox]:
    """What the console shows one person (or one scheme channel, of one scheme when
    ``scheme_id`` is given) now: pending rows that are due (a nudge moved to Monday waits until
    Monday), without the obsolete ones, oldest first."""
    query = select(Outbox).where(
        col(Outbox.status) == OutboxStatus.PENDING.value, col(Outbox.next_attempt_at) <= now
    )
    if recipient_id is not None:
        query = query.where(col(Outbox.recipient_id) == recipient_id)
    elif channel is not None:
        query = query.where(col(Outbox.channel) == channel)
        if scheme_id is not None:
            query = query.where(col(Outbox.scheme_id) == scheme_id)
    else:
        raise ValueError("due_for_console needs a recipient or a channel")
    return drop_obsolete(session, session.exec(query.order_by(col(Outbox.id))).all(), now)


def channel_sent_since(
    session: Session, channel: str, scheme_id: int, since: datetime
) -> list[Outbox]:
    """A scheme channel's messages already taken (by another console reader, or ``mentorbot
    inbox --channel``) since ``since``, oldest first: a channel is read by each of its members."""
    return list(
        session.exec(
            select(Outbox)
            .where(
                col(Outbox.channel) == channel,
                col(Outbox.scheme_id) == scheme_id,
                col(Outbox.status) == OutboxStatus.SENT.value,
                col(Outbox.sent_at) >= since,
            )
            .order_by(col(Outbox.id))
        ).all()
    )


def take_for_console(session: Session, rows: Sequence[Outbox], now: datetime) -> list[Outbox]:
    """Mark ``rows`` sent, each only if it is still pending and no deliverer holds it, and return
    the ones this call marked, in order: the console shows only those. Two consoles open for the
    same person (or a console and a deliverer) may have selected the same rows; the ``UPDATE``
    re-checks each, so each row is shown once (on SQLite writes run one at a time; on PostgreSQL
    the second ``UPDATE`` waits for the first and then finds the row sent)."""
    taken: list[int] = []
    for row in rows:
        if row.id is None:
            continue
        result = session.exec(
            update(Outbox)
            .where(
                col(Outbox.id) == row.id,
                col(Outbox.status) == OutboxStatus.PENDING.value,
                lease_free(Outbox, now),
            )
            .values(status=OutboxStatus.SENT.value, sent_at=now, attempts=col(Outbox.attempts) + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            taken.append(row.id)
    if not taken:
        return []
    return list(
        session.exec(
            select(Outbox)
            .where(col(Outbox.id).in_(taken))
            .order_by(col(Outbox.id))
            .execution_options(populate_existing=True)
        ).all()
    )


def routes(session: Session, rows: Sequence[Outbox], platforms: Sequence[str]) -> dict[int, Route]:
    """The route of each row that has one, by row id. ``platforms`` is in order of preference:
    a person on two platforms is reached on the first; on one platform, at their newest identity."""
    usable = [p for p in platforms if p != CONSOLE]
    found: dict[int, Route] = {}
    people = {row.recipient_id for row in rows if row.recipient_id is not None}
    best: dict[int, ChannelIdentity] = {}
    if people and usable:
        rank = {platform: n for n, platform in enumerate(usable)}
        for identity in session.exec(
            select(ChannelIdentity)
            .where(
                col(ChannelIdentity.person_id).in_(people),
                col(ChannelIdentity.platform).in_(usable),
            )
            .order_by(col(ChannelIdentity.id).desc())
        ).all():
            known = best.get(identity.person_id)
            if known is None or rank[identity.platform] < rank[known.platform]:
                best[identity.person_id] = identity
    channels = _channel_routes(session, usable) if any(r.channel for r in rows) else {}
    mail: dict[int, Route] = {}
    if EMAIL in usable:
        wanted = {
            r.recipient_id
            for r in rows
            if r.recipient_id is not None and (r.recipient_id not in best or _by_mail(r))
        }
        mail = _email_routes(session, wanted)
    for row in rows:
        assert row.id is not None
        if row.recipient_id is not None and _by_mail(row):
            if row.recipient_id in mail:
                found[row.id] = mail[row.recipient_id]
        elif row.recipient_id is not None and row.recipient_id in best:
            identity = best[row.recipient_id]
            found[row.id] = Route(identity.platform, _within(identity, row.address))
        elif row.address is not None:
            platform = row.address.get("platform")
            if isinstance(platform, str) and platform in usable:
                found[row.id] = Route(platform, dict(row.address))
        elif row.channel is not None and row.scheme_id is not None:
            route = channels.get((row.scheme_id, row.channel))
            if route is not None:
                found[row.id] = route
        elif row.recipient_id is not None:
            route = mail.get(row.recipient_id)
            if route is not None and route.address["chat"] is None:
                found[row.id] = route
    return found


def _within(identity: ChannelIdentity, within: dict[str, Any] | None) -> dict[str, Any]:
    """The person's address, with the place in their chat a reply row names (a thread) when
    the row is reaching them on the platform it was written for."""
    address = dict(identity.address)
    if within and within.get("platform") == identity.platform:
        address.update({k: v for k, v in within.items() if k != "platform"})
    return address


def _by_mail(row: Outbox) -> bool:
    """A row for a person that asks for email whatever chat they are in."""
    return row.address is not None and row.address.get("platform") == EMAIL


def record_sent(session: Session, row_id: int, worker: str, now: datetime, message_id: str) -> bool:
    """Mark the row sent with the platform's message id, if ``worker`` still holds it."""
    result = session.exec(
        update(Outbox)
        .where(
            col(Outbox.id) == row_id,
            col(Outbox.claimed_by) == worker,
            col(Outbox.status) == OutboxStatus.PENDING.value,
        )
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=now,
            platform_message_id=message_id[:256],
            attempts=col(Outbox.attempts) + 1,
            claimed_by=None,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def in_urgent_lane(row: Outbox) -> bool:
    """An urgent concern's alert to a scheme channel, or its second-route message to the lead
    or chair (``conversations.urgent``): retried until delivered, never dead."""
    return row.concern_id is not None and row.priority <= URGENT_PRIORITY


def is_urgent_alert(row: Outbox) -> bool:
    """An urgent concern's alert to a scheme channel (the lead channel), not its second route."""
    return in_urgent_lane(row) and row.channel is not None


def backoff(
    attempts: int,
    rng: random.Random | None = None,
    *,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
) -> timedelta:
    """The wait after the ``attempts``-th failure: ``base`` (30 s) doubling per attempt, capped
    at ``cap`` (1 h), with "equal jitter" (a random point in the upper half). The upper half
    means the wait never shrinks from one attempt to the next, while workers that failed
    together spread out."""
    ceiling: timedelta = min(cap, base * 2 ** max(attempts - 1, 0))
    fraction = 0.5 + 0.5 * (rng or random).random()
    return ceiling * fraction


def record_failure(
    session: Session,
    row_id: int,
    worker: str,
    now: datetime,
    error: str,
    retry_after: float | None,
    permanent: bool,
    max_attempts: int,
    *,
    rng: random.Random | None = None,
) -> Outbox | None:
    """Count a failed attempt. The row dies (``dead``, with the error) when the failure is
    permanent or this was attempt ``max_attempts``; otherwise it waits ``retry_after`` seconds
    when the platform said so, else :func:`backoff`. A row in the urgent lane never dies: it
    waits at most :data:`URGENT_BACKOFF_CAP` and is tried again, until it is delivered. Returns
    the row, or ``None`` when ``worker`` no longer holds it (its lease ran out and another
    worker took it)."""
    row = session.exec(
        select(Outbox)
        .where(
            col(Outbox.id) == row_id,
            col(Outbox.claimed_by) == worker,
            col(Outbox.status) == OutboxStatus.PENDING.value,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    row.attempts += 1
    row.last_error = error[:_ERROR_CHARS]
    row.claimed_by = None
    row.lease_until = None
    urgent = in_urgent_lane(row)
    if not urgent and (permanent or row.attempts >= max_attempts):
        row.status = OutboxStatus.DEAD.value
    elif retry_after is not None:
        row.next_attempt_at = now + timedelta(seconds=retry_after)
    else:
        row.next_attempt_at = now + backoff(
            row.attempts, rng, cap=URGENT_BACKOFF_CAP if urgent else BACKOFF_CAP
        )
    session.add(row)
    session.flush()
    return row


def release(
    session: Session,
    row_ids: Collection[int],
    worker: str,
    not_before: datetime | None = None,
) -> int:
    """Give rows back unsent (no attempt counted), optionally not due before ``not_before``.
    Returns how many ``worker`` still held."""
    if not row_ids:
        return 0
    values: dict[str, Any] = {"claimed_by": None, "lease_until": None}
    if not_before is not None:
        values["next_attempt_at"] = not_before
    result = session.exec(
        update(Outbox)
        .where(
            col(Outbox.id).in_(row_ids),
            col(Outbox.claimed_by) == worker,
            col(Outbox.status) == OutboxStatus.PENDING.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def release_held(session: Session, worker: str) -> int:
    """Give back every pending row ``worker`` holds (a deliverer stopping); how many."""
    result = session.exec(
        update(Outbox)
        .where(
            col(Outbox.claimed_by) == worker,
            col(Outbox.status) == OutboxStatus.PENDING.value,
        )
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def dead_letters(
    session: Session,
    scheme_id: int,
    limit: int = 100,
    cohort_ids: Collection[int] | None = None,
) -> list[DeadLetter]:
    """Messages of one scheme that could not be delivered, newest first: those written for the
    scheme, and those without a scheme (replies) to people enrolled in it. With ``cohort_ids``
    (what a steering member reaches): only those to people of these cohorts, and the scheme's
    channel messages only when they are all of the scheme's cohorts."""
    members = (
        select(Membership.person_id)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(col(Cohort.scheme_id) == scheme_id)
    )
    whole_scheme = True
    if cohort_ids is not None:
        members = members.where(col(Membership.cohort_id).in_(list(cohort_ids)))
        every = session.exec(select(Cohort.id).where(Cohort.scheme_id == scheme_id)).all()
        whole_scheme = set(every) <= set(cohort_ids)
    to_people = col(Outbox.recipient_id).in_(members)
    rows = session.exec(
        select(Outbox, Person.display_name)
        .outerjoin(Person, col(Person.id) == col(Outbox.recipient_id))
        .where(
            col(Outbox.status) == OutboxStatus.DEAD.value,
            or_(
                and_(col(Outbox.scheme_id) == scheme_id, to_people)
                if not whole_scheme
                else col(Outbox.scheme_id) == scheme_id,
                and_(col(Outbox.scheme_id).is_(None), to_people),
            ),
        )
        .order_by(col(Outbox.id).desc())
        .limit(limit)
    ).all()
    return [
        DeadLetter(
            id=row.id,
            recipient=name,
            channel=row.channel,
            kind=row.kind,
            preview=row.preview,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            recipient_id=row.recipient_id,
            concern_id=row.concern_id,
        )
        for row, name in rows
        if row.id is not None
    ]


def last_reply_at(session: Session, person_id: int) -> datetime | None:
    """When ``person_id`` was last answered in their own chat (the newest reply row)."""
    return session.exec(
        select(func.max(Outbox.created_at)).where(
            Outbox.recipient_id == person_id, Outbox.kind == "reply"
        )
    ).one()


def pending_count(session: Session) -> int:
    """How many messages are still waiting (for a console inbox, or to go out later)."""
    query = (
        select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.PENDING.value)
    )
    return int(session.exec(query).one())


def send_now(session: Session, row_ids: Collection[int], now: datetime) -> None:
    """Make pending rows due at once (a reply that must go to a direct chat instead of being
    shown where it was asked)."""
    if not row_ids:
        return
    session.exec(
        update(Outbox)
        .where(col(Outbox.id).in_(row_ids), col(Outbox.status) == OutboxStatus.PENDING.value)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


def record_possibly_sent(
    session: Session, row_ids: Collection[int], now: datetime, note: str
) -> None:
    """Pending rows whose send may have reached the person despite an error: never sent again,
    but kept with the failed messages (``dead``) with ``note``, for a person to check."""
    if not row_ids:
        return
    session.exec(
        update(Outbox)
        .where(col(Outbox.id).in_(row_ids), col(Outbox.status) == OutboxStatus.PENDING.value)
        .values(
            status=OutboxStatus.DEAD.value,
            last_error=note[:_ERROR_CHARS],
            attempts=col(Outbox.attempts) + 1,
            next_attempt_at=now,
            claimed_by=None,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )


def set_scheme_channel(
    session: Session, scheme: Scheme, address: dict[str, Any], now: datetime | None = None
) -> None:
    """Deliver the scheme's lead channel to ``address`` from now on. Urgent alerts still
    waiting for it (after failures) are due at once when ``now`` is given. (A choice made in
    chat goes through ``conversations.lead_route``, which checks who may and records it.)"""
    settings = dict(scheme.settings or {})
    channels = dict(settings.get("channels") or {})
    channels[scheme.lead_channel] = address
    settings["channels"] = channels
    scheme.settings = settings
    session.add(scheme)
    if now is not None and scheme.id is not None:
        session.exec(
            update(Outbox)
            .where(
                col(Outbox.scheme_id) == scheme.id,
                col(Outbox.channel) == scheme.lead_channel,
                col(Outbox.status) == OutboxStatus.PENDING.value,
                col(Outbox.priority) <= URGENT_PRIORITY,
                col(Outbox.next_attempt_at) > now,
            )
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )


def _urgent_alerts() -> ColumnElement[bool]:
    return and_(
        col(Outbox.concern_id).is_not(None),
        col(Outbox.channel).is_not(None),
        col(Outbox.priority) <= URGENT_PRIORITY,
    )


@dataclass(frozen=True)
class Undelivered:
    """An urgent alert still waiting, whose concern has not gone by a second route yet.
    ``route`` is ``None`` when none of the deliverer's platforms can reach its channel."""

    outbox_id: int
    concern_id: int
    scheme_id: int | None
    channel: str
    created_at: datetime
    attempts: int
    last_error: str | None
    route: Route | None


def urgent_undelivered(
    session: Session, platforms: Sequence[str], limit: int = 100
) -> list[Undelivered]:
    """Urgent alerts still pending whose concern has no second route yet, oldest first (few:
    normally none). Each comes with its route on ``platforms``, if it has one."""
    rows = list(
        session.exec(
            select(Outbox)
            .where(
                col(Outbox.status) == OutboxStatus.PENDING.value,
                _urgent_alerts(),
                ~exists().where(col(SecondRoute.concern_id) == col(Outbox.concern_id)),
            )
            .order_by(col(Outbox.id))
            .limit(limit)
        ).all()
    )
    found = routes(session, rows, platforms)
    return [
        Undelivered(
            outbox_id=row.id,
            concern_id=row.concern_id,
            scheme_id=row.scheme_id,
            channel=row.channel,
            created_at=row.created_at,
            attempts=row.attempts,
            last_error=row.last_error,
            route=found.get(row.id),
        )
        for row in rows
        if row.id is not None and row.concern_id is not None and row.channel is not None
    ]


def claim_second_route(
    session: Session, concern_id: int, outbox_id: int | None, reason: str, now: datetime
) -> bool:
    """Record that the concern's alert goes by a second route. ``False`` when it already has:
    the unique key on the concern makes this true once, however many workers race for it."""
    dialect = session.connection().dialect.name
    insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_into(SecondRoute.__table__)  # type: ignore[attr-defined]
        .values(
            concern_id=concern_id,
            outbox_id=outbox_id,
            reason=reason[:_ERROR_CHARS],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["concern_id"])
        .returning(col(SecondRoute.id))
    )
    return session.connection().execute(statement).first() is not None
