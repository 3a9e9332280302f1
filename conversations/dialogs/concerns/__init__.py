"""Raising a concern: told plainly who will see it, confirmed, then sent to the lead channel.

- ``dialog``: the concern dialog (``ConcernDialog``), its steps declared as data.
- ``sending``: the one path that saves a concern and its lead-channel alert (``send``,
  ``raise_concern``, also taken by the safety check other dialogs run), and who handles it.

The partner is never told what a concern says. Reading concerns is scoped in
``storage.concern_queries`` (the raiser, the project lead and the steering group only).
"""

from conversations.dialogs.base import Registry
from conversations.dialogs.concerns.dialog import CATEGORY, ConcernDialog, detect_category
from conversations.dialogs.concerns.sending import (
    LEAD_LABELS,
    Category,
    concern_ref,
    only_pairing,
    raise_concern,
    readers,
)
from conversations.intents import IntentName

# What the rest of the bot uses (the safety check, reports, where concerns have got to).
__all__ = [
    "CATEGORY",
    "LEAD_LABELS",
    "Category",
    "ConcernDialog",
    "concern_ref",
    "detect_category",
    "only_pairing",
    "raise_concern",
    "readers",
    "register",
]


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ConcernDialog(), IntentName.CONCERN)
    registry.answers.pop(IntentName.CONCERN, None)
