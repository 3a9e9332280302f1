"""A person's own data rights, asked for in chat.

"What data do you hold on me?": the lead is asked to send the person their export
(``mentorbot export --user EMAIL``), the same way.

"Delete my data": the bot does not erase anyone by itself (an erasure cannot be undone, and the
lead must check it is really them). It tells the person who carries it out (the project lead,
with their email), writes an audit row, and sends the lead a direct message naming the person
and the command to run (``mentorbot erase --user EMAIL``: storage/erasure.py).
"""

from __future__ import annotations

from conversations.dialogs.base import Context, Outgoing, Registry, Turn, say
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Text
from storage import audit
from storage.models import Person
from storage.report_queries import leads_of

REQUESTED = "erasure_requested"
ACCESS_REQUESTED = "access_requested"


def _leads(ctx: Context) -> list[Person]:
    """The project leads of the person's cohorts (newest first), without repeats."""
    found: dict[int, Person] = {}
    for enrolment in ctx.enrolments:
        assert enrolment.cohort.id is not None
        for lead in leads_of(ctx.session, enrolment.cohort.id):
            if lead.id is not None and lead.erased_at is None:
                found.setdefault(lead.id, lead)
    return list(found.values())


def _to_the_lead(
    ctx: Context, msg: Incoming, action: str, asked: str, command: str, said: str
) -> Turn:
    """Record the request, send each lead what to do, and tell the person who will do it."""
    leads = _leads(ctx)
    audit.record(
        ctx.session,
        action,
        f"person:{ctx.person_id}",
        ctx.now,
        actor_id=ctx.person_id,
        surface=msg.platform,
        told=[lead.id for lead in leads],
    )
    if not leads:
        return say(
            f"I've noted that you'd like {asked}. I couldn't find a project lead for your "
            "scheme, so please email your scheme's organisers: they look after this."
        )
    lead, you = leads[0], ctx.person
    outgoing = [
        Outgoing(
            parts=(Text(f"{you.display_name} ({you.email}) {command}"),),
            recipient_id=other.id,
        )
        for other in leads
        if other.id != ctx.person_id
    ]
    who = "you" if lead.id == ctx.person_id else f"{lead.display_name} ({lead.email})"
    return say(said.format(who=who), outgoing=outgoing)


def erase_my_data(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    email = ctx.person.email
    return _to_the_lead(
        ctx,
        msg,
        REQUESTED,
        "your data erased",
        "has asked for their data to be erased. Please check the request is really theirs, "
        f"then run `mentorbot erase --user {email}` (docs/privacy.md, Erasure). Concerns they "
        "raised or that are about their pairing are kept under legal hold.",
        "I've passed your request to erase your data to the project lead, {who}. They'll "
        "check it's really you and then erase it; you'll hear from them. Until then nothing "
        "is deleted, and you can ask them for a copy of what's held first.",
    )


def access_my_data(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    email = ctx.person.email
    return _to_the_lead(
        ctx,
        msg,
        ACCESS_REQUESTED,
        "a copy of your data",
        "has asked for a copy of everything held about them (a subject access request: "
        "answer within one month). Please check the request is really theirs, then run "
        f"`mentorbot export --user {email}` and send them the file (docs/export-format.md).",
        "You can have a copy of everything mentorbot holds about you, including who has read "
        "it. I've asked the project lead, {who}, to send it to you: they'll check it's really "
        "you first, and you should have it within a month. Your minutes and meetings you can "
        "read here any time: type *minutes* or *my meetings*.",
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.ERASE_MY_DATA] = erase_my_data
    registry.answers[IntentName.ACCESS_MY_DATA] = access_my_data
