"""Time away, as people say it: "until 5 Jan", "I'm on leave until 3 Feb", "til after easter",
"away 23rd-27th march", "from 2 Mar to 6 Mar", "mat leave from 1st may, back next spring".

- :func:`read_pause`: when reminders stop (None: now) and the morning they start again.
- :func:`leave_dates`: the first day away and the day back, each only when it is said.
Dates are read by the one date reader (``conversations.dates``); named breaks (Easter,
Christmas, New Year) are worked out here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.dates import Ask, find_date
from conversations.language.normalise import normalise

# "23rd-27th march", "23 to 27 March": a first day whose month comes with the last.
_FIRST_DAY = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|until|til|till|through|thru)\s*$", re.I
)
# "23-27 march", "23 to 27th of March", "28 - 3 april": two days before one month.
_DAY_RANGE = re.compile(
    r"\b(?P<first>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until|til|till|through|thru)\s*"
    r"(?P<last>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct"
    r"|nov|dec)[a-z]*\b)",
    re.I,
)
# Between two dates of a range: "23 March - 27 March", "from 2 Mar to 6 Mar".
_BETWEEN = re.compile(r"^\s*(?:-|–|to|until|til|till|through|thru|and)\s*$", re.I)
# "until after Easter", "til after the 3rd": back the working day after it.
_AFTER = re.compile(r"\b(?:after|once)\s+(?:the\s+)?$", re.I)
_HOLIDAY = re.compile(r"\b(?P<name>easter|christmas|xmas|new year)(?:'?s)?\b", re.I)
# "until easter's over", "til christmas is done", "till the end of easter": the whole break,
# back the working day after it.
_OVER = re.compile(
    r"^\s*(?:(?:is|has|have)\s+)?(?:(?:been\s+and\s+)?gone|over|done|finished|ended|passed)\b",
    re.I,
)
_END_OF = re.compile(r"\b(?:end|close)\s+of\s+(?:the\s+)?$", re.I)
# "back next spring", "returning to work in June": what follows is the day back.
_BACK = re.compile(r"\b(?:back|return(?:ing)?|returning to work)\b", re.I)


@dataclass(frozen=True)
class Pause:
    starts: date | None  # None: from now
    resumes: date  # reminders start again that morning


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holiday(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named break, the next one to end on or after ``today``."""
    for year in (today.year, today.year + 1):
        if name == "easter":
            sunday = easter(year)
            first, last = sunday - timedelta(days=2), sunday + timedelta(days=1)
        elif name in ("christmas", "xmas"):
            first, last = date(year, 12, 25), date(year, 12, 26)
        else:
            first = last = date(year + 1, 1, 1)
        if last >= today:
            break
    return first, last


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _day_before(last: date, number: int) -> date | None:
    """Day ``number`` of ``last``'s month, or of the month before ("28th-3rd April")."""
    month_start = last.replace(day=1)
    for first_of in (month_start, (month_start - timedelta(days=1)).replace(day=1)):
        try:
            start = first_of.replace(day=number)
        except ValueError:
            continue
        if start <= last:
            return start
    return None


def _ordinal(day: str) -> str:
    number = int(day)
    ending = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{ending or 'th'}"


def _one_range(said: str) -> str:
    """Days of one month said as a range, put one way ("23-27 march" -> "23rd-27th march"),
    the way the date reader takes the last day and leaves the first before it."""
    return _DAY_RANGE.sub(lambda m: f"{_ordinal(m['first'])}-{_ordinal(m['last'])} ", said)


def read_pause(text: str, now: datetime, tz: ZoneInfo) -> Pause | Ask | None:
    """The pause a message asks for; an Ask when its date needs asking back; None when it
    says no date."""
    said = _one_range(normalise(text))
    today = now.astimezone(tz).date()
    named = _HOLIDAY.search(said)
    if named is not None:
        first, last = holiday(named["name"].lower(), today)
        before, after = said[: named.start()], said[named.end() :]
        if _AFTER.search(before) or _END_OF.search(before) or _OVER.match(after):
            return Pause(None, next_working_day(last))
        return Pause(None, first)
    found = find_date(said, now, tz)
    if found is None:
        return None
    if isinstance(found.value, Ask):
        return found.value
    day = found.value
    before = said[: found.start]
    if (leading := _FIRST_DAY.search(before)) is not None:
        start = _day_before(day, int(leading["day"]))
        if start is not None:
            return Pause(start, next_working_day(day))
    after = said[found.end :]
    second = find_date(after, now, tz)
    if (
        second is not None
        and isinstance(second.value, date)
        and second.value >= day
        and _BETWEEN.match(after[: second.start])
    ):
        return Pause(day, next_working_day(second.value))
    if _AFTER.search(before):
        return Pause(None, next_working_day(day))
    return Pause(None, day)


# "my leave starts 1/5", "starting 3 june": a bare date after the word for starting is the
# first day away (read as "starts from 1/5").
_STARTS_ON = re.compile(r"\b(?:starts|starting|begins|beginning|commences|from)\s+(?=\d)", re.I)


def leave_dates(text: str, now: datetime, tz: ZoneInfo) -> tuple[date | None, date | None]:
    """The first day away (when it is still ahead) and the day back (when it is after that),
    each None when not said: a return date is never invented."""
    said = normalise(text)
    today = now.astimezone(tz).date()
    back_at = _BACK.search(said)
    before, after = (said[: back_at.start()], said[back_at.end() :]) if back_at else (said, "")
    found = find_date(before, now, tz) or find_date(_STARTS_ON.sub(r"\g<0>from ", before), now, tz)
    starts = found.value if found is not None and isinstance(found.value, date) else None
    if starts is not None and starts <= today:
        starts = None
    returned = find_date(after, now, tz) if after else None
    back = returned.value if returned is not None and isinstance(returned.value, date) else None
    if back is not None and back <= (starts or today):
        back = None
    return starts, back


# "I'm on annual leave until Monday", "on a/l til mon", "off sick that day", "out of office
# then", "I'll be away all week": the person says they are not there (a reason, not a time).
_AWAY = re.compile(
    r"\bon\s+(?:(?:annual|study|sick)\s+)?leave\b|\bon\s+a/?l\b|\bannual\s+leave\b"
    r"|\bon\s+(?:holiday|hols|vacation|a\s+course|nights|call)\b"
    r"|\b(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be|we'?re|be)\s+(?:\w+\s+)?away\b"
    r"|\baway\s+(?:until|til|till|that|then|all|this|next|on)\b"
    r"|\boff\s+(?:sick|work|that\s+day|then|all\s+week|this\s+week|next\s+week|until|til|till)\b"
    r"|\bout\s+of\s+(?:the\s+)?office\b|\booo\b",
    re.I,
)


def says_away(text: str) -> bool:
    """Whether ``text`` says its writer is away (on leave, on holiday, off sick, out of office):
    at a question about a time, that turns the time down."""
    return _AWAY.search(normalise(text)) is not None


# Who a time away is about, read back from the words that say it: "im going on mat leave" is
# the writer's; "toms going on long term sick leave", "tom just told me hes off sick from
# monday", "my mentor is on maternity leave" are someone else's (a change of circumstances in the
# pairing, for the project lead, not a pause of one's own reminders).
_LEAVE = re.compile(
    r"\b(?:(?:mat|maternity|pat|paternity|parental|adoption|sick|study|unpaid|compassionate|"
    r"annual|extended)\s+)?leave\b|\boff\s+(?:\w+\s+){0,2}sick\b|\bcareer break\b|\bsabbatical\b"
    r"|\bsecondment\b|\baway\b|\bon holiday\b",
    re.I,
)
_SELF = frozenset({"i", "im", "i'm", "ive", "i've", "ill", "i'll", "id", "i'd", "me", "myself"})
_OTHER = frozenset(
    {"he", "she", "they", "hes", "he's", "shes", "she's", "theyre", "they're", "theyll",
     "they'll", "hell", "he'll", "shell", "she'll", "him", "her", "them", "mentor", "mentee",
     "partner"}
)  # fmt: skip
# Words between a subject and its leave ("is going to be on long term", "just told me").
_BETWEEN_WORDS = frozenset(
    {"is", "are", "was", "will", "be", "been", "being", "has", "have", "had", "going", "gonna",
     "to", "go", "on", "off", "just", "now", "currently", "soon", "about", "starting", "start",
     "starts", "due", "also", "probably", "apparently", "taking", "take", "having", "a", "an",
     "long", "term", "long-term", "from", "next", "week", "for", "some", "extended", "all",
     "of", "sudden"}
)  # fmt: skip
# "toms", "tom's": a name and "is" run together, before what they are doing.
_NAME_IS = re.compile(r"^[a-z]+(?:'s|s)$")
_NOT_NAMES = frozenset(
    {"its", "it's", "thats", "that's", "whats", "what's", "theres", "there's", "heres",
     "here's", "lets", "let's", "this", "was", "has", "is", "us", "yes", "plus", "as", "his",
     "hers", "ours", "yours", "theirs", "always", "perhaps", "sometimes", "nights", "days",
     "weeks", "months", "hours", "mins", "thanks", "pls", "reminders", "nudges"}
)  # fmt: skip
_NOT_SUBJECTS = frozenset(
    {"it", "that", "this", "there", "what", "which", "who", "here", "fyi", "so", "and", "but",
     "just", "also", "well", "ok", "okay", "hi", "hey", "update", "news", "leave"}
)  # fmt: skip


def someone_else_away(text: str) -> bool:
    """Whether the time away a message speaks of is someone else's (the partner's, a
    colleague's), told by its subject; said with no subject ("mat leave from 1 may") it is the
    writer's own."""
    said = normalise(text)
    found = _LEAVE.search(said)
    if found is None:
        return False
    clause = re.split(r"[.,;:!?()]|\band\b|\bbut\b|\bso\b", said[: found.start()])[-1]
    words = [w.strip("'") for w in clause.split()]
    joined = False  # a verb ("is", "has") seen between the subject and the leave
    for word in reversed(words):
        if word in _SELF:
            return False
        if word in _OTHER:
            return True
        if word in _BETWEEN_WORDS:
            joined = joined or word in {"is", "was", "will", "has", "had", "been", "starts"}
            continue
        if word in _NOT_SUBJECTS or word in _NOT_NAMES:
            return False
        return bool(_NAME_IS.match(word)) or joined
    return False
