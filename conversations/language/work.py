"""What people say about their work and how far they would go: "I'm a CT manager at North
Example Hospital, band 7", "my role is lead sonographer", "happy to travel up to 30 km", "an hour",
"online only". Read once here for every dialog that asks (an application, a profile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from conversations.dates import format_duration
from conversations.language.numbers import WORDS
from conversations.language.vocabulary import Meaning, meaning

# -- how far someone would travel ---------------------------------------------------------------

_TRAVEL = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|half an?|an?|" + "|".join(WORDS) + r")\s*"
    r"(?P<unit>miles?|mi\b|kms?\b|kilomet(?:re|er)s?|hours?|hrs?\b|minutes?|mins?\b)",
    re.I,
)
_NO_TRAVEL = re.compile(
    r"\b(?:online|video|virtual|remote(?:ly)?) only\b|\bonly online\b|"
    r"\b(?:not (?:willing|able) to|can'?t|won'?t) travel\b|\bno travel\b|\bnowhere\b|^\s*0\s*$",
    re.I,
)
UNREAD = (
    "Sorry, I couldn't read a distance or a travel time in that. "
    "Try '20 miles', '30 km', 'an hour' or 'online only'."
)
TOO_FAR = (
    "That doesn't look like a distance I can record. Please give a number of miles or "
    "km up to 500, a time up to 10 hours, or say 'online only'."
)


def _number(said: str) -> float:
    said = said.lower()
    if said.startswith("half"):
        return 0.5
    if said in ("a", "an"):
        return 1.0
    return float(WORDS[said]) if said in WORDS else float(said)


def read_travel(text: str) -> dict[str, Any] | str:
    """ "20 miles", "30 km", "an hour", "online only" as ``{travel, travel_number,
    travel_unit}`` (a bare number is miles; a time is kept in minutes); else a problem to say
    back."""
    if _NO_TRAVEL.search(text) or meaning(text) is Meaning.NONE:
        return {"travel": "Online only (no travel)", "travel_number": 0, "travel_unit": "miles"}
    bare = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", bare):
        number, unit = float(bare), "miles"
    elif match := _TRAVEL.search(text):
        number, word = _number(match["n"]), match["unit"].lower()
        if word.startswith("k"):
            unit = "km"
        elif word.startswith("mi") and not word.startswith("min"):
            unit = "miles"
        else:
            unit, number = "minutes", number * (60 if word.startswith("h") else 1)
    else:
        return UNREAD
    if number <= 0 or number > (600 if unit == "minutes" else 500):
        return TOO_FAR
    value: float = round(number) if unit == "minutes" else round(number, 1)
    if unit == "minutes":
        shown = format_duration(timedelta(minutes=value))
    else:
        shown = (
            f"{value:g} {'mile' if value == 1 else 'miles'}" if unit == "miles" else f"{value:g} km"
        )
    number_kept = int(value) if value == int(value) else value
    return {"travel": shown, "travel_number": number_kept, "travel_unit": unit}


# -- who someone is at work, said in passing ---------------------------------------------------


@dataclass
class WorkFacts:
    """What a message says of the speaker's work, each part only when it is said."""

    role: str = ""
    place: str = ""
    travel: dict[str, Any] = field(default_factory=dict)
    member: bool = False


_ROLE_AT = re.compile(
    r"\bi(?:'m| am)\s+(?:an?\s+|the\s+)(?P<role>[^,.;!?]+?)\s+(?:at|in|with|for)\s+"
    r"(?P<place>[^,.;!?]+)"
    r"|\b(?:my (?:job|role) is|i work as)\s+(?:an?\s+|the\s+)?(?P<role2>[^,.;!?]+?)"
    r"(?:\s+(?:at|in|for)\s+(?P<place2>[^,.;!?]+))?(?=[,.;!?]|$)",
    re.I,
)
_WORK_AT = re.compile(r"\bi work (?:at|in|for)\s+(?P<place>[^,.;!?]+)", re.I)
_TRAVEL_SAID = re.compile(
    r"\btravel\w*\s+(?:up to\s+|as far as\s+|about\s+)?(?P<d>[^,.;!?]+)", re.I
)
_MEMBER = re.compile(
    r"\bi(?:'m| am)\s+(?:a\s+)?member of (?:the\s+)?(?:sor|society of radiographers|"
    r"(?:my\s+)?professional body)\b",
    re.I,
)
# Words that make a phrase a job ("CT manager"), not something else one is ("a bit nervous").
_JOB_WORDS = re.compile(
    r"\b(?:manager|lead|leader|head|director|radiographer|sonographer|practitioner|"
    r"superintendent|specialist|consultant|officer|co-?ordinator|supervisor|therapist|"
    r"technologist|physicist|scientist|nurse|educator|tutor|band)s?\b",
    re.I,
)
_CLAUSE_END = re.compile(r"\s+(?:and|but|so|because|where)\s+.*$", re.I)
_BAND = re.compile(r"\bband\s*\d[a-d]?\b", re.I)


def work_facts(text: str, most: int = 200) -> WorkFacts:
    """ "I'm a CT manager at North Example Hospital, band 7, happy to travel up to 30 km": the
    role (with its band), the place, how far, and membership of the professional body."""
    folded = text.replace("’", "'")  # the person's own capitals are kept
    facts = WorkFacts()

    def said(name: str, match: re.Match[str]) -> str:
        return _CLAUSE_END.sub("", match[name]).strip()[:most]

    match = _ROLE_AT.search(folded)
    if match is not None:
        role, place = ("role", "place") if match["role"] else ("role2", "place2")
        if _JOB_WORDS.search(match[role]):
            facts.role = said(role, match)
            facts.place = said(place, match) if match[place] else ""
    if not facts.place and (at := _WORK_AT.search(folded)):
        facts.place = said("place", at)
    band = _BAND.search(text)
    if facts.role and band and band.group(0).lower() not in facts.role.lower():
        facts.role = f"{facts.role}, {band.group(0).capitalize()}"
    if (far := _TRAVEL_SAID.search(folded)) and isinstance(travel := read_travel(far["d"]), dict):
        facts.travel = travel
    facts.member = _MEMBER.search(folded) is not None
    return facts
