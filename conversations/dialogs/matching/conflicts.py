"""Conflicts of interest declared in chat: "Dr Jones is my appraiser" (a mentee), "conflict of
interest with Priya Shah" (a mentor), "conflict A-07 mentor2@example.org line management" (the
lead or steering group). Stored as ``ConflictOfInterest`` with who declared it. A mentee or
mentor is told the same thing whether or not the person they named is in the scheme; a conflict
with one's current partner reaches the project lead.
"""

from __future__ import annotations

from conversations.dialogs.base import Context, Turn, say, to_lead_channel
from conversations.dialogs.matching.proposal import REFUSAL
from conversations.dialogs.matching.questions import first
from conversations.intents import Intent
from conversations.language.pairing import conflict_by_reference, conflict_kind, conflict_with
from conversations.messages import Incoming, Text
from storage import matching_queries as mq
from storage import queries
from storage.lead_queries import STEERING_ROLES
from storage.models import Cohort, ConflictKind, Role

KIND_WORDS = {
    ConflictKind.APPRAISER: "appraiser",
    ConflictKind.EDUCATIONAL_SUPERVISOR: "educational supervisor",
    ConflictKind.LINE_MANAGEMENT: "line management",
    ConflictKind.SAME_DEPARTMENT: "same department",
    ConflictKind.OTHER: "other",
}
BY_REFERENCE_EXAMPLE = "*conflict A-07 mentor2@example.org line management*"


def declare_conflict(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    text = intent.rest or msg.text
    steering = ctx.enrolment(*STEERING_ROLES) is not None
    if (by_reference := conflict_by_reference(text)) is not None:
        if steering:
            return _by_reference(ctx, *by_reference)
        return say(
            "Recording a conflict by application reference is for the project lead and the "
            "steering group. To declare your own, tell me who it's with, for example: "
            "*conflict of interest with Sam Lee, my line manager*."
        )
    for role in (Role.MENTEE, Role.MENTOR):
        if ctx.enrolment(role.value) is not None:
            return _own_conflict(ctx, text, role)
    if steering:
        return say(
            "To record a conflict of interest, give the application reference, the mentor and "
            f"the kind, for example: {BY_REFERENCE_EXAMPLE}."
        )
    return say(
        "Conflicts of interest are declared by mentees and mentors of the scheme, or recorded "
        "by the project lead. Please contact your project lead."
    )


def _by_reference(ctx: Context, ref: str, rest: str) -> Turn:
    cohort = mq.steered_cohort(ctx.session, ctx.person_id)
    if cohort is None or cohort.id is None:
        return say(REFUSAL)
    mentee = mq.mentee_by_reference(ctx.session, ctx.person_id, cohort.id, ref)
    if mentee is None or mentee.id is None:
        return say(f"I can't find application {ref} in *{cohort.name}*.")
    kind = ConflictKind(conflict_kind(rest))
    mentor = mq.person_named_first(ctx.session, cohort.id, Role.MENTOR.value, rest)
    if mentor is None or mentor.id is None:
        return say(
            "I can't tell which mentor that is. Give their email or full name, for example: "
            f"{BY_REFERENCE_EXAMPLE}."
        )
    if not mq.add_conflict(
        ctx.session, cohort.id, mentee.id, mentor.id, kind, ctx.person_id, ctx.now
    ):
        return say(f"That conflict ({ref} and {mentor.display_name}) is already recorded.")
    return say(
        f"Recorded: {ref} and {mentor.display_name} must not be matched ({KIND_WORDS[kind]}). "
        "The next *propose matches* keeps them apart."
    )


def _own_conflict(ctx: Context, text: str, role: Role) -> Turn:
    enrolment = ctx.enrolment(role.value)
    assert enrolment is not None
    cohort = enrolment.cohort
    assert cohort.id is not None
    named, kind = conflict_with(text), ConflictKind(conflict_kind(text))
    other = Role.MENTOR if role is Role.MENTEE else Role.MENTEE
    if not named or len(named) > 200:
        return say(
            "Who is the conflict with? Tell me their name and how you know them, for example: "
            f"*conflict of interest with Sam Lee, my line manager* (a {other.value} you must not "
            "be matched with)."
        )
    found = mq.people_named(ctx.session, cohort.id, other.value, named)
    found = [p for p in found if p.id != ctx.person_id]
    how = KIND_WORDS[kind] if kind is not ConflictKind.OTHER else "a conflict of interest"
    one = found[0].id if len(found) == 1 else None
    if role is Role.MENTEE:
        if one is None:
            return say(
                f"I can't find one mentor called “{named}” in *{cohort.name}*. Please use their "
                "full name as shown in the mentor bios (type *choose my mentor* to see them), or "
                "tell the project lead."
            )
        mq.add_conflict(ctx.session, cohort.id, ctx.person_id, one, kind, ctx.person_id, ctx.now)
        reply = (
            f"Thank you: I've recorded a conflict of interest with {found[0].display_name} "
            f"({how}). You won't be matched with them, and the steering group can see it."
        )
        return _with_current_partner(ctx, cohort, reply, ctx.person_id, one, how)
    # A mentor: the same answer whether or not the named person has applied.
    reply = (
        f"Thank you: I've noted a conflict of interest with “{named}” ({how}). You won't be "
        "matched with them; only the steering group sees it."
    )
    if one is not None:
        mq.add_conflict(ctx.session, cohort.id, one, ctx.person_id, kind, ctx.person_id, ctx.now)
        return _with_current_partner(ctx, cohort, reply, one, ctx.person_id, how)
    mq.add_to_own_conflicts(ctx.session, ctx.person_id, named, ctx.now)
    return say(reply)


def _with_current_partner(
    ctx: Context, cohort: Cohort, reply: str, mentee_id: int, mentor_id: int, how: str
) -> Turn:
    """A conflict declared with one's own current partner: the project lead needs to know."""
    current = [
        p
        for p in queries.active_pairings(ctx.session, ctx.person_id)
        if (p.mentee_id, p.mentor_id) == (mentee_id, mentor_id)
    ]
    if not current:
        return say(reply)
    scheme = mq.scheme_of(ctx.session, current[0])
    partner = ctx.name_of(queries.partner_of(current[0], ctx.person_id))
    told = (
        f"{ctx.person.display_name} has declared a conflict of interest ({how}) with their "
        f"current partner, {partner}. Please get in touch with them."
    )
    return say(
        f"{reply} As {first(partner)} is your current partner in the scheme, I've told "
        "the project lead, who will be in touch about what happens next.",
        outgoing=[to_lead_channel(scheme, Text(told))],
    )
