"""The questions a pair is sent unprompted about their pairing: "how does the pairing feel?"
after the first minutes, and "shall we choose your new mentors?" after a pairing ends. No kit
here: the concerns journey asks the second too.
"""

from __future__ import annotations

from conversations.dialogs.base import Context, Outgoing
from conversations.intents import INTENT_ACTION_PREFIX, IntentName
from conversations.messages import Choice, Question
from storage import matching_queries as mq
from storage.models import FitAnswer, Pairing

FIT_PREFIX = "fit"
FIT_KIND = "fit_check"
FIT_LABELS = {
    FitAnswer.GOOD_FIT: "Good fit",
    FitAnswer.STILL_DECIDING: "Still deciding",
    FitAnswer.NOT_A_GOOD_FIT: "Not a good fit",
}


def first(name: str) -> str:
    return name.split(" ", 1)[0]


def fit_question(pairing_id: int, partner_first: str) -> Question:
    """Asked of both partners once their first meeting's minutes are logged."""
    return Question(
        f"Now that you've had your first meeting: how does the pairing with {partner_first} "
        "feel? The project lead sees your answer.",
        tuple(
            Choice(label, f"{FIT_PREFIX}:{answer.value}:{pairing_id}")
            for answer, label in FIT_LABELS.items()
        ),
    )


def first_minutes_questions(ctx: Context, pairing: Pairing) -> list[Outgoing]:
    """The fit question for both partners, as messages of their own, when the minutes just
    saved are the pair's first; nothing otherwise. Called from the minutes save, in the same turn."""
    assert pairing.id is not None
    if mq.minutes_count(ctx.session, pairing.id) != 1:
        return []
    asked = ((pairing.mentee_id, pairing.mentor_id), (pairing.mentor_id, pairing.mentee_id))
    return [
        Outgoing(
            parts=(fit_question(pairing.id, first(ctx.name_of(partner))),),
            recipient_id=reader,
            kind=FIT_KIND,
        )
        for reader, partner in asked
    ]


def may_choose_again(ctx: Context, pairing: Pairing) -> bool:
    """Whether the mentee of an ended pairing can pick a new top three in chat: they have a
    selected application in the cohort (a mentee loaded from a scheme file may not)."""
    return mq.has_selected_application(ctx.session, pairing.mentee_id, pairing.cohort_id)


def choose_again_question() -> Question:
    return Question(
        "Shall we choose your new mentors now?",
        (Choice("Choose my mentors", INTENT_ACTION_PREFIX + IntentName.PREFERENCES.value),),
    )
