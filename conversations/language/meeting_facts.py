"""A meeting's facts in one message: a moment, a length, a way of meeting, a place, an agenda.

Read by the meetings dialogs (a booking, a move, a counter-proposal) and by the minutes ("next one
20/3 at 10 on teams"): what is missing or can't be taken is asked back (``Facts.problems``), never
guessed. Dates and lengths are ``conversations.dates``'; the words of meetings are
``conversations.language.meetings``'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from conversations.dates import (
    Ask,
    When,
    check_meeting_length,
    find_duration,
    find_when,
    format_day,
    format_duration,
    format_when,
    parse_when,
)
from conversations.language.meetings import (
    AGENDA_TEXT,
    find_mode,
    find_place,
    find_whereabouts,
    to_new_time,
)

_AGENDA_MARKER = re.compile(r"\bagenda\b\s*[:\-]\s*(?P<agenda>\S.*)$", re.I | re.S)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")


class Clocked(Protocol):
    """Who is reading: the moment now and their time zone (a dialog's ``Context``)."""

    @property
    def now(self) -> datetime: ...

    @property
    def tz(self) -> ZoneInfo: ...


@dataclass
class Facts:
    """What one message said about a meeting; ``problems`` are (field, question) to ask back."""

    at: datetime | None = None
    day: date | None = None
    minutes: int | None = None
    mode: str | None = None
    location: str | None = None  # "in person at northfield"
    agenda: str | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Readings to choose from ("next Tuesday" on a Monday), or times to offer ("after lunch").
    options: tuple[When, ...] = ()
    part: str | None = None  # "after lunch": the part of the day a time is wanted for
    wall: str | None = None  # "3pm" said without a day: kept while the day is asked

    @property
    def found_anything(self) -> bool:
        return bool(
            self.at or self.day or self.minutes or self.mode or self.agenda is not None
        ) or bool(self.problems)


def _place(day: date, wall: time, ctx: Clocked) -> datetime | Ask:
    """``wall`` on ``day`` in the person's zone, refusing a time the clocks skip or the past."""
    local = datetime.combine(day, wall, tzinfo=ctx.tz)
    back = local.astimezone(UTC).astimezone(ctx.tz)
    if (back.date(), back.time()) != (day, wall):
        return Ask(
            f"There is no {wall:%H:%M} on {format_day(day)}: the clocks go forward that night. "
            "What time did you mean?",
            "nonexistent",
        )
    if local <= ctx.now:
        return Ask(
            f"{format_when(local, ctx.tz, ctx.now)} is in the past. When would you like to meet?",
            "past",
        )
    return local.astimezone(UTC)


_BARE_HOUR = re.compile(r"\s*(?:\d{1,2}(?:[.:]\d{2})?)\s*[?!.]*\s*")


def as_time(text: str) -> str:
    """A bare "9" or "4.30" given as a new time is a time of day ("at 9"), not a date."""
    return f"at {text.strip(' ?!.')}" if _BARE_HOUR.fullmatch(text) else text


def _read_when(
    text: str, ctx: Clocked, base: datetime | None, day: date | None, whole: bool,
    part: str | None = None, wall: time | None = None,
) -> tuple[datetime | date | Ask | None, str, When | None]:  # fmt: skip
    """The moment in ``text``: an aware UTC datetime, a day still needing a time, an Ask, or None.

    ``base`` is the time already chosen: a new day keeps its time of day, a new time without a
    day keeps its day, and "same time", "the Friday after", "an hour later" are read against it.
    ``day`` is a day chosen without a time yet (``part``: "after lunch"); ``wall`` a time chosen
    without a day yet. Returns the rest of the text and what was read.
    """
    found = find_when(text, ctx.now, ctx.tz, need_time=False, anchor=base, part=part)
    value: When | Ask
    if found is None:
        if not whole or not text.strip():
            return None, text, None
        value = parse_when(text, ctx.now, ctx.tz, need_time=False, anchor=base, part=part)
        if isinstance(value, Ask) and value.reason == "unknown":
            return None, text, None
        rest = ""
    else:
        value, rest = found.value, found.rest
    if isinstance(value, Ask):
        return value, rest, None
    base_local = base.astimezone(ctx.tz) if base is not None else None
    if not value.has_time:
        kept = wall or (base_local.time() if base_local is not None else None)
        if kept is None:
            return value.day, rest, value
        return _place(value.day, kept, ctx), rest, value
    anchor = day or (base_local.date() if base_local is not None else None)
    if anchor is not None and not value.named_day:
        note = (value.assumed or "").replace("I took it as tomorrow.", "").strip() or None
        return _place(anchor, value.local.time(), ctx), rest, replace(value, assumed=note)
    if anchor is None and not value.named_day:  # "3pm": which day? (not assumed to be today)
        asked = Ask(f"Which day would you like, at {value.local:%H:%M}?", "no_time")
        return asked, rest, value
    return value.at_utc, rest, value


# "the 27th instead of the 20th", "fri rather than thurs": the time given up is not the new one.
_GIVEN_UP = re.compile(r"\b(?:instead\s+of|rather\s+than)\s+", re.I)


def without_the_old(text: str, ctx: Clocked) -> str:
    """``text`` without the day or time it says is given up ("on the 27th instead of the 20th"
    is "on the 27th"), so that only the new one is read."""
    for given_up in _GIVEN_UP.finditer(text):
        old = find_when(text[given_up.end() :], ctx.now, ctx.tz, need_time=False)
        if old is not None and old.start == 0:
            return text[: given_up.start()] + text[given_up.end() + old.end :]
    return text


# Where a purpose said first ends and the request goes on: "to go through my plan - could we
# meet on 24/03", "about my portfolio. can we do fri 2pm". "my plan with tom": who the meeting
# is with is not part of its purpose.
_SOMEONE_AFTER = re.compile(r"\s+(?:with|w)\s+[a-z]+\s*$", re.I)
_CLAUSE_BREAK = re.compile(r"\s+[-\u2013\u2014]+\s+|[.;!?]+\s+")


def _purpose_first(agenda: str, ctx: Clocked) -> tuple[str, str]:
    """An agenda said before the request ("I'd like to go through my plan - could we meet on
    24/03 at 10?"): the purpose, and the words after it that still say when; else the whole."""
    for brk in _CLAUSE_BREAK.finditer(agenda):
        before, after = agenda[: brk.start()], agenda[brk.end() :]
        if find_when(before, ctx.now, ctx.tz, need_time=False) is not None:
            break
        if find_when(after, ctx.now, ctx.tz, need_time=False) is not None:
            return _SOMEONE_AFTER.sub("", before).strip(), " " + after
    return agenda.strip(), ""


def read_facts(
    text: str,
    ctx: Clocked,
    *,
    base: datetime | None = None,
    day: date | None = None,
    whole: bool = False,
    agenda: str = "sentence",
    bare_length: bool = False,
    part: str | None = None,
    wall: time | None = None,
) -> Facts:
    """Every fact about a meeting in one message: a moment, a length, a way of meeting, an agenda.

    ``agenda``: "sentence" reads "about ..." / "to discuss ..." / "agenda: ..." at the end of a
    booking sentence; "marker" only "agenda: ..."; "none" reads no agenda.
    """
    facts = Facts()
    body = text
    agenda_match = None
    if agenda != "none":
        agenda_match = (AGENDA_TEXT if agenda == "sentence" else _AGENDA_MARKER).search(body)
        if agenda_match is not None:
            facts.agenda, after = _purpose_first(agenda_match["agenda"], ctx)
            body = body[: agenda_match.start()] + after
    body = without_the_old(body, ctx)
    moment, rest, read = _read_when(body, ctx, base, day, whole, part, wall)
    if isinstance(moment, Ask) and read is not None:  # a time said without a day
        facts.wall = f"{read.local:%H:%M}"
    elif read is not None and read.assumed:
        facts.notes.append(read.assumed)
    if read is not None:
        facts.part = read.part
    if isinstance(moment, Ask):
        facts.problems.append(("when", moment.question))
        facts.options = moment.options
    elif isinstance(moment, datetime):
        facts.at = moment
    elif isinstance(moment, date):
        facts.day = moment
    if moment is not None and not isinstance(moment, Ask) and rest:
        second = find_when(rest, ctx.now, ctx.tz, need_time=False)
        if second is not None and base is None:
            facts.at = facts.day = None
            facts.problems.append(
                ("when", "I found more than one date there. Which one did you mean?")
            )
    length = find_duration(rest)
    if length is None and read is not None and read.minutes:  # "11-12" is an hour
        facts.minutes = read.minutes
    if length is not None:
        rest = length.rest
        problem = check_meeting_length(length.value)
        if problem is not None:
            facts.problems.append(("length", problem.question))
        else:
            facts.minutes = int(length.value.total_seconds()) // 60
    elif bare_length and (number := _BARE_NUMBER.match(rest)):
        n = int(number.group(1))
        value = timedelta(hours=n) if n <= 12 else timedelta(minutes=n)
        problem = check_meeting_length(value)
        if problem is not None:
            facts.problems.append(("length", problem.question))
        else:
            facts.minutes = int(value.total_seconds()) // 60
            facts.notes.append(f"I took '{n}' as {format_duration(value)}.")
    facts.mode = find_mode(rest)
    facts.location = find_place(body) or (
        find_whereabouts(body) if facts.mode == "in_person" else None
    )
    return facts


def which_and_new(text: str, ctx: Clocked, starts: list[datetime]) -> tuple[str, str]:
    """Split "move the meeting on Tuesday to Wednesday 9am" into the part naming the meeting and
    the part giving the new time. Without "to", a day that one of ``starts`` is on names it."""
    noun, splits = to_new_time(text)

    def says_when(part: str) -> bool:
        return find_when(part, ctx.now, ctx.tz, need_time=False) is not None

    # "agreed on the phone to move weds to thurs 2pm": the "to" between a meeting and a time.
    fitting = [(a, b) for a, b in splits if says_when(text[b:]) and (noun or says_when(text[:a]))]
    split = fitting[0] if fitting else (splits[0] if splits else None)
    if split is not None:
        return text[: split[0]], text[split[1] :]
    found = find_when(text, ctx.now, ctx.tz, need_time=False)
    if found is not None and isinstance(found.value, When):
        day = found.value.day
        for start in [s for s in starts if s.astimezone(ctx.tz).date() == day][:1]:
            # "start tmrw 30 mins earlier": the day names the meeting, the rest its new time
            moved = find_when(text, ctx.now, ctx.tz, need_time=False, anchor=start)
            if moved is not None and isinstance(moved.value, When) and moved.value.has_time:
                return text, text
            # "cant do weds now, can we do fri same time", "make fridays one 90 mins": the
            # rest says what the meeting on that day becomes.
            rest = read_facts(found.rest, ctx, base=start, agenda="none")
            return text[: found.end], found.rest if rest.found_anything else ""
    return "", text
