"""How mentors talk about their profile and capacity: ways of meeting ("video and phone", "all
three"), how many mentees ("2", "two at once"), the people they appraise or manage ("Sam Lee,
Jo Bloggs" or "none"), and "I'm at full capacity" / "taking mentees again" / "change my
capacity to 3"."""

from __future__ import annotations

import re

from conversations.language.numbers import WORDS

# The ways of meeting a profile offers, in the order they are shown.
WAY_WORDS = {
    "in_person": re.compile(r"\b(?:face[ -]to[ -]face|in[ -]person|f2f|meet(?:ing)? up)\b", re.I),
    "video": re.compile(r"\b(?:video|teams|zoom|online|virtual(?:ly)?)\b", re.I),
    "phone": re.compile(r"\b(?:phone|telephone|calls?)\b", re.I),
}
_ALL_WAYS = re.compile(r"\b(?:all(?: three| of them)?|any(?: of them)?|every way|anything)\b", re.I)
_NONE = re.compile(
    r"^(?:none|no one|noone|nobody|no|n/?a|nil|not anyone|there are none)[.!]?$", re.I
)
_ALL_FINE = frozenset({"nothing", "it's fine", "all fine", "done"})
_SET_CAPACITY = re.compile(
    r"\b(?:change|set|update|raise|lower|increase|reduce|make)\b.*\bcapacity\b.*?\bto\s+"
    r"(?P<n>\d+|one|two|three|four|five|six)\b",
    re.I,
)
_AGAIN = re.compile(r"\b(?:taking (?:new )?mentees again|available (?:for mentees )?again)\b", re.I)
_PROFILE_WORDS = re.compile(r"^.*?\bmentor profile\b\s*[:\-–]?\s*", re.I)
_FULL = re.compile(
    r"\b(?:at full capacity|i'?m full|not taking (?:any )?(?:more|new) mentees)\b", re.I
)


def ways_in(text: str) -> list[str] | None:
    """The ways of meeting named ("all three": every one), or None when none is."""
    if _ALL_WAYS.search(text):
        return list(WAY_WORDS)
    found = [way for way, pattern in WAY_WORDS.items() if pattern.search(text)]
    return found or None


def mentee_count(text: str) -> int | None:
    """ "2", "two", "2 mentees", "three at once": how many; None when it is not a number."""
    word = text.strip().lower().rstrip(".!")
    word = re.sub(r"\s*(?:mentees?|people|at (?:a|one) time|at once)$", "", word).strip()
    if word.isdigit():
        return int(word)
    return WORDS.get(word)


def names_in(text: str) -> list[str]:
    """The names in a list ("Sam Lee, Jo Bloggs and Ann"); none for "none", "nobody", "n/a"."""
    if _NONE.match(text.strip()):
        return []
    return [n.strip(" .") for n in re.split(r",|;|\n|\band\b|&", text) if n.strip(" .")]


def all_fine(text: str) -> bool:
    """ "nothing", "all fine": nothing to change."""
    return " ".join(text.lower().split()).strip(" .!") in _ALL_FINE


def new_capacity(text: str) -> int | None:
    """ "change my capacity to 3": the number asked for."""
    wanted = _SET_CAPACITY.search(text)
    return mentee_count(wanted.group("n")) if wanted else None


def taking_mentees_again(text: str) -> bool:
    return _AGAIN.search(text) is not None


def at_full_capacity(text: str) -> bool:
    return _FULL.search(text) is not None


def after_profile_words(text: str) -> str:
    """What follows "mentor profile" in a message ("my mentor profile: change my bio to ...")."""
    return _PROFILE_WORDS.sub("", text, count=1)


def is_name(said: str) -> bool:
    """Whether a listed entry could be a name or an email (it has a letter)."""
    return re.search(r"[^\W\d_]", said) is not None
