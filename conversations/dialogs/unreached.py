"""The lead's "who can't you reach?": everyone in the cohorts they look after whom the bot
cannot reach yet, and why. Answered only to the lead, the steering group and the moderator
(``storage.access.reach``: the cohorts each may see), and only in their own chat."""

from __future__ import annotations

from conversations import reach
from conversations.dialogs.base import Context, Registry, Turn, say
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming


def who_is_unreached(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    found = reach.unreachable(ctx.session, ctx.person_id, ctx.now)
    if found is None:
        return say(
            "Who I can't reach is shown to the project lead and the steering group. "
            "Type *help* to see what I can do for you."
        )
    if not found:
        return say(
            "I can reach everyone in your cohorts: each of them is on Slack, Teams or email."
        )
    lines = [f"• {u.name} ({u.role}, {u.cohort}): {u.why}" for u in found]
    people = "person" if len(found) == 1 else "people"
    return say(
        f"I can't reach {len(found)} {people} yet:\n" + "\n".join(lines) + "\n"
        "Each gets their welcome as soon as I can reach them. To fix it, check the email in "
        "the scheme file matches their Slack or Teams account, or ask them to add the app."
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.UNREACHABLE] = who_is_unreached
