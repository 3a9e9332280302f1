"""The language layer: how the bot reads what people type.

- :mod:`.normalise`: one regular form of a message (case, apostrophes, shorthand, emoji).
- :mod:`.vocabulary`: one vocabulary for yes, no, skip, none, later and not sure.
- :mod:`.choices`: which of a question's choices an answer picks.
- :mod:`.sections`: discussion, actions (owner, due) and the next meeting in free text.

Dialogs never keep word lists of their own: they ask this package.
"""

from conversations.language.normalise import normalise
from conversations.language.vocabulary import (
    Meaning,
    Reading,
    brief,
    is_empty,
    is_no,
    is_yes,
    leading,
    meaning,
)

__all__ = [
    "Meaning",
    "Reading",
    "brief",
    "is_empty",
    "is_no",
    "is_yes",
    "leading",
    "meaning",
    "normalise",
]
