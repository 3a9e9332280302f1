"""A person's own data rights, asked for in chat.

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


def _leads(ctx: Context) -> list[Person]:
    """The project leads of the person's cohorts (newest first), without repeats."""
    found: dict[int, Person] = {}
    for enrolment in ctx.enrolments:
        assert enrolment.cohort.id is not None
        for lead in leads_of(ctx.session, enrolment.cohort.id):
            if lead.id is not None and lead.erased_at is None:
                found.setdefault(lead.id, lead)
    return list(found.values())


def erase_my_data(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    leads = _leads(ctx)
    audit.record(
        ctx.session,
        REQUESTED,
        f"person:{ctx.person_id}",
        ctx.now,
        actor_id=ctx.person_id,
        surface=msg.platform,
        told=[lead.id for lead in leads],
    )
    if not leads:
        return say(
            "I've noted that you'd like your data erased. I couldn't find a project lead for "
            "your scheme, so please email your scheme's organisers: they carry out erasures. "
            "Nothing is deleted until then."
        )
    lead = leads[0]
    you = ctx.person
    outgoing = [
        Outgoing(
            parts=(
                Text(
                    f"{you.display_name} ({you.email}) has asked for their data to be erased. "
                    "Please check the request is really theirs, then run "
                    f"`mentorbot erase --user {you.email}` (docs/privacy.md, Erasure). "
                    "Concerns they raised or that are about their pairing are kept under "
                    "legal hold."
                ),
            ),
            recipient_id=other.id,
        )
        for other in leads
        if other.id != ctx.person_id
    ]
    who = "you" if lead.id == ctx.person_id else f"{lead.display_name} ({lead.email})"
    return say(
        f"I've passed your request to erase your data to the project lead, {who}. They'll "
        "check it's really you and then erase it; you'll hear from them. Until then nothing "
        "is deleted, and you can ask them for a copy of what's held first.",
        outgoing=outgoing,
    )


def register(registry: Registry) -> None:
    registry.answers[IntentName.ERASE_MY_DATA] = erase_my_data
