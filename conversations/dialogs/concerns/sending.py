"""Sending a concern: the one path that saves a ``Concern`` and writes its lead-channel alert.

``send`` is taken by the concern dialog and by the safety check other dialogs run
(``raise_concern``). The lead channel gets a reference, the category, the urgency and the
cohort: never the text, never who raised it. ``Handling`` says truly who reads a concern and
who picks it up (nobody in the pairing it is about, nor its raiser). A relationship breakdown
may end the pairing as a no-fault exit: the partner is told only that it has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from conversations.dialogs.base import Context, Outgoing, Turn, to_lead_channel
from conversations.dialogs.lead import concern_alert
from conversations.dialogs.matching import choose_again_question, may_choose_again
from conversations.dialogs.matching.questions import first
from conversations.messages import Part, Text
from conversations.self_harm import SELF_HARM_HELP, about_self_harm
from storage import access, lead_queries, queries
from storage.models import Cohort, Concern, Pairing, PairingStatus, Role, Scheme

# Told to everyone raising an urgent concern; a scheme may word it (``immediate_danger``).
IMMEDIATE_DANGER = (
    "If someone is in immediate danger, call 999 now. For urgent medical help that isn't an "
    "emergency, call NHS 111 or go to 111.nhs.uk."
)


class Category(StrEnum):
    DIFFICULTY = "relationship_difficulty"
    BREAKDOWN = "relationship_breakdown"
    NOT_RESPONDING = "not_responding"
    CIRCUMSTANCES = "circumstances"
    SAFETY = "safety"
    OTHER = "other"
    # Offered last, so the numbers people type for the others stay as they were.
    BULLYING = "bullying"


# What the person picks from (numbered in this order), and what the lead channel reads.
CHOICE_LABELS = {
    Category.DIFFICULTY: "A difficulty in our mentoring relationship",
    Category.BREAKDOWN: "Relationship breakdown / no-fault exit",
    Category.NOT_RESPONDING: "My partner isn't responding",
    Category.CIRCUMSTANCES: "Change of circumstances or a long absence",
    Category.SAFETY: "Safety: patient safety, safeguarding or fitness to practise",
    Category.OTHER: "Something else",
    Category.BULLYING: "Bullying, harassment or discrimination",
}
LEAD_LABELS = {
    Category.DIFFICULTY: "relationship difficulty",
    Category.BREAKDOWN: "relationship breakdown / no-fault exit",
    Category.NOT_RESPONDING: "partner not responding",
    Category.CIRCUMSTANCES: "change of circumstances / long absence",
    Category.SAFETY: "safety (patient safety, safeguarding, fitness to practise)",
    Category.OTHER: "other",
    Category.BULLYING: "bullying, harassment or discrimination",
}


def concern_ref(concern_id: int) -> str:
    return f"C{concern_id}"


def danger(ctx: Context) -> str:
    return ctx.settings().immediate_danger or IMMEDIATE_DANGER


def only_pairing(ctx: Context) -> int | None:
    """The person's one active pairing (None with none, or with several)."""
    pairings = queries.active_pairings(ctx.session, ctx.person_id)
    return pairings[0].id if len(pairings) == 1 else None


def pairing_of(ctx: Context, pairing_id: int | None) -> Pairing | None:
    """The pairing a concern is about, when the person is in it."""
    pairing = ctx.session.get(Pairing, pairing_id) if pairing_id is not None else None
    if pairing is None or ctx.person_id not in (pairing.mentee_id, pairing.mentor_id):
        return None
    return pairing


def partner_name(ctx: Context, pairing_id: int | None) -> str | None:
    pairing = pairing_of(ctx, pairing_id)
    return ctx.name_of(queries.partner_of(pairing, ctx.person_id)) if pairing else None


def cohort_of(ctx: Context, pairing: Pairing | None) -> Cohort:
    if pairing is not None:
        cohort = ctx.session.get(Cohort, pairing.cohort_id)
        assert cohort is not None
        return cohort
    enrolment = ctx.enrolment(Role.MENTEE.value, Role.MENTOR.value) or ctx.enrolment()
    assert enrolment is not None
    return enrolment.cohort


@dataclass(frozen=True)
class Handling:
    """Who can read a concern and who will pick it up, told truly to the person raising it:
    nobody in the pairing it is about, nor the raiser themselves, handles it."""

    readers: str  # "the project lead, the steering group and the scheme's moderator"
    name: str  # "Morgan Ellis", or "The steering group" when nobody is named
    role: str  # "the project lead", "the steering group chair"

    @staticmethod
    def of(ctx: Context, pairing_id: int | None, text: str = "") -> Handling:
        """By the rule every surface uses (``storage.access``): its subjects (the pairing, the
        raiser's former partners, the readers ``text`` names) are left out."""
        pairing = pairing_of(ctx, pairing_id)
        cohort_id = cohort_of(ctx, pairing).id
        assert cohort_id is not None
        draft = Concern(
            cohort_id=cohort_id,
            pairing_id=pairing.id if pairing is not None else None,
            raised_by_id=ctx.person_id,
            category="",
            text=text,
            created_at=ctx.now,
        )
        left_out = access.draft_subjects(ctx.session, draft) | {ctx.person_id}
        who = {p: r for p, r in access.readers(ctx.session, cohort_id).items() if p not in left_out}

        def holding(*roles: Role) -> list[str]:
            held = {role.value for role in roles}
            return [ctx.name_of(p) for p in sorted(who) if who[p] in held]

        groups = [
            ("the project lead", holding(Role.LEAD)),
            ("the steering group", holding(Role.STEERING_CHAIR, Role.STEERING_MEMBER)),
            ("the scheme's moderator", holding(Role.MODERATOR)),
        ]
        named = [label for label, names in groups if names] or ["the steering group"]
        readers = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        # Who picks it up: the first of these there is, else the steering group as a whole.
        for role, title in (
            (Role.LEAD, "the project lead"),
            (Role.STEERING_CHAIR, "the steering group chair"),
            (Role.MODERATOR, "the scheme's moderator"),
        ):
            if names := holding(role):
                return Handling(readers, names[0], title)
        return Handling(readers, "The steering group", "the steering group")


def readers(ctx: Context, pairing_id: int | None) -> str:
    """Who would read a concern this person raised about ``pairing_id`` (or about no pairing):
    "the project lead, the steering group and the scheme's moderator"."""
    return Handling.of(ctx, pairing_id).readers


def urgent_help(ctx: Context, details: str = "") -> Text:
    """What to do if someone is in immediate danger (or thinking of ending their life, when
    ``details`` say so), then the scheme's referral routes."""
    routes = ctx.settings().referral_routes
    lines = [
        SELF_HARM_HELP if about_self_harm(details) else danger(ctx),
        "Please also use your organisation's usual reporting route"
        + (". Other places to turn:" if routes else "."),
    ]
    lines += [f"• *{route.name}*: {route.contact}" for route in routes]
    return Text("\n".join(lines))


def raise_concern(ctx: Context, category: Category, details: str, pairing_id: int | None) -> Turn:
    """Save a concern and write its lead-channel alert: the one path every concern takes (the
    concern dialog, and one noticed inside another dialog). The replies say what happens next."""
    return send(ctx, category, details, pairing_id, urgent=False)


def send(
    ctx: Context,
    category: Category,
    details: str,
    pairing_id: int | None,
    *,
    urgent: bool,
    end_pairing: bool = False,
    rematch: bool | None = None,
) -> Turn:
    """Save the concern and its lead-channel alert (urgent for a safety concern, or when
    ``urgent``); for a breakdown, end the pairing when asked, telling the partner only that."""
    urgent = urgent or category is Category.SAFETY
    pairing = pairing_of(ctx, pairing_id)
    if pairing is not None and pairing.status != PairingStatus.ACTIVE.value:
        end_pairing = False
    cohort = cohort_of(ctx, pairing)
    scheme = ctx.session.get(Scheme, cohort.scheme_id)
    assert scheme is not None
    assert cohort.id is not None
    concern = Concern(
        cohort_id=cohort.id,
        raised_by_id=ctx.person_id,
        pairing_id=pairing.id if pairing is not None else None,
        category=category.value,
        text=details,
        urgent=urgent,
        created_at=ctx.now,
    )
    ctx.session.add(concern)
    ctx.session.flush()
    assert concern.id is not None
    access.record_named_subjects(ctx.session, concern, ctx.now)  # kept from whom it names
    partner = partner_name(ctx, pairing_id)
    handling = Handling.of(ctx, pairing_id, concern.text)
    told = f"; {first(partner)} won't be told what you wrote." if partner else "."
    replies: list[Part] = [
        Text(
            f"Sent to {handling.role}"
            + (", marked urgent. " if urgent else ". ")
            + f"Only {handling.readers} will see it{told} {handling.name} will be in touch. "
            f"It's {concern_ref(concern.id)}: to see where it has got to, ask me *what happened "
            "to my concern?*"
        )
    ]
    if urgent:
        replies.append(urgent_help(ctx, details))
    ended = Turn(replies=[])
    if end_pairing and pairing is not None and partner is not None:
        ended = _end_pairing(ctx, pairing, partner, handling, rematch)
    # The lead channel gets no text and no names: readers open it in their own chat.
    note = f" The pairing has ended (a no-fault exit).{_WISH[rematch]}" if ended.replies else ""
    alert = concern_alert(concern_ref(concern.id), LEAD_LABELS[category], urgent, cohort.name, note)
    to_lead = to_lead_channel(
        scheme, *alert, kind="concern", priority=0 if urgent else 1, concern_id=concern.id
    )
    return Turn(replies=[*replies, *ended.replies], outgoing=[to_lead, *ended.outgoing])


# What the lead channel and the person are told of a mentee's wish for a new mentor.
_WISH = {
    None: "",
    True: " They would like a new mentor.",
    False: " They don't want a new mentor for now.",
}
_ENDED = {
    None: "",
    True: " The steering group will be in touch about a new mentor.",
    False: " If you change your mind about a new mentor, tell the project lead.",
}


def _end_pairing(
    ctx: Context, pairing: Pairing, partner: str, handling: Handling, rematch: bool | None
) -> Turn:
    """End the pairing as a no-fault exit (kept as history), record a mentee's wish for a new
    mentor, and tell the partner only that it has ended."""
    pairing.status = PairingStatus.ENDED_EARLY.value
    pairing.ended_at = ctx.now
    pairing.end_reason = "no-fault exit"
    ctx.session.add(pairing)
    subject = f"pairing:{pairing.id}"
    record = partial(lead_queries.record, ctx.session, ctx.person_id)
    record("pairing_ended", subject, ctx.now, reason="no-fault exit")
    if rematch is not None:
        record("rematch_wish", subject, ctx.now, wants_new_mentor=rematch)
    told = Outgoing(
        parts=(
            Text(
                f"Your mentoring pairing with {ctx.person.display_name} has ended. "
                f"{handling.name}, {handling.role}, will be in touch with you about what "
                "happens next."
            ),
        ),
        recipient_id=queries.partner_of(pairing, ctx.person_id),
    )
    ended = (
        f"Your pairing with {partner} has ended; it stays in the scheme's records as a no-fault "
        f"exit. {first(partner)} has been told only that it has ended."
    )
    if rematch is True and may_choose_again(ctx, pairing):
        ended += (
            " The steering group will match you with a new mentor: first, choose your new top "
            "three."
        )
        return Turn(replies=[Text(ended), choose_again_question()], outgoing=[told])
    return Turn(replies=[Text(ended + _ENDED[rematch])], outgoing=[told])
