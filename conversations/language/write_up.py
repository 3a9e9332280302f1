"""The words around a meeting's write-up (the minutes): a request to log them ("log minutes for
today's meeting: ..."), a first line saying the pair met ("met Tom fri for an hour by video,
discussed ..."), and a "none" that means nothing to add.

The sections of the write-up itself (discussion, decisions, actions, the next meeting) are read
by ``conversations.language.sections``; these say that a meeting was held and which one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.language.vocabulary import is_empty, leading

# "met Tom today for an hour" only says when they met; a longer "met ..." line is notes too.
MET_WORDS = 8

_REQUEST = re.compile(
    r"^\s*(?:please\s+|pls\s+)?(?:(?:(?:can|could|may)\s+(?:you|u|i|we)\s+|let'?s\s+"
    r"|i\s+want\s+to\s+|i'?d\s+like\s+to\s+)?"
    r"(?:log|record|write\s+up|add|save|take)\s+(?:the\s+|our\s+|my\s+|some\s+|a\s+)?"
    r"(?:minutes|notes)|minutes)\b"
    r"(?P<of>\s+(?:for|of|from|on)\s+(?:[\w'’/]+\s+){0,3}?(?:meeting|session|call|catch[- ]?up)"
    r"(?:\s+(?:with\s+\w+|today|yesterday|on\s+[\w ]{3,12}?))?)?"
    r"(?:\s+(?:pls|please|plz)\b)?\s*[:\-–]?\s*",
    re.I,
)
_MET = re.compile(
    r"^(?:we\s+|i\s+)?(?:met|had\s+(?:our|a|the)\s+(?:\w+\s+)?(?:meeting|session|call|catch[- ]?up))\b",
    re.I,
)
_DISCUSSED = re.compile(
    r"[,;]?\s*\b(?:and\s+|then\s+)?(?=(?:we\s+)?(?:discuss(?:ed)?|talked\s+about|went\s+through|covered)\b)",
    re.I,
)
# Where an opening "met Tom today for an hour" ends and the discussion or actions begin.
_OPENING = re.compile(r"[;\n:]|\b(?:actions?|discussed|talked|we agreed|decided)\b", re.I)
_BY = re.compile(r"(?:by|on|before|until|till|for)\b", re.I)


@dataclass(frozen=True)
class Request:
    """A request to log minutes at the start of a message."""

    meeting: str | None  # the words naming the meeting ("for today's meeting"), when said
    rest: str  # what follows: the write-up itself


def minutes_request(text: str) -> Request | None:
    """ "log minutes for today's meeting: ...", "can u record our notes ...": the request and
    what follows. None when the message does not open with one (a bare "minutes: ..." is a
    heading, read with the sections)."""
    found = _REQUEST.match(text)
    if found is None or (found["of"] is None and text.lstrip().lower().startswith("minutes")):
        return None
    return Request(found["of"], text[found.end() :])


@dataclass(frozen=True)
class Met:
    """A line saying the pair met: the words that say when, and what it says beyond that."""

    when: str  # "met Tom today for an hour"
    notes: str  # kept as notes: "discussed the rota", the whole of a long line, or ""


def met_line(line: str) -> Met | None:
    """ "met Tom today for an hour" (only when), "we met fri and discussed the rota" (when, and
    notes), a long "met ..." line (notes as a whole). None: the line doesn't say they met."""
    if _MET.match(line) is None:
        return None
    parts = _DISCUSSED.split(line, maxsplit=1)
    if len(parts[0].split()) > MET_WORDS:
        return Met(parts[0], line)
    return Met(parts[0], parts[1].strip() if len(parts) > 1 else "")


def opening(text: str) -> str:
    """The opening words of a write-up, before its discussion or actions ("met Tom today for an
    hour by video" of "met Tom today for an hour by video; discussed ...")."""
    return _OPENING.split(text, maxsplit=1)[0]


def nothing_to_add(text: str) -> bool:
    """ "none", "no actions", "none agreed", "no date", "skip": nothing to add (but "no, by
    Friday" is a date)."""
    reading = leading(text)
    if reading is not None and _BY.match(reading.rest):
        return False
    return is_empty(text)
