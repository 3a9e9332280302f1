"""How people answer a check-in in one message, or ask to answer it again.

"check-in: 4; once; the budget coaching; no" carries its answers after the colon, one after
another (split by ";" or by lines). "change my check-in", "check-in again", "redo my survey"
ask to answer one already sent.
"""

from __future__ import annotations

import re

_AGAIN = re.compile(r"\b(?:again|change|redo|re-do|update|amend|edit|correct|replace)\b", re.I)


def answers_given(text: str) -> list[str]:
    """Answers written after a colon in an opening message, separated by ";" or lines."""
    _, colon, rest = text.partition(":")
    if not colon or not rest.strip():
        return []
    return [part.strip() for part in re.split(r"[;\n]", rest) if part.strip()]


def answers_again(text: str) -> bool:
    """Whether an opening message asks to answer again (change what was sent)."""
    return _AGAIN.search(text) is not None
