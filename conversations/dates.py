"""Dates, times and durations read from English text (UK: the day comes before the month).

Map:
- ``parse_when(text, now, tz)``: a whole reply is a day and time -> :class:`When` or :class:`Ask`.
- ``pick_option(text, options, now, tz)``: which of an :class:`Ask`'s options an answer chose.
- ``find_when(text, now, tz)``: the first day/time inside a sentence -> :class:`Found` (with span).
- ``parse_date`` / ``find_date``: the same for due dates and pauses (a ``date``; no time needed).
- ``parse_duration`` / ``find_duration``: "an hour", "90 mins", "1h30" -> ``timedelta``;
  ``check_meeting_length`` / ``parse_meeting_length`` ask back for 0 or more than 12 hours.
- ``format_when`` / ``format_day`` / ``format_duration``: "Thu 12 Mar, 15:00", "Thu 12 Mar",
  "1 hour 30 minutes".
- ``warm_up()``: pays dateparser's import and first-call cost (~120 ms) now. dateparser is
  imported when first used: most replies never reach it, so ``mentorbot chat`` does not warm up.

How text is read: precompiled regexes find "atoms" (a day, a time, a part of the day) and join
neighbours ("next Tuesday" + "at 3pm"). dateparser (English only, DMY, future, relative to the
person's local wall time) is only the fallback for a whole reply the grammar does not know
("3 days from now"); it never searches sentences, so "we may meet" is not a date. Inside a
sentence, weak atoms ("sat", "morning", "3.30", "20/3") count only next to another atom or after
"on"/"by"/"until"...

Rules, all relative to the injected aware ``now`` read in the person's IANA zone:
- A day without a year is this year, or next year once passed; one passed in the last 60 days is
  asked back. "on the 3rd" is the next 3rd of a month; "20/3", "20.3" are 20 March (day first).
  A weekday alone is its next occurrence after today ("this Monday" may be today); "Tuesday next
  week" is in next week. "next Tuesday" said while this week's Tuesday is still ahead is asked
  back with both dates (``Ask.options``; ``pick_option`` reads "2", "the 10th", "the later one").
- UK idioms: "half 2" (14:30), "2ish", "quarter to 3", "first thing" (09:00), "noon", "a week on
  Friday" / "Friday week" (the Friday after this one), "fortnight today", "2 wks tmrw", "0930".
- An hour without am/pm ("at 5", "3:30", "half 2"): working hours decide, 1-5 is the afternoon
  (said in ``When.assumed``), 8-12 as said, and 6 or 7 (outside working hours either way) is
  asked; a part of the day decides first ("tonight at 8" is 20:00). ``ask_am_pm=True`` always
  asks. A range in any form ("3-4pm", "11am-12pm", "11:00-12:00", "from 11 till 12",
  "between 2 and 3") gives its start and its length (``When.minutes``), never two dates.
- Hedges are the time they hedge: "about 11", "at around half 2", "~3pm", "10ish", "2 or so".
  A bare hour is a time before its day ("7 on thursday?") or offered in a question ("is 3 ok?",
  "does 10 work on weds"). "Thursday this week" / "thu next wk" is one day; someone named, or
  "is good", between a day and its time keeps them together ("wed with tom? 3pm ish").
- A part of the day without a time ("after lunch", "afternoon") is not a time: with
  ``need_time`` it is asked, offering a few times (``Ask.options``); without, it is the day, with
  ``When.part`` set. "first thing" is 09:00 and "lunchtime" 12:00 (said). A time alone is today,
  or tomorrow once passed (said); ``When.named_day`` tells whether the words named a day.
- ``anchor`` (the meeting in hand) reads "same time", "the Friday after", "the week after",
  "same time next week", "an hour later", "30 mins earlier"; without one they are not dates.
- Asked back (:class:`Ask`): the past, impossible dates ("31 Feb", "30/2"), a weekday that does
  not match the date, a day without a time when one is needed, "next week", a second date, a
  local time the clocks skip when they go forward. A time repeated when they go back takes the
  first (fold=0), said in ``When.assumed``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from conversations.language.normalise import spellings_of

__all__ = [
    "Ask",
    "Found",
    "When",
    "check_meeting_length",
    "find_date",
    "find_duration",
    "find_when",
    "format_day",
    "format_duration",
    "format_when",
    "parse_date",
    "parse_duration",
    "parse_meeting_length",
    "parse_when",
    "part_offers",
    "pick_option",
    "warm_up",
]

T = TypeVar("T")
Zone = str | ZoneInfo
AskReason = Literal[
    "past", "impossible", "am_pm", "no_time", "nonexistent", "mismatch", "vague", "ambiguous",
    "unknown", "duration", "which_day",
]  # fmt: skip


@dataclass(frozen=True)
class When:
    """A moment: ``at_utc`` and ``local`` (the person's zone) are the same instant, both aware.

    Without a time (``has_time`` false) it is local midnight of the day. ``assumed`` is a short
    sentence to show when something was filled in ("I took 'afternoon' as 14:00.").
    """

    at_utc: datetime
    local: datetime
    has_time: bool
    assumed: str | None = None
    # The words named a day (not only a time: "4pm", "an hour later" keep the day in hand).
    named_day: bool = True
    # A part of the day said without a time ("after lunch"): the caller asks for the time.
    part: str | None = None
    # The length a range gave ("11-12", "2-3:30pm"), in minutes.
    minutes: int | None = None

    @property
    def day(self) -> date:
        return self.local.date()


@dataclass(frozen=True)
class Ask:
    """Not understood or not acceptable: ``question`` is shown to the person as it is.

    ``options`` are the readings to choose from when the words fit more than one ("next Tuesday"
    said on a Monday; "at 7"); a time of day to offer when only a part of the day was said.
    """

    question: str
    reason: AskReason
    options: tuple[When, ...] = ()


@dataclass(frozen=True)
class Found(Generic[T]):
    """What was found in ``text[start:end]``; ``rest`` is the text without it, spaces tidied."""

    value: T
    start: int
    end: int
    rest: str


_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MON_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty-five": 45, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
# A part of the day with a time of its own; the others ("after lunch") are asked, with offers.
_PART_TIMES = {"first thing": (9, 0), "lunchtime": (12, 0)}
_PART_OFFERS = {
    "morning": ((9, 0), (10, 0), (11, 0)), "after lunch": ((13, 0), (13, 30), (14, 0)),
    "afternoon": ((14, 0), (15, 0), (16, 0)), "evening": ((17, 0), (17, 30), (18, 0)),
    "night": ((18, 0), (19, 0), (20, 0)), "tonight": ((18, 0), (19, 0), (20, 0)),
}  # fmt: skip
_PM_PARTS = frozenset({"afternoon", "after lunch", "evening", "night", "tonight"})
# Working hours read a bare hour: 1-5 is the afternoon, 8-12 as said, 6 and 7 are asked.
_ASK_HOURS = frozenset({6, 7})
# Bare weekday abbreviations that are also English words ("I sat", "we wed").
_WORD_DAYS = frozenset({"sat", "sun", "wed", "mon"})

# "tomorrow" and the shorthand for it the normaliser knows ("tmrw", "tomoz", "2moro").
_TOMORROWS = frozenset(("tomorrow", *spellings_of("tomorrow")))
_TMRW = "|".join(sorted(_TOMORROWS, key=len, reverse=True))
_NUMW = "|".join(sorted(_NUMBERS, key=len, reverse=True))
_HOURW = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_WD = (r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
       r"|mon|tues?|weds?|thurs?|thu|fri|sat|sun")  # fmt: skip
_POSS = r"(?:['\u2019]?s)?"  # "tmrw's", "fridays one", "next weeks meeting"
_MON = (r"january|february|march|april|may|june|july|august|september|october|november"
        r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")  # fmt: skip
_ORD = r"(?:st|nd|rd|th)"
_UNITS = r"(?:hours?|hrs?|h\b|minutes?|mins?|days?|weeks?|people|percent|%)"
_DUR_IN = rf"(?:\d+(?:\.\d+)?\s*|(?:{_NUMW})\s+|half\s+an\s+)(?:hours?|hrs?|minutes?|mins?)"
# A hedge before a time ("about 11", "at around 3", "~2pm"); "11ish", "3pm-ish", "2 or so" after it.
_HEDGE = r"(?:about|abt|around|roughly|approx\.?|approximately|circa|ca\.)"
_AT = rf"(?:(?:(?:at|from|for|say)\s+)?(?:{_HEDGE}\s+|~\s*)|(?:at|from|for|say)\s+|@\s*)"
_HEDGE_AFTER = r"(?:\s*-?\s*ish|\s+or\s+(?:so|thereabouts))"
# Separators of a time range: "11-12", "11 till 12", "between 11 and 12".
_TO = r"(?:-|\u2013|\u2014|to|till|til|until|and)"
# A bare hour offered in a question: "is 3 ok?", "would 10 work", "does 2.30 suit".
_OFFERED = (r"(?=\s+(?:still\s+|be\s+|then\s+)*(?:ok|okay|alright|all\s+right|good|fine|work|suit"
            r"|possible|doable|free|any\s+good)\b)")  # fmt: skip
# Where a bare hour can start ("7 on thurs?", "could we do 7 on thurs", "ok, 10 tomorrow"), not
# "we have 3 on friday".
_BARE_LEAD = (r"(?:^|(?<=[,;:!?(]\s)|(?<=[,;:!?(])|(?<=\bdo\s)|(?<=\bor\s)|(?<=\bmaybe\s)"
              r"|(?<=\bperhaps\s)|(?<=\btry\s)|(?<=\bmake\sit\s)|(?<=\bhow\sabout\s)"
              r"|(?<=\bwhat\sabout\s))")  # fmt: skip
# A day that follows a bare hour and makes it a time: "7 on thursday", "10 tomorrow".
_DAY_NEXT = (rf"(?=\s+(?:on\s+)?(?:this\s+|next\s+|coming\s+)?(?:today|{_TMRW}|tonight"
             rf"|{_WD})\b)")  # fmt: skip

# What may end an hour said after "be" ("could weds be 9 instead?", "can it be 10 then").
_BE_END = r"(?=\s*(?:$|[,;!?.)]|(?:instead|then|rather|please|pls|plz|earlier|later|ok|okay)\b))"

# One alternative per atom kind; the kind is ``match.lastgroup`` (the outer named group).
_ATOM = re.compile(
    rf"""(?<![\w£$€/:.])(?:
    (?P<rtime>in\s+(?!a\s+min)(?P<rt>{_DUR_IN}(?:\s+and\s+a\s+half)?))
    |(?P<reldate>in\s+(?P<rd_n>\d+\s*|(?:{_NUMW})\s+)(?P<rd_u>days?|weeks?|fortnights?|months?
        |years?)(?:['\u2019]?s?\s+time)?)
    |(?P<weekson>(?:(?P<wo_n>a|one|two|three|four|\d)\s+)?(?P<wo_u>weeks?|wks?|fortnights?)\s+
        (?:on\s+|from\s+)?(?P<wo_base>today|{_TMRW}|{_WD})\.?)
    |(?P<weektoday>(?:a|one)\s+week\s+(?:today|from\s+(?:today|now)))
    |(?P<end>(?:the\s+)?end\s+of\s+(?P<end_w>the\s+|this\s+|next\s+)?(?P<end_u>week|month|year))
    |(?P<wdweek>(?P<ww_wd>{_WD})\.?\s+(?P<ww_u>week|fortnight))
    |(?P<dshift>(?P<ds_pre>back|forward)\s+(?:by\s+)?(?P<ds_n1>a|an|one|two|three|\d)\s+
        (?P<ds_u1>days?|weeks?|wks?|fortnights?)\b(?!\s+ago\b)
        |(?P<ds_n2>a|an|one|two|three|\d)\s+(?P<ds_u2>days?|weeks?|wks?|fortnights?)\s+
        (?P<ds_post>later|earlier|sooner|back|forward)\b)
    |(?P<after>the\s+(?P<af_w>{_WD}|day|week)\.?\s+(?P<af_dir>after|before)
        (?!\s+(?:tomorrow|next|that|this|the|our|my|your|last)\b)
        |(?:the\s+)?following\s+(?P<af_fw>{_WD}|day|week)\b)
    |(?P<weekday>(?:(?P<wd_mod>this\s+coming|(?:this|next)\s+w(?:ee)?k(?:\s+on)?|this|next|coming)\s+)?
        (?P<wd>{_WD})\.?{_POSS}(?P<wd_nw>\s+(?:of\s+)?(?:next|this(?:\s+coming)?)\s+w(?:ee)?k)?
        (?:\s+coming\b(?!\s+(?:up|back|in|over|to|from)\b))?)
    |(?P<vague>next\s+(?:week|month|year){_POSS})
    |(?P<dm>(?:the\s+)?(?P<dm_d>\d{{1,2}}){_ORD}?(?:\s+of)?\s+(?P<dm_m>{_MON})\b\.?
        (?:,?\s+(?P<dm_y>\d{{4}})\b)?)
    |(?P<md>(?P<md_m>{_MON})\.?\s+(?:the\s+)?(?P<md_d>\d{{1,2}}){_ORD}?\b(?![:.]\d)
        (?:,?\s+(?P<md_y>\d{{4}})\b)?)
    |(?P<iso>(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}}))
    |(?P<dd>(?P<dd_d>\d{{1,2}})[-.](?P<dd_m>\d{{1,2}})[-.](?P<dd_y>\d{{4}}))
    |(?P<nd>(?:the\s+)?(?P<nd_d>\d{{1,2}})/(?P<nd_m>\d{{1,2}})(?:/(?P<nd_y>\d{{4}}|\d{{2}}))?(?![/\d])
        (?!\s*(?:of\b|an?\b|{_UNITS})))
    |(?P<ndot>(?:the\s+)?(?P<nt_d>\d{{1,2}})\.(?P<nt_m>[1-9])(?![\d.]|\s*{_UNITS}))
    |(?P<ordinal>(?:the\s+)?(?P<od>\d{{1,2}}){_ORD}
        (?!\s+(?:floor|time|place|row|year|week|day|person|attempt|round|item
            |quarter(?!\s+(?:to|past)\b))))
    |(?P<rday>(?:today|{_TMRW}){_POSS}|tonight|yesterday
        |(?:the\s+)?day\s+after\s+tomorrow|this(?=\s+(?:morning|afternoon|evening)))
    |(?P<ish>{_AT}?(?P<ish_h>\d{{1,2}})(?:[:.](?P<ish_m>\d{{2}}))?(?P<ish_ap>\s*[ap]\.?m\.?)?
        (?:\s*-?\s*ish|\s+or\s+thereabouts))
    |(?P<ampm>(?:between\s+|{_AT})?(?P<ap_h>\d{{1,2}})(?:[:.](?P<ap_m>\d{{2}}))?
        (?:\s*(?P<ap1>[ap])\.?m\.?)?
        (?:\s*{_TO}\s*(?P<ap_to>\d{{1,2}})(?:[:.](?P<ap_tm>\d{{2}}))?(?![\d/]|\s*{_UNITS}))?
        (?:\s*(?P<ap>[ap])\.?m\.?)?(?(ap1)|(?(ap)|(?!))))
    |(?P<range>(?:from\s+|between\s+|{_AT})?(?P<rg_h>\d{{1,2}})(?:[:.](?P<rg_m>\d{{2}}))?
        \s*{_TO}\s*(?P<rg_to>\d{{1,2}})(?:[:.](?P<rg_tm>\d{{2}}))?
        (?![\d/]|\s*(?:[ap]\.?m|{_UNITS}|of\b)))
    |(?P<clock>{_AT}?(?P<ck_h>\d{{1,2}}):(?P<ck_m>\d{{2}}))
    |(?P<hhmm>{_AT}?(?P<hh_h>[01]\d|2[1-3])(?P<hh_m>[0-5]\d)(?:\s*hrs)?(?![\d/]|\s*{_UNITS}))
    |(?P<noon>{_AT}?(?:12\s+)?(?P<nn>noon|midday|midnight))
    |(?P<oclock>{_AT}?(?P<oc_h>\d{{1,2}}|{_NUMW})\s*o\s?['\u2019]?\s?clock)
    |(?P<past>{_AT}?(?:(?P<pa_q>half|quarter)\s+(?P<pa_dir>past|to)|(?P<pa_half>half))
        \s+(?P<pa_h>\d{{1,2}}|{_HOURW})(?!\s*(?:[:.]\d|{_UNITS})))
    |(?P<same>(?:at\s+)?(?:the\s+)?same\s+(?:time|slot))
    |(?P<shift>(?P<sh_pre>back|forward|later|earlier)\s+(?:by\s+)?(?P<sh_d1>{_DUR_IN})
        |(?P<sh_d2>{_DUR_IN})\s+(?P<sh_post>later|earlier|early|sooner|back|forward))
    |(?P<at>{_AT}(?P<at_h>\d{{1,2}})(?:\.(?P<at_m>\d{{2}}))?
        (?![\d:./]|{_ORD}|\s*{_UNITS}|\s*(?:of\s+)?(?:{_MON})\b))
    |(?P<dot>(?P<dt_h>\d{{1,2}})\.(?P<dt_m>\d{{2}})(?![\d.]|\s*{_UNITS}))
    |(?P<offer>(?:is|does|would|will|could|can)\s+(?P<of_h>\d{{1,2}})(?:[:.](?P<of_m>\d{{2}}))?
        {_HEDGE_AFTER}?{_OFFERED})
    |(?P<think>(?:thinking|thought|was\s+thinking)\s+(?:about\s+|of\s+)?(?P<tk_h>\d{{1,2}})
        (?:[:.](?P<tk_m>\d{{2}}))?{_HEDGE_AFTER}?{_BE_END})
    |(?P<be>be\s+(?P<be_h>\d{{1,2}})(?:[:.](?P<be_m>\d{{2}}))?{_HEDGE_AFTER}?{_BE_END})
    |(?P<bare>{_BARE_LEAD}(?P<br_h>\d{{1,2}})(?:[:.](?P<br_m>\d{{2}}))?{_HEDGE_AFTER}?{_DAY_NEXT})
    |(?P<part>(?:(?:in|on)\s+the\s+|at\s+|over\s+)?(?P<pt>morning|afternoon|evening|night
        |after\s+lunch|lunch(?:\s*time)?|first\s+thing))
    ){_HEDGE_AFTER}?(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)
_DATE_KINDS = frozenset({"rtime", "reldate", "weektoday", "end", "weekday", "vague", "dm", "md",
                         "nd", "iso", "dd", "ordinal", "rday", "weekson", "wdweek", "after",
                         "ndot", "dshift"})  # fmt: skip
_CALENDAR_KINDS = frozenset({"dm", "md", "nd", "iso", "dd", "ordinal", "ndot"})
_TIME_KINDS = frozenset({"ampm", "clock", "noon", "oclock", "past", "at", "dot", "ish", "range",
                         "hhmm", "same", "shift", "offer", "bare", "be", "think"})  # fmt: skip
# Read only against a meeting already in hand ("same time", "the Friday after", "an hour later").
_ANCHORED = frozenset({"same", "shift", "after", "dshift"})
_PUNCT = " \t\n,.;:!?()"
# Between a day and its time: "fri, at 3", "wed afternoon with tom? 3pm ish" (someone to meet),
# "is 3 ok on thurs", "fri sometime around 2".
_GLUE = re.compile(
    r"\s*[,?!]?\s*(?:(?:with|w/?)\s+[a-z]+\s*[,?!]?\s*)?"
    r"(?:(?:is\s+|be\s+|['\u2019]s\s+)?(?:ok|okay|alright|good|fine|work|suit|any\s+good)"
    r"(?:\s+for\s+[a-z]+)?\s*[,?!]?\s*)?"  # "any good for tom? thinking 3"
    r"(?:(?:sometime|some\s+time|ideally|preferably|maybe|perhaps)\s+)?"
    r"(?:(?:starting|beginning)\s+)?(?:(?:at|on|say)\s+)?",  # "the 9th starting at 1pm"
    re.IGNORECASE,
)
_BUT_ON = re.compile(r"\s*,?\s*(?:but|just|only)\s+(?:(?:on|at)\s+)?", re.IGNORECASE)
_LEAD = re.compile(r"\b(?:by|on|until|till|til|before|from|at|for|due|to|it)\s+$", re.IGNORECASE)
_WEAK_END = re.compile(
    r"\s*(?:$|[,.;:!?)]|(?:please|pls|plz|thanks|cheers|then|if|ok|okay|and|or|with|w|via|to"
    r"|on|at|for|from|in|is|works?|would|suits?|instead|too|same|today|tomorrow|morning"
    r"|afternoon|evening|sorry|sry|soz|but|anyway|either|thx|ta)\b)",
    re.IGNORECASE,
)
_DUR = re.compile(
    rf"""(?<![\w£$€.])(?P<for>for\s+)?(?:(?:about|around|roughly|approx\.?|approximately|just)\s+)?
    (?:(?P<hh>\d{{1,2}})\s*h(?:ours?|rs?)?\s*(?P<hm>\d{{1,2}})(?:\s*m(?:inutes?|ins?)?)?
    |(?P<q>half\s+an|(?:a\s+)?half|(?:a\s+)?quarter\s+of\s+an|(?:a\s+)?quarter
        |three[-\s]quarters\s+of\s+an)[-\s]hour
    |(?P<h>\d+(?:\.\d+)?\s*|(?:{_NUMW})\s+)(?P<half1>and\s+a\s+half\s+)?(?:hours?|hrs?|h)
        (?:\s*(?:and\s+)?(?P<hmin>\d+\s*|(?:{_NUMW})\s+)(?:minutes?|mins?|m))?
        (?P<half2>\s+and\s+a\s+half)?
    |(?P<hhalf>hour\s+and\s+a\s+half)
    |(?P<m>\d+\s*|(?:{_NUMW})\s+)(?:minutes?|mins?))(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)
_NOT_LENGTH = re.compile(r"\s+(?:ago|later|from\s+now|before|after|earlier|early|late)\b", re.I)
# dateparser is only tried when every word is one it could use (a sentence costs it ~1 ms).
_DP_VOCABULARY = """yesterday today tomorrow tonight now ago next last this coming after before
    from in on at by of the a an and end start beginning noon midday midnight morning afternoon
    evening night am pm o clock day days week weeks fortnight month months year years hour hours
    minute minutes min mins first second third fourth fifth sixth seventh eighth ninth tenth
    eleventh twelfth twentieth thirtieth t"""
_DP_WORDS = (
    frozenset(_DP_VOCABULARY.split())
    | {w.lower() for w in _WEEKDAYS + _MONTHS + _DAY_ABBR + _MON_ABBR}
    | _NUMBERS.keys()
)
_DP_TIME = re.compile(
    r"\d[:.]\d\d|\d\s*[ap]\.?m\b|noon|midday|midnight|o\s?'?\s?clock|hours?|min", re.I
)
_DP_LEAD = re.compile(r"^(?:by|on|until|till|til|before|from|at|for|due)\s+", re.IGNORECASE)


_Atoms = dict[str, re.Match[str]]


@dataclass
class _Group:
    atoms: _Atoms
    start: int
    end: int
    lead: bool = field(default=False)


def _zone(tz: Zone) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now


def _num(text: str) -> float:
    word = text.strip().lower()
    return float(_NUMBERS[word]) if word in _NUMBERS else float(word)


def _month(text: str) -> int:
    return [m.lower() for m in _MON_ABBR].index(text[:3].lower()) + 1


def _weekday(text: str) -> int:
    return [d.lower() for d in _DAY_ABBR].index(text[:3].lower())


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _dmy(day: date) -> str:
    return f"{day.day} {_MON_ABBR[day.month - 1]} {day.year}"


def _hm(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _rest(text: str, start: int, end: int) -> str:
    joined = re.sub(r"\s+", " ", f"{text[:start]} {text[end:]}").strip()
    return re.sub(r"\s+([,.;:!?])", r"\1", joined)


def _past(day: date) -> Ask:
    return Ask(f"{_dmy(day)} is in the past. Which date did you mean?", "past")


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, kept within the month (31 Jan + 1 month is 28/29 Feb)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class _Days:
    """Two days the words fit ("next Tuesday" said on a Monday): this week's and next week's."""

    days: tuple[date, ...]
    name: str


@dataclass(frozen=True)
class _Hours:
    """Two times the words fit ("at 7": 07:00 or 19:00)."""

    times: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Ctx:
    now: datetime
    zone: ZoneInfo
    need_time: bool
    ask: bool
    anchor: datetime | None = (
        None  # local: the meeting in hand, for "same time", "the Friday after"
    )
    part: str | None = None  # the part of the day the question was about ("after lunch")

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


def _fits(atoms: _Atoms, kind: str) -> bool:
    """Can atom ``kind`` join a group holding ``atoms``? One day, one time, one part of day."""
    if "rtime" in atoms or kind == "rtime":
        return False
    if kind in _TIME_KINDS:
        return not atoms.keys() & _TIME_KINDS
    if kind == "part":
        return "part" not in atoms
    dates = atoms.keys() & _DATE_KINDS
    if not dates:
        return True
    if dates == {"weekday"}:
        return kind in _CALENDAR_KINDS
    return kind == "weekday" and len(dates) == 1 and dates <= _CALENDAR_KINDS


# "1st may", "the 3rd of may", "may 1st": a day said as an ordinal (or "of") makes "may" the
# month; "2 may come" and "the 2nd may be better" keep it the verb.
_SURELY_MAY = re.compile(rf"\d{_ORD}|\bof\b", re.IGNORECASE)
_MAY_VERB = re.compile(
    r"\s+(?:well\s+|also\s+|still\s+|just\s+|not\s+|even\s+)?(?:be|have|need|not|want|come|go|do|get"
    r"|take|make|work|suit|help|ask|like|prefer|find|see|mean|change|move|say|know|end|turn|fall"
    r"|run|clash|happen|slip|seem|look|stay|join)\b",
    re.IGNORECASE,
)
# "at 3", "around 3" followed by the end of a clause are a time on their own.
_STRONG_AT = ("at", "@", "about", "abt", "around", "roughly", "approx", "circa", "~")


def _may_the_verb(kind: str, m: re.Match[str], text: str) -> bool:
    """Whether a day-and-"may" atom is more likely the verb ("those 2 may come")."""
    if kind not in ("dm", "md") or m[f"{kind}_m"].lower() != "may" or m[f"{kind}_y"]:
        return False
    return not _SURELY_MAY.search(m[0]) or _MAY_VERB.match(text, m.end()) is not None


def _strong(group: _Group, text: str) -> bool:
    """In a sentence, is this group surely a date/time and not "sat", "good morning", "3.30"?

    Two atoms side by side ("thurs half 2", "20/3 1030", "first thing weds") are a date/time.
    """
    atoms = group.atoms
    if len(atoms) > 1:
        return True
    for kind, m in atoms.items():
        if kind == "weekday" and not (m["wd_mod"] or m["wd_nw"]) and m["wd"].lower() in _WORD_DAYS:
            continue
        if kind == "nd" and not m["nd_y"]:
            continue
        if _may_the_verb(kind, m, text):
            continue  # "those 2 may come"; but "1st may", "may the 3rd" are dates
        if kind not in ("part", "at", "dot", "ordinal", "ndot", "hhmm", "range", "be"):
            return True
    if said := atoms.get("nd") or atoms.get("ndot"):  # "the 30/2"
        return group.lead or said[0].lower().startswith("the")
    if atoms.keys() & {"dot", "ndot", "hhmm", "range"}:
        return group.lead
    ends = bool(_WEAK_END.match(text, group.end))
    if ordinal := atoms.get("ordinal"):  # "on the 3rd", "the 20th"; not "the 3rd floor"
        return (group.lead or ordinal[0].lower().startswith("the")) and ends
    if at := atoms.get("at"):
        return group.lead or (at[0].lower().startswith(_STRONG_AT) and ends)
    return group.lead


def _groups(text: str, *, whole: bool, anchored: bool = False) -> list[_Group]:
    """Neighbouring atoms joined; weak groups kept only when ``whole`` and they are the text."""
    groups: list[_Group] = []
    for m in _ATOM.finditer(text):
        kind = m.lastgroup or ""
        if kind in _ANCHORED and not anchored:
            continue
        last = groups[-1] if groups else None
        glue = _GLUE.fullmatch(text, last.end, m.start()) if last else None
        if last and glue is None and "same" in last.atoms:  # "same time but on the 27th"
            glue = _BUT_ON.fullmatch(text, last.end, m.start())
        if last and glue and _fits(last.atoms, kind):
            last.atoms[kind] = m
            last.end = m.end()
        else:
            groups.append(_Group({kind: m}, m.start(), m.end()))
    kept = []
    for g in groups:
        lead = _LEAD.search(text, max(0, g.start - 8), g.start)
        g.lead = lead is not None
        if lead:
            g.start = lead.start()
        alone = not text[: g.start].strip(_PUNCT) and not text[g.end :].strip(_PUNCT)
        if not (alone and whole) and not _strong(g, text):
            continue
        kept.append(g)
    return kept


def _calendar(d: int, m: int, y: int | None, said: str, today: date) -> date | Ask:
    """A day and month (and perhaps a year) as a date: future-first, past or impossible asked."""
    if not 1 <= m <= 12:
        return Ask(
            f"I couldn't read '{said}' as a date (day first: 5/12 is 5 December). "
            "Which date did you mean?",
            "impossible",
        )
    if y is not None:
        y = y + 2000 if y < 100 else y
        try:
            value = date(y, m, d)
        except ValueError:
            return Ask(
                f"There is no {d} {_MONTHS[m - 1]} {y}. Which date did you mean?", "impossible"
            )
        return _past(value) if value < today else value
    for year in (today.year, today.year + 1):
        try:
            value = date(year, m, d)
        except ValueError:
            continue
        if value >= today:
            return value
        if (today - value).days <= 60:
            return _past(value)
    leap = "" if d != 29 or m != 2 else f" in {today.year} or {today.year + 1}"
    return Ask(f"There is no {d} {_MONTHS[m - 1]}{leap}. Which date did you mean?", "impossible")


def _relative_day(word: str, today: date) -> date:
    """ "today", "tmrw", "tomorrow's" or a weekday (its next one, today counting)."""
    word = (
        re.sub(r"['\u2019]?s$", "", _words(word)) if not word.lower().startswith("tues") else word
    )
    if word.lower() in ("today", *_TOMORROWS):
        return today + timedelta(days=word.lower() != "today")
    return today + timedelta(days=(_weekday(word) - today.weekday()) % 7)


def _anchored_day(m: re.Match[str], anchor: date) -> date:
    """ "the Friday after", "the day before", "the week after", "the following week" the
    meeting in hand."""
    sign = 1 if m["af_fw"] or m["af_dir"].lower() == "after" else -1
    what = (m["af_w"] or m["af_fw"]).lower()
    if what in ("day", "week"):
        return anchor + timedelta(days=sign * (1 if what == "day" else 7))
    wanted = _weekday(what)
    step = ((wanted - anchor.weekday()) * sign) % 7 or 7
    return anchor + timedelta(days=sign * step)


def _shifted_day(m: re.Match[str], anchor: date) -> date:
    """ "back a week", "a day later", "forward by 2 days": the meeting in hand's day, moved."""
    n = int(_num(m["ds_n1"] or m["ds_n2"]))
    unit = (m["ds_u1"] or m["ds_u2"]).lower()
    days = 14 if unit.startswith("f") else 1 if unit.startswith("d") else 7
    way = (m["ds_pre"] or m["ds_post"]).lower()
    sign = 1 if way in ("back", "later") else -1
    return anchor + timedelta(days=sign * n * days)


def _day(atoms: _Atoms, c: _Ctx) -> date | Ask | _Days | None:
    """The day the atoms name (None when they name only a time)."""
    today = c.today
    value: date | Ask | None = None
    if m := atoms.get("rday"):
        word = re.sub(r"['\u2019]?s$", "", _words(m[0]))
        offset = 1 if word in _TOMORROWS else -1 if word == "yesterday" else 0
        value = today + timedelta(days=2 if "after" in word else offset)
    elif m := atoms.get("weekson"):  # "a week on Friday", "fortnight today", "2 wks tmrw"
        weeks = int(_num(m["wo_n"])) if m["wo_n"] else 1
        days = 14 if m["wo_u"].lower().startswith("f") else 7
        value = _relative_day(m["wo_base"], today) + timedelta(days=weeks * days)
    elif m := atoms.get("wdweek"):  # "Friday week", "weds fortnight"
        days = 14 if m["ww_u"].lower().startswith("f") else 7
        value = _relative_day(m["ww_wd"], today) + timedelta(days=days)
    elif m := atoms.get("dshift"):
        if c.anchor is None:
            return Ask("Which day did you mean?", "vague")
        value = _shifted_day(m, c.anchor.date())
    elif m := atoms.get("after"):
        if c.anchor is None:
            return Ask("Which day did you mean?", "vague")
        value = _anchored_day(m, c.anchor.date())
    elif m := atoms.get("reldate"):
        n, unit = int(_num(m["rd_n"])), m["rd_u"].lower()[:2]
        if unit in ("mo", "ye"):
            value = add_months(today, n * (12 if unit == "ye" else 1))
        else:
            value = today + timedelta(days=n * {"da": 1, "we": 7, "fo": 14}[unit])
    elif "weektoday" in atoms:
        value = today + timedelta(days=7)
    elif m := atoms.get("end"):
        nxt = _words(m["end_w"] or "") == "next"
        unit = m["end_u"].lower()
        if unit == "week":
            value = today + timedelta(days=4 - today.weekday() + 7 * nxt)
            value += timedelta(days=7 * (value < today))
        elif unit == "month":
            value = add_months(today.replace(day=1), 1 + nxt) - timedelta(days=1)
        else:
            value = date(today.year + nxt, 12, 31)
    elif m := atoms.get("vague"):
        said = re.sub(r"['\u2019]?s$", "", _words(m[0]))
        if said == "next week" and c.anchor is not None:  # "same time next week"
            return today + timedelta(days=7 - today.weekday() + c.anchor.weekday())
        return Ask(f"Which day {said}?", "vague")
    elif m := atoms.get("dm") or atoms.get("md"):
        p = "dm" if "dm" in atoms else "md"
        year = int(m[f"{p}_y"]) if m[f"{p}_y"] else None
        value = _calendar(int(m[f"{p}_d"]), _month(m[f"{p}_m"]), year, m[0].strip(), today)
    elif m := atoms.get("nd") or atoms.get("dd") or atoms.get("iso"):
        p = next(k for k in ("nd", "dd", "iso") if k in atoms)
        year = int(m[f"{p}_y"]) if m[f"{p}_y"] else None
        value = _calendar(int(m[f"{p}_d"]), int(m[f"{p}_m"]), year, m[0].strip(), today)
    elif m := atoms.get("ndot"):  # "20.3" is 20 March
        value = _calendar(int(m["nt_d"]), int(m["nt_m"]), None, m[0].strip(), today)
    elif m := atoms.get("ordinal"):
        value = Ask(f"There is no '{m[0].strip()}'. Which date did you mean?", "impossible")
        y, mo, d = today.year, today.month, int(m["od"])
        # "tues 7th": the next 7th that is a Tuesday (months ahead if need be).
        named = atoms.get("weekday")
        weekday = _weekday(named["wd"]) if named is not None else None
        for _ in range((3 if weekday is None else 12) if 1 <= d <= 31 else 0):
            try:
                candidate = date(y, mo, d)
                if candidate >= today and weekday in (None, candidate.weekday()):
                    value = candidate
                    break
            except ValueError:
                pass
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    if (m := atoms.get("weekday")) is None:
        return value
    wanted = _weekday(m["wd"])
    if isinstance(value, date) and value.weekday() != wanted:
        return Ask(
            f"{_dmy(value)} is a {_WEEKDAYS[value.weekday()]}, not a {_WEEKDAYS[wanted]}. "
            "Which date did you mean?",
            "mismatch",
        )
    if value is not None:
        return value
    mod = _words(m["wd_mod"] or "")
    week = _words(m["wd_nw"] or "")
    if re.match(r"next w", mod) or re.search(r"next w(?:ee)?k$", week):
        return today + timedelta(days=7 - today.weekday() + wanted)
    if re.match(r"this w", mod) or week:  # "thursday this week": perhaps already past
        return today + timedelta(days=wanted - today.weekday())
    ahead = (wanted - today.weekday()) % 7
    if mod == "next" and ahead and today.weekday() < wanted:
        # Said early in the week, "next Tuesday" is this week's to some and next week's to others.
        first = today + timedelta(days=ahead)
        return _Days((first, first + timedelta(days=7)), _WEEKDAYS[wanted])
    return today + timedelta(days=ahead if mod == "this" else ahead or 7)


def _meridiem(
    h: int, mi: int, said: str, part: str | None, ask: bool, notes: list[str]
) -> tuple[int, int] | _Hours:
    """An hour said without am/pm: a part of the day decides, else working hours (1-5 is the
    afternoon, 8-12 as said); 6 and 7, outside working hours either way, are asked."""
    if h == 0 or h >= 12:
        return h, mi
    if part in _PM_PARTS:
        return h + 12, mi
    if part in ("morning", "first thing"):
        return h, mi
    if ask or h in _ASK_HOURS:
        return _Hours(((h, mi), (h + 12, mi)))
    if h <= 5:
        notes.append(f"I took '{said}' as {_hm(h + 12, mi)}.")
        return h + 12, mi
    return h, mi


def _until(start: tuple[int, int], h: int, mi: int, pm: bool) -> int | None:
    """Minutes from ``start`` to the end of a range ("11-12", "2-3:30pm"), if it makes sense."""
    begin = start[0] * 60 + start[1]
    ends = [((h % 12) + 12 * pm) * 60 + mi] if pm else [h * 60 + mi, (h % 12 + 12) * 60 + mi]
    after = [e - begin for e in ends if 0 < e - begin <= 12 * 60]
    return min(after) if after else None


_SAID_LEAD = re.compile(
    rf"^(?:{_AT}|(?:between|is|does|would|will|could|can|be|thinking|thought|was)\s+)+",
    re.IGNORECASE,
)


def _clock(
    atoms: _Atoms, part: str | None, c: _Ctx, notes: list[str], extra: dict[str, Any]
) -> tuple[int, int] | _Hours | Ask | None:
    kind = next((k for k in atoms if k in _TIME_KINDS), None)
    if kind is None:
        return None
    m = atoms[kind]
    said = _SAID_LEAD.sub("", m[0].strip())
    bad = Ask(f"There is no time '{said}'. What time did you mean?", "impossible")
    anchor = c.anchor
    if kind == "same":
        return (anchor.hour, anchor.minute) if anchor is not None else None
    if kind == "shift":
        if anchor is None:
            return None
        amount = _length(_DUR.fullmatch(m["sh_d1"] or m["sh_d2"]))
        way = _words(m["sh_pre"] or m["sh_post"])
        moved = anchor + (amount if way in ("back", "later") else -amount)
        return moved.hour, moved.minute
    if kind == "ampm":
        h, mi = int(m["ap_h"]), int(m["ap_m"] or 0)
        if not (1 <= h <= 12 and mi < 60):
            return bad
        pm = 12 * ((m["ap"] or "").lower() == "p")
        if m["ap1"]:  # "11am-12pm", "10am to 2": the start says its own half of the day
            start = h % 12 + 12 * (m["ap1"].lower() == "p"), mi
            if m["ap_to"]:
                until = _until(start, int(m["ap_to"]), int(m["ap_tm"] or 0), bool(pm))
                extra["minutes"] = until
            return start
        if m["ap_to"]:  # "3-4pm" starts at 15:00, "11-1pm" at 11:00
            end = int(m["ap_to"]) % 12 + pm
            start = (h % 12 + 12 if h % 12 + 12 <= end else h % 12), mi
            extra["minutes"] = _until(start, int(m["ap_to"]), int(m["ap_tm"] or 0), bool(pm))
            return start
        return h % 12 + pm, mi
    if kind == "noon" and m["nn"].lower() == "midnight":
        notes.append("I took midnight as 00:00, the start of that day.")
        return 0, 0
    if kind == "noon":
        return 12, 0
    if kind == "hhmm":  # "0930", "1500hrs": the 24-hour clock
        return int(m["hh_h"]), int(m["hh_m"])
    if kind == "past":
        h = int(_num(m["pa_h"]))
        if not 1 <= h <= 12:
            return bad
        said_notes: list[str] = []
        base = _meridiem(h, 0, said, part, c.ask, said_notes)
        if m["pa_half"]:  # "half 2" is half past two
            delta = 30
        else:
            size = 30 if _words(m["pa_q"]) == "half" else 15
            delta = size if m["pa_dir"].lower() == "past" else -size

        def shifted(hm: tuple[int, int]) -> tuple[int, int]:
            hour, minute = divmod((hm[0] * 60 + delta) % 1440, 60)
            return hour, minute

        if isinstance(base, _Hours):
            return _Hours(tuple(shifted(t) for t in base.times))
        result = shifted(base)
        notes += [f"I took '{said}' as {_hm(*result)}."] if said_notes else []
        return result
    if kind == "ish":
        h, mi = int(m["ish_h"]), int(m["ish_m"] or 0)
        if not (1 <= h <= 23 and mi < 60):
            return bad
        if m["ish_ap"]:
            return h % 12 + 12 * ("p" in m["ish_ap"].lower()), mi
        return _meridiem(h, mi, said, part, c.ask, notes)
    if kind == "range":
        h, mi = int(m["rg_h"]), int(m["rg_m"] or 0)
        if h > 23 or mi > 59:
            return bad
        begin = (h, mi) if m["rg_h"].startswith("0") else _meridiem(h, mi, said, part, c.ask, notes)
        if isinstance(begin, tuple):
            extra["minutes"] = _until(begin, int(m["rg_to"]), int(m["rg_tm"] or 0), False)
        return begin
    h_text, m_text = {"clock": ("ck_h", "ck_m"), "at": ("at_h", "at_m"), "dot": ("dt_h", "dt_m"),
                      "oclock": ("oc_h", ""), "offer": ("of_h", "of_m"),
                      "bare": ("br_h", "br_m"), "be": ("be_h", "be_m"),
                      "think": ("tk_h", "tk_m")}[kind]  # fmt: skip
    h, mi = int(_num(m[h_text])), int(m[m_text] or 0) if m_text else 0
    if h > 23 or mi > 59 or (kind == "oclock" and not 1 <= h <= 12):
        return bad
    if m[h_text].startswith("0"):
        return h, mi
    return _meridiem(h, mi, said, part, c.ask, notes)


def _localise(day: date, hm: tuple[int, int], zone: ZoneInfo) -> tuple[datetime, str | None] | Ask:
    """Wall time in ``zone``, aware: a time the clocks skip is asked, a repeated one is fold=0."""
    aware = datetime.combine(day, time(*hm), tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone)
    if (back.date(), back.hour, back.minute) != (day, *hm):
        return Ask(
            f"There is no {_hm(*hm)} on {format_day(day)}: the clocks go forward that night. "
            "What time did you mean?",
            "nonexistent",
        )
    if aware.replace(fold=1).utcoffset() != aware.utcoffset():
        return aware, (
            f"{_hm(*hm)} happens twice that night (the clocks go back); "
            f"I took the first one ({aware.tzname()})."
        )
    return aware, None


def _finish(
    day: date | None, hm: tuple[int, int] | None, notes: list[str], c: _Ctx,
    extra: dict[str, Any] | None = None,
) -> When | Ask:  # fmt: skip
    """Day and wall time -> When, after the checks for the past, missing time and DST."""
    now, zone, today = c.now, c.zone, c.today
    notes = list(notes)
    extra = {**(extra or {}), "named_day": day is not None}
    if day is not None and day < today:
        return _past(day)
    if hm is None:
        if day is None:
            return Ask("When did you mean?", "unknown")
        if c.need_time:
            return Ask(f"What time on {format_day(day, today)}?", "no_time")
        midnight = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
        return When(midnight, midnight.astimezone(zone), False, " ".join(notes) or None, **extra)
    rolled = day is None
    placed = _localise(day or today, hm, zone)
    if rolled and not isinstance(placed, Ask) and placed[0] <= now:
        notes.append("I took it as tomorrow.")
        placed = _localise(today + timedelta(days=1), hm, zone)
    if isinstance(placed, Ask):
        return placed
    local, note = placed
    if local <= now:
        return Ask(f"{_hm(*hm)} today has already passed. What time did you mean?", "past")
    notes += [note] if note else []
    return When(local.astimezone(UTC), local, True, " ".join(notes) or None, **extra)


def _part_of(atoms: _Atoms) -> str | None:
    if "part" in atoms:
        part = _words(atoms["part"]["pt"])
        return "lunchtime" if part in ("lunch", "lunch time") else part
    if "rday" in atoms and _words(atoms["rday"][0]) == "tonight":
        return "tonight"
    return None


def _offers(day: date, part: str, c: _Ctx) -> tuple[When, ...]:
    offers = (_finish(day, t, [], c) for t in _PART_OFFERS.get(part, ()))
    return tuple(o for o in offers if isinstance(o, When))


def part_offers(day: date, part: str, now: datetime, tz: Zone) -> tuple[When, ...]:
    """A few times to offer on ``day`` for a part of the day ("after lunch": 13:00, 13:30, 14:00)."""
    return _offers(day, part, _context(now, tz, True, False, None, None))


def _resolve(atoms: _Atoms, c: _Ctx) -> When | Ask:
    if m := atoms.get("rtime"):
        at = c.now + _length(_DUR.fullmatch(m["rt"]))
        return When(at.astimezone(UTC), at.astimezone(c.zone), True)
    day = _day(atoms, c)
    if isinstance(day, Ask):
        return day
    part = _part_of(atoms)
    notes: list[str] = []
    extra: dict[str, Any] = {}
    hm = _clock(atoms, part or c.part, c, notes, extra)
    if isinstance(hm, Ask):
        return hm
    days = day.days if isinstance(day, _Days) else (day,)
    if hm is None and part is not None:
        if part in _PART_TIMES:
            hm = _PART_TIMES[part]
            notes.append(f"I took '{part}' as {_hm(*hm)}.")
        else:  # "after lunch" is not a time: ask for one, offering a few in that part of the day
            extra["part"] = part
            if len(days) == 1:
                on = days[0] or c.today
                if c.need_time:
                    return Ask(
                        f"What time on {format_day(on, c.today)} ({part})?",
                        "no_time",
                        _offers(on, part, c),
                    )
                return _finish(on, None, notes, c, extra)
    times = hm.times if isinstance(hm, _Hours) else (hm,)
    if len(days) * len(times) == 1:
        return _finish(days[0], times[0], notes, c, extra)
    results = [_finish(d, t, notes, c, extra) for d in days for t in times]
    options = tuple(r for r in results if isinstance(r, When))
    if len(options) <= 1:
        return options[0] if options else results[0]
    if isinstance(day, _Days):
        shown = " or ".join(format_day(o.day, c.today) for o in options)
        return Ask(f"Which {day.name}: {shown}?", "which_day", options)
    where = f" on {format_day(days[0], c.today)}" if days[0] is not None else ""
    hours = " or ".join(_hm(*t) for t in times if t is not None)
    return Ask(f"Did you mean {hours}{where}?", "am_pm", options)


def _fallback(text: str, c: _Ctx) -> When | Ask:
    """dateparser for a whole reply the grammar did not know (English, DMY, future)."""
    cleaned = _DP_LEAD.sub("", text.strip().rstrip(".!?"))
    unknown = Ask("Sorry, I couldn't read a date in that. When did you mean?", "unknown")
    words = re.findall(r"[^\W\d_]+", cleaned.lower())
    if len(cleaned) > 60 or not _DP_WORDS.issuperset(words) or _DUR.search(cleaned):
        return unknown
    import dateparser  # only here: its import and first parse cost ~0.1 s of CPU

    result = dateparser.parse(cleaned, languages=["en"], settings=_settings(c.now, c.zone))
    if result is None:
        return unknown
    hm = (result.hour, result.minute) if _DP_TIME.search(cleaned) else None
    return _finish(result.date(), hm, [], c)


def _settings(now: datetime, zone: ZoneInfo) -> dict[str, object]:
    # dateparser wants a naive base: the person's wall time; its answer is re-attached to ``zone``.
    base = now.astimezone(zone).replace(tzinfo=None)
    return {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future", "RELATIVE_BASE": base,
            "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}  # fmt: skip


def _context(
    now: datetime, tz: Zone, need_time: bool, ask: bool, anchor: datetime | None, part: str | None
) -> _Ctx:
    zone = _zone(tz)
    local_anchor = _aware(anchor).astimezone(zone) if anchor is not None else None
    return _Ctx(_aware(now), zone, need_time, ask, local_anchor, part)


def parse_when(
    text: str, now: datetime, tz: Zone, *, need_time: bool = True, ask_am_pm: bool = False,
    anchor: datetime | None = None, part: str | None = None,
) -> When | Ask:  # fmt: skip
    """A whole reply ("next Tuesday at 3pm please") as a moment; a second day is asked back.

    ``anchor`` is the meeting in hand, read by "same time", "the Friday after", "an hour later";
    ``part`` the part of the day a question was about ("after lunch": "at 2" is 14:00).
    """
    c = _context(now, tz, need_time, ask_am_pm, anchor, part)
    groups = _groups(text, whole=True, anchored=anchor is not None)
    if not groups:
        return _fallback(text, c)
    if any(g.atoms.keys() & _DATE_KINDS for g in groups[1:]):
        return Ask("I found more than one date there. Which one did you mean?", "ambiguous")
    return _resolve(groups[0].atoms, c)


def find_when(
    text: str, now: datetime, tz: Zone, *, need_time: bool = True, ask_am_pm: bool = False,
    anchor: datetime | None = None, part: str | None = None,
) -> Found[When | Ask] | None:  # fmt: skip
    """The first day/time in a sentence, conservatively; its span includes "on"/"by"/"until"."""
    groups = _groups(text, whole=False, anchored=anchor is not None)
    if not groups:
        return None
    g = groups[0]
    value = _resolve(g.atoms, _context(now, tz, need_time, ask_am_pm, anchor, part))
    return Found(value, g.start, g.end, _rest(text, g.start, g.end))


_FIRST = re.compile(
    r"\b(?:first|1st|earlier|earliest|soone[rs]t?|this\s+week|this\s+one|am|morning)\b"
)
_LAST = re.compile(
    r"\b(?:second|2nd|later|latest|last|next\s+week|week\s+after|other|pm|afternoon|evening)\b"
)


def pick_option(text: str, options: tuple[When, ...], now: datetime, tz: Zone) -> When | None:
    """Which of the ``options`` an answer chose: "2", "the 10th", "next week's", "the later one",
    "7pm"; None when it names none of them (perhaps a new time altogether)."""
    said = _words(text).strip(" .!?")
    if not options:
        return None
    if (number := re.fullmatch(r"(?:option\s+|number\s+|no\.?\s*)?(\d{1,2})", said)) is not None:
        index = int(number.group(1)) - 1
        return options[index] if 0 <= index < len(options) else None
    value = parse_when(text, now, tz, need_time=False)
    if isinstance(value, When):
        same_day = [o for o in options if o.day == value.day] if value.named_day else list(options)
        if value.has_time:
            same_day = [o for o in same_day if o.local.time() == value.local.time()]
        if len(same_day) == 1:
            return same_day[0]
        if same_day and not value.named_day and not value.has_time:
            return None
    first, last = _FIRST.search(said), _LAST.search(said)
    if first and not last:
        return options[0]
    if last and not first:
        return options[-1]
    return None


def parse_date(text: str, now: datetime, tz: Zone) -> date | Ask:
    """A due date or pause end: "5 Dec", "by Friday", "end of the month", "in two weeks"."""
    result = parse_when(text, now, tz, need_time=False)
    return result if isinstance(result, Ask) else result.day


def find_date(text: str, now: datetime, tz: Zone) -> Found[date | Ask] | None:
    found = find_when(text, now, tz, need_time=False)
    if found is None:
        return None
    value = found.value if isinstance(found.value, Ask) else found.value.day
    return Found(value, found.start, found.end, found.rest)


def _length(m: re.Match[str] | None) -> timedelta:
    if m is None:
        return timedelta()
    minutes: float
    if m["hh"]:
        minutes = int(m["hh"]) * 60 + int(m["hm"])
    elif m["q"]:
        q = _words(m["q"])
        minutes = 30 if "half" in q else 45 if q.startswith("three") else 15
    elif m["hhalf"]:  # "hour and a half", the "an" left out
        minutes = 90
    elif m["h"]:
        half = 30 if m["half1"] or m["half2"] else 0
        minutes = _num(m["h"]) * 60 + half + (_num(m["hmin"]) if m["hmin"] else 0)
    else:
        minutes = _num(m["m"])
    return timedelta(minutes=round(minutes))


def find_duration(text: str) -> Found[timedelta] | None:
    """The first length of time in a sentence ("for an hour"), not "in 2 hours" or "2 hours ago"."""
    for m in _DUR.finditer(text):
        before = text[max(0, m.start() - 8) : m.start()].lower().split()
        if not m["for"] and before and before[-1] in ("in", "within", "every"):
            continue
        if _NOT_LENGTH.match(text, m.end()):
            continue
        return Found(_length(m), m.start(), m.end(), _rest(text, m.start(), m.end()))
    return None


def parse_duration(text: str) -> timedelta | None:
    found = find_duration(text)
    return None if found is None else found.value


def check_meeting_length(length: timedelta) -> Ask | None:
    """An Ask for a meeting of 0 minutes or more than 12 hours, else None."""
    if length <= timedelta():
        return Ask("A meeting can't last 0 minutes. How long will it be?", "duration")
    if length > timedelta(hours=12):
        return Ask(
            f"A meeting can't last {format_duration(length)} (12 hours at most). "
            "How long will it be?",
            "duration",
        )
    return None


def parse_meeting_length(text: str) -> timedelta | Ask:
    length = parse_duration(text)
    if length is None:
        return Ask("How long will it be? For example '45 minutes' or '1 hour'.", "duration")
    return check_meeting_length(length) or length


def format_day(day: date, today: date | None = None) -> str:
    """ "Thu 12 Mar"; the year is added when ``today`` is given and in another year."""
    year = f" {day.year}" if today is not None and today.year != day.year else ""
    return f"{_DAY_ABBR[day.weekday()]} {day.day} {_MON_ABBR[day.month - 1]}{year}"


def format_when(at: datetime, tz: Zone, now: datetime | None = None) -> str:
    """ "Thu 12 Mar, 15:00" in the reader's zone; the year only when not ``now``'s year there."""
    zone = _zone(tz)
    local = _aware(at).astimezone(zone)
    today = _aware(now).astimezone(zone).date() if now is not None else None
    return f"{format_day(local.date(), today)}, {_hm(local.hour, local.minute)}"


def format_duration(length: timedelta) -> str:
    """ "1 hour", "1 hour 30 minutes", "45 minutes" (whole minutes)."""
    hours, minutes = divmod(int(length.total_seconds()) // 60, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' * (minutes != 1)}")
    return " ".join(parts)


def warm_up() -> None:
    """Pay dateparser's first-call cost (~120 ms) now rather than in a person's first reply."""
    import dateparser

    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    dateparser.parse(
        "the day after tomorrow", languages=["en"], settings=_settings(now, _zone("UTC"))
    )


_PAST_DAY = re.compile(
    r"^(?:(?:last|this|on)\s+)?(?:(?P<rel>today|yesterday|yday|tonight)"
    r"|(?P<dow>mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|r|rs|rsday|urday)?"
    r"|(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*[/.]\s*(?P<m>\d{1,2}))$"
)


def past_day(text: str, today: date) -> date | Ask | None:
    """The day something already happened: "fri" is the latest Friday not after today,
    "yesterday", "27/2" (the latest 27 February not after today). None when ``text`` names no
    day; an Ask when it names one that does not exist."""
    match = _PAST_DAY.match(_words(text).rstrip("'s").strip())
    if match is None:
        return None
    if rel := match.group("rel"):
        return today - timedelta(days=1) if rel in ("yesterday", "yday") else today
    if dow := match.group("dow"):
        return today - timedelta(days=(today.weekday() - _weekday(dow)) % 7)
    d, m = int(match.group("d")), int(match.group("m"))
    try:
        day = date(today.year, m, d)
    except ValueError:
        return Ask(
            f"There is no {d} {_MONTHS[m - 1] if 1 <= m <= 12 else m}. Which day was it?",
            "impossible",
        )
    if day <= today:
        return day
    try:
        return day.replace(year=today.year - 1)
    except ValueError:  # 29 February, last year
        return Ask(f"There was no 29 February in {today.year - 1}. Which day was it?", "impossible")


def mentions_when(text: str) -> bool:
    """Whether a sentence surely names a day or a time ("thurs half 2", "a week on fri")."""
    return bool(_groups(text, whole=False))


def when_spans(text: str) -> list[tuple[int, int]]:
    """Where a sentence surely names a day or a time: the (start, end) of each such part."""
    return [(g.start, g.end) for g in _groups(text, whole=False)]


def days_named(text: str, now: datetime, tz: Zone) -> list[date]:
    """Every day a sentence surely names, in order ("poorly today so cant do tomorrow": today,
    then tomorrow), for picking the one a meeting is on."""
    days: list[date] = []
    while (found := find_when(text, now, tz, need_time=False)) is not None:
        if isinstance(found.value, When) and found.value.day not in days:
            days.append(found.value.day)
        if not found.rest or found.rest == text:
            break
        text = found.rest
    return days


def names_a_day_against_a_meeting(text: str) -> bool:
    """Whether a sentence names a day, perhaps one read against a meeting in hand ("same time
    the following week", "the friday after")."""
    return any(g.atoms.keys() & _DATE_KINDS for g in _groups(text, whole=False, anchored=True))
