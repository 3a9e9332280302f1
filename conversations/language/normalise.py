"""What people type, made regular before anything reads it.

People type on a phone between clinics: no capitals, no apostrophes, shorthand ("pls can u set
up a 1:1 w tom thurs"), and a thumbs-up for yes. :func:`normalise` turns all of that into one
plain, lower-case form, so that every reader after it (the yes/no vocabulary, choices, intents,
dates) deals with one spelling of each thing. It only reads: the person's own words are what a
dialog stores.
"""

from __future__ import annotations

import re

# Apostrophes left out, and the curly ones phones put in.
_APOSTROPHES = {
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "couldnt": "couldn't",
    "wont": "won't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "hadnt": "hadn't",
    "im": "i'm",
    "ive": "i've",
    "youre": "you're",
    "youve": "you've",
    "theyre": "they're",
    "whats": "what's",
    "whos": "who's",
    "hows": "how's",
    "wheres": "where's",
    "whens": "when's",
    "thats": "that's",
    "theres": "there's",
    "lets": "let's",
}

# Shorthand, spelt out. Day names are spelt in full because every reader knows those.
_SHORTHAND = {
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tomoz": "tomorrow",
    "tmoz": "tomorrow",
    "tomo": "tomorrow",
    "tomorow": "tomorrow",
    "2moro": "tomorrow",
    "2day": "today",
    "tues": "tuesday",
    "weds": "wednesday",
    "wednes": "wednesday",
    "thur": "thursday",
    "thurs": "thursday",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "min": "minutes",
    "mins": "minutes",
    "hr": "hour",
    "hrs": "hours",
    "f2f": "in person",
    "face2face": "in person",
    "asap": "as soon as possible",
    "u": "you",
    "ur": "your",
    "wk": "week",
    "wks": "weeks",
    "mtg": "meeting",
    "mtgs": "meetings",
    "b4": "before",
    "thx": "thanks",
    "thnx": "thanks",
    "ty": "thanks",
    "tysm": "thanks",
    "yh": "yes",
    "wd": "would",
    "cd": "could",
    "abt": "about",
    "msg": "message",
}

_ONE_TO_ONE = re.compile(r"(?<![\w:.\-/])1\s*(?::|-|2|to)\s*1(?![\w:.\-/])(?:\s+meeting\b)?")
_CHECK_IN = re.compile(r"\bcheck\s*-?\s*ins?\b")
_WITH = re.compile(r"\bw/(?![ce]\b)\s*|\bw(?=\s+[a-z])(?!\s+(?:is|was|and|or)\b)")
_YES_EMOJI = re.compile(
    "[👍✅✔☑👌]\\ufe0f?(?:\U0001f3fb|\U0001f3fc|\U0001f3fd|\U0001f3fe|\U0001f3ff)?"
)
_NO_EMOJI = re.compile("[👎❌✖]\\ufe0f?(?:\U0001f3fb|\U0001f3fc|\U0001f3fd|\U0001f3fe|\U0001f3ff)?")
# "@ 2" is "at 2"; "1.5hrs", "30mins" are a number and its unit; "owen + me" is "owen and me"
# (not "NHS+" or "2+2").
_AT_SIGN = re.compile(r"(?<![\w.])@\s*(?=\d)")
_NUMBER_UNIT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?=(?:hrs?|hours?|mins?|minutes?)\b)")
_PLUS = re.compile(r"(?<=[a-z])(?:\s+\+\s+|\+)(?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPACES = re.compile(r"\s+")


def _word(match: re.Match[str]) -> str:
    word = match.group(0)
    return _APOSTROPHES.get(word) or _SHORTHAND.get(word) or word


def normalise(text: str) -> str:
    """One regular, lower-case form of what was typed (for reading, never for storing)."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _YES_EMOJI.sub(" yes ", text)
    text = _NO_EMOJI.sub(" no ", text)
    text = _REPEATS.sub(r"\1", text)  # "yesss", "noooo", "pleeeease"
    text = _ONE_TO_ONE.sub("meeting", text)
    text = _AT_SIGN.sub("at ", text)
    text = _NUMBER_UNIT.sub(r"\1 ", text)
    text = _PLUS.sub(" and ", text)
    text = _CHECK_IN.sub(lambda m: "check-ins" if m.group(0).endswith("s") else "check-in", text)
    text = _WITH.sub("with ", text)
    text = _WORD.sub(_word, text)
    return _SPACES.sub(" ", text).strip()


def spellings_of(word: str) -> tuple[str, ...]:
    """The shorthand spellings :func:`normalise` reads as ``word`` ("tmrw", "tomoz" for
    "tomorrow"), for readers of the text as typed."""
    return tuple(short for short, full in _SHORTHAND.items() if full == word)
