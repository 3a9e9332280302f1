"""The subject access export: everything held about one person (docs/export-format.md).

Every reference to a person (``storage.person_refs.person_columns``) is either exported here or
listed, with its reason, among the document's exclusions; ``tests/test_export.py`` keeps it so.
Third parties' words are left out by the document's redaction rules: above all, a concern
reaches only its raiser's export, and nothing here tells anyone a concern is about them (no
concern alert, no audit row of a concern they did not raise, no named-subject record).

Each section is one query (a few more for names and roles, all batched), whatever the number
of rows, so a large export stays fast (``bench/export.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage import application_queries
from storage import audit as audit_log
from storage.access import _FALLBACK, NAMED, STEERING_ROLES, ConcernAction, concern_access
from storage.models import (
    ActionItem,
    Application,
    AuditLog,
    ChannelIdentity,
    Cohort,
    Concern,
    ConflictOfInterest,
    Contract,
    DialogState,
    DiaryEntry,
    FitCheck,
    MatchProposal,
    Meeting,
    Membership,
    Minutes,
    Nudge,
    Outbox,
    Pairing,
    Person,
    Review,
    Scheme,
    SchemeChange,
    Survey,
    SurveyResponse,
)

# An audit row of a concern (``C7``, ``concern:7``): never shown to anyone but its actor here.
_CONCERN_REF = re.compile(r"^(C\d+|concern:)")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.exec(
        select(Person.id, Person.display_name).where(col(Person.id).in_(wanted))
    ).all()
    return {person_id: name for person_id, name in rows if person_id is not None}


def _steering_roles(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Each person's steering role, by its title (the chair first, then moderator, lead,
    member): how the raiser is told who handled their concern, never by name."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    order = (*_FALLBACK, "steering_member")
    found: dict[int, str] = {}
    rows = session.exec(
        select(Membership.person_id, Membership.role).where(
            col(Membership.person_id).in_(wanted), col(Membership.role).in_(STEERING_ROLES)
        )
    ).all()
    for person_id, role in sorted(rows, key=lambda r: order.index(r[1])):
        found.setdefault(person_id, role)
    return found


def _nudge_about(person_id: int) -> Any:
    """A nudge about the person: ``person:ID`` or ``...>ID`` (``conversations.nudges``)."""
    return or_(
        col(Nudge.subject) == f"person:{person_id}",
        col(Nudge.subject).like(f"%>{person_id}"),
    )


EXPORTED = "export"


def record_export(session: Session, person_id: int, at: datetime, *, surface: str) -> None:
    """Keep in the audit log that the person's data was exported (their next export shows it)."""
    audit_log.record(session, EXPORTED, f"person:{person_id}", at, surface=surface)


def export_person(session: Session, person_id: int) -> dict[str, Any]:
    """Everything held about one person (the subject access export)."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    me = person_id

    pairings = session.exec(
        select(Pairing)
        .where(or_(col(Pairing.mentee_id) == me, col(Pairing.mentor_id) == me))
        .order_by(col(Pairing.started_at), col(Pairing.id))
    ).all()
    pairing_ids = [p.id for p in pairings]
    partner = {p.id: p.mentor_id if p.mentee_id == me else p.mentee_id for p in pairings}

    def of_pairs(model: Any, order: Any) -> list[Any]:
        if not pairing_ids:
            return []
        return list(
            session.exec(
                select(model).where(col(model.pairing_id).in_(pairing_ids)).order_by(order)
            ).all()
        )

    meetings: list[Meeting] = of_pairs(Meeting, col(Meeting.starts_at))
    minutes: list[Minutes] = of_pairs(Minutes, col(Minutes.id))
    actions: list[ActionItem] = of_pairs(ActionItem, col(ActionItem.id))
    contracts: list[Contract] = of_pairs(Contract, col(Contract.id))
    fit_checks = session.exec(
        select(FitCheck).where(FitCheck.person_id == me).order_by(col(FitCheck.id))
    ).all()
    roles = session.exec(
        select(Membership.role, Cohort.name, Scheme.name)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Scheme, col(Scheme.id) == col(Cohort.scheme_id))
        .where(Membership.person_id == me)
        .order_by(col(Cohort.starts_on).desc(), col(Membership.id))
    ).all()
    identities = session.exec(
        select(ChannelIdentity)
        .where(ChannelIdentity.person_id == me)
        .order_by(col(ChannelIdentity.id))
    ).all()
    conflicts = session.exec(
        select(ConflictOfInterest, Cohort.name)
        .join(Cohort, col(Cohort.id) == col(ConflictOfInterest.cohort_id))
        .where(
            or_(
                col(ConflictOfInterest.mentee_id) == me,
                col(ConflictOfInterest.mentor_id) == me,
                col(ConflictOfInterest.declared_by_id) == me,
            )
        )
        .order_by(col(ConflictOfInterest.id))
    ).all()
    diary = session.exec(
        select(DiaryEntry).where(DiaryEntry.author_id == me).order_by(col(DiaryEntry.id))
    ).all()
    responses = session.exec(
        select(SurveyResponse, Survey.title)
        .join(Survey, col(Survey.id) == col(SurveyResponse.survey_id))
        .where(SurveyResponse.person_id == me)
        .order_by(col(SurveyResponse.id))
    ).all()
    reviews_written = session.exec(
        select(Review, Application.reference)
        .join(Application, col(Application.id) == col(Review.application_id))
        .where(Review.reviewer_id == me)
        .order_by(col(Review.id))
    ).all()
    # Proposals naming the person (JSON): filtered in Python, but read in one query.
    proposals = [
        p
        for p in session.exec(select(MatchProposal).order_by(col(MatchProposal.id))).all()
        if any(me in (pair.get("mentee_id"), pair.get("mentor_id")) for pair in p.pairs)
        or any(row.get("mentee_id") == me for row in p.unmatched)
    ]
    # The concerns they raised, by the one rule (``storage.access``): never one about them.
    concerns = [
        c
        for c in session.exec(
            select(Concern).where(Concern.raised_by_id == me).order_by(col(Concern.id))
        ).all()
        if concern_access(session, me, c, ConcernAction.EXPORT)
    ]
    concern_refs = {f"C{c.id}": c for c in concerns}
    handling: dict[str, list[AuditLog]] = {}
    if concern_refs:
        for row in session.exec(
            select(AuditLog)
            .where(col(AuditLog.subject).in_(list(concern_refs)), AuditLog.action != NAMED)
            .order_by(col(AuditLog.at), col(AuditLog.id))
        ).all():
            handling.setdefault(row.subject, []).append(row)
    messages = session.exec(
        select(Outbox).where(Outbox.recipient_id == me).order_by(col(Outbox.id))
    ).all()
    # An outer join: a nudge whose message is gone has no outbox row.
    nudges: list[tuple[Nudge, Outbox | None]] = [
        (n, o)
        for n, o in session.exec(
            select(Nudge, Outbox)
            .join(Outbox, col(Outbox.id) == col(Nudge.outbox_id), isouter=True)
            .where(_nudge_about(me))
            .order_by(col(Nudge.id))
        ).all()
    ]
    drafts = session.exec(
        select(DialogState).where(DialogState.person_id == me).order_by(col(DialogState.id))
    ).all()
    scheme_changes = session.exec(
        select(SchemeChange).where(SchemeChange.recorded_by_id == me).order_by(col(SchemeChange.id))
    ).all()
    # Audit rows by them, or about them (``person:ID``, or their id in the detail), never one
    # of a concern (that could tell them a concern about them exists) unless they raised it.
    audit = [
        row
        for row in session.exec(
            select(AuditLog)
            .where(audit_log.by_or_about(session, me), AuditLog.action != NAMED)
            .order_by(col(AuditLog.at), col(AuditLog.id))
        ).all()
        if row.actor_id == me
        or (not _CONCERN_REF.match(row.subject) and audit_log.names_person(row, me))
    ]

    names = _names(
        session,
        [
            *partner.values(),
            *(m.proposed_by_id for m in meetings),
            *(m.author_id for m in minutes),
            *(c.mentee_id for c, _ in conflicts),
            *(c.mentor_id for c, _ in conflicts),
            *(d.shared_with_id for d in diary),
            *(
                i
                for p in proposals
                for pair in p.pairs
                for i in (pair.get("mentee_id"), pair.get("mentor_id"))
                if isinstance(i, int)
            ),
            *(row.actor_id for row in audit),
        ],
    )
    handlers = _steering_roles(
        session, [row.actor_id for rows in handling.values() for row in rows]
    )
    pair_of_partner = {p.id: names.get(partner[p.id]) for p in pairings}

    names[me] = person.display_name

    def who(person: int | None) -> str | None:
        return names.get(person) if person is not None else None

    return {
        "person": {
            "email": person.email,
            "name": person.display_name,
            "time_zone": person.time_zone,
            "created_at": _iso(person.created_at),
            "last_active_at": _iso(person.last_active_at),
            "paused_until": _iso(person.paused_until),
            "pause_starts_at": _iso(person.pause_starts_at),
        },
        "roles": [
            {"role": role, "cohort": cohort, "scheme": scheme} for role, cohort, scheme in roles
        ],
        "pairings": [
            {
                "role": "mentee" if p.mentee_id == me else "mentor",
                "partner": pair_of_partner[p.id],
                "status": p.status,
                "started_at": _iso(p.started_at),
                "ended_at": _iso(p.ended_at),
                "end_reason": p.end_reason,
            }
            for p in pairings
        ],
        "meetings": [
            {
                "starts_at": _iso(m.starts_at),
                "duration_minutes": m.duration_minutes,
                "mode": m.mode,
                "agenda": m.agenda,
                "status": m.status,
                "location": m.location,
                "proposed_by": who(m.proposed_by_id),
                "decline_reason": m.decline_reason,
            }
            for m in meetings
        ],
        "minutes": [
            {
                "held_on": m.held_on.isoformat(),
                "written_by": who(m.author_id),
                "discussion": m.discussion,
                "decisions": m.decisions,
            }
            for m in minutes
        ],
        "actions": [
            {
                "text": a.text,
                "owner": a.owner_name,
                "due": _iso(a.due),
                "done": a.done_at is not None,
            }
            for a in actions
        ],
        "diary": [
            {
                "written_on": d.written_on.isoformat(),
                "text": d.text,
                "what_happened": d.what_happened,
                "so_what": d.so_what,
                "now_what": d.now_what,
                "shared_with": names.get(d.shared_with_id) if d.shared_with_id else None,
                "shared_at": _iso(d.shared_at),
            }
            for d in diary
        ],
        "survey_responses": [
            {
                "survey": title,
                "answers": r.answers,
                "follow_up_requested": r.follow_up_requested,
                "submitted_at": _iso(r.submitted_at),
            }
            for r, title in responses
        ],
        "concerns": [
            {
                "category": c.category,
                "text": c.text,
                "urgent": c.urgent,
                "status": c.status,
                "raised_at": _iso(c.created_at),
                "acknowledged_at": _iso(c.acknowledged_at),
                "snoozed_until": _iso(c.snoozed_until),
                "escalated_at": _iso(c.escalated_at),
                "resolved_at": _iso(c.resolved_at),
                "handling": [
                    {
                        "action": row.action,
                        "at": _iso(row.at),
                        "by": handlers.get(row.actor_id) if row.actor_id else None,
                    }
                    for row in handling.get(f"C{c.id}", [])
                ],
            }
            for c in concerns
        ],
        "messages": [
            {
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "status": m.status,
                "parts": m.parts,
            }
            for m in messages
        ],
        "applications": application_queries.export_applications(session, me),
        "mentor_profile": application_queries.export_mentor_profile(session, me),
        "contracts": [
            {
                "terms": c.terms,
                "deadline": _iso(c.deadline),
                "mentee_signed": {"name": c.mentee_signed_name, "at": _iso(c.mentee_signed_at)},
                "mentor_signed": {"name": c.mentor_signed_name, "at": _iso(c.mentor_signed_at)},
            }
            for c in contracts
        ],
        "identities": [
            {
                "platform": i.platform,
                "tenant": i.tenant,
                "user_id": i.user_id,
                "address": i.address,
                "created_at": _iso(i.created_at),
            }
            for i in identities
        ],
        "fit_checks": [
            {
                "partner": pair_of_partner.get(f.pairing_id),
                "answer": f.answer,
                "at": _iso(f.answered_at),
            }
            for f in fit_checks
        ],
        "conflicts": [
            {
                "cohort": cohort,
                "mentee": who(c.mentee_id),
                "mentor": who(c.mentor_id),
                "kind": c.kind,
                "declared_by_you": c.declared_by_id == me,
                "created_at": _iso(c.created_at),
            }
            for c, cohort in conflicts
        ],
        "reviews": [
            {
                "application": reference,
                "stage": r.stage,
                "verdict": r.verdict,
                "reason": r.reason,
                "created_at": _iso(r.created_at),
                "updated_at": _iso(r.updated_at),
            }
            for r, reference in reviews_written
        ],
        "matching": [
            {
                "status": p.status,
                "proposed_at": _iso(p.created_at),
                "decided_at": _iso(p.decided_at),
                "pairs": [
                    {
                        "mentee": who(pair.get("mentee_id")),
                        "mentor": who(pair.get("mentor_id")),
                        "rank": pair.get("rank"),
                    }
                    for pair in p.pairs
                    if me in (pair.get("mentee_id"), pair.get("mentor_id"))
                ],
                "unmatched": [
                    row.get("reason") for row in p.unmatched if row.get("mentee_id") == me
                ],
            }
            for p in proposals
        ],
        "nudges": [
            {
                "rule": n.rule,
                "period": n.period,
                "created_at": _iso(n.created_at),
                "to": None if o is None else "you" if o.recipient_id == me else o.channel,
            }
            for n, o in nudges
        ],
        "lead_alerts": [
            {
                "rule": n.rule,
                "created_at": _iso(o.created_at),
                "sent_at": _iso(o.sent_at),
                "status": o.status,
                "parts": o.parts,
            }
            for n, o in nudges
            if o is not None and o.channel is not None and o.concern_id is None
        ],
        "drafts": [
            {
                "conversation": d.conversation,
                "dialog": d.dialog,
                "state": d.state,
                "history": d.history,
                "updated_at": _iso(d.updated_at),
            }
            for d in drafts
        ],
        "scheme_changes": [
            {"text": s.text, "recorded_at": _iso(s.created_at)} for s in scheme_changes
        ],
        "audit": [
            {
                "at": _iso(row.at),
                "action": row.action,
                "subject": row.subject,
                "by": who(row.actor_id),
                # What they did is theirs; what others did about them, without others' notes.
                "detail": row.detail if row.actor_id == me else None,
            }
            for row in audit
        ],
    }
