"""How people ask about their diary: another person's ("can i see priya's diary"), and
entries about something ("what did i write about the rota", "delete the one about the rota")."""

from __future__ import annotations

import re
from datetime import date

from conversations.dates import past_day
from conversations.language.normalise import normalise

_SOMEONE_ELSES = re.compile(r"\b(?P<who>\w+?)'?s\s+diary\b")
_ABOUT = re.compile(r"\babout\s+(?:the\s+|my\s+|our\s+)?(?P<topic>.+?)[\s?.!]*$")
# "search my diary for rota", "find entries mentioning the budget", "look through my journal
# for tom": what is searched for, said after the diary it is searched in.
SEARCHED_FOR = re.compile(
    r"\b(?:search|find|look\s+(?:through|in)|scan|go\s+through)\b.*?"
    r"\b(?:diary|journal|entries|entry|reflections?)\s+"
    r"(?:for|mentioning|that\s+mentions?|which\s+mentions?|with|on|re)\s+"
    r"(?:the\s+|my\s+|our\s+)?(?P<topic>.+?)(?:\s+(?:please|thanks|ta))?[\s?.!]*$",
    re.IGNORECASE,
)
# "could tom see my latest entry?", "i'd like tom to read yesterday's reflection", "show tom my
# last entry": one entry of the speaker's own, for someone else to read (a share). Never "can i
# see my last entry" (the speaker reading it) nor "can anyone see my diary?" (who can read it).
_NOT_A_READER = (
    r"(?!(?:i|me|you|u|we|us|anyone|anybody|someone|somebody|people|they|it|the|he|she|him|her|"
    r"myself)\b)"
)
_ONE_ENTRY = (
    r"(?:my\s+(?:latest|last|most\s+recent|newest|recent|new)\s+|(?:my\s+)?(?:today|yesterday"
    r"|\w+day)'?s\s+)(?:diary\s+|journal\s+)?(?:entry|reflection|diary\s+note|post)\b"
)
SHOWN_TO_SOMEONE = re.compile(
    r"\b(?:can|could|would|may|might)\s+" + _NOT_A_READER + r"\w+\s+(?:please\s+)?"
    r"(?:be\s+able\s+to\s+|get\s+to\s+)?(?:see|read|"
    r"view|look\s+at|have\s+a\s+(?:look|read)\s+(?:at|of))\s+"
    + _ONE_ENTRY
    + r"|\b(?:like|want|let|get)\s+"
    + _NOT_A_READER
    + r"\w+\s+(?:to\s+)?(?:see|read|view|"
    r"look\s+at|have\s+a\s+(?:look|read)\s+(?:at|of))\s+"
    + _ONE_ENTRY
    + r"|\b(?:show|send|pass|forward)\s+"
    + _NOT_A_READER
    + r"\w+\s+"
    + _ONE_ENTRY
    + r"|\b(?:show|send|pass|forward)\s+"
    + _ONE_ENTRY
    + r"\s+(?:on\s+)?to\s+"
    + _NOT_A_READER
    + r"\w+\b",
    re.IGNORECASE,
)
# "my last diary entry was a mistake, can u delete it", "my reflection from fri - pls bin it",
# "would like tom's view on my latest entry, can i share it with him": the entry named first,
# what to do with it said after, as "it". (Deleting still asks first; sharing too.)
_ENTRY_FIRST = r"\b(?:(?:diary|journal)\s+(?:entry|note|post)|entry|reflection)\b.*\b"
_IT = (
    r"\s+(?:it|that|this|the\s+(?:latest|last|newest|most\s+recent)(?=\s+one\b|\s+entry\b))"
    r"(?:\s+(?:one|entry))?\b"
)
# Never "don't share it", "please do not delete that".
_NOT_NEGATED = r"(?<!\bnot\s)(?<!n't\s)(?<!nt\s)(?<!never\s)(?<!\bno\s)"
DELETED_AFTER_NAMING = re.compile(
    _ENTRY_FIRST + _NOT_NEGATED + r"(?:delete|remove|erase|get\s+rid\s+of|bin)" + _IT,
    re.IGNORECASE | re.DOTALL,
)
SHARED_AFTER_NAMING = re.compile(
    _ENTRY_FIRST + _NOT_NEGATED + r"share" + _IT, re.IGNORECASE | re.DOTALL
)
_SMALL = frozenset({"the", "and", "for", "with", "that", "this", "what", "did", "write", "wrote"})


def someone_elses_diary(text: str) -> bool:
    """ "show me priya's diary": a diary not the speaker's own ("my diary" is)."""
    whose = _SOMEONE_ELSES.search(normalise(text))
    return whose is not None and whose.group("who") != "my"


def topic(text: str) -> str | None:
    """What entries are asked about: "the rota" in "what did i write about the rota?"."""
    said = normalise(text)
    about = _ABOUT.search(said) or SEARCHED_FOR.search(said)
    return about.group("topic") if about else None


def mentions(body: str, topic: str) -> bool:
    """Whether a text mentions every longer word of a topic (False for a topic of none)."""
    wanted = [w for w in re.findall(r"\w+", topic.lower()) if len(w) > 2 and w not in _SMALL]
    return bool(wanted) and all(w in body.lower() for w in wanted)


def days_named(text: str, today: date) -> list[date]:
    """The past days a request names, in order: "delete friday's entry", "the one from 27/2"."""
    found = (past_day(word, today) for word in re.findall(r"[\w/.]+", normalise(text)))
    return [day for day in found if isinstance(day, date)]
