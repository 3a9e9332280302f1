"""Where concerns have got to: the raiser's own ("what happened to my concern?") and, for the
project lead and the steering group, the open concerns they may act on ("open concerns").

Neither shows what a concern says nor who raised it: references, category, age and state only
(``open C7`` shows the rest to those allowed, through ``storage.access``).
"""

from __future__ import annotations

from datetime import datetime

from conversations.dates import format_day
from conversations.dialogs.base import Context, Registry, Turn, say
from conversations.dialogs.concerns import concern_ref
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Text
from conversations.reports import concern_label
from storage import access, concern_queries
from storage.models import Concern, Pairing

# Asked "can tom see what i reported?" as often as "what happened to my concern?".
WHO_SEES = (
    "Only you, the project lead, the steering group and the scheme's moderator can see a "
    "concern you raise: nobody in "
    "your pairing can, and they're never told what it says."
)


def _age(ctx: Context, at: datetime) -> str:
    days = (ctx.now.date() - at.date()).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _state(ctx: Context, concern: Concern) -> str:
    if concern.resolved_at is not None:
        return f"resolved {ctx.when(concern.resolved_at)}"
    if concern.acknowledged_at is not None:
        return f"picked up {ctx.when(concern.acknowledged_at)}"
    return "waiting to be picked up"


def my_concerns(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The concerns this person raised, and where each has got to."""
    mine = concern_queries.concerns_raised_by(ctx.session, ctx.person_id)
    if not mine:
        return say(
            "You haven't raised any concerns. If something is worrying you, type "
            f"*raise a concern*. {WHO_SEES}"
        )
    assert all(c.id is not None for c in mine)
    lines = [
        f"• {concern_ref(c.id or 0)} ({concern_label(c.category)}), sent {ctx.when(c.created_at)}: "
        f"{_state(ctx, c)}."
        for c in mine
    ]
    return Turn(
        replies=[
            Text("Your concerns:\n" + "\n".join(lines), private=True),
            Text(WHO_SEES + " You'll hear from me when one is picked up or resolved."),
        ]
    )


def open_concerns(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The open concerns the lead or a steering member may act on (no text, no names)."""
    if not any(e.role in access.STEERING_ROLES for e in ctx.enrolments):
        return say(
            "Only the project lead and the steering group can see open concerns. To "
            "see your own, ask *what happened to my concern?*; to raise one, type "
            "*raise a concern*."
        )
    open_ = concern_queries.open_concerns_for(ctx.session, ctx.person_id)
    if not open_:
        return say("There are no open concerns for you to act on.")
    lines = []
    for c in open_:
        state = "acknowledged" if c.acknowledged_at is not None else "not yet acknowledged"
        if c.snoozed_until is not None and c.snoozed_until > ctx.now:
            state += f", snoozed until {ctx.when(c.snoozed_until)}"
        urgent = "URGENT " if c.urgent else ""
        lines.append(
            f"• {urgent}{concern_ref(c.id or 0)}: {concern_label(c.category)}{_pairing(ctx, c)}, raised "
            f"{format_day(ctx.local(c.created_at).date())} ({_age(ctx, c.created_at)}); {state}."
        )
    first = concern_ref(open_[0].id or 0)
    return Turn(
        replies=[
            Text(
                "Open concerns (oldest first):\n"
                + "\n".join(lines)
                + f"\n*open {first}* shows one; *ack {first}*, *contact {first}* or "
                f"*snooze {first}* acts on it.",
                private=True,
            )
        ]
    )


def _pairing(ctx: Context, concern: Concern) -> str:
    """The pairing a concern is about, for those allowed to act on it (private chat only)."""
    pairing = ctx.session.get(Pairing, concern.pairing_id) if concern.pairing_id else None
    if pairing is None:
        return ""
    return f" ({ctx.name_of(pairing.mentee_id)} & {ctx.name_of(pairing.mentor_id)})"


def register(registry: Registry) -> None:
    registry.answers[IntentName.MY_CONCERNS] = my_concerns
    registry.answers[IntentName.OPEN_CONCERNS] = open_concerns
