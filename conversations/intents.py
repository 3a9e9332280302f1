"""What a message asks for: a global word, a journey, or nothing we know.

Free text is matched against a small set of patterns (fast, predictable, testable); a button
press carries its intent in its action id (``intent:book_meeting``). Global words (help, menu,
cancel, back, what's next) only count when they are the whole message, so that
"cancel the meeting on Tuesday" is not mistaken for "cancel".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class IntentName(StrEnum):
    HELP = "help"
    MENU = "menu"
    CANCEL = "cancel"
    BACK = "back"
    WHATS_NEXT = "whats_next"
    GREETING = "greeting"
    THANKS = "thanks"
    BOOK_MEETING = "book_meeting"
    RESCHEDULE_MEETING = "reschedule_meeting"
    CANCEL_MEETING = "cancel_meeting"
    MY_MINUTES = "my_minutes"
    PREFERENCES = "preferences"
    MENTOR_CAPACITY = "mentor_capacity"
    PAUSE_REMINDERS = "pause_reminders"
    RESUME_REMINDERS = "resume_reminders"
    LEAD_ACTION = "lead_action"
    DEAD_LETTERS = "dead_letters"
    MY_MEETINGS = "my_meetings"
    LOG_MINUTES = "log_minutes"
    MY_ACTIONS = "my_actions"
    DONE_ACTION = "done_action"
    DIARY_NOTE = "diary_note"
    DIARY_GUIDED = "diary_guided"
    MY_DIARY = "my_diary"
    APPLY = "apply"
    REGISTER_MENTOR = "register_mentor"
    CONTRACT = "contract"
    CHECKIN = "checkin"
    CONCERN = "concern"
    UNKNOWN = "unknown"


GLOBAL_WORDS = frozenset(
    {IntentName.HELP, IntentName.MENU, IntentName.CANCEL, IntentName.BACK, IntentName.WHATS_NEXT}
)

INTENT_ACTION_PREFIX = "intent:"


@dataclass(frozen=True)
class Intent:
    name: IntentName
    # What follows the trigger words, e.g. the note in "diary: ...".
    rest: str = ""


def _whole(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(phrases) + r")[\s.!?]*$", re.IGNORECASE)


_GLOBAL: list[tuple[IntentName, re.Pattern[str]]] = [
    (
        IntentName.HELP,
        _whole(r"help", r"\?", r"help me", r"what can you do", r"how does this work"),
    ),
    (
        IntentName.MENU,
        _whole(r"menu", r"options", r"main menu", r"show (?:me )?the menu", r"start"),
    ),
    (
        IntentName.CANCEL,
        _whole(r"cancel", r"cancel (?:that|this|it)", r"stop", r"never ?mind", r"quit", r"abort"),
    ),
    (IntentName.BACK, _whole(r"back", r"go back", r"previous", r"undo")),
    (
        IntentName.WHATS_NEXT,
        _whole(
            r"what'?s next",
            r"what’s next",
            r"what is next",
            r"what'?s due",
            r"what’s due",
            r"what do i (?:need to|have to) do",
        ),
    ),
]

# "ack C7", "snooze N12", "contact C7": the lead acting on an alert by typing its reference.
LEAD_ACTION_TEXT = re.compile(
    r"^\s*(?P<verb>ack|acknowledge|contact|snooze)\s+#?(?P<ref>[cn]\d+)\s*$", re.IGNORECASE
)
_MET = re.compile(r"^(?:we\s+|i\s+)?met\b", re.IGNORECASE)
_DIARY_NOTE = re.compile(r"^\s*diary\s*[:\-–]\s*(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
_DONE = re.compile(r"^\s*(?:done|completed?|finished|tick off)\s*[:#]?\s*(?P<rest>\S.*)$", re.I)

_JOURNEYS: list[tuple[IntentName, re.Pattern[str]]] = [
    (
        IntentName.DIARY_GUIDED,
        re.compile(
            r"^(?:diary\s*:?|reflect|reflection|guided diary|"
            r"(?:write|add|new|start)\b.*\b(?:diary|reflection)\b.*)[\s.!]*$",
            re.I,
        ),
    ),
    (IntentName.MY_DIARY, re.compile(r"\b(?:my diary|show (?:my )?diary|diary entries)\b", re.I)),
    (IntentName.MY_ACTIONS, re.compile(r"\b(?:my|open|list)\s+actions?\b|\baction list\b", re.I)),
    (
        IntentName.DEAD_LETTERS,
        re.compile(
            r"\b(?:failed|undelivered|dead|bounced)\s+(?:messages|letters|deliveries)\b", re.I
        ),
    ),
    (
        IntentName.RESUME_REMINDERS,
        re.compile(
            r"\b(?:resume|restart|turn on|unpause)\b.*\b(?:reminders|nudges)\b|\bi'?m back\b", re.I
        ),
    ),
    (
        IntentName.PAUSE_REMINDERS,
        re.compile(
            r"\b(?:pause|stop|mute|hold|no more)\b.*\b(?:reminders|nudges)\b"
            r"|\b(?:on leave|on holiday|away|off sick|on annual leave)\b.*\buntil\b",
            re.I,
        ),
    ),
    (
        IntentName.CANCEL_MEETING,
        re.compile(r"\b(?:cancel|call off)\b.*\b(?:meeting|call)\b", re.I),
    ),
    (
        IntentName.RESCHEDULE_MEETING,
        re.compile(
            r"\b(?:reschedule|rearrange|move|change|postpone)\b.*\b(?:meeting|call)\b"
            r"|^reschedule\b",
            re.I,
        ),
    ),
    (
        IntentName.MENTOR_CAPACITY,
        re.compile(
            r"\b(?:at full capacity|i'?m full|not taking (?:any )?(?:more|new) mentees|"
            r"taking (?:new )?mentees again|available (?:for mentees )?again|my capacity)\b",
            re.I,
        ),
    ),
    (
        IntentName.PREFERENCES,
        re.compile(
            r"\b(?:mentor preferences|my preferences|choose (?:a|my) mentor|top (?:3|three))\b",
            re.I,
        ),
    ),
    (
        IntentName.LOG_MINUTES,
        re.compile(r"\b(?:log|record|write up|add|save)\b.*\b(?:minutes|notes)\b|^minutes\b", re.I),
    ),
    (
        IntentName.MY_MINUTES,
        re.compile(
            r"\b(?:our|my|show(?: me)?(?: the)?|read(?: the)?|see(?: the)?) minutes\b", re.I
        ),
    ),
    (
        IntentName.MY_MEETINGS,
        re.compile(r"\b(?:my meetings|next meeting|upcoming meetings)\b", re.I),
    ),
    (
        IntentName.BOOK_MEETING,
        re.compile(
            r"\b(?:book|arrange|schedule|set up|organise|organize|plan)\b.*\b(?:meeting|meet|call)\b"
            r"|^(?:book|meet)\b",
            re.I,
        ),
    ),
    (
        IntentName.CONCERN,
        re.compile(
            r"\b(?:concerns?|worried|complain\w*|safeguarding|raise an issue|breakdown|"
            r"not responding|no-fault|leave the scheme|hasn'?t (?:replied|responded|been in touch)|"
            r"not replied|no reply|broken down|end (?:our|the|my) pairing|new mentor)\b",
            re.I,
        ),
    ),
    (IntentName.CONTRACT, re.compile(r"\b(?:contract|agreement)\b", re.I)),
    (
        IntentName.CHECKIN,
        re.compile(r"\b(?:check-?in|survey|evaluation|questionnaire|kit)\b", re.I),
    ),
    (
        IntentName.REGISTER_MENTOR,
        re.compile(
            r"\b(?:register|sign up)\b.*\bmentor\b|\bmentor profile\b|\bbecome a mentor\b", re.I
        ),
    ),
    (IntentName.APPLY, re.compile(r"\b(?:apply|application)\b", re.I)),
    (
        IntentName.GREETING,
        re.compile(r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))\b[\s\w!.,]*$", re.I),
    ),
    (IntentName.THANKS, re.compile(r"^(?:thanks|thank you|cheers|ta)\b", re.I)),
]


def recognise(text: str, action: str | None = None) -> Intent:
    """The intent of one message. Button presses name theirs; free text is matched."""
    if action and action.startswith(INTENT_ACTION_PREFIX):
        try:
            return Intent(IntentName(action.removeprefix(INTENT_ACTION_PREFIX)))
        except ValueError:
            return Intent(IntentName.UNKNOWN)
    if action:
        return Intent(IntentName.UNKNOWN)
    stripped = text.strip()
    for name, pattern in _GLOBAL:
        if pattern.match(stripped):
            return Intent(name)
    if match := _DIARY_NOTE.match(stripped):
        return Intent(IntentName.DIARY_NOTE, match.group("rest").strip())
    if match := LEAD_ACTION_TEXT.match(stripped):
        return Intent(IntentName.LEAD_ACTION, f"{match['verb'].lower()} {match['ref'].upper()}")
    if match := _DONE.match(stripped):
        return Intent(IntentName.DONE_ACTION, match.group("rest").strip())
    if _MET.match(stripped):  # "met Tom today for an hour; actions: ..." is a meeting's minutes
        return Intent(IntentName.LOG_MINUTES, stripped)
    for name, pattern in _JOURNEYS:
        if pattern.search(stripped):
            return Intent(name, stripped)
    return Intent(IntentName.UNKNOWN, stripped)


def global_word(text: str) -> IntentName | None:
    """The global word a message is, if it is one."""
    intent = recognise(text)
    return intent.name if intent.name in GLOBAL_WORDS else None
