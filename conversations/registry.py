"""Wires each intent to its dialog or one-turn answer: the one place that lists the journeys."""

from __future__ import annotations

from conversations import lead_route
from conversations.dialogs import (
    apply,
    checkins,
    concern_status,
    concerns,
    data_rights,
    diary,
    home,
    lead,
    matching,
    meeting_answers,
    meetings,
    mentor_profile,
    minutes,
    nudge_answers,
    partner,
    reminders,
    reports,
    suggest,
    unreached,
)
from conversations.dialogs.apply import selection
from conversations.dialogs.base import Registry
from conversations.intents import IntentName
from conversations.open_questions import WhichQuestion

JOURNEYS = (
    meetings,
    meeting_answers,
    minutes,
    apply,
    mentor_profile,
    checkins,
    nudge_answers,
    concerns,
    concern_status,
    reminders,
    lead,
    reports,
    selection,
    matching,
    lead_route,
    data_rights,
    unreached,
)


def default_registry() -> Registry:
    registry = Registry()
    # "ok" with two questions open: asks which (the journeys add their open questions below).
    registry.add_dialog(WhichQuestion(registry.open_questions))
    registry.add_dialog(diary.GuidedDiary(), IntentName.DIARY_GUIDED, IntentName.DIARY_NOTE)
    registry.add_dialog(diary.DeleteEntry(), IntentName.DIARY_DELETE)
    registry.add_dialog(diary.ShareEntry(), IntentName.DIARY_SHARE)
    # The fallback: what a message not understood probably meant, offered as buttons.
    registry.add_dialog(suggest.Suggestions(), IntentName.UNKNOWN)
    registry.answers.update(
        {
            IntentName.MY_DIARY: diary.my_diary,
            IntentName.DIARY_SEARCH: diary.search_diary,
            IntentName.MY_PARTNER: partner.my_partner,
            IntentName.GREETING: home.greeting_answer,
            IntentName.THANKS: home.thanks_answer,
            IntentName.WHEN_IS: home.when_is_answer,
        }
    )
    registry.globals.update(
        {
            IntentName.HELP: home.help_answer,
            IntentName.MENU: home.menu_answer,
            IntentName.WHATS_NEXT: home.whats_next_answer,
            IntentName.UNKNOWN: home.unknown_answer,
        }
    )
    # Help, thanks and "I didn't understand" say nothing about the person: they may be answered
    # in a shared channel. Anything else asked there is answered in the person's own chat.
    registry.shareable.update({IntentName.HELP, IntentName.THANKS, IntentName.UNKNOWN})
    # Each journey module wires the intents it serves.
    for journey in JOURNEYS:
        journey.register(registry)
    return registry
