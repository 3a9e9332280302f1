"""Pausing and resuming reminders: "pause reminders until 5 Jan", "I'm on leave until 3 Feb",
"resume reminders". Nudges wait until the pause ends (``Person.paused_until``); messages from
people (a meeting proposal, say) still arrive."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.dates import Ask, find_date, format_day
from conversations.dialogs.base import Context, Registry, Turn
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Text

MAX_PAUSE_DAYS = 366


def pause(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    found = find_date(msg.text, ctx.now, ctx.tz)
    if found is None:
        return Turn(
            replies=[
                Text(
                    "Until when should I pause your reminders? Say, for example, "
                    "*pause reminders until 5 Jan*."
                )
            ]
        )
    if isinstance(found.value, Ask):
        return Turn(replies=[Text(found.value.question)])
    until = found.value
    if until <= ctx.today:
        return Turn(replies=[Text(f"{format_day(until)} isn't in the future. Until when?")])
    if until > ctx.today + timedelta(days=MAX_PAUSE_DAYS):
        return Turn(
            replies=[Text("I can pause reminders for up to a year. Please pick an earlier date.")]
        )
    # Reminders start again on the morning of the given day.
    ctx.person.paused_until = datetime.combine(until, datetime.min.time(), tzinfo=ctx.tz)
    ctx.session.add(ctx.person)
    return Turn(
        replies=[
            Text(
                f"Done: no reminders from me until {format_day(until, ctx.today)}. Messages from "
                "your partner and the project team still reach you. Type *resume reminders* "
                "to switch them back on sooner. If you'll be away for a while, please let your "
                "partner and the project lead know."
            )
        ]
    )


def resume(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    if ctx.person.paused_until is None or ctx.person.paused_until <= ctx.now:
        return Turn(
            replies=[Text("Your reminders are already on. Type *what's next* to see what's due.")]
        )
    ctx.person.paused_until = None
    ctx.session.add(ctx.person)
    return Turn(
        replies=[
            Text("Welcome back! Your reminders are on again. Type *what's next* to see what's due.")
        ]
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.PAUSE_REMINDERS] = pause
    registry.answers[IntentName.RESUME_REMINDERS] = resume
