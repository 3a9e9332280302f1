"""Pairing mentees with mentors, and what a pair agrees once paired.

Map:
- :mod:`.proposal`: the steering group's matching proposal ("propose matches", "swap A-03 and
  A-05", "approve"), and the matching message to both sides.
- :mod:`.conflicts`: conflicts of interest declared in chat ("Dr Jones is my appraiser").
- :mod:`.fit`: "how does the pairing feel?" after the first minutes, and re-matching.
- :mod:`.contract`: the mentoring contract both partners agree and sign.

Each dialog is built from the kit (``conversations.dialogs.kit``); what people type is read by
the language layer (``conversations.language.pairing`` and its neighbours).
"""

from __future__ import annotations

from conversations.dialogs.base import Registry
from conversations.dialogs.matching.questions import (
    FIT_KIND,
    FIT_PREFIX,
    choose_again_question,
    first_minutes_questions,
    fit_question,
    may_choose_again,
)
from conversations.intents import IntentName

__all__ = [
    "FIT_KIND",
    "choose_again_question",
    "first_minutes_questions",
    "fit_question",
    "may_choose_again",
    "register",
]


def register(registry: Registry) -> None:
    """Wire these journeys' intents, dialogs and button routes into ``registry``. (Imported
    here: the kit's safety check reaches the concerns journey, which asks this package's
    ``choose_again_question``.)"""
    from conversations.dialogs.matching.conflicts import declare_conflict
    from conversations.dialogs.matching.contract import ContractDialog
    from conversations.dialogs.matching.fit import FitDialog
    from conversations.dialogs.matching.proposal import MatchingDialog

    registry.add_dialog(
        MatchingDialog(),
        IntentName.PROPOSE_MATCHES,
        IntentName.SWAP_MATCHES,
        IntentName.APPROVE_MATCHES,
    )
    registry.add_dialog(FitDialog(), IntentName.FIT_CHECK)
    registry.answers[IntentName.DECLARE_CONFLICT] = declare_conflict
    registry.action_routes[FIT_PREFIX] = IntentName.FIT_CHECK
    registry.add_dialog(ContractDialog(), IntentName.CONTRACT)
    registry.action_routes["contract"] = IntentName.CONTRACT
