"""Where concerns have got to: the raiser's own ("what happened to my concern?") and, for the
project lead and the steering group, the open concerns they may act on ("open concerns").

Neither shows what a concern says nor who raised it: references, category, age and state only
(``open C7`` shows the rest to those allowed, through ``storage.access``).
"""

from __future__ import annotations

from datetime import datetime

from conversations.dates import format_when
from conversations.dialogs.base import Context, Registry, Turn
from conversations.dialogs.concerns import LEAD_LABELS, Category, concern_ref
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Text
from storage import access
from storage.models import Concern


def _label(concern: Concern) -> str:
    try:
        return LEAD_LABELS[Category(concern.category)]
    except ValueError:
        return concern.category


def _age(ctx: Context, at: datetime) -> str:
    days = (ctx.now.date() - at.date()).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _state(ctx: Context, concern: Concern) -> str:
    if concern.resolved_at is not None:
        return f"resolved {format_when(concern.resolved_at, ctx.tz, ctx.now)}"
    if concern.acknowledged_at is not None:
        return f"picked up {format_when(concern.acknowledged_at, ctx.tz, ctx.now)}"
    return "waiting to be picked up"


def my_concerns(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The concerns this person raised, and where each has got to."""
    mine = [
        c
        for c in access.concerns_for(ctx.session, ctx.person_id, access.ConcernAction.READ)
        if c.raised_by_id == ctx.person_id
    ]
    if not mine:
        return Turn(
            replies=[
                Text(
                    "You haven't raised any concerns. If something is worrying you, type "
                    "*raise a concern*."
                )
            ]
        )
    assert all(c.id is not None for c in mine)
    lines = [
        f"• {concern_ref(c.id or 0)} ({_label(c)}), sent "
        f"{format_when(c.created_at, ctx.tz, ctx.now)}: {_state(ctx, c)}."
        for c in mine
    ]
    return Turn(
        replies=[
            Text("Your concerns:\n" + "\n".join(lines), private=True),
            Text("You'll hear from me when one is picked up or resolved."),
        ]
    )


def open_concerns(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The open concerns the lead or a steering member may act on (no text, no names)."""
    if not any(e.role in access.STEERING_ROLES for e in ctx.enrolments):
        return Turn(
            replies=[
                Text(
                    "Open concerns are listed for the project lead and the steering group. To "
                    "see your own, ask *what happened to my concern?*; to raise one, type "
                    "*raise a concern*."
                )
            ]
        )
    open_ = [
        c
        for c in access.concerns_for(ctx.session, ctx.person_id, access.ConcernAction.ACK)
        if c.resolved_at is None
    ]
    if not open_:
        return Turn(replies=[Text("There are no open concerns for you to act on.")])
    lines = []
    for c in open_:
        state = "acknowledged" if c.acknowledged_at is not None else "not yet acknowledged"
        if c.snoozed_until is not None and c.snoozed_until > ctx.now:
            state += f", snoozed until {format_when(c.snoozed_until, ctx.tz, ctx.now)}"
        urgent = "URGENT " if c.urgent else ""
        lines.append(
            f"• {urgent}{concern_ref(c.id or 0)}: {_label(c)}, raised {_age(ctx, c.created_at)}; "
            f"{state}."
        )
    return Turn(
        replies=[
            Text(
                "Open concerns (oldest first):\n"
                + "\n".join(lines)
                + f"\n*open {concern_ref(open_[0].id or 0)}* shows one.",
                private=True,
            )
        ]
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.MY_CONCERNS] = my_concerns
    registry.answers[IntentName.OPEN_CONCERNS] = open_concerns
