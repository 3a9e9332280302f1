"""Reading minutes back: "our minutes", "show me the notes from fri", "remind me what priya and
i agreed last time?". Only the two partners of a pairing ever read its minutes: a request for
anyone else's is refused without saying whether they have any.
"""

from __future__ import annotations

from datetime import date

from conversations.dates import format_day
from conversations.dialogs.base import Context, Turn, say
from conversations.dialogs.minutes.actions import due_of, not_paired, owner_of
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName
from conversations.language.days import past_day
from conversations.language.pairing import says_a_name
from conversations.language.sections import MinutesAsked, asks_for_minutes
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import minutes_queries
from storage.models import ActionItem, Minutes, Pairing
from storage.queries import partner_of

PAGE = 5


def our_minutes(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """The pair's minutes, newest first, a page at a time; only the two partners see them."""
    pairings = minutes_queries.pairings_of(ctx.session, ctx.person_id, active_only=False)
    asked = asks_for_minutes(msg.text) if not msg.action else None
    if asked is not None and not asked.whose and asked.when:
        # "the minutes for priya shah": a person named where a day was expected.
        others = minutes_queries.people_named(ctx.session, asked.when)
        if others and not _in_pair(ctx, pairings, asked.when):
            asked = MinutesAsked(whose=asked.when)
    if asked is not None and asked.whose and not _in_pair(ctx, pairings, asked.whose):
        return say(
            "I can't show you anyone else's minutes: minutes are only for the two people "
            "in a mentoring pair. Type *our minutes* to read your own."
        )
    if not pairings:
        return not_paired("minutes")
    try:
        offset = max(0, int(msg.values.get("value", 0)))
    except (TypeError, ValueError):
        offset = 0
    rows, total = minutes_queries.minutes_page(ctx.session, ctx.person_id, offset, PAGE)
    if total == 0:
        keeper = (
            "Say *log minutes* after your next meeting to keep them."
            if any(p.mentee_id == ctx.person_id for p in pairings)
            else "Your mentee keeps them; I'll tell you when some are logged."
        )
        return say(f"There are no minutes yet. {keeper}")
    if not rows:
        return say("There are no older minutes. Type *our minutes* to start again.")
    note: list[Part] = []
    if asked is not None and offset == 0:
        rows, note = _chosen(ctx, asked, rows)
    actions = minutes_queries.actions_of_minutes(
        ctx.session, ctx.person_id, [m.id for m in rows if m.id is not None]
    )
    several = len(pairings) > 1
    partners = {p.id: ctx.name_of(partner_of(p, ctx.person_id)) for p in pairings}
    first, last = offset + 1, offset + len(rows)
    blocks = [f"Your minutes (only you and your partner can read them), {first}–{last} of {total}:"]
    if note or (len(rows) == 1 and asked is not None):
        blocks = ["Your minutes (only you and your partner can read them):"]
    for row in rows:
        head = f"*{format_day(row.held_on, ctx.today)}*"
        if several:
            head += f" with {partners.get(row.pairing_id, 'your partner')}"
        blocks.append("\n".join([head, *_lines(ctx, row, actions.get(row.id or 0, []))]))
    replies: list[Part] = [*note, Text("\n\n".join(blocks), private=True)]
    if last < total:
        more = Choice("Show older minutes", INTENT_ACTION_PREFIX + IntentName.MY_MINUTES, str(last))
        replies.append(Question("Would you like to see more?", (more,)))
    return Turn(replies=replies)


def _lines(ctx: Context, row: Minutes, actions: list[ActionItem]) -> list[str]:
    lines = [f"Discussion: {row.discussion}"] if row.discussion else []
    if row.decisions:
        lines.append(f"Decisions: {row.decisions}")
    for action in actions:
        state = "done" if action.done_at is not None else due_of(ctx, action.due)
        lines.append(f"• {action.text} ({owner_of(ctx, action)}, {state})")
    return lines


def _chosen(
    ctx: Context, asked: MinutesAsked, rows: list[Minutes]
) -> tuple[list[Minutes], list[Part]]:
    """The minutes a request names: "last time" the newest, "from fri" that day's."""
    if asked.latest:
        return rows[:1], []
    day = past_day(asked.when, ctx.today) if asked.when else None
    if not isinstance(day, date):
        return rows, []
    found = [r for r in rows if r.held_on == day]
    if found:
        return found, []
    said = f"There are no minutes for {format_day(day, ctx.today)}; here are the latest."
    return rows, [Text(said)]


def _in_pair(ctx: Context, pairings: list[Pairing], whose: str) -> bool:
    """Whether a name said is the asker or one of their partners."""
    people = {ctx.person_id} | {p.mentee_id for p in pairings} | {p.mentor_id for p in pairings}
    return says_a_name(whose, [ctx.name_of(person_id) for person_id in people])
