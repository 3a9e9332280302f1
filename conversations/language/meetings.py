"""How people talk about meetings: the way of meeting, and asking to book, move or cancel one.

Read by the intents (is this a meeting request?) and by the meetings dialogs (which way of
meeting was said), so that both know the same words.
"""

from __future__ import annotations

import re

from conversations.dates import find_duration, names_a_day_against_a_meeting, when_spans

# The ways of meeting (the values are the meetings' Mode values). A mode is never invented:
# only words that name one count.
MODE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "video",
        re.compile(r"\b(?:video|teams|zoom|online|virtual(?:ly)?|webex|google meet)\b", re.I),
    ),
    ("phone", re.compile(r"\b(?:phone|telephone|by call|ring)\b", re.I)),
    (
        "in_person",
        re.compile(
            r"\b(?:in[- ]person|face[- ]?(?:to|2)[- ]?face|f2f|on site|in the office|coffee|a brew"
            r"|meet up|grab lunch|over lunch)\b",
            re.I,
        ),
    ),
)
_NOT_MODE = re.compile(
    r"\b(?:instead of|rather than|not)\s+(?:by\s+|on\s+|in\s+)?(?:a\s+)?[\w-]+(?:\s*(?:to|2)\s*face)?",
    re.I,
)


def find_mode(text: str) -> str | None:
    """The way of meeting a text names ("by video", "teams is fine", "f2f"), if any."""
    cleaned = _NOT_MODE.sub(" ", text)
    hits = [(p.search(cleaned), mode) for mode, p in MODE_WORDS]
    found = sorted((m.start(), mode) for m, mode in hits if m is not None)
    return found[0][1] if found else None


# Read on normalised text (``conversations.language.normalise``: "w tom" is "with tom").
# Someone to meet: "with tom", "owen and i".
_WITH_SOMEONE = re.compile(
    r"\bwith\s+(?!(?:the|a|an|my|our|it|that|this|you|me|him|her|them)\b)[a-z]+|\b[a-z]+ and i\b"
)
# Asking for a slot: "can we do", "could i grab", "get something in", "put in", "pencil in".
_ASKING = re.compile(
    r"^(?:can|could|shall|would|will)\s+(?:we|i|you)\b|^how about\b|^what about\b"
    r"|\b(?:book|grab|get (?:something|a slot|a meeting|time) in|put (?:something |a meeting )?in"
    r"|set up|fit (?:something |me )?in|squeeze (?:something |me )?in|pencil|meet|catch up)\b"
)
# A time offered as what would suit, beside a day or time: "next weds about 3 wd be ideal",
# "hi is 30/2 at 10 ok", "would thurs work", "fri 2pm suits me".
_SUITS = re.compile(
    r"\b(?:would|wd|'d)\s+be\s+(?:ideal|perfect|great|best|lovely|good|brill|fab|handy)\b"
    r"|\b(?:suits|works\s+(?:best\s+)?for)\s+me\b"
    # "next wed afternoon any good for tom?", "fri ok for you?": asked of someone.
    r"|\b(?:any\s+good|ok|okay|alright|work|suit)\s+for\s+(?!(?:a|an|the|it|that|this)\b)"
    r"[a-z]+\s*\?"
    r"|^(?:is|would|will|does|do|could|can)\s+(?!(?:my|our|the|it|that|this|there|he|she|they|we"
    r"|you|i)\b)\S.{0,40}?\b(?:ok|okay|alright|any\s+good|work|suit|do)\s*[?!.]*$",
    re.I,
)
# A meeting already there: "our mtg", "the 20th one", "fridays one", "that request".
_A_MEETING = re.compile(
    r"\b(?:meeting|meetings|call|one|session|catch ?up|request|booking|it|1:1|1-1|121)\b"
)
_MOVING = re.compile(
    r"\b(?:move|moving|moved|shift|push|bring|put (?:it |us )?back|switch|swap|change|reschedule"
    r"|rearrange|postpone|start|begin|kick off|earlier|later|instead|same time|same slot|update"
    r"|rather than|longer"
    r"|shorter|extend|shorten|extended|extending|shortened|shortening|lengthen|lengthened)\b"
)
_CANCELLING = re.compile(
    r"\b(?:cancel|scrap|call off|withdraw|pull out of|retract|rescind|take back)\b"
    # "pull that request to tom", "pull my invite": taking back what was sent.
    r"|\bpull\s+(?:it\b|(?:that|the|this|my|our)\s+(?:request|proposal|invite|invitation"
    r"|booking|meeting)\b)"
)


# "cancel thurs and book the 19th instead", "scrap fri, rebook for mon": a cancel that rebooks.
_REBOOKING = re.compile(
    r"\b(?:re-?book|book|rearrange|instead|move (?:it|us|to)|make it|swap (?:it|to)|go for)\b", re.I
)


def rebooks(text: str) -> bool:
    """Words (said after the meeting to cancel) that ask for another time instead."""
    return bool(_REBOOKING.search(text))


# "move the meeting on Tuesday to Wednesday 9am": the words that turn from the meeting meant to
# its new time, read after the word for the meeting when there is one.
_TO_NEW_TIME = re.compile(r"\s(?:to|until|till)\s", re.I)
_MEETING_NOUN = re.compile(r"\b(?:meeting|call)\b", re.I)


def to_new_time(text: str) -> tuple[bool, list[tuple[int, int]]]:
    """Whether a move names "the meeting" or "the call", and the spans of the words after it that
    may turn to the new time ("to", "until", "till"), first to last."""
    noun = _MEETING_NOUN.search(text)
    spans = [m.span() for m in _TO_NEW_TIME.finditer(text, noun.end() if noun else 0)]
    return noun is not None, spans


# "running 10 mins late", "gonna be a bit late for tom", "will be late to our 2pm".
LATE_TEXT = re.compile(
    r"\b(?:running|run|be|being|am|i'?m|im|gonna be|going to be|will be)\s+"
    r"(?:(?:a\s+)?(?:bit|little|few|couple(?:\s+of)?)\s+(?:mins?\s+|minutes\s+)?"
    r"|(?:about\s+|abt\s+|around\s+|~\s*)?(?P<minutes>\d{1,3})\s*(?:mins?|minutes|m)\s+)?late\b"
    # "late with my minutes" is not late for a meeting.
    r"(?!\s+(?:with|on|in|paying|submitting|sending|doing|filling|logging|writing)\b)",
    re.I,
)


# "sorry tom 10 min late!!", "10 mins late, sorry", "soz, abt 5 min late": how late, said without
# a verb, by the one who will be late (an apology and a name may come first; "tom 10 mins late
# again" is about someone else, and is no message to pass on).
_LATE_UNSAID = re.compile(
    r"^\W*(?:(?:so+rry|soz|sry|apologies|apols)\b\W*(?:[a-z]+\W+)?)?"
    r"(?:(?:about|abt|around)\s+|~\s*)?(?P<late_by>\d{1,3})\s*(?:mins?|minutes|m)\s+late\b"
    r"(?!.*\b(?:again|always|every|each|was|were)\b)",
    re.I,
)


# Lateness said either way: what the intents read as running late.
LATE_SAID = re.compile(rf"(?:{LATE_TEXT.pattern})|(?:{_LATE_UNSAID.pattern})", re.I)


def minutes_late(text: str) -> int | None:
    """How many minutes late the person says they will be ("running 10 mins late": 10)."""
    if (found := LATE_TEXT.search(text)) is not None and found["minutes"]:
        return int(found["minutes"])
    unsaid = _LATE_UNSAID.search(text)
    return int(unsaid["late_by"]) if unsaid is not None else None


# "could weds be 9", "can tomorrow's be at half 4", "could it be on teams": a meeting (or its
# day) asked to be at another time or in another way, without a verb of moving.
_TO_BE = re.compile(
    r"^(?:so\s+|and\s+|ok\s+)?(?:can|could|would|will|shall)\s+"
    r"(?!(?:we|i|you|u|they|he|she|someone|anyone|there)\b)"
    r"(?P<what>[\w'’:-]+(?:\s+[\w'’:-]+){0,3}?)\s+be\s+(?P<then>\S.*)$",
    re.I,
)
# "tomorrow's 1:1 to half 4", "the 20th one to the 27th": a meeting, then "to" its new time.
_TURN_TO = re.compile(r"\s(?:to|->|→|=>)\s", re.I)
_DAYS_ONE = re.compile(
    r"\b(?:today|tomorrow|tmrw|tomoz|mon|tues?|weds?|thurs?|fri|sat|sun)[a-z]*['’]?s\b", re.I
)
# A time of day said with the meeting ("tomorrow 2 to 3" is a range, not a move).
_CLOCK_SAID = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?(?:\s*[ap]\.?m)?\b(?!\s*(?:st|nd|rd|th|/))", re.I)


_SAME_SLOT = re.compile(r"\bsame\s+(?:time|slot)\b", re.I)


def _starts_with_a_time(text: str) -> bool:
    spans = when_spans(text) or when_spans(f"at {text}")
    return bool(spans) and spans[0][0] == 0


def retimes(text: str) -> bool:
    """Whether the words ask for a meeting at another time without a verb of moving ("could
    weds be 9", "tomorrow's 1:1 to half 4"); "could weds be the day we discuss X" does not."""
    if _SAME_SLOT.search(text) and names_a_day_against_a_meeting(text):
        return True  # "same time the following week"
    if (asked := _TO_BE.match(text)) is not None:
        spans = when_spans(text)
        if any(end > asked.start("then") for _start, end in spans) or mode_said(asked["then"]):
            return bool(spans) or names_a_meeting(asked["what"])
    for turn in _TURN_TO.finditer(text):
        what, new = text[: turn.start()], text[turn.end() :]
        named = names_a_meeting(what) or _DAYS_ONE.search(what) is not None
        if not named or _CLOCK_SAID.search(re.sub(r"\b(?:1:1|1-1|121)\b", " ", what)):
            continue
        if not re.match(r"^\s*(?:a|an|another)\b", what, re.I) and _starts_with_a_time(new):
            return True
    return False


# "at about 11", "about half 2?", "about noon on fri": a time said roughly, not what a meeting is
# about ("about 3 things" is).
_ABOUT_A_TIME = (
    r"\s+(?:(?:half|quarter)\s+(?:past\s+|to\s+)?)?\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?|-?\s*ish"
    r"|o\s?['\u2019]?\s?clock)?(?=\s*(?:$|[?!.,;)~]|(?:on|at|in|for|with|w|pls|please|then|if|or|ok"
    r"|okay|and|via|by|works?|suits?|would|wd|be|is|today|tomorrow|tmrw|next|this"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b))|\s+(?:noon|midday|lunch\s*time|lunch)\b"
)
# What a meeting is to be about, at the end of a booking: "about ...", "to go over ...",
# "agenda: ..." ("how about 31/4" is not an agenda).
AGENDA_TEXT = re.compile(
    # "about ..." is an agenda, "how about 31/4" is not.
    r"(?:\bagenda\b\s*[:\-]?|(?<!\bhow )(?<!\bwhat )\babout\b(?!" + _ABOUT_A_TIME + r")"
    r"|\bto (?:discuss|talk (?:about|through|thru)|go (?:over|through|thru)|run through)\b"
    # "mostly to review my band 7 application", "to prep for my interview"
    r"|\bto (?:review|look over|prep(?:are)? for)\b"
    # "its mainly for going over my band 8a application", "for discussing my portfolio"
    r"|(?:\bit'?s\s+(?:mainly\s+|mostly\s+|just\s+|really\s+)?)?\bfor (?:going (?:over|through|thru)"
    r"|discussing|talking (?:about|through|thru)|reviewing|looking over|prepping for)\b"
    r"|\bre\s*:|\bre\s+(?=(?:my|our|the|your|a|an)\b))\s*"
    r"(?P<agenda>\S.*)$",
    re.I | re.S,
)


def before_agenda(text: str) -> str | None:
    """The words before what a meeting is to be about ("could we do tues 3pm on teams" of
    "... to go over my application"), or None when no agenda is said."""
    found = AGENDA_TEXT.search(text)
    return text[: found.start()] if found is not None and found.start() > 0 else None


def mode_said(text: str) -> bool:
    return find_mode(text) is not None


def asks_for_a_slot(text: str) -> bool:
    """Words that ask for a meeting with someone (with a day or time said besides)."""
    return bool(
        _WITH_SOMEONE.search(text) or _ASKING.search(text) or mode_said(text) or _SUITS.search(text)
    )


def asks_to_move(text: str) -> bool:
    return bool(_MOVING.search(text))


def asks_to_cancel(text: str) -> bool:
    return bool(_CANCELLING.search(text))


def names_a_meeting(text: str) -> bool:
    return bool(_A_MEETING.search(text))


def with_someone(text: str) -> bool:
    """Someone to meet is named ("with tom", "owen and i"); read on normalised text."""
    return bool(_WITH_SOMEONE.search(text))


# A new meeting asked for without "book" or "meet": "could we do a longer one", "can we have a
# session", "fancy a catch up", "could i get another 2 hr one". The article says it is new
# ("a ... one"), where "move our one" or "the 20th one" name a meeting already there.
_A_NEW_ONE = re.compile(
    r"(?:^(?:(?:can|could|shall|would|will)\s+(?:we|i|you)\s+)?(?:please\s+|pls\s+)?"
    r"(?:(?:do|have|get|grab|fit in|squeeze in|arrange|set up|sort)\s+)?|\bfancy\s+|\bup for\s+"
    r"|\bhow about\s+|\bwhat about\s+"
    # "need a longer session this time", "i'd like a catch up": a need said, not a question.
    r"|^(?:i\s+)?(?:need|want|would like|'?d like)\s+|\bi'?d like\s+|\bi would like\s+)"
    r"(?:a|an|another|one more)\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:one|session|meeting|catch ?up|catch-up|chat|call|1:1|one to one|1-1)\b"
)
# What makes "a ... one" a change to a meeting already there ("can we have a later one
# instead", "could we do a shorter one rather than thursday").
_INSTEAD = re.compile(r"\b(?:instead|rather than|move|moving|moved|reschedule|swap|switch)\b")


def asks_for_a_new_one(text: str) -> bool:
    """Whether the words ask for a new meeting ("could we do a longer 2 hr one mon 9th"), not
    for a change to one already booked; read on normalised text."""
    return bool(_A_NEW_ONE.search(text)) and not _INSTEAD.search(text)


# A place said with meeting in person: "in person at northfield", "coffee in the canteen".
_PLACE = re.compile(
    r"\b(?:in[- ]person|face[- ]?(?:to|2)[- ]?face|f2f|coffee|on site)\b(?:\s+(?:with|w)\s+[a-z]+)?"
    r"\s+(?:at|in)\s+(?P<place>(?:the\s+)?(?!" + r"(?:the\s+)?(?:weekend|wkend|lunch\w*|noon"
    r"|midday|morning|afternoon|evening)\b)[a-z][a-z'&-]*"
    r"(?:\s+(?!(?:on|at|in|for|with|pls|please|and|or|to|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)"
    r"[a-z][a-z'&-]*){0,2})",
    re.I,
)


def find_place(text: str) -> str | None:
    """Where an in-person meeting is to be ("in person at northfield" is Northfield)."""
    found = _PLACE.search(text)
    if found is None:
        return None
    return _named(found["place"])


# Where someone will be, which makes the place to meet in person: "im at riverside that day",
# "I'll be in the education centre", "im over at riverside".
_WHEREABOUTS = re.compile(
    r"\b(?:i'?m|im|i am|i'?ll be|ill be|i will be|we'?re|we are|i'?m based)\s+"
    r"(?:(?:over|down|up|out|round)\s+)?(?:at|in)\s+"
    r"(?P<place>(?:the\s+)?(?!(?:a|an|my|home|work|clinic|theatre|lunch|meetings?|leave|the"
    r"\s+weekend)\b)[a-z][a-z'&-]*"
    r"(?:\s+(?!(?:that|this|on|at|in|for|with|and|or|to|anyway|all|today|tomorrow|tmrw|then|so"
    r"|but|mon|tue|wed|thu|fri|sat|sun|til|until|from|day|week|morning|afternoon)[a-z]*\b)"
    r"[a-z][a-z'&-]*){0,2})",
    re.I,
)


def find_whereabouts(text: str) -> str | None:
    """Where the person says they will be ("im at riverside that day" is Riverside): the place
    for a meeting in person."""
    found = _WHEREABOUTS.search(text)
    if found is None:
        return None
    return _named(found["place"])


def _named(place: str) -> str:
    """A place as it is shown: "Riverside", "the canteen"."""
    place = place.strip()
    return place if place.lower().startswith("the ") else place[:1].upper() + place[1:]


# What may stand beside a day and time offered on their own: "3pm maybe?", "fri at 2, ok?".
_BESIDE_A_TIME = re.compile(
    r"(?:\b(?:maybe|perhaps|possibly|poss|say|ish|or so|ok|okay|works?|suits?|then|at|on|in"
    r"|the)\b|[\s?!.,~-])*",
    re.I,
)
_TENTATIVE = re.compile(r"\?|\b(?:maybe|perhaps|possibly)\b", re.I)


def offers_a_time(text: str) -> bool:
    """A day and time offered on their own, as a question or a maybe ("next wednesday in the
    afternoon, 3pm maybe?", "30th feb at 10am?"): nothing else is said, so a meeting is asked for
    ("is it tomorrow at 3pm?" says more)."""
    spans = when_spans(text)
    if not spans or _TENTATIVE.search(text) is None:
        return False
    edges = [0, *(edge for span in spans for edge in span), len(text)]
    rest = [text[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    return all(_BESIDE_A_TIME.fullmatch(part) for part in rest)


# What may stand beside a day, time and length given on their own: "20.3 noon, 1 hour pls".
_COURTESY = re.compile(
    r"(?:\b(?:please|pls|plz|thanks|thx|ta|cheers|ok|okay|for|then)\b|[\s?!.,~-])*", re.I
)


def offers_a_slot(text: str) -> bool:
    """A day, a time and a length given on their own ("20.3 twelve o clock, 1 hour pls"): a
    meeting asked for; "20.3 twelve o clock, 1 hour late" says more."""
    spans = when_spans(text)
    if not spans:
        return False
    edges = [0, *(edge for span in spans for edge in span), len(text)]
    rest = " ".join(text[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2))
    length = find_duration(rest)
    return length is not None and _COURTESY.fullmatch(length.rest) is not None


# A meeting asked for by its name and a day or time alone: "meeting 30/02 at 10am pls",
# "catch up weds 2pm?", "mtg w tom fri at 11 please" ("meeting tues 3pm cancelled" says more).
_MEETING_FIRST = re.compile(
    r"^\s*(?:(?:a|new|another)\s+)?(?:meeting|mtg|catch ?up|catch-up|session|1:1|1-1|121"
    r"|one to one)(?:\s+(?:with|w)\s+[a-z]+)?\b",
    re.I,
)


def names_a_slot(text: str) -> bool:
    """A meeting named first, then only a day or time and courtesy: a meeting asked for."""
    lead = _MEETING_FIRST.match(text)
    spans = when_spans(text)
    if lead is None or not spans or spans[0][0] < lead.end():
        return False
    edges = [lead.end(), *(edge for span in spans for edge in span), len(text)]
    rest = [text[edges[i] : edges[i + 1]] for i in range(0, len(edges), 2)]
    return all(_COURTESY.fullmatch(part) for part in rest)
