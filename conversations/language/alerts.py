"""How the project lead acts on an alert in words: "ack C7", "acknowledged", "show C7",
"close C7", "snooze C7 2 days", "snooze c2 til tmrw 9am", and "ok, on it" / "ack" with no
reference for the one alert waiting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.dates import When, find_when
from conversations.language.normalise import normalise

# A snooze said without a length is a week.
DEFAULT_SNOOZE = timedelta(weeks=1)
_FOR = re.compile(
    r"^(?:for\s+)?(?P<n>\d+|an?|one)\s*(?P<unit>h|hrs?|hours?|d|days?|w|wks?|weeks?)$", re.I
)
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_VERBS = {"resolved": "resolve", "close": "resolve", "show": "open"}
_ACK = re.compile(r"\back(?:nowledged?)?\b", re.I)


def alert_verb(word: str) -> str:
    """The action a typed verb names: "acknowledge" is *ack*, "close" *resolve*, "show" *open*."""
    word = word.lower()
    return "ack" if word.startswith("ack") else _VERBS.get(word, word)


def acknowledges(text: str) -> bool:
    """ "ack", "acknowledged": the word for picking an alert up."""
    return _ACK.search(text) is not None


def snooze_length(said: str, now: datetime, tz: ZoneInfo) -> timedelta | None:
    """How long a snooze is: "2 days", "for 3 hours", "1 week" (a week when nothing is said),
    or until a moment said in words ("til tmrw 9am", "until Friday"); None when neither."""
    if not said.strip():
        return DEFAULT_SNOOZE
    match = _FOR.match(said.strip())
    if match is not None:
        n = match["n"].lower()
        return (1 if not n.isdigit() else int(n)) * _UNIT[match["unit"][0].lower()]
    found = find_when(normalise(said), now, tz, need_time=False)
    if found is None or not isinstance(found.value, When):
        return None
    return found.value.at_utc - now
