"""The words around a meeting's write-up (the minutes): a request to log them ("log minutes for
today's meeting: ..."), a first line saying the pair met ("met Tom fri for an hour by video,
discussed ..."), and a "none" that means nothing to add.

The sections of the write-up itself (discussion, decisions, actions, the next meeting) are read
by ``conversations.language.sections``; these say that a meeting was held and which one, and
``read_write_up`` reads a whole write-up with both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from conversations.dates import Ask, When
from conversations.language.days import past_day
from conversations.language.sections import (
    SectionContext,
    Sections,
    read_next_meeting,
    read_sections,
)
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


@dataclass(frozen=True)
class WriteUp:
    """What a whole write-up says: its sections, the day the meeting was held, and whether it
    says they met ("met Tom fri", "minutes of today's meeting") rather than a day's notes."""

    sections: Sections
    held_on: date | Ask | None = None
    met_said: bool = False


def read_write_up(text: str, context: SectionContext) -> WriteUp:
    """The sections of a write-up (``conversations.language.sections``) and the day the meeting
    was held ("minutes for today's meeting", "met Tom fri", "notes from today")."""
    today = context.now.astimezone(context.tz).date()
    held_on: date | Ask | None = None
    met_said = False
    if (request := minutes_request(text)) is not None:
        if request.meeting:
            held_on, met_said = past_day(request.meeting, today), True
        text = request.rest
    sections = read_sections(text, context)
    agreed = sections.next_meeting.when if sections.next_meeting is not None else None
    if context.next_meeting is None and isinstance(agreed, When):
        # "... before our next one. next meeting 20/3": the one agreed here dates it.
        sections = read_sections(text, replace(context, next_meeting=agreed.day))
    if held_on is None and sections.heading:
        held_on = past_day(sections.heading, today)
    discussion = list(sections.discussion)
    if discussion and (met := met_line(discussion[0])) is not None:
        # "met Tom today for an hour" gives the day; anything more is kept as notes too.
        met_said = True
        if held_on is None:
            held_on = past_day(met.when, today)
        discussion[:1] = [met.notes[:1].upper() + met.notes[1:]] if met.notes else []
        sections = replace(sections, discussion=tuple(discussion))
    return WriteUp(sections, held_on, met_said)


def next_meeting_said(text: str, context: SectionContext) -> When | Ask | None:
    """A next meeting typed on its own ("next meeting 12 Jan 3pm", "Tue 5 Jan at 3pm"); None
    for "not yet"."""
    found = read_sections(text, context).next_meeting
    return found.when if found is not None else read_next_meeting(text, context)
