"""Sections of free text: what was discussed, the actions agreed and the next meeting, read from
one message however people write them.

Map:
- ``read_sections(text, context) -> Sections``: the whole message (pure: no storage, no clock of
  its own).
- ``read_action(text, context, listed=True) -> Action | None``: one action ("Tom to send the
  template by Fri", "me - cost up option 2 by 20/3").
- ``read_due(text, context) -> date | Ask | None``: a reply to "when is it due?".
- ``minutes_likeness(text)``: whether a message reads as a meeting written up (for intents).
- ``read_next_meeting(text, context) -> When | Ask | None``: the words after "next meeting".
- ``SectionContext``: the clock and zone, the partner's and the writer's names, the day of the
  next confirmed meeting ("before our next one") and the start of the meeting being written up
  ("same time", "in 4 weeks" count from it).

How a message is read:
1. Lines; a bullet ("-", "*", "•", "1.", "1)") starts an item of its own. A line splits into
   sentences at full stops and at ";".
2. A section head starts a section wherever it comes, even after a full stop: actions
   ("actions:", "AP", "action points", "next steps:", "to do:"), the next meeting ("next meeting
   ...", "next one ...", "meet again ..."), notes ("notes:", "minutes from fri:", "discussion -")
   and decisions ("decisions:").
3. Outside a section, a clause that starts with an owner and a word of intent ("I'll", "ill",
   "I need to", "me to", "Tom to", "he will", "we both need to", "both of us to", "someone
   needs to") is an action, and the rest of the message stays discussion, as written. Inside an
   actions section every item is an action (its owner may be unknown, to be asked).
4. Items split at new lines, bullets and ";", and at ",", "and", "+" only where the next words
   start another owned action, another section or the next meeting: "draft the plan and the
   budget" stays one action.
5. Due dates come from :mod:`conversations.dates`; besides, "asap" (no date: noted, and asked),
   "before our next one" (the next confirmed meeting's day, else asked). Dates are only looked
   for inside actions and the next meeting: "budget for 26/27" in the discussion is no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from conversations.dates import Ask, When, find_date, find_when, format_day, parse_when

__all__ = [
    "Action",
    "NextMeeting",
    "Owner",
    "SectionContext",
    "Sections",
    "minutes_likeness",
    "read_action",
    "read_correction",
    "read_due",
    "read_next_meeting",
    "read_sections",
]

Owner = Literal["me", "partner", "both"]


@dataclass(frozen=True)
class SectionContext:
    """What reading a message needs besides its text."""

    now: datetime
    tz: ZoneInfo
    partner_names: tuple[str, ...] = ()  # "Tom Okafor": "tom" and "tom okafor" name him
    own_names: tuple[str, ...] = ()  # the writer's own name ("Priya to ..." is "me")
    next_meeting: date | None = None  # the next confirmed meeting: "before our next one"
    meeting_at: datetime | None = None  # the meeting written up: "same time", "in 4 weeks"


@dataclass(frozen=True)
class Action:
    """One action. ``owner`` None: nobody named ("someone needs to ..."), or ``owner_said`` names
    someone outside the pair. ``due`` None: no date said, "asap" (``asap``), "no date"
    (``no_date``), or ``due_note`` says why the date said can't be used (a question to ask)."""

    text: str
    owner: Owner | None = None
    owner_said: str | None = None
    due: date | None = None
    due_note: str | None = None
    asap: bool = False
    no_date: bool = False


@dataclass(frozen=True)
class NextMeeting:
    """The next meeting as said (``said`` keeps words such as "on teams"); ``when`` None for
    "not yet", an :class:`Ask` when it can't be used as it is."""

    said: str
    when: When | Ask | None


@dataclass(frozen=True)
class Sections:
    """What one message says. ``actions`` None: no actions mentioned; empty: "no actions"."""

    discussion: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    actions: tuple[Action, ...] | None = None
    next_meeting: NextMeeting | None = None
    heading: str = ""  # the words of a notes heading: "from fri" in "minutes from fri:"


# -- the words -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•·–]+|\d{1,2}[.)])\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "eg.", "ie.", "vs.", "approx.", "no.", "dr.", "mr.",
                  "mrs.", "ms.", "re.")  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*;\s*")
_LEADIN = r"(?:(?:and|also|then|plus|so|but|&|\+)\s+)?"
# "actions:", "AP -", "action points", "agreed actions", "next steps:", "to do:"
_ACTIONS_WORD = (
    r"(?:(?:the\s+)?agreed\s+)?(?:actions?(?:\s+(?:points?|items?|agreed))?(?:\s+(?:were|are))?"
    r"|aps?|next\s+steps?"
    r"|to[\s-]?dos?)"
)
_ACTIONS_AT_START = re.compile(
    rf"^{_LEADIN}(?:(?:add|new)\s+(?:an?\s+|another\s+)?)?{_ACTIONS_WORD}\s*(?:[:\-–]\s*|$|(?<=\bap)\s+|(?<=\baps)\s+)"
    # "add action to update my leadership plan by friday": the action said as what to do.
    r"|^(?:(?:please|pls)\s+)?add\s+(?:an?\s+|another\s+)?action\s+(?:for\s+me\s+)?to\s+(?=\w)",
    re.I,
)
_ACTIONS_INSIDE = re.compile(
    rf"(?<=[\s,(])(?:(?:add|new|plus|also|and)\s+(?:an?\s+|another\s+)?)?{_ACTIONS_WORD}\s*[:\-–]\s*",
    re.I,
)
_NO_ACTIONS = re.compile(
    r"^(?:(?:there\s+were\s+)?(?:no|none|zero)\s+(?:actions?|action\s+points|aps?)"
    r"(?:\s+(?:agreed|this\s+time|really))?|actions?\s*[:\-–]\s*(?:none|n/?a|nothing))\W*$",
    re.I,
)
# "..., learning around handover, no actions": "no actions" closing a run-on sentence.
_NO_ACTIONS_END = re.compile(
    r"(?:\s*[,;]\s*|\s+-\s+|\s+and\s+)(?:(?:there\s+were\s+)?(?:no|zero)\s+(?:actions?|action\s+points"
    r"|aps?)(?:\s+(?:agreed|this\s+time|really|for\s+now))?)\W*$",
    re.I,
)
_NOTE_WORDS = (
    r"(?:(?:quick|brief|short|my|our|some|meeting|mentoring|session"
    # "today's notes", "fridays minutes": the day's own notes
    r"|(?:today|yesterday|(?:mon|tues|wednes|thurs|fri)day|last\s+week|this\s+week)['’]?s)\s+){0,2}"
)
_NOTES_HEAD = re.compile(
    rf"^{_NOTE_WORDS}(?P<label>minutes|notes?|summary|discussion)"
    r"(?P<qual>\s+(?:from|for|of|on|re|about|with|w)\b[^:\n.;\-–]{0,40}?)?\s*(?:[:\-–]\s*|$)",
    re.I,
)
_DAY_OWN = re.compile(r"\b(?P<day>today|yesterday|(?:mon|tues|wednes|thurs|fri)day)['’]?s\b", re.I)
_NOTES_LABEL = re.compile(rf"^{_NOTE_WORDS}(?:minutes|notes?|summary|discussion)\s*[:\-–]\s*", re.I)
_DECISIONS_HEAD = re.compile(r"^(?:decisions?|decided)\s*[:\-–]\s*", re.I)
# "can we book the next one ...", "let's pencil in our next meeting ...": the next one asked for.
_BOOK_NEXT = (
    r"(?:(?:(?:can|could|shall|should)\s+(?:we|i|you|u)\s+|let['’]?s\s+|please\s+|pls\s+"
    r"|we\s+(?:need\s+to|should|will|can)\s+|i['’]?ll\s+)?(?:book|arrange|schedule|set\s+up"
    r"|put|pencil|get)(?:\s+in)?\s+)?"
)
_NEXT_HEAD = re.compile(
    rf"^{_LEADIN}{_BOOK_NEXT}(?:(?:the|our)\s+)?next\s+(?:one|meeting|mtg|session|call|catch[\s-]?up|chat|1:1"
    r"|1-1|meet(?:ing)?|get[\s-]?together)\b"
    r"(?:\s+(?:is|will\s+be|booked\s+for|planned\s+for|pencilled\s+in\s+for|agreed\s+for|on))?"
    r"\s*[:\-–]?\s*"
    rf"|^{_LEADIN}next\s*[:\-–]\s*"
    rf"|^{_LEADIN}(?:(?:we['’]?ll|well|we\s+will|we\s+are|we['’]re|let['’]?s|we)\s+)?"
    r"(?:(?:agreed|plan(?:ned)?|decided|going)\s+to\s+)?(?:meet|meeting|catch\s+up)"
    r"\s+(?:again|next)\b\s*[:\-–]?\s*",
    re.I,
)
_NO_NEXT = re.compile(
    rf"^{_LEADIN}(?:no|not)\s+(?:booked\s+)?(?:a\s+)?next\s+(?:one|meeting|session|call)"
    r"(?:\s+(?:booked|agreed|yet|booked\s+yet))*\W*$",
    re.I,
)
# "AP me - ...", "action for tom: ...", "action me - ...": an actions head before the owner.
_OWNED_HEAD = r"(?:aps?|actions?)(?:\s+for)?\s*[:\-–]?\s+"
# The same said of anyone (names unknown): "action for me - update my plan by eom".
_OWNED_ACTION = re.compile(
    rf"^{_LEADIN}(?:aps?|actions?)\s+(?:for\s+)?[^\W\d_]+(?:\s+of\s+us)?\s*[:\-–]\s*\S", re.I
)
# An action head then its owner with no mark after it: "AP me cost up option 2", "action for me
# is getting a slot", "add action for me - email the ops manager" (read as "me: ...").
_HEAD_THEN_WHO = re.compile(
    rf"^{_LEADIN}(?:(?:add|new)\s+(?:an?\s+|another\s+)?)?(?:aps?|actions?)(?:\s+for)?\s+"
    r"(?P<who>[^\W\d_]+(?:\s+of\s+us)?)(?:\s+is|\s*[:\-–])?\s+(?P<rest>\S.*)$",
    re.I | re.S,
)
# The same for recognising minutes, names unknown: "AP tom example case", "action for me is".
_OWNED_ACTION_BARE = re.compile(
    rf"^{_LEADIN}(?:(?:add|new)\s+(?:an?\s+|another\s+)?)?"
    r"(?:aps?\s+(?:for\s+)?[^\W\d_]+|actions?\s+for\s+[^\W\d_]+)(?:\s+is|\s*[:\-–])?\s+\S",
    re.I,
)
# A word of intent after the owner: "to", "will", "'ll", "needs to", "is going to" ...
_MODAL = (
    r"(?:\s*['’](?:ll|m\s+(?:going\s+to|gonna|to)|re\s+(?:going\s+to|gonna|to)|ve\s+(?:got\s+)?to"
    r"|s\s+(?:going\s+to|gonna|got\s+to|to))"
    r"|\s+(?:will|shall|should|must|to"
    r"|(?:needs?|has|have|agreed|promised|offered|wants?|plans?)\s+to|(?:have|has)\s+got\s+to"
    r"|(?:is|are|am)\s+(?:going\s+to|gonna|to)))"
)
# Typed without the apostrophe: "ill send", "im going to", "ive got to" ("ill health" is not).
_CONTRACTED = r"(?P<contracted>ill(?!\s+health)|im\s+(?:going\s+to|gonna|to)|ive\s+(?:got\s+)?to)"
_NOBODY = r"someone|somebody|anyone|one\s+of\s+us"
_NOBODY_FIRST = re.compile(rf"^\W*(?:{_NOBODY})\b", re.I)
_NOT_YET = re.compile(
    r"^(?:not\s+yet|none|no|nope|skip|tbc|tba|tbd|not\s+(?:agreed|decided|booked|sure)(?:\s+yet)?"
    # "not sorted a date yet", "not arranged one yet"
    r"|not\s+(?:sorted|arranged|set|fixed|booked|agreed)\s+(?:one|it|a\s+date|a\s+time|that)\s+yet"
    r"|no\s+next\s+(?:meeting|one)|don'?t\s+know(?:\s+yet)?"
    r"|to\s+be\s+(?:agreed|confirmed|arranged)"
    # "havent booked one yet", "we've not arranged it yet"
    r"|(?:we\s+|i\s+)?(?:ha(?:ve|s)n['’]?t|have\s+not|haven|(?:we|i)['’]?ve\s+not)\s+(?:booked|arranged"
    r"|agreed|set|fixed|sorted)(?:\s+(?:one|it|a\s+date|the\s+next\s+one|that))?(?:\s+(?:yet|up))*)\W*$",
    re.I,
)
_ASAP = re.compile(
    r"[\s,(-]*\b(?:asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+(?:possible|poss|we\s+can|you\s+can|i\s+can)"
    r"|urgently)\b[\s).]*",
    re.I,
)
_NO_DATE = re.compile(
    r"[\s,(;-]*\b(?:no\s+(?:due\s+)?date|no\s+deadline|ongoing|no\s+rush)\b[\s).]*", re.I
)
_BEFORE_NEXT = re.compile(
    r"[\s,]*\b(?:before|by|for|ahead\s+of|prior\s+to|in\s+time\s+for)\s+(?:our|the)\s+next"
    r"(?:\s+(?:one|meeting|session|call|catch[\s-]?up|chat|1:1|meet(?:ing)?))?\b"
    r"|[\s,]*\bbefore\s+we\s+(?:next\s+)?meet(?:\s+again|\s+next)?\b"
    r"|[\s,]*\b(?:for|by)\s+next\s+time\b"
    # "before next time", "before next meeting" (no "our"/"the")
    r"|[\s,]*\b(?:before|ahead\s+of|prior\s+to)\s+next\s+(?:time|one|meeting|session|call"
    r"|catch[\s-]?up|chat|1:1)\b",
    re.I,
)
# Shorthand the date reader does not know yet, read only where a date is looked for.
_DATE_SHORTHAND = (
    (re.compile(r"\bwks\b", re.I), "weeks"),
    (re.compile(r"\bwk\b", re.I), "week"),
    (re.compile(r"\b(?:by\s+)?eom\b", re.I), "by the end of the month"),
    (re.compile(r"\b(?:by\s+)?eow\b", re.I), "by the end of the week"),
    (re.compile(r"\b(?:by\s+)?cob\b", re.I), "today"),
    # "4 weeks later": in 4 weeks (from the meeting written up, for the next one)
    (
        re.compile(
            r"\b(?<!in\s)(a|an|one|two|three|four|five|six|seven|eight|\d+)\s+(weeks?|months?|days?)"
            r"\s+later\b",
            re.I,
        ),
        r"in \1 \2",
    ),
)
_SAME_TIME = re.compile(
    r"[\s,]*\b(?:(?:at\s+)?(?:the\s+)?same\s+time(?:\s+as\s+(?:today|before))?)\b", re.I
)
_RELATIVE = re.compile(
    r"\bin\s+(?:a|an|one|two|three|four|five|six|seven|eight|\d+)\s+(?:weeks?|months?|days?)\b"
    r"|\b(?:in\s+)?a\s+fortnight\b|\b(?:weeks?|fortnight|months?)\s+(?:from|after)\b"
    r"|\b(?:a|an|one|two|three|four|five|six|seven|eight|\d+)\s+(?:weeks?|months?|fortnights?)"
    r"['’]?\s+time\b"
    # "six weeks on", "a month on": counted on from the meeting, like "in six weeks"
    r"|\b(?:a|an|one|two|three|four|five|six|seven|eight|\d+)\s+(?:weeks?|months?)\s+on\b",
    re.I,
)
_FILLER_END = re.compile(
    r"(?:[\s,]+(?:pls|please|plz|thanks|thx|ta|tbh|then|too|as\s+well))+[\s.!]*$", re.I
)
_DANGLING = re.compile(r"(?:[\s,;:\-–]+|\s+(?:and|&|\+|so|then|also|plus))+$", re.I)
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*\)")
# "we agreed to meet every 6 weeks": how often they meet, not an action ("meet finance" is one)
_MEETING_PLAN = re.compile(
    r"^meet(?:ing)?\s+(?:again|every|each|regularly|monthly|weekly|fortnightly|once|twice"
    r"|more\s+often|less\s+often)\b",
    re.I,
)
_ONLY_WHO = re.compile(r"^[^\W\d_][\w'’. ]{0,40}[:\-–]\s*$")
_MINE = re.compile(r"\bmy\b", re.I)
_ME = re.compile(r"\b(?:me|myself)\b", re.I)
_CUT = re.compile(r"\s*,\s*|\s+(?=(?:and|&|\+|then|so|also|plus)\s)", re.I)


# An action said as what someone is doing: "tom sending me his template", "im updating my CV".
_PARTICIPLE = r"(?!(?:no|some|any|every)thing|morning|evening|meeting|during)[^\W\d_]{2,}ing"


def _doers(partner: str, own: str) -> str:
    """Who, before a present participle ("tom sending", "we're both reading", "i'm doing")."""
    be = r"(?:\s+is|['’]s|\s+will\s+be|['’]ll\s+be)"
    return (
        r"(?P<both>(?:we['’]re|we\s+are|were\s+both|we['’]ll\s+be|we\s+will\s+be)(?:\s+both)?"
        rf"|both\s+of\s+us|us\s+both|(?:{partner})\s+(?:and|&|\+)\s+(?:i|me)"
        rf"|(?:i|me)\s+(?:and|&|\+)\s+(?:{partner}))"
        rf"|(?P<partner>(?:{partner}){be}?|(?:he|she){be})"
        rf"|(?P<me>i['’]?m|i\s+am|i['’]?ll\s+be|i\s+will\s+be|(?:{own}){be}?)"
    )


def _names(names: tuple[str, ...]) -> list[str]:
    """Each name, and its first word, lower case, longest first."""
    found: set[str] = set()
    for name in names:
        lowered = " ".join(name.lower().split())
        if lowered:
            found |= {lowered, lowered.split(" ", 1)[0]}
    return sorted(found, key=len, reverse=True)


@dataclass(frozen=True)
class _Owners:
    """The owner at the start of a clause, built once for a context's names."""

    lead: re.Pattern[str]
    colon: re.Pattern[str]
    partner: frozenset[str]
    own: frozenset[str]
    doing: re.Pattern[str] | None = None  # "tom sending me ...", "we're both reading ..."

    @classmethod
    def of(cls, context: SectionContext) -> _Owners:
        partner = _names(context.partner_names)
        own = _names(context.own_names)
        p = "|".join(re.escape(n) for n in partner) or r"(?!x)x"
        o = "|".join(re.escape(n) for n in own) or r"(?!x)x"
        me = rf"i|me|myself|{o}"
        both = (
            rf"both\s+(?:of\s+us|{p})(?:\s+and\s+(?:i|me))?"
            # "me and tom both to read...": the pair named, then "both".
            rf"|(?:{p})\s+(?:and|&|\+)\s+(?:i|me)(?:\s+both)?"
            rf"|(?:i|me)\s+(?:and|&|\+)\s+(?:{p})(?:\s+both)?|we\s+both|us\s+both|both|we"
        )
        who = rf"(?P<both>{both})|(?P<nobody>{_NOBODY})|(?P<partner>{p}|he|she)|(?P<me>{me})"
        lead = re.compile(
            rf"^{_LEADIN}(?:{_OWNED_HEAD})?"
            rf"(?:{_CONTRACTED}\s+|(?:{who})(?:\s*(?P<mark>[:\-–])\s*|{_MODAL}\s+))(?P<rest>\S.*)$",
            re.I | re.S,
        )
        colon = re.compile(
            r"^(?P<who>[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2})\s*(?::|\s[-–])\s*(?P<rest>\S.*)$",
            re.S,
        )
        doing = re.compile(
            rf"^{_LEADIN}(?:{_OWNED_HEAD})?(?:{_doers(p, o)})\s+(?P<rest>{_PARTICIPLE}\b.*)$",
            re.I | re.S,
        )
        return cls(lead, colon, frozenset(partner), frozenset(own), doing)

    def read(self, clause: str) -> tuple[Owner | None, str] | None:
        """(owner, the rest) when ``clause`` starts with an owner and a word of intent."""
        m = self.lead.match(clause)
        if m is None and (bare := _HEAD_THEN_WHO.match(clause)) is not None:
            m = self.lead.match(f"{bare['who']}: {bare['rest']}")
        if m is None and self.doing is not None:
            m = self.doing.match(clause)
        if m is None:
            return None
        said = m.groupdict()
        if said.get("contracted"):
            return "me", m["rest"]
        if said.get("nobody"):
            return None, m["rest"]
        owner: Owner = "both" if m["both"] else "partner" if m["partner"] else "me"
        return owner, m["rest"]


# -- splitting --------------------------------------------------------------------------------


def _sentences(line: str) -> list[str]:
    pieces: list[str] = []
    for piece in _SENTENCE.split(line):
        words = pieces[-1].lower().split() if pieces else []
        if words and words[-1] in _ABBREVIATIONS:  # "e.g. the ward" goes on; "more. will" not
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        # "discussed the budget actions: me to ..." with no full stop before the head.
        m = _ACTIONS_INSIDE.search(piece)
        if m is not None and m.start() > 0 and not _ACTIONS_AT_START.match(piece):
            out += [piece[: m.start()], piece[m.start() :]]
        else:
            out.append(piece)
    return [p.strip() for p in out if p.strip(" \t.")]


def _starts_something(text: str, owners: _Owners) -> bool:
    return bool(
        _NEXT_HEAD.match(text) or _ACTIONS_AT_START.match(text) or owners.read(text) is not None
    )


def _clauses(sentence: str, owners: _Owners) -> list[str]:
    """The sentence cut before each owned action, section head or next meeting."""
    pieces: list[str] = []
    start = 0
    for m in _CUT.finditer(sentence):
        if m.start() < start or m.start() == 0:
            continue
        owned = owners.lead.match(sentence[start:])
        if owned is not None and start + owned.start("rest") > m.start():
            continue  # "tom and i agreed to ...": one owner, not a cut
        if _starts_something(sentence[m.end() :], owners):
            pieces.append(sentence[start : m.start()])
            start = m.end()
    pieces.append(sentence[start:])
    return [p.strip() for p in pieces if p.strip(" \t.,")]


def _tidy(text: str, *, filler: bool = True) -> str:
    """Without dangling separators (and, for actions, trailing "pls"), capitalised."""
    if filler:
        text = _FILLER_END.sub("", text.strip())
    text = _DANGLING.sub("", _EMPTY_BRACKETS.sub("", text).strip(" \t.;,:-–"))
    text = text.strip(" \t.;,:-–")
    return text[:1].upper() + text[1:]


# -- reading ----------------------------------------------------------------------------------


def _shorthand(text: str) -> str:
    for pattern, word in _DATE_SHORTHAND:
        text = pattern.sub(word, text)
    return text


def _due(text: str, context: SectionContext) -> tuple[str, Action]:
    """The action's words without its due date, and what the date is (an Action to fill in)."""
    if (m := _NO_DATE.search(text)) is not None:
        return text[: m.start()] + " " + text[m.end() :], Action("", no_date=True)
    if (m := _ASAP.search(text)) is not None:
        note = "'asap' isn't a date I can remind you of. When should it be done by?"
        return text[: m.start()] + " " + text[m.end() :], Action("", asap=True, due_note=note)
    if (m := _BEFORE_NEXT.search(text)) is not None:
        rest = text[: m.start()] + " " + text[m.end() :]
        if context.next_meeting is not None:
            return rest, Action("", due=context.next_meeting)
        note = (
            "Your next meeting isn't booked yet, so I can't put a date on 'before our next one'. "
            "When should it be done by?"
        )
        return rest, Action("", due_note=note)
    found = find_date(text, context.now, context.tz)
    if found is None and (expanded := _shorthand(text)) != text:
        found = find_date(expanded, context.now, context.tz)
    if found is None:
        return text, Action("")
    if isinstance(found.value, Ask):
        return found.rest, Action("", due_note=found.value.question)
    return found.rest, Action("", due=found.value)


def read_due(text: str, context: SectionContext) -> date | Ask | None:
    """A reply to "when is it due?" ("by weds", "end of next wk", "before our next one"): a
    day, what to ask, or None for "no date"."""
    said = text.strip()
    if _NO_DATE.fullmatch(said):
        return None
    rest, due = _due(said, context)
    if due.no_date:
        return None
    if due.due is not None and not rest.strip(" .,"):
        return due.due
    if due.due_note is not None and not due.asap and not rest.strip(" .,"):
        return Ask(due.due_note, "unknown")
    value = parse_when(_shorthand(said), context.now, context.tz, need_time=False)
    return value if isinstance(value, Ask) else value.day


def read_action(text: str, context: SectionContext, *, listed: bool = True) -> Action | None:
    """One action. ``listed`` (inside an actions section): an owner is not needed, and "Sam:"
    names someone to ask about. Outside one, only an owned clause is an action."""
    return _read_action(text, context, _Owners.of(context), listed=listed)


def _heads_its_owner(text: str, owners: _Owners) -> bool:
    """Whether an action head is followed by its owner: "AP me cost up option 2"."""
    return _HEAD_THEN_WHO.match(text) is not None and owners.read(text) is not None


def _read_action(
    text: str, context: SectionContext, owners: _Owners, *, listed: bool
) -> Action | None:
    text = _BULLET.sub("", text).strip()
    if (m := _ACTIONS_AT_START.match(text)) is not None and not _heads_its_owner(text, owners):
        text, listed = text[m.end() :].strip(), True
    if _ONLY_WHO.match(text):
        return None  # "Tom:" with nothing after it
    owner: Owner | None = None
    owner_said: str | None = None
    read = owners.read(text)
    topic = _topic_owned(text, owners) if read is None else None
    if read is not None:
        owner, text = read
    elif topic is not None:
        _, owner, text = topic
    elif not listed:
        return None
    elif (m := owners.colon.match(text)) is not None and not _date_only(m["who"], context):
        said = " ".join(m["who"].lower().split())
        if said in owners.partner or said in ("he", "she"):
            owner = "partner"
        elif said in owners.own or said in ("me", "i", "myself"):
            owner = "me"
        elif said in ("both", "we", "us", "both of us"):
            owner = "both"
        else:
            owner_said = m["who"].strip()
        text = m["rest"]
    text, due = _due(text, context)
    if owner is None and owner_said is None and listed and (alone := _inline_owner(text, owners)):
        owner, text = alone
    text = _tidy(text)
    if not text or (not listed and _MEETING_PLAN.match(text)):
        return None
    if topic is not None:
        text = f"{topic[0]}: {text[:1].lower()}{text[1:]}"
    if owner is None and owner_said is None and _MINE.search(text):
        owner = "me"  # "update my CV": the writer's own
    if owner == "partner" and context.own_names:
        # "Tom to send me his template" reads "Send Priya his template" to Tom as well.
        name = context.own_names[0].split()[0]
        text = _MINE.sub(f"{name}'s", _ME.sub(name, text))
    return replace(due, text=text, owner=owner, owner_said=owner_said)


# "JD - both of us to read it": a topic, a dash, then an owned action about it.
_TOPIC_DASH = re.compile(r"^(?P<topic>[^\W\d_][\w/&'’ ]{0,30}?)\s+[-–]\s+(?P<rest>\S.*)$", re.S)
# "email the ops manager re cover, me, by wed": the owner said between commas.
_INLINE_WHO = re.compile(
    r"\s*,\s*(?P<who>[^\W\d_]+(?:\s+(?:of\s+us|both|okafor|[^\W\d_]+))?)\s*(?:,\s*)?$", re.I
)


def _topic_owned(text: str, owners: _Owners) -> tuple[str, Owner | None, str] | None:
    """(topic, owner, the rest) for "JD - both of us to read before 16th"."""
    m = _TOPIC_DASH.match(text)
    if m is None or (read := owners.read(m["rest"])) is None:
        return None
    return m["topic"].strip(), read[0], read[1]


def _inline_owner(text: str, owners: _Owners) -> tuple[Owner, str] | None:
    """The owner said alone between commas at the end: "..., me," / "..., tom"."""
    m = _INLINE_WHO.search(text)
    if m is None:
        return None
    said = " ".join(m["who"].lower().split())
    owner: Owner | None = (
        "me"
        if said in owners.own or said in ("me", "myself", "i", "mine")
        else "partner"
        if said in owners.partner
        else "both"
        if said in ("both", "both of us", "us both", "us")
        else None
    )
    return None if owner is None else (owner, text[: m.start()])


def _date_only(words: str, context: SectionContext) -> bool:
    """ "Fri: ..." or "by 5 Dec - ..." is a date before the dash, not an owner."""
    return find_when(words, context.now, context.tz, need_time=False) is not None


def read_next_meeting(text: str, context: SectionContext) -> When | Ask | None:
    """The words after "next meeting": a moment, None for "not yet", or what to ask."""
    said = _tidy(_shorthand(text)).strip()
    if not said or _NOT_YET.match(said):
        return None
    same_time = _SAME_TIME.search(said) is not None
    said = _SAME_TIME.sub("", said).strip(" ,")
    base = context.now
    if context.meeting_at is not None and _RELATIVE.search(said):
        base = context.meeting_at  # "in 4 weeks" counts from the meeting written up
    value = _moment(said, base, context.tz) if said else None
    if value is None:
        if same_time and context.meeting_at is not None and not said:
            return Ask("Same time on which day?", "vague")
        whole = parse_when(said or text, context.now, context.tz, need_time=False)
        return whole if isinstance(whole, Ask) else Ask("When is it?", "unknown")
    if isinstance(value, Ask):
        return value
    if same_time and not value.has_time and context.meeting_at is not None:
        wall = context.meeting_at.astimezone(context.tz)
        local = datetime.combine(value.day, wall.timetz().replace(tzinfo=None), tzinfo=context.tz)
        value = When(local.astimezone(UTC), local, True)
    local_now = context.now.astimezone(context.tz)
    if value.day < local_now.date() or (value.has_time and value.local < local_now):
        return Ask(f"{format_day(value.day)} has passed. When is your next meeting?", "past")
    return value


_PREPOSITIONS = frozenset({"on", "by", "at", "via", "in", "over", "for", "with", "and"})


def _moment(said: str, base: datetime, tz: ZoneInfo) -> When | Ask | None:
    """The moment in ``said``, dropping words at its end it can't read ("on teams", "video")."""
    words = said.split()
    for end in range(len(words), 0, -1):
        if words[end - 1].lower().strip(",") in _PREPOSITIONS:
            continue
        value = parse_when(" ".join(words[:end]).strip(" ,"), base, tz, need_time=False)
        if isinstance(value, When) and value.day.year > base.year + 2:
            continue  # the fallback's guess at words that are no date
        if isinstance(value, When) or value.reason not in ("unknown", "ambiguous"):
            return value
        if len(words) - end >= 5:
            break
    found = find_when(said, base, tz, need_time=False)
    return None if found is None else found.value


@dataclass
class _Reader:
    context: SectionContext
    owners: _Owners
    discussion: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    actions: list[Action] | None = None
    next_meeting: NextMeeting | None = None
    heading: str = ""
    mode: Literal["discussion", "decisions", "actions"] = "discussion"

    def line(self, line: str, *, sticky: bool) -> bool:
        """Read one line; True when an actions section it opened lasts into the next lines."""
        opened_alone = False
        for sentence in _sentences(line):
            if (end := _NO_ACTIONS_END.search(sentence)) is not None and end.start() > 0:
                self.actions = self.actions or []
                sentence = sentence[: end.start()]
            if _NO_ACTIONS.match(sentence):
                self.actions = self.actions or []
                self.mode = "discussion"
                continue
            if self.mode == "actions" and not sticky and _DISCUSSION_OPENS.match(sentence):
                self.mode = "discussion"  # "AP me: X. we talked about Y"
            headed = False
            while (head := self.notes_head(sentence)) is not None:
                self.mode, headed = "discussion", True  # "minutes: notes - ..." has two heads
                sentence = sentence[head:].lstrip()
            if not headed and (m := _DECISIONS_HEAD.match(sentence)) is not None:
                self.mode = "decisions"
                sentence = sentence[m.end() :]
            for clause in _clauses(sentence, self.owners):
                opened_alone = self.clause(clause) or opened_alone
        return sticky or opened_alone

    def notes_head(self, sentence: str) -> int | None:
        """Where the discussion starts after "notes:" or "minutes from fri"; the words naming
        the meeting ("from fri") are kept as the heading only when they hold a day."""
        m = _NOTES_HEAD.match(sentence)
        if m is not None and (day := _DAY_OWN.search(sentence[: m.start("label")])) is not None:
            # "today's notes with tom:": the day is said before the label
            if find_when(day["day"], self.context.now, self.context.tz, need_time=False):
                self.heading = self.heading or day["day"]
            if m["qual"] and m[0].rstrip().endswith((":", "-", "–")):
                return m.end()
        if m is not None and m["qual"]:
            if find_when(m["qual"], self.context.now, self.context.tz, need_time=False):
                self.heading = self.heading or m["qual"].strip()
                return m.end()
            m = None
        if m is None:
            m = _NOTES_LABEL.match(sentence)
        return None if m is None else m.end()

    def clause(self, clause: str) -> bool:
        opened_alone = False
        if (m := _ACTIONS_AT_START.match(clause)) is not None:
            self.mode = "actions"
            self.actions = self.actions or []
            if not _heads_its_owner(clause, self.owners):
                clause = clause[m.end() :].strip()
                if not clause.strip(" .,;:"):
                    return True
        if _NO_NEXT.match(clause):
            self.next_meeting = NextMeeting(clause, None)
            return False
        if (m := _NEXT_HEAD.match(clause)) is not None:
            said = clause[m.end() :].strip()
            self.next_meeting = NextMeeting(said, read_next_meeting(said, self.context))
            self.mode = "discussion"
            return False
        action = _read_action(clause, self.context, self.owners, listed=self.mode == "actions")
        if action is not None:
            self.actions = [*(self.actions or []), action]
        elif self.mode == "decisions":
            self._keep(self.decisions, clause)
        elif self.mode == "discussion":
            self._keep(self.discussion, clause)
        return opened_alone

    @staticmethod
    def _keep(items: list[str], clause: str) -> None:
        if tidy := _tidy(clause, filler=False):
            items.append(tidy)


def _lines(text: str) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it is a bullet item."""
    for raw in text.replace("\r\n", "\n").split("\n"):
        bullet = _BULLET.match(raw) is not None
        yield _BULLET.sub("", raw).strip(), bullet


_TALKED = re.compile(
    r"\b(?:talked\s+(?:about|thru|through|over|re)|discussed|went\s+(?:thru|through|over)|covered|chatted|looked\s+at"
    r"|catch[\s-]?up|(?:good|useful|helpful|great|productive)\s+(?:chat|call|session|meeting)|had\s+(?:our|a|the)\s+(?:\w+\s+)?"
    r"(?:call|chat|meeting|session|catch[\s-]?up))\b"
    # "had a good one fri", "topics were budget and ...", "call with owen this morning, ..."
    r"|\bhad\s+a\s+(?:good|useful|helpful|great|productive|really\s+good)\s+one\b"
    r"|\b(?:topics?|agenda)\s+(?:were|was|included)\b"
    r"|\b(?:call|chat|session|meeting|catch[\s-]?up|1:1)\s+(?:with|w)\s+[^\W\d_]+\s+"
    r"(?:today|yesterday|this\s+(?:morning|afternoon)|(?:on\s+)?(?:mon|tue|wed|thu|fri)[a-z]*)\b",
    re.I,
)
# A sentence that opens on what was discussed: it ends an "AP me: ..." line's actions.
_DISCUSSION_OPENS = re.compile(
    r"^(?:we\s+|i\s+)?(?:talked\s+(?:about|thru|through|over|re)|discussed|went\s+(?:thru|through"
    r"|over)|covered|chatted\s+about)\b",
    re.I,
)
_TALKED_FIRST = re.compile(
    # "the fall on the ward - we went over it": what "we" did at the meeting, said anywhere
    r"(?:^|.*\s)we\s+(?:talked\s+(?:about|thru|through|over)|discussed|went\s+(?:thru|through|over)"
    rf"|covered)\b|{_DISCUSSION_OPENS.pattern}",
    re.I,
)


# "tom to introduce me to his deputy, pls add as an action": the request to log what came first.
_ADD_AS_ACTION = re.compile(
    r"[\s,.;:\-–]*(?:(?:can|could)\s+(?:you|u)\s+)?(?:pls|please|plz)?\s*(?:add|put|log|save)"
    r"(?:\s+(?:it|this|that))?\s+(?:as|to)\s+(?:an?\s+|my\s+)?(?:action|actions|ap)"
    r"(?:\s+(?:pls|please|plz))?\W*$",
    re.I,
)


# "new AP - leadership plan update by eom", "add action for me - email the ops manager": one
# action added on its own under an "add"/"new" head. It is a write-up of one action; with no
# owner said it is the writer's own (as on their own to-do list).
_ADDED_ALONE = re.compile(
    r"^\s*(?:(?:please|pls|can\s+you|could\s+you)\s+)?(?:add|new|another)\s+(?:an?\s+"
    r"|another\s+|new\s+)?(?:aps?|actions?(?:\s+points?)?)\b(?:\s+for\s+me\b)?\s*[:\-–]\s*\S",
    re.I,
)


@cache
def _nameless() -> _Owners:
    """Owners said without names: "I", "me", "we", "he", "both of us", "someone"."""
    return _Owners.of(SectionContext(now=datetime(2000, 1, 1, tzinfo=UTC), tz=ZoneInfo("UTC")))


def minutes_likeness(text: str) -> Literal["no", "maybe", "yes"]:
    """How much a message reads as a meeting written up, for recognising the journey.

    "yes": a notes or actions heading, "no actions", or several sentences about what was
    discussed with an owned action, the next meeting or more talk in them. "maybe": one
    sentence of that kind ("we talked about it, I'll book Tue 3pm"), which an explicit request
    for another journey should win. Names are not needed (only "I", "we", "he"... count)."""
    owners = _nameless()
    sentences = [s for line, _ in _lines(text) if line for s in _sentences(line)]
    if not sentences:
        return "no"
    first = sentences[0]
    if (tail := _ADD_AS_ACTION.search(text)) is not None and tail.start() > 0:
        return "yes"  # "X to do Y, pls add as an action"
    if labelled_as_notes(text):
        return "yes"  # "notes - ...", "notes from today w tom: ..."
    if _ADDED_ALONE.match(text):
        return "yes"  # "add action for me - ...", "new AP - ..."
    for index, sentence in enumerate(sentences):
        head = _ACTIONS_AT_START.match(sentence)
        if head and (head.end() < len(sentence) or index + 1 < len(sentences)):
            return "yes"
        if _NO_ACTIONS.match(sentence) or _OWNED_ACTION.match(sentence):
            return "yes"
        if _OWNED_ACTION_BARE.match(sentence) and (index or len(sentences) > 1):
            return "yes"
        if _TALKED.search(sentence) and _NO_ACTIONS_END.search(sentence):
            return "yes"
    if not _TALKED.search(text):
        return "no"
    several = len(sentences) > 1
    if several and _TALKED.search(first) and any(_TALKED.search(s) for s in sentences[1:]):
        return "yes"  # "catch up w tom. mostly talked about ..."
    owned = any(
        _NEXT_HEAD.match(c) or owners.read(c) is not None
        for s in sentences
        for c in _clauses(s, owners)
    )
    if owned or _TALKED_FIRST.match(first):
        return "yes" if several else "maybe"
    return "no"


def read_sections(text: str, context: SectionContext) -> Sections:
    """Everything one message says about a meeting: discussion, decisions, actions, next one."""
    reader = _Reader(context, _Owners.of(context))
    if (tail := _ADD_AS_ACTION.search(text)) is not None and tail.start() > 0:
        text = text[: tail.start()]
    sticky = False
    for line, bullet in _lines(text):
        if not line:
            sticky, reader.mode = False, "discussion"  # a blank line ends a section
            continue
        if not bullet and not sticky and reader.mode == "actions":
            reader.mode = "discussion"  # an "AP: ..." line's section ends with the line
        if reader.mode != "actions":
            sticky = False
        sticky = reader.line(line, sticky=sticky)
    actions = reader.actions
    added = _ADDED_ALONE.match(text)
    if added is not None and actions is not None and len(actions) == 1:
        only, body = actions[0], text[added.end() - 1 :]
        if only.owner is None and only.owner_said is None and not _NOBODY_FIRST.match(body):
            actions = [replace(only, owner="me")]  # "new AP - X": the writer's own
    return Sections(
        discussion=tuple(reader.discussion),
        decisions=tuple(reader.decisions),
        actions=None if actions is None else tuple(actions),
        next_meeting=reader.next_meeting,
        heading=reader.heading,
    )


# -- asking to read minutes back ---------------------------------------------------------------

# "show me the notes from fri", "can i see tom's minutes", "remind me what priya and i agreed
# last time?", "what did we decide last session": a request to read minutes, never to write.
_DAY_NOTES = (
    r"\s*(?P<day>(?:last\s+)?(?:today|yesterday|mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)"
    r"(?:day)?)['’]?s?\s+(?:meeting\s+)?(?:minutes|notes)(?:\s+(?:pls|please|plz|thanks))?\W*$"
)
READ_MINUTES_TEXT = re.compile(
    # A request to read is short: a longer text that mentions what "we discussed" is a
    # write-up or a form's answer ("confidentiality: what we discuss stays between us").
    r"^(?=\W*(?:\S+\s+){0,15}\S*\s*$)"
    r"(?!.*\b(?:diary|log|record|write\s+up|add|save|take)\b)"
    r"(?:.*\b(?:show|see|read|view|look\s+at|pull\s+up|find|get|send|open|share|check)\b.*"
    r"\b(?:minutes|notes|write[- ]?up)\b"
    r"|.*\b(?:remind\s+me|what)\b.*\b(?:agreed?|decided?|discuss(?:ed)?|talked\s+about|said"
    r"|covered)\b.*\b(?:last|previous|time|meeting|session|call|catch[- ]?up|on|from|we|i)\b"
    r"|.*\bwhat\s+(?:were|are)\s+(?:our|the|my)\s+actions\s+from\b"
    # "fridays minutes pls", "yesterday's notes?": a day's minutes named and nothing more
    rf"|{_DAY_NOTES})",
    re.I,
)
_WHOSE = re.compile(
    r"\b(?P<who>[a-z]+(?:\s+[a-z]+)?)['’]?s\s+(?:minutes|notes|meeting\s+notes)\b", re.I
)
_NOT_A_NAME = frozenset(
    """my our the his her their your today yesterday todays yesterdays meeting meetings session
    sessions last week weeks month months time times me us mon tue wed thu fri sat sun monday
    tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays
    fridays saturdays sundays latest recent show see read view get find send open share check
    look at pull up i u you can could please pls a all""".split()  # noqa: SIM905
)
_LATEST = re.compile(r"\b(?:last\s+(?:time|meeting|session|call|one)|latest|most\s+recent)\b", re.I)
_FROM = re.compile(r"\b(?:from|of|for|on)\s+(?P<when>(?:last\s+)?[\w/ ]{2,20}?)\s*\??$", re.I)


@dataclass(frozen=True)
class MinutesAsked:
    """A request to read minutes: ``whose`` a person named ("priya shah" in "priya shahs
    minutes", "" when none), ``when`` the day as said ("fri"), ``latest`` for "last time"."""

    whose: str = ""
    when: str = ""
    latest: bool = False


def asks_for_minutes(text: str) -> MinutesAsked | None:
    """The minutes a message asks to read, or None when it does not ask to read any."""
    said = " ".join(text.split())
    if not READ_MINUTES_TEXT.match(said):
        return None
    whose = ""
    if (m := _WHOSE.search(said)) is not None:
        words = [w for w in m["who"].lower().split() if w not in _NOT_A_NAME]
        whose = " ".join(words[-2:])
    when = m["when"] if (m := _FROM.search(said)) is not None else ""
    if not when and (day := re.match(_DAY_NOTES, said, re.I)) is not None:
        when = day["day"]
    return MinutesAsked(whose, when, _LATEST.search(said) is not None)


def labelled_as_notes(text: str) -> bool:
    """Whether a message opens with a notes label ("notes: ...", "minutes from fri - ...",
    "notes from today w tom: ..."): written up as minutes, whatever words follow."""
    sentences = [s for line, _ in _lines(text) if line for s in _sentences(line)]
    if not sentences:
        return False
    notes = _NOTES_HEAD.match(sentences[0])
    return bool(_NOTES_LABEL.match(sentences[0])) or (
        notes is not None and notes[0].rstrip().endswith((":", "-", "–"))
    )


# -- corrections at a minutes confirmation ------------------------------------------------------

_FIX_REMOVE = re.compile(
    r"^(?:remove|delete|drop|take\s+out)\s+action\s*(?:no\.?\s*|#)?(?P<n>\d+)\W*$", re.I
)
_FIX_DUE = re.compile(
    r"^(?:change|set|move|make|update)?\s*(?:the\s+)?action\s*#?(?P<n>\d+)(?:['’]s)?"
    r"\s+due(?:\s+date)?\s*(?:to|for|on|is|:|=)?\s*(?P<when>.+)$",
    re.I,
)
_FIX_OWNER = re.compile(
    r"^(?:change|set|make|update)?\s*(?:the\s+)?action\s*#?(?P<n>\d+)(?:['’]s)?\s+owner\s*(?:to|is|:|=)?\s*(?P<who>.+)$",
    re.I,
)
_FIX_REPLACE = re.compile(
    r"^(?:change|replace|edit|update|make)\s+action\s*#?(?P<n>\d+)\s*(?:to|with|:|=)\s*:?\s*(?P<line>.+)$",
    re.I | re.S,
)
_FIX_ADD = re.compile(
    r"^(?:add|plus|also|new)\s+(?:an?\s+|another\s+)?action\s*[:\-–]?\s*(?P<line>.+)$", re.I | re.S
)
_FIX_FIELD = re.compile(
    r"^(?:change|edit|rewrite|update|replace)\s+(?:the\s+)?(?P<field>discussion|notes|decisions?)"
    r"(?:\s*(?:to|with|:)\s*:?\s*(?P<value>.+))?$",
    re.I | re.S,
)
_FIX_NEXT = re.compile(
    r"^(?:change|move|set|make|update)\s+(?:the\s+)?next\s+(?:meeting|session|date)(?:\s+(?:to|for|on|:)\s*(?P<when>.+))?$",
    re.I,
)
_FIX_NO_NEXT = re.compile(r"^(?:no|remove\s+the|delete\s+the)\s+next\s+meeting\W*$", re.I)
_FIX_DAY = re.compile(
    r"^(?:change|set|make|update)\s+(?:the\s+)?(?:date|day|meeting\s+date|day\s+we\s+met)"
    r"(?:\s+(?:to|:)\s*(?P<when>.+))?$",
    re.I,
)


# -- one-turn answers: my actions, done, our minutes -----------------------------------------


@dataclass(frozen=True)
class Correction:
    """A typed correction to minutes being confirmed ("change action 2 due to 12 Dec", "remove
    action 1", "add action: Tom: call HR", "change the discussion to ...", "no next meeting").
    ``kind``: remove, due, owner, replace, add, discussion, decisions, next, no_next or day;
    ``number``: the action's number when one is named; ``value``: the rest as said."""

    kind: str
    number: int | None = None
    value: str = ""


def read_correction(text: str) -> Correction | None:
    """The correction ``text`` makes, or None when it is not one."""
    numbered = (
        ("remove", _FIX_REMOVE, None),
        ("due", _FIX_DUE, "when"),
        ("owner", _FIX_OWNER, "who"),
        ("replace", _FIX_REPLACE, "line"),
    )
    for kind, pattern, group in numbered:
        if m := pattern.match(text):
            return Correction(kind, int(m["n"]), (m[group] or "").strip() if group else "")
    if m := _FIX_ADD.match(text):
        return Correction("add", value=m["line"].strip())
    if m := _FIX_FIELD.match(text):
        kind = "discussion" if m["field"].lower().startswith(("disc", "note")) else "decisions"
        return Correction(kind, value=(m["value"] or "").strip())
    if m := _FIX_NEXT.match(text):
        return Correction("next", value=(m["when"] or "").strip())
    if _FIX_NO_NEXT.match(text):
        return Correction("no_next")
    if m := _FIX_DAY.match(text):
        return Correction("day", value=(m["when"] or "").strip())
    return None


# -- who an answer names, of the two people of a pairing ------------------------------------------

_OWN_WORDS = frozenset({"me", "i", "myself", "mine", "my"})
_BOTH_WORDS = frozenset(
    {"both", "we", "us", "both of us", "together", "all", "everyone", "both us", "ours"}
)
_OTHER_WORDS = frozenset({"him", "her", "he", "she", "his", "hers", "they", "them", "theirs"})


# "ill do it", "i will", "i can take it", "we'll share it", "he'll do it": who says they will.
_SAYS_WHO_WILL = re.compile(
    r"^(?:(?P<me>i['’]?ll|i\s+will|i\s+can|i\s+shall)|(?P<both>we['’]?ll|we\s+will|we\s+can)"
    r"|(?P<partner>he['’]?ll|she['’]?ll|he\s+will|she\s+will|he\s+can|she\s+can))"
    r"(?:\s+(?:do|take|own|sort|handle|chase|have|share)\b.*)?$",
    re.I,
)


def read_owner(
    text: str, own_names: tuple[str, ...], partner_names: tuple[str, ...]
) -> Owner | None:
    """Who a short answer names, of the writer and their partner: "me", "i will", "tom",
    "both of us", "it's Tom's", "him", "Priya Shah (you)". None when it names neither."""
    said = " ".join(text.lower().removesuffix(" (you)").strip(" .!,'’").split())
    names = (_names(own_names), _names(partner_names))
    if (whole := _owner_word(said, *names)) is not None:
        return whole
    if (m := _SAYS_WHO_WILL.match(said)) is not None:  # "ill do it", "we'll both do it"
        return "both" if m["both"] else "partner" if m["partner"] else "me"
    words = [w.strip(".,!'’") for w in said.replace("’s", "").replace("'s", "").split()]
    if "both" in words or ("of" in words and "us" in words):
        return "both"
    return next((o for w in words if w and (o := _owner_word(w, *names)) is not None), None)


def _owner_word(said: str, own: list[str], partner: list[str]) -> Owner | None:
    if said in _OWN_WORDS or said in own:
        return "me"
    if said in _BOTH_WORDS:
        return "both"
    if said in _OTHER_WORDS or said in partner:
        return "partner"  # of two people, the one the writer is not
    return None


def names_self(text: str) -> bool:
    """Whether a word is the writer naming themselves ("me", "my", "i")."""
    return " ".join(text.lower().split()) in _OWN_WORDS


# "none really", "no not really", "not as such": a hedged no about the thing asked, not "that's
# everything".
# "none really", "nothing as such": a no to this question only; but "nothing else", "none
# more", "nothing to add" close the whole write-up.
_HEDGED = re.compile(
    r"\b(?:really|as\s+such|particularly|actions?"
    r"|(?:none|nothing)\b(?!\s+(?:else|more|further|to\s+add)\b))\b",
    re.I,
)


def hedged_none(text: str) -> bool:
    """Whether a "no" answers only the question asked ("no not really", "none really", "no
    actions"), rather than closing the whole write-up ("nah", "no that's everything")."""
    return _HEDGED.search(text) is not None


_AGREED = re.compile(
    r"\b(?:agreed|decided|settled\s+on)\b(?!\s+(?:to\s+)?(?:meet|catch\s+up))", re.I
)


def says_agreed(text: str) -> bool:
    """Whether notes say what was agreed ("agreed 3 - board paper, budget"), besides what was
    discussed: a write-up that is whole as it is (agreeing to meet again is not it)."""
    return _AGREED.search(text) is not None
