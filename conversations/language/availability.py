"""How people answer a time put to them: turning it down, moving it along, or saying when
they are free instead.

- :func:`refuses`: the time is turned down, with or without a "no" ("sorry, can't do thurs",
  "friday's out for me", "that won't work", "I'm in clinic then", "doesn't suit");
  "no problem", "no worries" are not refusals (:func:`agrees`: they say yes).
- :func:`hedges`: the answer opens with an apology or a doubt ("sorry,", "afraid", "hmm"), so a
  time named in it is no yes by itself.
- :func:`shift`: a move relative to the time put ("same time next week", "a week later", "the
  week after", "an hour later", "push it back a day", "bring it forward half an hour").
- :func:`gives_window`: when the person is free, said as a stretch rather than one time
  ("mornings are better", "any time after 4", "free tues am", "9 till 11 any day that week").
- :func:`offers_another`: a new time offered rather than only refused ("how about",
  "could do 2pm", "... instead", a question).
- :func:`keeps_original`: at a move, the meeting as it was is wanted ("can we keep the original
  time?", "stick with the old one").

Read on the normalised text, so shorthand ("thurs", "wk", "cant") does not matter.
"""

from __future__ import annotations

import re
from datetime import timedelta

from conversations.language.normalise import normalise

# A "no" that says yes: "no problem", "no worries", "not a bother", "why not".
_NOT_A_NO = re.compile(
    r"\bno\s+(?:problem|probs?|prob|worries|worry|bother|issues?|trouble|stress)\b"
    r"|\bnot\s+a\s+(?:problem|bother)\b|\bwhy\s+not\b|\bcan'?t\s+wait\b"
    r"|\bno\s+reason\s+(?:why\s+)?not\b",
    re.I,
)
# Words that turn a time down wherever they are: "can't", "not thurs", "doesn't work".
_NEGATIVE = re.compile(
    r"\b(?:no|nope|nah|not|can'?t|cannot|won'?t|unable|doesn'?t|don'?t|isn'?t|decline)\b", re.I
)
# Turning a time down without a "no": "thurs is out for me", "that's a no-go", "no good",
# "I'm in clinic then", "got board then", "I'm on nights", "chocka", "double-booked".
_BUSY = (
    r"clinic|clinics|theatre|theatres|surgery|board|court|teaching|a course|nights|lates"
    r"|earlies|a shift|meetings|back[- ]to[- ]back|a meeting|training|call|leave"
)
_TURNED_DOWN = re.compile(
    r"\b(?:that|this|it|then|\w*day|tomorrow|week|time|slot|morning|afternoon)(?:\s+is|'s"
    r"|\s+are|'re)\s+(?:\w+\s+)?out\b(?!\s+of\b)|\bout\s+for\s+(?:me|us)\b"
    r"|\bno[- ]go\b|\bno\s+good\b|\bno\s+use\b|\bunavailable\b"
    r"|\b(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be|we'?re)\s+(?:\w+\s+){0,2}(?:in|on|at|doing)\s+"
    r"(?:" + _BUSY + r")\b|\bi'?m\s+(?:teaching|operating|lecturing)\b"
    r"|\b(?:i'?ve|i\s+have|got)\s+(?:\w+\s+)?(?:" + _BUSY + r")\s+(?:then|that|all|at|on)\b"
    r"|\b(?:i'?m|i\s+am|i'?ll\s+be|we'?re)\s+(?:\w+\s+)?(?:busy|tied\s+up|booked\s+up|snowed"
    r"\s+under|double[- ]booked)\b|\b(?:chocka|chock[- ]a[- ]block|clashes|double[- ]booked)\b"
    r"|\b(?:have|need)\s+to\s+(?:pass|decline|say\s+no|give\s+(?:it|that)\s+a\s+miss)\b"
    r"|\bgive\s+(?:it|that|this)\s+a\s+miss\b|\bpass\s+on\s+(?:that|this|it)\b",
    re.I,
)
# An answer that opens with an apology or a doubt ("sorry,", "afraid", "hmm", "ah").
_HEDGE = re.compile(
    r"^\W*(?:so\s+)?(?:sorry|soz|sry|afraid|i'?m\s+afraid|unfortunately|sadly|apologies"
    r"|hmm+|erm+|um+|ah+|oh|ugh|argh|not\s+sure)\b",
    re.I,
)
# A move relative to the time put to the person.
_UNIT = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 24 * 60, "week": 7 * 24 * 60}
_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "half an": 0.5, "half a": 0.5}
_AMOUNT = (
    r"(?P<count>half\s+an?|an?|one|two|three|\d{1,3})\s*(?P<unit>minute|min|hour|hr|day|week)s?"
    r"(?:\s+and\s+a\s+half)?"
)
_LATER = re.compile(
    r"\b" + _AMOUNT + r"\s+(?P<way>later|after|on|earlier|before|sooner)\b"
    r"|\b(?P<push>push|move|put|shift|bump|knock|bring)\s+(?:it|that|this|us|the\s+meeting)?\s*"
    r"(?P<dir>back|on|forward|forwards|later|earlier)?\s*(?:by\s+)?"
    + _AMOUNT.replace("?P<", "?P<p_")
    + r"(?:\s+(?P<dir2>later|earlier|back|forward|on))?",
    re.I,
)
# "same time next week", "same time the week after", "the following week", "the week after".
_NEXT_WEEK = re.compile(
    r"\bsame\s+(?:time|slot)\s+(?:the\s+)?(?:next|following)\s+week\b"
    r"|\bthe\s+(?:week\s+after|following\s+week)\b"
    r"|\bsame\s+(?:time|slot)\s+(?:the\s+)?week\s+after\b",
    re.I,
)
# Free for a stretch rather than at one time: "mornings are better", "any time after 4",
# "free tues am", "9 till 11 any day". Never "good morning" or "I am fine".
_PART = r"(?:mornings?|afternoons?|evenings?|lunchtimes?)"
_WINDOW = re.compile(
    r"\b(?:better|best|easier|free|prefer\w*|only)\s+(?:in\s+the\s+)?(?:" + _PART + r"|am|pm)\b"
    r"|\b" + _PART + r"\s+(?:(?:are|is|would\s+be|tend\s+to\s+be)\s+(?:\w+\s+)?(?:better|best"
    r"|easier|free)|(?:suit|work)\w*\s+(?:me\s+|us\s+)?better|suit\s+(?:me|us)\b)"
    r"|\bany\s+(?:morning|afternoon|evening)s?\b"
    r"|\bany\s*(?:time|day|slot)s?\s+(?:after|before|from|between|that|this|next|the|on|in)\b"
    r"|\b(?:free|around|available)\s+(?:\w+\s+)?(?:am|pm|mornings?|afternoons?|all\s+day"
    r"|after|before|from|between)\b"
    r"|\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)?\s*(?:-|–|till|til|until|to)\s*\d{1,2}(?:[.:]\d{2})?"
    r"\s*(?:am|pm)?\s+(?:any|on\s+any|most|every)\b",
    re.I,
)


def refuses(text: str) -> bool:
    """Whether ``text`` turns down the time put to it (with or without a "no")."""
    said = _NOT_A_NO.sub(" ", normalise(text))
    return _NEGATIVE.search(said) is not None or _TURNED_DOWN.search(said) is not None


def agrees(text: str) -> bool:
    """Whether ``text`` says yes with a "no" in it ("no worries", "no problem", "why not")."""
    return _NOT_A_NO.search(normalise(text)) is not None


def hedges(text: str) -> bool:
    """Whether ``text`` opens with an apology or a doubt ("sorry, thurs is out for me")."""
    return _HEDGE.search(normalise(text)) is not None


def shift(text: str) -> timedelta | None:
    """How far ``text`` moves the time put to it ("a week later": 7 days; "bring it forward
    an hour": minus an hour), or None when it says no such move."""
    said = normalise(text)
    if _NEXT_WEEK.search(said):
        return timedelta(weeks=1)
    found = _LATER.search(said)
    if found is None:
        return None
    parts = found.groupdict()
    count, unit = parts["count"] or parts["p_count"], parts["unit"] or parts["p_unit"]
    if count is None or unit is None:
        return None
    number = int(count) if count.isdigit() else _COUNT[re.sub(r"\s+", " ", count.lower())]
    minutes = number * _UNIT[unit.lower()]
    if "and a half" in found.group(0).lower():
        minutes += _UNIT[unit.lower()] / 2
    way = (parts["way"] or parts["dir2"] or parts["dir"] or "").lower()
    if not way and (parts["push"] or "").lower() == "bring":
        way = "earlier"
    if way in {"earlier", "before", "sooner", "forward", "forwards"}:
        minutes = -minutes
    return timedelta(minutes=minutes)


def gives_window(text: str) -> bool:
    """Whether ``text`` says when its writer is free as a stretch of time ("mornings are
    better", "any time after 4", "free tues am"), not as one time."""
    return _WINDOW.search(normalise(text)) is not None


# A new time offered rather than only refused: "how about", "could do 2pm", "...instead", "?".
_COUNTER = re.compile(
    r"\?|\b(?:how|what)\s+about\b|\bcould\s+do\b|\binstead\b|\brather\b|\bbetter\b|\bbut\b"
    r"|\b(?:would|does|do)\b.*\b(?:work|suit)\b|\bmake\s+it\b",
    re.I,
)
# "can we keep the original time?", "stick with the old one": the move is not wanted.
_KEEP_ORIGINAL = re.compile(
    r"\b(?:keep|stick\s+(?:with|to)|stay\s+(?:with|on|at)|leave)\b.{0,30}?"
    r"\b(?:orig\w*|same|current|old|first|existing|planned|booked|as\s+(?:it\s+)?(?:is|was))\b",
    re.I,
)


def offers_another(text: str) -> bool:
    """Whether an answer to a time offers another rather than only turning it down ("can't do
    Thursday, how about Friday?", "could do 2pm", "Friday instead")."""
    return _COUNTER.search(normalise(text)) is not None


def keeps_original(text: str) -> bool:
    """Whether an answer to a move wants the meeting left as it was ("can we keep the original
    time?", "stick with the old one", "leave it as it is")."""
    return _KEEP_ORIGINAL.search(normalise(text)) is not None
