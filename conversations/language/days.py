"""The day a meeting was held, read from what people type: "today", "yesterday", "last
Thursday", "fri", "19 Nov", "27/2". Today or earlier; a day still to come or a date that does
not exist is asked back (:class:`conversations.dates.Ask`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from conversations.dates import Ask, format_day

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_MON = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")  # fmt: skip
_PAST_DAY = re.compile(
    rf"""(?<![\w/-])(?:
    (?P<rel>today|tonight|this\s+(?:morning|afternoon|evening)|yesterday
        |(?:the\s+)?day\s+before\s+yesterday)
    |(?:(?P<wd_mod>last|on|this\s+past|past)\s+)?(?P<wd>{"|".join(_WEEKDAYS)})
    |(?:the\s+)?(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{_MON})\.?
        (?:,?\s+(?P<dm_y>\d{{4}}))?
    |(?P<md_m>{_MON})\.?\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_y>\d{{4}}))?
    |(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
    |(?P<nd_d>\d{{1,2}})/(?P<nd_m>\d{{1,2}})(?:/(?P<nd_y>\d{{4}}|\d{{2}}))?
    )(?:['’]s)?(?![\w/])""",
    re.I | re.X,
)


def past_day(text: str, today: date) -> date | Ask | None:
    """The day a meeting was held, read from a sentence: today or earlier. None when no day is
    said; an :class:`Ask` for a day still to come or a date that does not exist."""
    m = _PAST_DAY.search(text)
    if m is None:
        return None
    if m["rel"]:
        word = " ".join(m["rel"].lower().split())
        return today - timedelta(days=2 if "before" in word else 1 if "yesterday" in word else 0)
    if m["wd"]:
        back = (today.weekday() - _WEEKDAYS.index(m["wd"].lower())) % 7
        if back == 0 and (m["wd_mod"] or "").lower() == "last":
            back = 7
        return today - timedelta(days=back)
    if m["iso_y"]:
        d, mo, y = int(m["iso_d"]), int(m["iso_m"]), int(m["iso_y"])
    elif m["nd_d"]:
        d, mo = int(m["nd_d"]), int(m["nd_m"])
        y = int(m["nd_y"]) if m["nd_y"] else 0
        y = y + 2000 if 0 < y < 100 else y
    else:
        p = "dm" if m["dm_d"] else "md"
        d, mo = int(m[f"{p}_d"]), _MONTHS.index(m[f"{p}_m"][:3].lower()) + 1
        y = int(m[f"{p}_y"]) if m[f"{p}_y"] else 0
    if not 1 <= mo <= 12:
        return Ask(
            f"I couldn't read '{m[0]}' as a date (day first: 5/11 is 5 November).", "impossible"
        )
    # Without a year: this year's, unless it is still to come by more than 60 days (then last
    # year's: "20 Dec" said in February). A day just ahead is asked back, never moved a year.
    for year in (y,) if y else (today.year, today.year - 1):
        try:
            value = date(year, mo, d)
        except ValueError:
            continue
        if value <= today:
            return value
        if y or (value - today).days <= 60:
            break
    else:
        return Ask(f"There is no {d} {_MONTH_NAMES[mo - 1]}.", "impossible")
    return Ask(f"{format_day(value, today)} is still to come.", "impossible")


_DAY_OF_MONTH = re.compile(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b|^\s*the\s+(\d{1,2})\b", re.I)
_WEEKDAY_SAID = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*(?:['’]?s)?\b", re.I)
_LATEST = re.compile(r"\b(?:latest|last|most\s+recent|recent|newest)\b", re.I)
_EARLIEST = re.compile(r"\b(?:first|earlier|earliest|older|oldest)\b", re.I)


def pick_days(text: str, days: list[date], today: date) -> list[int]:
    """Which of ``days`` (newest first) an answer names: its number, the day ("the 27th",
    "friday's", "16 Feb") or "the latest" / "the first one". The indexes, or [] for none."""
    said = text.strip().strip(".!")
    if said.isdigit():
        return [int(said) - 1] if 1 <= int(said) <= len(days) else []
    every = range(len(days))
    day = past_day(said, today)
    if isinstance(day, date) and (same := [i for i in every if days[i] == day]):
        return same
    if (m := _DAY_OF_MONTH.search(said)) is not None:
        return [i for i in every if days[i].day == int(m[1] or m[2])]
    if (m := _WEEKDAY_SAID.search(said)) is not None:
        return [i for i in every if f"{days[i]:%a}".lower() == m[1].lower()]
    if _LATEST.search(said):
        return [0] if days else []
    if _EARLIEST.search(said):
        return [len(days) - 1] if days else []
    return []


_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_HELD_AT = re.compile(
    rf"(?<![\w/:.-]){_CLOCK}(?:\s*(?:-|–|to|till|til|until)\s*{_CLOCK})?"
    rf"(?![\d/:.]|\s*(?:mins?|minutes?|hours?|hrs?|h\b|wks?|weeks?|days?|st\b|nd\b|rd\b|th\b|{_MON}))",
    re.I,
)


@dataclass(frozen=True)
class HeldTime:
    """When a meeting that took place started (local wall time), and how long it ran when a
    range says so ("8-9": 60 minutes)."""

    at: time
    minutes: int | None = None


def _wall(hour: str, minute: str | None, half: str | None) -> tuple[int, int] | None:
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    elif 1 <= h <= 7:
        h += 12  # a bare "2" in a working day is the afternoon
    return (h, m) if h <= 23 and m <= 59 else None


def held_time(text: str) -> HeldTime | None:
    """The time a meeting was held, as people answer "what time did you meet?": "8-9", "at
    2pm", "10:30 to 11:15", "9.30-10.30am", "about 3". None when no time is said."""
    for m in _HELD_AT.finditer(text):
        end_half = m[6]
        start = _wall(m[1], m[2], m[3] or (end_half if m[4] else None))
        if start is None:
            continue
        minutes = None
        if m[4] and (end := _wall(m[4], m[5], end_half or m[3])) is not None:
            span = (end[0] * 60 + end[1]) - (start[0] * 60 + start[1])
            minutes = span if 0 < span <= 12 * 60 else None
        return HeldTime(time(*start), minutes)
    return None
