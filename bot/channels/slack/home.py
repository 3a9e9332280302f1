"""The App Home tab: the person's partner, what's next (next meeting, open actions, due
surveys, contract) and the menu as quick buttons. Built from the same answers the chat gives
("what's next", "menu"), so the tab and the chat never disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine as Database

from bot.channels.rendered import SLACK_VIEW, rendered
from bot.channels.slack.blocks import Block, blocks_for, escape
from conversations.clock import Clock
from conversations.dialogs import home
from conversations.dialogs.base import Context
from conversations.intents import Intent, IntentName
from conversations.messages import Incoming, Part
from storage import queries
from storage.db import transaction
from storage.models import Person

HOME_BLOCKS = 100


def home_view(db: Database, clock: Clock, person_id: int) -> dict[str, Any]:
    with transaction(db) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        ctx = Context(
            session=session,
            person=person,
            now=clock.now(),
            enrolments=queries.enrolments(session, person_id),
        )
        partners: list[str] = []
        for pairing in queries.active_pairings(session, person_id):
            other = session.get(Person, queries.partner_of(pairing, person_id))
            role = "mentor" if pairing.mentee_id == person_id else "mentee"
            if other is not None:
                partners.append(f"Your {role}: *{escape(other.display_name)}*")
        msg = Incoming(person_id=person_id)
        due: list[Part] = home.whats_next_answer(ctx, msg, Intent(IntentName.WHATS_NEXT)).replies
        menu: list[Part] = home.menu_answer(ctx, msg, Intent(IntentName.MENU)).replies
        name = person.display_name
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your mentoring"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "\n".join(partners) or f"Hello {escape(name)}: you have no partner yet.",
            },
        },
        {"type": "divider"},
        *blocks_for(due),
        {"type": "divider"},
        *blocks_for(menu),
    ]
    view = {"type": "home", "blocks": blocks[:HOME_BLOCKS]}
    rendered(SLACK_VIEW, view)
    return view
