"""Corrections by sentence: "change my workplace to St Example Infirmary", "update the bio".

``CHANGE_FIELD`` reads the field's words and the new value (if given); ``FieldNames`` maps the
words people use for a field (its label and synonyms) to the field's key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CHANGE_FIELD = re.compile(
    r"^\s*(?:please\s+)?(?:change|update|set|correct|edit|make)\s+(?:my\s+|the\s+)?"
    r"(?P<field>.+?)(?:\s+(?:to|as|=|:)\s+(?P<value>.+))?\s*$",
    re.I | re.DOTALL,
)


class FieldNames:
    """The fields of a form by the words that name them, longest words first."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        self._aliases = sorted(
            ((words.lower(), key) for words, key in names), key=lambda pair: -len(pair[0])
        )

    def find(self, phrase: str) -> str | None:
        """The key of the field ``phrase`` names ("my place of work" -> "workplace")."""
        words = re.sub(r"^(?:my|the)\s+", "", phrase.strip().lower().replace("’", "'"))
        words = words.rstrip(" .!?:")
        return next((key for alias, key in self._aliases if words == alias), None)
