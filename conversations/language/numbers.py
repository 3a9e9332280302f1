"""Numbers said inside an answer: "4", "four", "4/5", "pretty well, 4", "3 tbh, hard to get
time w him". A score out of something ("4/5", "4 out of 5") counts once, as its first number."""

from __future__ import annotations

import re

from conversations.language.normalise import normalise

WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_SAID = r"\d{1,3}|" + "|".join(WORDS)
# "no one", "the one", "that one": a pronoun, not a number.
_NOT_A_NUMBER = r"(?<!\bno )(?<!\bthe )(?<!\bthat )(?<!\bthis )(?<!\bwhich )"
_NUMBER = re.compile(
    rf"(?<![\w./:]){_NOT_A_NUMBER}(?P<n>{_SAID})(?P<out>\s*(?:/|out of|outta)\s*(?:{_SAID}))?"
    r"(?![\w/:]|\.\d)",
    re.IGNORECASE,
)


def numbers_in(text: str) -> list[int]:
    """The whole numbers said in ``text``, in order (a score's "out of 5" left out)."""
    found = []
    for match in _NUMBER.finditer(normalise(text)):
        raw = match.group("n").lower()
        found.append(int(raw) if raw.isdigit() else WORDS[raw])
    return found


def one_number(text: str) -> int | None:
    """The one number an answer gives, or None when it gives none or several different ones."""
    distinct = set(numbers_in(text))
    return distinct.pop() if len(distinct) == 1 else None
