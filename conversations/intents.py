"""What a message asks for: a global word, a journey, or nothing we know.

Free text is matched against a small set of patterns (fast, predictable, testable); a button
press carries its intent in its action id (``intent:book_meeting``). Global words (help, menu,
cancel, back, what's next) only count when they are the whole message, so that
"cancel the meeting on Tuesday" is not mistaken for "cancel".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from conversations.dates import mentions_when
from conversations.language import concerns as worries
from conversations.language.away import someone_else_away
from conversations.language.diary import (
    DELETED_AFTER_NAMING,
    SEARCHED_FOR,
    SHARED_AFTER_NAMING,
    SHOWN_TO_SOMEONE,
)
from conversations.language.meetings import (
    LATE_SAID,
    asks_for_a_new_one,
    asks_for_a_slot,
    asks_to_cancel,
    asks_to_move,
    before_agenda,
    mode_said,
    names_a_meeting,
    names_a_slot,
    offers_a_slot,
    offers_a_time,
    retimes,
    with_someone,
)
from conversations.language.normalise import normalise
from conversations.language.reach import UNREACHED_ASKED
from conversations.language.reports import A_REPORT, TO_CHANNEL
from conversations.language.requests import (
    content_words,
    fix_typos,
    overlap,
    ungreeted,
    unpadded,
)
from conversations.language.sections import (
    READ_MINUTES_TEXT,
    labelled_as_notes,
    minutes_likeness,
)
from conversations.language.vocabulary import Meaning, leading
from conversations.safety import notice_concern
from conversations.self_harm import about_self_harm


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
    RUNNING_LATE = "running_late"
    MY_MINUTES = "my_minutes"
    PREFERENCES = "preferences"
    PROPOSE_MATCHES = "propose_matches"
    SWAP_MATCHES = "swap_matches"
    APPROVE_MATCHES = "approve_matches"
    DECLARE_CONFLICT = "declare_conflict"
    FIT_CHECK = "fit_check"
    MENTOR_CAPACITY = "mentor_capacity"
    PAUSE_REMINDERS = "pause_reminders"
    RESUME_REMINDERS = "resume_reminders"
    LEAD_ACTION = "lead_action"
    DEAD_LETTERS = "dead_letters"
    MY_MEETINGS = "my_meetings"
    MY_PARTNER = "my_partner"
    LOG_MINUTES = "log_minutes"
    MY_ACTIONS = "my_actions"
    DONE_ACTION = "done_action"
    DIARY_NOTE = "diary_note"
    DIARY_GUIDED = "diary_guided"
    MY_DIARY = "my_diary"
    DIARY_DELETE = "diary_delete"
    DIARY_SHARE = "diary_share"
    DIARY_SEARCH = "diary_search"
    APPLY = "apply"
    REGISTER_MENTOR = "register_mentor"
    CONTRACT = "contract"
    CHECKIN = "checkin"
    CONCERN = "concern"
    MY_CONCERNS = "my_concerns"
    OPEN_CONCERNS = "open_concerns"
    REVIEW_APPLICATIONS = "review_applications"
    SELECTION_STATUS = "selection_status"
    REPORT = "report"
    POST_TO_CHANNEL = "post_to_channel"
    SCHEME_CHANGE = "scheme_change"
    LEAD_CHANNEL = "lead_channel"
    WHEN_IS = "when_is"
    LEAVE = "leave"
    ERASE_MY_DATA = "erase_my_data"
    ACCESS_MY_DATA = "access_my_data"
    UNREACHABLE = "unreachable"
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
        _whole(
            r"cancel",
            r"cancel (?:that|this|it)",
            r"stop",
            r"never ?mind",
            r"quit",
            r"abort",
            # "forget it", "scrap that", "don't bother": dropping what is under way.
            r"(?:oh |ok |actually |no )?(?:forget|scrap|ditch|drop) (?:it|that|this|about it)",
            r"(?:oh |ok |actually |no )?don'?t bother",
        ),
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
            r"what do i (?:need to|have to) do(?: (?:this|next) week| today| now| next)?",
            # "what have i got to do this week?", "what am i meant to be doing next"
            r"what (?:have i|do i|am i|'?ve i)\s+(?:still\s+)?(?:got(?: to)?|gotta|need to|have to|"
            r"supposed to|meant to)(?: be)? (?:do|doing|on)(?: (?:this|next) (?:week|month)| today|"
            r" tomorrow| now| next)?",
            r"what'?s (?:on|coming up|left)",
            # "what happens next?", "what comes next", "so what now"
            r"(?:so |and |ok )?what (?:happens|comes|do i do|should i do) (?:next|now)",
            r"(?:so |and |ok )?what now",
            r"(?:is there |is |has |have i got |do i have )?anything (?:waiting (?:on|for) me|"
            r"for me to do|i need to do|(?:come )?in for me|(?:that )?needs? (?:me|my (?:attention|"
            r"input|decision)))",
            # "anything i need to do this week?", "anything for me?", "anything for me today"
            r"(?:is there |have i got |do i have |got )?anything (?:(?:i|that i) (?:need|have|ought) "
            r"to (?:do|sort)|(?:due |on |new )?for me)(?: (?:this|next) (?:week|month)| today| now"
            r"| tomorrow)?",
            # "what should i be doing next", "what ought i to do this week": asked as a duty.
            r"what (?:should|shall|must|ought) i(?: to)?(?: (?:really|still))?(?: be)? (?:do|doing"
            r"|working on|looking at|sorting)(?: (?:this|next) (?:week|month)| today| tomorrow"
            r"| now| next)*",
            # "anything due this week for me?", "anything outstanding?", "do i have anything to
            # look at", "got anything for me to review": what waits for them, however asked.
            r"(?:is there |have i got |do i have |got )?anything (?:due|outstanding|pending|overdue)"
            r"(?: (?:for|from) me| (?:this|next) (?:week|month)| today| tomorrow| soon)*",
            r"(?:is there |have i got |do i have |got )?anything (?:(?:for me |new )?to (?:look at"
            r"|review|check|decide(?: on)?|sign|read|approve)|i (?:should|need to|must|ought to) "
            r"(?:look at|review|check|decide(?: on)?|sign|read))(?: (?:for|from) me| (?:this|next)"
            r" (?:week|month)| today| tomorrow)*",
        ),
    ),
]

# "ack C7", "snooze N12", "contact C7", "resolve C7", "open F3": the lead acting on an alert by
# typing its reference ("C 7" too), perhaps with a note ("resolve C7 - spoke to both of them")
# or, for a snooze, how long ("snooze C7 2 days").
LEAD_ACTION_TEXT = re.compile(
    r"^\s*(?P<verb>open|show|ack|acknowledge|contact|snooze|resolve|resolved|close)\s+"
    r"#?(?P<letter>[cnf])\s*(?P<number>\d+)\b\s*(?:[-–—:,;.]+\s*)?(?P<note>.*?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
# "c2 resolved - spoke to her", "C7 now closed", "c3 acked": the alert's reference first, then
# what has become of it (a past participle), perhaps with a note.
LEAD_STATUS_TEXT = re.compile(
    r"^\s*(?:alert\s+|concern\s+)?#?(?P<letter>[cnf])\s*(?P<number>\d+)\b\s*(?:is\s+|now\s+|has\s+been\s+"
    r"|been\s+|=\s*|[-–—:]\s*)*(?P<status>resolved|closed|acknowledged|acked|ack'?d|contacted)\b"
    r"\s*(?:now\b)?\s*(?:[-–—:,;.]+\s*)?(?P<note>.*?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_STATUS_VERB = {"closed": "close", "acknowledged": "ack", "acked": "ack", "contacted": "contact"}
# "mark c2 acked", "marking C7 as resolved (spoke to her)", "set c3 to closed": the same status
# said as a command to mark the alert; what is left is read as above, a bracketed note unwrapped.
_MARK_STATUS = re.compile(
    r"^\s*(?:(?:please|pls|can\s+you|could\s+you|i'?m|am)\s+)*(?:mark|marking|set|setting|flag"
    r"|flagging)\s+(?:alert\s+|concern\s+)?(?P<ref>#?[cnf]\s*\d+\b)\s*(?:as\s+|to\s+)?",
    re.IGNORECASE,
)
# "ive seen c2, mark it acknowledged", "read C7 - can you set it to closed": the alert named
# first, then marked as "it" (read as "mark c2 acknowledged").
_SEEN_THEN_MARKED = re.compile(
    r"^\s*(?:(?:i'?ve|ive|i\s+have|have|just)\s+)*(?:seen|read|looked\s+at|checked|done|dealt\s+with"
    r"|spoken\s+to\s+\w+\s+(?:about|re))\s+(?:alert\s+|concern\s+)?(?P<ref>#?[cnf]\s*\d+)\b"
    r"\s*[,;.\-–—]*\s*(?:and\s+|so\s+)?(?:(?:please|pls|can\s+you|could\s+you|can\s+u)\s+)*"
    r"(?:mark|set)\s+it\s+(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "remind me about C2 tomorrow at 9am", "bring c7 back on friday", "come back to C3 in 2 days":
# a snooze said the other way round (the alert, then when it is wanted again).
LEAD_REMIND_TEXT = re.compile(
    r"^\s*(?:(?:can|could|will)\s+(?:you|u)\s+|please\s+|pls\s+)?"
    r"(?:remind\s+me\s+(?:about|of|re)|bring(?=.*\bback\b)|come\s+back\s+to|nudge\s+me\s+"
    r"(?:about|on|re))\s+(?:alert\s+)?#?(?P<letter>[cnf])\s*(?P<number>\d+)\b\s*(?:back\s+)?"
    r"(?:[-–—:,;.]+\s*)?(?P<note>.*?)\s*(?:please|pls)?[\s.!?]*$",
    re.IGNORECASE | re.DOTALL,
)
# "@mentorbot use this channel for lead alerts" (said in the channel that should get them).
LEAD_CHANNEL_TEXT = re.compile(
    r"^(?:please\s+)?(?:(?:use|set|make)\s+this\s+(?:channel|chat)\s+(?:for|as)\s+(?:the\s+)?"
    r"(?:lead|project lead|lead channel|lead alerts|alerts)\b"
    r"|(?:send|post|put)\s+(?:the\s+)?(?:lead\s+)?alerts\s+(?:here|to this channel)\b)",
    re.IGNORECASE,
)
# "met tom today...", "caught up with tom, mainly about...", "had our catch-up with tom": a report
# of having met is the meeting's minutes.
_MET = re.compile(
    r"^(?:we\s+|i\s+)?(?:met|caught\s+up\s+with|had\s+(?:a|our)\s+catch[\s-]?up\s+with)\b"
    # "had a natter with tom about ...", "had a good chat with owen, mostly re ...": what they
    # talked about follows straight on, so it is a report, not a question.
    r"|^(?:we\s+|i\s+)?had\s+(?:a|our)\s+(?:\w+\s+)?(?:chat|natter|call|catch[\s-]?up)\s+with\s+\w+"
    r"(?:\s*,\s*|\s+)(?:mainly\s+|mostly\s+|all\s+)?(?:about|re|on|around)\b",
    re.IGNORECASE,
)
# A note for the diary said in one go: "diary: ...", "diary - ...", "diary for fri - ...",
# "diary entry: ...", "new diary entry for friday: ...", "journal note - ...", "dear diary ...",
# "add to my diary that ...", "note in my diary: ...", "for my diary: ...", "diary 😩 ...".
_DIARY_NOTE = re.compile(
    r"^\s*(?:"
    r"(?:(?:my|a|new|another|quick)\s+)*(?:diary|journal)(?:\s+(?:entry|note|log|post|update))?"
    # "diary (for friday) - ...": the day may be in brackets.
    r"(?:\s*\(?\s*(?:for|on|from)\s+(?P<day>[\w/.]+(?:\s+\w+)?)\s*\)?)?\s*[:\-–]"
    # "diary 😩 three sick calls...": the head followed by an emoji instead of a colon.
    r"|(?:(?:my|a|new|another|quick)\s+)*(?:diary|journal)\s*[^\w\s\x00-\x7f–]+"
    # "for my diary: ...", "in my diary - ...", "note for my diary: ...".
    r"|(?:(?:a\s+)?(?:quick\s+)?(?:note|entry)\s+)?(?:for|in|into|to)\s+my\s+(?:diary|journal)"
    r"\s*[:\-–]"
    r"|dear\s+diary\b[\s,:\-–]*"
    r"|(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:please\s+|pls\s+)?(?:add|put|write|note)"
    r"(?:\s+(?:this|it|down))?\s+(?:to|in|into)\s+my\s+diary"
    r"(?:\s+(?:that|for|:|-|–))?[\s:]*"
    r")\s*(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "change made: moved the training day online after feedback": the lead records a change made in
# response to feedback (for the annual report).
SCHEME_CHANGE_TEXT = re.compile(
    r"^\s*(?:change|changes) made\s*[:\-–]\s*(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL
)
_DONE = re.compile(r"^\s*(?:done|completed?|finished|tick off)\s*[:#]?\s*(?P<rest>\S.*)$", re.I)

# "review A-07 accept: clear evidence ...": a steering member's review in one message. First in
# the list, so that words of the reason ("no open actions") never pick another journey.
REVIEW_ONE_SHOT = re.compile(
    r"^\s*(?:review|decide(?:\s+on)?)\s+(?:application\s+)?#?(?P<ref>a-?\d{1,4})\b\s*[:\-–]?\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)

# "raise a concern", "I want to report a safeguarding concern: ...": words that start a concern
# whatever else is going on (they interrupt any dialog, which is kept to come back to).
RAISE_CONCERN_TEXT = re.compile(
    r"\b(?:raise|report|log|flag)\s+(?:a|an|my|this|the)?\s*(?:[\w-]+\s+)?concerns?\b"
    r"|^\s*carry on with my concern\b",
    re.IGNORECASE,
)

# "happy to take on another mentee", "i could have one more mentee", "room for an extra mentee",
# "i'd be happy to mentor someone else too", "could take on one more if anyone needs a mentor".
MORE_MENTEES = re.compile(
    r"\b(?:take(?: on)?|have|mentor|room for|space for|capacity for)\s+(?:on\s+)?"
    r"(?:another|one more|an extra|a further|a second|a third)\s+(?:mentee|person)\b"
    r"|\b(?:mentor|take on|support)\s+(?:someone|somebody|one)\s+(?:else|more|extra)\b"
    r"(?!.{0,40}\b(?:instead|rather than)\b)"
    r"|\b(?:take on|mentor)\s+(?:one more|another one|an extra one)\b",
    re.I,
)

# A scheme date asked for by its name alone: "contract deadline?", "the networking event date",
# "check-in closing date pls?". Nothing but the noun phrase (and a please) is said.
_SCHEME_THING = (
    r"(?:networking|event|session|launch|workshop|contract|agreement|check-?in|survey|evaluation"
    r"|questionnaire)"
)
# Words that make it a sentence rather than a name: a request ("sign the contract by the
# deadline") or a statement ("i missed the contract deadline").
_NOT_A_NAME = (
    r"(?!(?:i|we|you|sign|do|did|fill|complete|answer|start|open|send|read|missed|miss|by|to"
    r"|for|of|on|in|at|before|after|the|a|is|was|are)\b)"
)
_NAME_WORD = rf"{_NOT_A_NAME}[\w-]+"
_WHEN_NOUN_PHRASE = (
    rf"^\W*(?:(?:the|our|my|next|first|this)\s+)*(?:{_NAME_WORD}\s+){{0,2}}?{_SCHEME_THING}"
    rf"(?:'?s)?(?:\s+{_NAME_WORD})?\s+(?:(?:sign(?:ing)?|start|closing|opening|due|end|finish"
    r"|submission)\s+)?(?:date|deadline|cut-?off)s?\s*(?:pls|please|plz)?\s*[?!.]*\s*$"
)

# A bare noun phrase with a question mark asks for that thing: "my mentor?", "next steps?",
# "next catch up?", "tom's email?", "our last meeting notes?". Only the noun phrase is said
# (perhaps with "my", "next", "upcoming" ...), so a sentence never reaches these.
_ASKED_DET = (
    r"(?:(?:my|our|the|any|all|me|next|upcoming|latest|last|recent|current|open|outstanding"
    r"|this\s+week'?s|today'?s)\s+)"
)
_ASKED_BY_NAME: list[tuple[IntentName, re.Pattern[str]]] = [
    (
        IntentName.MY_PARTNER,
        re.compile(
            rf"^{_ASKED_DET}+(?:mentor|mentee|partner)(?:'?s\s+(?:name|details|email|number"
            r"|contact(?:\s+details)?))?$"
            r"|^(?!(?:my|our|the|your)\b)[a-z]+'?s\s+(?:email|e-mail|email\s+address|number"
            r"|phone(?:\s+number)?|mobile|contact(?:\s+details)?)$"
        ),
    ),
    (
        IntentName.WHATS_NEXT,
        re.compile(
            rf"^{_ASKED_DET}*(?:next\s+steps?|deadlines|due\s+dates|what'?s\s+due)"
            r"(?:\s+(?:for\s+me|this\s+week|this\s+month|today))*$"
        ),
    ),
    (
        IntentName.MY_ACTIONS,
        re.compile(rf"^{_ASKED_DET}*(?:to[\s-]?do(?:\s+list)?|tasks|action\s+points|aps)$"),
    ),
    (
        IntentName.MY_MEETINGS,
        re.compile(
            rf"^{_ASKED_DET}+(?:meetings?|catch[\s-]?ups?|1:1s?|one[\s-]to[\s-]ones?|sessions?"
            r"|calls?)(?:\s+(?:with|w)\s+\w+)?(?:\s+(?:booked|date|time|when))?$"
            r"|^(?:meetings?|catch[\s-]?ups?|1:1s?)\s+(?:with|w)\s+\w+$"
        ),
    ),
    (
        IntentName.MY_MINUTES,
        re.compile(rf"^{_ASKED_DET}+(?:meeting\s+|session\s+)?(?:minutes|notes)$"),
    ),
]


def _asked_by_name(text: str) -> IntentName | None:
    """What a bare noun phrase with a question mark asks for ("my mentor?"), or None."""
    said = normalise(text).strip()
    if not said.endswith("?"):
        return None
    phrase = said.rstrip("?!. ").strip()
    for name, pattern in _ASKED_BY_NAME:
        if pattern.match(phrase):
            return _unless_a_worry(name, phrase)
    return None


_JOURNEYS: list[tuple[IntentName, re.Pattern[str]]] = [
    (IntentName.REVIEW_APPLICATIONS, REVIEW_ONE_SHOT),
    # "who can't you reach?", "anyone unreachable?": the lead's list of people not reached.
    (IntentName.UNREACHABLE, UNREACHED_ASKED),
    # "who is my mentor", "whos my mentee again?", "hows best to get hold of tom?", "tom's email":
    # who the partner is and how to reach them.
    (
        IntentName.MY_PARTNER,
        re.compile(
            r"\bwho(?:'s|’s|s| is| was)\s+(?:my|our)\s+(?:mentor|mentee|partner)\b"
            # "remind me who my mentor is", "not sure who my mentee is", "who i'm paired with"
            r"|\bwho\s+(?:my|our)\s+(?:mentor|mentee|partner)\s+(?:is|was|will be)\b"
            r"|\bwho\s+(?:i'?m|i am|we'?re|we are|am i|are we)\s+(?:paired|matched|partnered)\s+"
            r"(?:up\s+)?with\b"
            r"|\b(?:name|surname)\s+of\s+(?:my|our)\s+(?:mentor|mentee|partner)\b"
            # "whos been assigned as my mentor", "who have i been matched with", "who am i
            # paired with": who the partner is, asked by how they were given.
            r"|\bwho(?:'s|’s|s| is| has| have| was| am| did)?\s+(?:i\s+|we\s+)?(?:been\s+|got\s+)?"
            r"(?:assigned|allocated|matched|paired|given|put)\b(?:\s+(?:as|to be|to|with|for))?"
            r"(?:\s+(?:me|my|as my))?(?:\s+(?:mentor|mentee|partner))?\s*\W*$"
            r"|\b(?:how|best way)\b.{0,30}\b(?:contact|reach|get hold of|get in touch with|"
            r"get through to)\b(?!.{0,30}\b(?:lead|project team|steering|moderator)\b)"
            r"|\b(?:contact details|email address|phone number|number)\s+(?:for|of)\s+(?!the\b)\w+"
            r"|\bmy\s+(?:mentor|mentee)(?:'s|s)?\s+(?:name|details|contact|email|surname)\b"
            # "what's my mentor's full name again", "my mentee's first name?"
            r"|\bmy\s+(?:mentor|mentee|partner)(?:'s|’s|s)?\s+(?:full|first|last|proper)\s+name\b",
            re.I,
        ),
    ),
    # "when's the networking thing", "when does the contract need signing by", "what date does
    # the check-in open": a question about a date the scheme set (not a request to do it).
    (
        IntentName.WHEN_IS,
        re.compile(
            r"^\W*(?:so\s+|and\s+|hi,?\s+)?(?:when|whens|what (?:time|date|day)|how long"
            r"|(?:what(?:'s|’s|s| is)|is there)\s+(?:the\s+|a\s+)?(?:deadline|due date|closing date"
            r"|cut-?off|last (?:day|date)|latest date))\b.{0,60}?"
            r"\b(?:networking|event|session|launch|workshop|contract|agreement|check-?in|survey|"
            r"evaluation|questionnaire|kit)\b",
            re.I,
        ),
    ),
    # "contract deadline?", "networking session date?", "check-in closing date": a bare noun
    # phrase naming a date the scheme set asks when it is (before CONTRACT and CHECKIN, which
    # would start the thing itself).
    (IntentName.WHEN_IS, re.compile(_WHEN_NOUN_PHRASE, re.I)),
    # "until which date we must sign the contract?", "by what day is the survey due": the
    # question word after "until"/"by", in any word order.
    (
        IntentName.WHEN_IS,
        re.compile(
            r"^\W*(?:until|till|til|by|before)\s+(?:which|what)\s+(?:date|day|time)\b.{0,60}?"
            r"\b(?:networking|event|session|launch|workshop|contract|agreement|check-?in|survey|"
            r"evaluation|questionnaire|kit)\b",
            re.I,
        ),
    ),
    # Before CONCERN: asking after concerns is not raising one.
    (
        IntentName.MY_CONCERNS,
        re.compile(
            r"\bwhat(?:'s|’s|s| has| is)?\s+happen\w*\s+(?:to|with)\s+my\s+concerns?\b"
            r"|\b(?:status|progress|news)\s+(?:of|on)\s+(?:my\s+concerns?\b|c\s?\d+\b)"
            r"|\b(?:did|has|have)\s+(?:the\s+(?:project\s+)?lead|anyone|anybody|someone|"
            r"somebody)\s+(?:get|got|read|seen?|open(?:ed)?|receive[d]?|look(?:ed)?\s+at)\s+"
            r"my\s+concerns?\b"
            r"|^\s*(?:show\s+|list\s+)?my\s+concerns\s*[?.!]*$"
            r"|\b(?:see|show|view|list|check)\b(?:\s+me)?\s+(?:all\s+)?my\s+concerns\b",
            re.I,
        ),
    ),
    (
        IntentName.OPEN_CONCERNS,
        # "open concerns", "show me open concerns pls", "any alerts?", "can i see the open
        # concerns for our cohort": asking after the list, never raising one.
        re.compile(
            r"^\s*(?:open|list|show|all|show\s+(?:the\s+)?open|list\s+(?:the\s+)?open)"
            r"\s+concerns\s*[?.!]*$"
            # "open concerns pls", "concerns list", "list of open concerns?", "open concerns
            # for the cohort": a bare list asked for, never a concern raised.
            r"|^\s*(?:(?:the\s+)?(?:open|outstanding|current|live)\s+concerns|(?:open\s+)?concerns?\s+"
            r"list|(?:a\s+|the\s+)?list\s+of\s+(?:the\s+)?(?:open\s+|outstanding\s+)?concerns)"
            r"(?:\s+(?:for|in)\s+(?:the|our|my)\s+(?:cohort|scheme))?"
            r"(?:\s*,?\s*(?:pls|please|plz|thanks|ta))?\s*[?.!]*$"
            r"|\b(?:show|list|see|view|check|any|what)\b(?:\s+(?!my\b|a\b|an\b)[\w']+){0,3}?\s+"
            r"(?:open\s+|outstanding\s+|new\s+|unacknowledged\s+)?(?:concerns|alerts)\b"
            r"|^\s*(?:\w+,?\s+)?any\s+(?:new\s+|open\s+)?(?:alerts|concerns)\b"
            # "morning - anything flagged?", "has anything been flagged overnight": what is
            # waiting for the lead, asked without naming concerns or alerts.
            r"|^\s*(?:\w+\s*[-–—,:!]*\s+)?(?:is\s+there\s+|has\s+|have\s+)?(?:anything|any"
            r"(?:one|body)?)\s+(?:new\s+)?(?:been\s+)?flagged\b",
            re.I,
        ),
    ),
    (
        IntentName.SELECTION_STATUS,
        re.compile(
            r"\b(?:selection (?:status|progress)|review(?:ing)? (?:status|progress)|"
            r"how(?:'s| is) (?:the )?selection going)\b",
            re.I,
        ),
    ),
    (
        IntentName.REVIEW_APPLICATIONS,
        # "review applications", "assess the applications", "applications to review"; never
        # "review my application" (that is the applicant's own: APPLY).
        re.compile(
            r"\b(?:review|assess|score|shortlist)\s+(?:the\s+|all\s+|new\s+|anonymi[sz]ed\s+)?"
            r"(?:applications|applicants)\b|\bapplications? (?:to|for) review\b",
            re.I,
        ),
    ),
    # Matching (steering group and lead). Anchored at the start, so a mentee's "move the
    # meeting to Friday" stays a reschedule; before everything else, so that the words of a
    # rationale ("approve: first choices honoured, report to follow") pick nothing else.
    (
        IntentName.PROPOSE_MATCHES,
        re.compile(
            r"^\s*(?:propose|suggest|run|make|do)\s+(?:the\s+|a\s+)?"
            r"(?:matches|matching|pairings)\b|^\s*match(?:ing)? proposal\b"
            r"|^\s*match\s+(?:the\s+)?(?:cohort|(?:selected\s+)?mentees)\b",
            re.I,
        ),
    ),
    (
        IntentName.SWAP_MATCHES,
        re.compile(
            r"^\s*(?:swap|switch)\s+(?!.*\b(?:meetings?|calls?)\b).+\s(?:and|with)\s"
            r"|^\s*(?:move|give)\s+A-?\d+\s+to\b",
            re.I,
        ),
    ),
    (
        IntentName.APPROVE_MATCHES,
        re.compile(
            r"^\s*approve\s+(?:the\s+)?(?:matching|matches|proposal|pairings?)\b|^\s*approve\s*[:\-–]"
            r"|^\s*approve[\s.!]*$",
            re.I,
        ),
    ),
    # "not a good fit", "we're a good fit", "still deciding": the answer after the first meeting.
    # Before CONCERN, whose "new mentor" would catch "not a good fit, I'd like a new mentor".
    (
        IntentName.FIT_CHECK,
        re.compile(
            r"^\s*(?:(?:i think\s+)?(?:we'?re|we are|it'?s|it is|this is|the pairing is)\s+)?"
            r"(?:a\s+)?(?:not (?:a |the )?(?:good|great|right) fit|(?:good|great) fit|still deciding)\b",
            re.I,
        ),
    ),
    # "could tom see my latest entry?": one entry for the partner to read (before DIARY_GUIDED,
    # whose "reflection" would take "i'd like tom to look at my latest reflection").
    (IntentName.DIARY_SHARE, SHOWN_TO_SOMEONE),
    # "my last entry was wrong, can u delete it": the entry first, what to do with it after.
    (IntentName.DIARY_DELETE, DELETED_AFTER_NAMING),
    (IntentName.DIARY_SHARE, SHARED_AFTER_NAMING),
    (
        IntentName.DIARY_GUIDED,
        re.compile(
            r"^(?:(?:a|new)\s+)?(?:diary(?:\s+(?:entry|note))?\s*:?|guided diary)[\s.!]*$"
            r"|\b(?:write|add|new|start|do|make)\b.*\b(?:diary|reflection|reflecting)\b"
            r"|^(?!.*\b(?:show|read|see|find|search|delete|share)\b).*\breflect(?:ion)?\b",
            re.I,
        ),
    ),
    (
        IntentName.DIARY_DELETE,
        re.compile(r"\b(?:delete|remove|erase|get rid of|bin)\b.*\b(?:diary|entry)\b", re.I),
    ),
    (IntentName.DIARY_SHARE, re.compile(r"\bshare\b.*\b(?:diary|entry|reflection)\b", re.I)),
    (IntentName.DIARY_SEARCH, SEARCHED_FOR),
    (
        IntentName.DIARY_SEARCH,
        re.compile(
            r"\bwhat (?:did|have) i (?:write|written|say|said|put|note|noted)\b"
            r"|\b(?:find|search)\b.*\b(?:diary|entries|entry)\b",
            re.I,
        ),
    ),
    (
        IntentName.MY_DIARY,
        re.compile(
            r"\b(?:my diary|show (?:my )?diary|diary entries)\b"
            r"|\b(?:see|read|show|look at|view)\b.*\b\w+'?s\s+diary\b",
            re.I,
        ),
    ),
    (IntentName.MY_ACTIONS, re.compile(r"\b(?:my|open|list)\s+actions?\b|\baction list\b", re.I)),
    (
        IntentName.DEAD_LETTERS,
        re.compile(
            r"\b(?:failed|undelivered|dead|bounced)\s+(?:messages|letters|deliveries)\b", re.I
        ),
    ),
    # "fyi im going on mat leave from 1st may", "starting a career break in June": time away.
    (
        IntentName.LEAVE,
        re.compile(
            r"\b(?:mat|maternity|pat|paternity|parental|adoption|sick|long[- ]term sick|"
            r"extended|study|unpaid|compassionate)\s+leave\b(?!.*\b(?:reminders|nudges)\b)"
            r"|\b(?:career break|sabbatical|secondment)\b(?!.*\b(?:reminders|nudges)\b)",
            re.I,
        ),
    ),
    (
        IntentName.RESUME_REMINDERS,
        re.compile(
            r"\b(?:resume|restart|turn on|switch on|unpause)\b.*\b(?:reminders|nudges)\b"
            r"|\b(?:reminders|nudges)\b.*\b(?:back on|on again)\b|\bi'?m back\b",
            re.I,
        ),
    ),
    (
        IntentName.PAUSE_REMINDERS,
        re.compile(
            r"\b(?:pause|stop|mute|hold|no more)\b.*\b(?:reminders|nudges)\b"
            r"|\b(?:on leave|on holiday|away|off sick|on annual leave)\b.*\b(?:until|til|till)\b"
            r"|\bno\s+(?:more\s+)?(?:reminders|nudges)\b"
            r"|\b(?:don'?t|do not|no need to)\s+send\b.*\b(?:reminders|nudges)\b",
            re.I,
        ),
    ),
    # "running 10 mins late for tom": the partner is told at once; the meeting is unchanged.
    (IntentName.RUNNING_LATE, LATE_SAID),
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
    # "need to do my minutes", "i have to write up our notes", "gotta sort my minutes": the
    # minutes wanted written, not read (before MY_MINUTES, whose "my minutes" it also says).
    (
        IntentName.LOG_MINUTES,
        re.compile(
            r"\b(?:need|needs|have|has|got|want|meant|supposed|going)\s+to\s+(?:get\s+)?"
            r"(?:do|log|write(?:\s+up)?|type(?:\s+up)?|fill\s+in|record|add|sort(?:\s+out)?"
            r"|finish|complete|submit|put\s+in)\s+(?:my|our|the|some|tom'?s|today'?s)?\s*"
            r"(?:meeting\s+)?(?:minutes|notes)\b"
            r"|\bgotta\s+(?:do|log|write\s+up|sort)\s+(?:my|our|the)\s+(?:minutes|notes)\b"
            # "i need to put some minutes in", "have to get my notes up": the object said first
            r"|\b(?:need|have|got|want|meant|going)\s+to\s+(?:put|get|pop|stick)\s+"
            r"(?:my|our|the|some)\s+(?:meeting\s+)?(?:minutes|notes)\s+(?:in|on|up|down)\b",
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
    # "show me the notes from fri", "remind me what priya and i agreed last time?"
    (IntentName.MY_MINUTES, READ_MINUTES_TEXT),
    # "our next meeting needs moving", "the 20th one will have to be rescheduled", "fridays call
    # needs changing": a meeting moved, said passively (before MY_MEETINGS, whose "next
    # meeting" it also says).
    (
        IntentName.RESCHEDULE_MEETING,
        re.compile(
            r"\b(?:meeting|call|catch[\s-]?up|session|one|1:1)\s+(?:really\s+|now\s+|also\s+)?"
            r"(?:needs?|has|have|will\s+(?:have|need)|is\s+going|'?ll\s+(?:have|need))\s+"
            r"(?:to\s+be\s+)?(?:moving|moved|rescheduling|rescheduled|rearranging|rearranged"
            r"|changing|changed|shifting|shifted|postponing|postponed|pushing back|pushed back)\b",
            re.I,
        ),
    ),
    (
        IntentName.MY_MEETINGS,
        # Not "shall we book our next meeting in a month": that asks for one (BOOK_MEETING).
        re.compile(
            r"^(?!.*\b(?:book|arrange|schedule|set\s+up|pencil)\b.{0,20}\bnext\s+meeting\b)"
            r".*\b(?:my meetings|next meeting|upcoming meetings)\b",
            re.I,
        ),
    ),
    (
        IntentName.MY_MEETINGS,
        # Asking what is booked, not asking to book: "when's our next catch up", "when am i
        # next seeing tom", "what meetings have i got", "have i got anything booked with tom",
        # "anything on this week?", "what have i got coming up".
        re.compile(
            r"^(?!.*\b(?:check[- ]?in|survey|evaluation|contract|deadline|due|actions?)\b)"
            r"(?:so\s+)?(?:"
            r"when(?:'?s|\s+is|\s+am|\s+do|\s+are)\s+(?:i|we|my|our)\b.*"
            r"\b(?:next|seeing|meeting|see|meet)\b"
            r"|what\s+meetings?\s+(?:have|has|do|are|is)\b"
            r"|(?:have|do)\s+(?:i|we)\s+(?:got\s+)?(?:anything|a\s+meeting|any\s+meetings?)\s+"
            r"(?:booked|arranged|scheduled|coming\s+up|on\s+(?:this|next)\s+week)"
            r"|(?:is\s+)?(?:there\s+)?anything\s+(?:booked|arranged|scheduled|coming\s+up"
            r"|on\s+(?:this|next)\s+week|on\s+(?:today|tomorrow|tmrw))"
            r"|what\s+(?:have|'?ve)\s+(?:i|we)\s+got\s+(?:coming\s+up|booked|on\s+(?:this|next)\s+week)"
            r")",
            re.I,
        ),
    ),
    (
        IntentName.BOOK_MEETING,
        re.compile(
            r"\b(?:book|arrange|schedule|set up|organise|organize|plan)\b.*\b(?:meeting|meet|call)\b"
            r"|^(?:book|meet)\b"
            # "grab tom tomorrow 2ish", "catch up with Owen on Friday": a partner and a when.
            r"|^(?:grab|catch up with|meet up with|meet with|see)\s+\w+\s+(?:on\s+|at\s+|this\s+"
            r"|next\s+)?(?:\w+day|tomorrow|today|\d)",
            re.I,
        ),
    ),
    (
        IntentName.CONCERN,
        re.compile(
            r"\b(?:concerns?|worried|complain\w*|safeguarding|raise an issue|breakdown|"
            r"not responding|no-fault|leave the scheme|hasn'?t (?:replied|responded|been in touch)|"
            r"not replied|no reply|broken down|end (?:our|the|my) pairing|new mentor)\b"
            # "tom isnt replying", "i want to leave the pairing", "can we stop the mentoring".
            r"|\b(?:isn'?t|is not|not been|hasn'?t been|keeps? not)\s+(?:replying|responding|"
            r"answering|getting back)\b|\b(?:leave|quit|end|stop)\s+(?:the|our|my|this)\s+"
            r"(?:pairing|mentoring|scheme|programme)\b"
            # The hesitant first step: "I need to report something", "who do I talk to about a
            # problem with my mentor", "I want to speak to someone confidentially".
            r"|\b(?:need|want|have|got|like)\s+to\s+report\s+(?:something|someone|somebody|"
            r"an?\s+\w+|about)\b|\bwho\s+(?:do|can|should)\s+i\s+(?:talk|speak)\s+to\b"
            r"|\b(?:speak|talk)\s+to\s+(?:someone|somebody|the\s+(?:project\s+)?lead)\b",
            re.I,
        ),
    ),
    # After CONCERN, so that "report a concern" raises one; before CONTRACT and CHECKIN, so that
    # "contracts report" and "evaluation report" are reports.
    (
        IntentName.REPORT,
        re.compile(
            A_REPORT.pattern + r"|\bscheme(?:'s)? health\b|\bhealth check\b"
            r"|\bhow (?:are|is) (?:the |my |our |all the )?(?:pairs|pairings|cohort|scheme)\b"
            # "hows the cohort getting on", "how's the scheme doing overall"
            r"|\bhow(?:'s|’s|s)\s+(?:the |our |all the )?(?:pairs|pairings|cohort|scheme)\b",
            re.I,
        ),
    ),
    # "post that to the lead channel", "can you put this in #leads": what was just shown,
    # shared (after REPORT, so that "post the 6-month report to the channel" is that report).
    (IntentName.POST_TO_CHANNEL, TO_CHANNEL),
    # "Dr Jones is my appraiser", "conflict of interest with ...", "conflict A-07 <mentor> line
    # management". After CONCERN, so that "a concern about a conflict of interest" is a concern.
    (
        IntentName.DECLARE_CONFLICT,
        re.compile(
            r"\bconflicts? of interest\b|^\s*conflict\s+(?:with\b|A-?\d+)"
            r"|\b(?:is|was|used to be|has been|were)\s+my\s+(?:former\s+|old\s+|ex-?\s*)?"
            r"(?:appraiser|educational supervisor|clinical supervisor|supervisor|line manager|"
            r"manager|boss)\b|\b(?:manages|appraises|supervises|managed|appraised|supervised|"
            r"used to (?:manage|appraise|supervise)) me\b",
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
            r"\b(?:register|sign up)\b.*\bmentor\b|\bmentor profile\b|\bbecome a mentor\b"
            # "happy to take on another mentee": a mentor raising their capacity by one.
            + "|"
            + MORE_MENTEES.pattern,
            re.I,
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
    found = _as_typed(stripped)
    if found.name not in _NOT_YET_UNDERSTOOD:
        return found
    # The same request in plainer words: normalised ("whats next", "check in"), then without
    # what opens it ("hi, is anything waiting for me?"), then without all its padding ("hi,
    # hope you're well, could we..."), then with its typos put right. The journey is given the
    # person's own words.
    said = normalise(stripped)
    greeted = ungreeted(stripped)
    plain = unpadded(stripped)
    about = about_a_meeting(said, plain)
    for variant in dict.fromkeys((said, greeted, plain, fix_typos(plain))):
        if variant == stripped or not variant:
            continue
        if about is not None and variant not in (said, greeted, plain):
            # A meeting moved or asked for in plain words is not read through a typo's fix
            # ("need to move our next one, not sure when": "sure" is no "survey").
            break
        other = _by_pattern(variant)
        if other is not None and other not in _NOT_YET_UNDERSTOOD:
            return Intent(other, "" if other in GLOBAL_WORDS else stripped)
    if about is not None:
        return Intent(about, stripped)
    if found.name is IntentName.UNKNOWN and worries.says_urgent(stripped):
        # Nothing else understood it, even in plainer words, but it is marked urgent: a concern
        # is never lost, so the concern path offers to pass it to the project lead.
        return Intent(IntentName.CONCERN, stripped)
    short = _by_pattern(said) if found.name is IntentName.UNKNOWN else None
    if short in (IntentName.GREETING, IntentName.THANKS):
        # "ty!", "tysm": a thanks or greeting in shorthand, read once normalised.
        return Intent(short)
    return found


def about_a_meeting(said: str, plain: str) -> IntentName | None:
    """A meeting asked for without the words "book a meeting": a day or time said with a way of
    meeting, someone to meet or a request ("thurs half 2, teams is fine", "could i grab tom tmrw
    2ish"); or a meeting moved or cancelled ("can we shift tmrw to thurs", "cancel fri pls").
    ``said`` is the message normalised, ``plain`` without its padding too."""
    when = mentions_when(said)
    if asks_to_cancel(plain) and (when or names_a_meeting(plain) or with_someone(plain)):
        # "need to cancel w tom": which meeting is asked, or the only one taken.
        return IntentName.CANCEL_MEETING
    if asks_for_a_new_one(plain) and not asks_to_cancel(plain):
        # "could we do a longer 2 hr one mon 9th", "fancy a catch up": a new meeting.
        return IntentName.BOOK_MEETING
    if asks_to_move(plain) and (when or names_a_meeting(plain) or mode_said(plain)):
        return IntentName.RESCHEDULE_MEETING
    if retimes(said) or retimes(plain):  # "could weds be 9", "tomorrow's 1:1 to half 4"
        return IntentName.RESCHEDULE_MEETING
    if when and (asks_for_a_slot(said) or asks_for_a_slot(plain) or offers_a_time(said)):
        return IntentName.BOOK_MEETING
    if offers_a_slot(said):  # "20.3 twelve o clock, 1 hour pls"
        return IntentName.BOOK_MEETING
    if names_a_slot(plain):  # "meeting 30/02 at 10am pls"
        return IntentName.BOOK_MEETING
    return None


# A greeting or thanks may wrap a request ("hi, whats next for me"): look again for one.
_NOT_YET_UNDERSTOOD = frozenset({IntentName.UNKNOWN, IntentName.GREETING, IntentName.THANKS})


def _by_pattern(text: str) -> IntentName | None:
    """The global word or journey ``text`` names, by the patterns alone."""
    for name, pattern in _GLOBAL:
        if pattern.match(text):
            return name
    if _MET.match(text):
        return IntentName.LOG_MINUTES
    if (asked := _asks_about_concerns(text)) is not None:
        return asked
    for name, pattern in _JOURNEYS:
        if pattern.search(text):
            return _unless_a_worry(name, text)
    return _worry(text)


def _unless_a_worry(name: IntentName, text: str) -> IntentName:
    """Asking who the partner is never hides a worry said with it ("who's my mentor? he never
    replies"), nor is someone else's leave taken for one's own: the concern path answers that."""
    if name is IntentName.MY_PARTNER and worries.kind(text) is not None:
        return IntentName.CONCERN
    if name is IntentName.LEAVE and someone_else_away(text):
        # "toms going on long term sick leave": the partner's absence is a change of
        # circumstances for the project lead, not a pause of the writer's own reminders.
        return IntentName.CONCERN
    if name is IntentName.RUNNING_LATE and _may_be_a_concern(text):
        # "sorry, 10 mins late, he shouted at me again": the worry is not lost in the lateness.
        return IntentName.CONCERN
    return name


def _asks_about_concerns(text: str) -> IntentName | None:
    """A question about the concern path itself, before any journey's words ("where would i
    report my mentor" is not a report; "can tom see what i reported" is not one either)."""
    if worries.asks_who_sees(text):
        return IntentName.MY_CONCERNS
    if worries.asks_how_to_raise(text) or worries.raises_in_confidence(text):
        return IntentName.CONCERN
    return None


def _worry(text: str) -> IntentName | None:
    """A worry in everyday words: asking who sees a concern, or saying one ("tom hasnt replied
    in 3 wks", "can i raise it without him knowing", "urgent!!")."""
    if worries.kind(text) is not None or worries.wants_to_raise(text) or worries.just_urgent(text):
        return IntentName.CONCERN
    return None


# A person asking for everything held about them to be erased (UK GDPR article 17): "delete my
# data", "please erase everything you hold on me", "i want my data removed", "forget me".
_MY_DATA = (
    r"(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:personal\s+)?(?:data|info(?:rmation)?|details|"
    r"records?|account)"
    r"|(?:all\s+)?(?:everything|anything|all(?:\s+the)?\s+(?:data|info(?:rmation)?))\s+"
    r"(?:(?:that\s+)?(?:you|u|the\s+bot|mentorbot)\s+(?:hold|have|keep|store|know|got)s?\s+)?"
    r"(?:on|about|of)\s+me"
)
_ERASE_VERB = r"(?:delete|erase|remove|wipe|destroy|purge|get\s+rid\s+of|forget)"
ERASE_MY_DATA_TEXT = re.compile(
    rf"\b{_ERASE_VERB}\s+(?:{_MY_DATA})\b"
    rf"|\b(?:{_MY_DATA})\s+(?:to\s+be\s+|be\s+|is\s+|are\s+)?"
    r"(?:deleted|erased|removed|wiped|destroyed|purged|forgotten)\b"
    r"|\bforget\s+(?:about\s+)?me\b(?!\s+not)"
    r"|\bright\s+to\s+(?:be\s+forgotten|erasure)\b",
    re.IGNORECASE,
)


_NOT_ERASED = re.compile(
    rf"\b(?:don'?t|dont|do\s+not|never|won'?t|please\s+don'?t)\s+(?:\w+\s+)?{_ERASE_VERB}",
    re.IGNORECASE,
)


# A person asking for a copy of what is held about them (UK GDPR article 15): "what data do you
# hold on me?", "can i have a copy of my data", "send me everything you have about me", "SAR".
_HELD = r"(?:hold|have|keep|store|know|got|collect)(?:s|ed)?"
# Not "my details" or "my account": those may mean a profile, and this request goes to the lead.
_MY_HELD = r"(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:personal\s+)?(?:data|info(?:rmation)?|records)"
ACCESS_MY_DATA_TEXT = re.compile(
    r"\bwhat\s+(?:personal\s+)?(?:data|info(?:rmation)?|records?)\s+(?:do|does|have|did)\s+"
    rf"(?:you|u|the\s+bot|mentorbot)\s+(?:\w+\s+)?{_HELD}\b"
    rf"|\bwhat\s+(?:do|does)\s+(?:you|u|the\s+bot|mentorbot)\s+{_HELD}\s+(?:on|about)\s+me\b"
    rf"|\bcopy\s+of\s+(?:{_MY_HELD}|everything|all\s+(?:the\s+)?(?:data|info(?:rmation)?))"
    rf"|\b(?:send|give|show|export|download|see)\s+(?:me\s+)?(?:{_MY_HELD}"
    rf"|everything\s+(?:that\s+)?(?:you|u)\s+{_HELD}\s+(?:on|about)\s+me)\b"
    r"|\bsubject\s+access(?:\s+request)?\b|^sar\b",
    re.IGNORECASE,
)


def asks_for_my_data(text: str) -> bool:
    """The person asks for a copy of everything held about them (not their diary, minutes or
    profile, which they can read in chat)."""
    return ACCESS_MY_DATA_TEXT.search(text) is not None and not asks_to_erase_my_data(text)


def asks_to_erase_my_data(text: str) -> bool:
    """The person asks for their own data to be erased (not one diary entry, not a meeting;
    "don't delete my data" is no such request)."""
    return ERASE_MY_DATA_TEXT.search(text) is not None and not _NOT_ERASED.search(text)


def _as_typed(stripped: str) -> Intent:
    for name, pattern in _GLOBAL:
        if pattern.match(stripped):
            return Intent(name)
    if asks_to_erase_my_data(stripped):
        return Intent(IntentName.ERASE_MY_DATA, stripped)
    if asks_for_my_data(stripped):
        return Intent(IntentName.ACCESS_MY_DATA, stripped)
    if match := _DIARY_NOTE.match(stripped):
        day = f"{match.group('day')}|" if match.group("day") else ""
        return Intent(IntentName.DIARY_NOTE, day + match.group("rest").strip())
    if match := LEAD_ACTION_TEXT.match(stripped):
        ref = f"{match['letter'].upper()}{match['number']}"
        note = f" {match['note']}" if match["note"] else ""
        return Intent(IntentName.LEAD_ACTION, f"{match['verb'].lower()} {ref}{note}")
    if (marked := _marked_status(stripped)) is not None:
        return marked
    if (seen := _SEEN_THEN_MARKED.match(stripped)) is not None and (
        marked := _marked_status(f"mark {seen['ref']} {seen['rest']}")
    ) is not None:
        return marked
    if match := LEAD_STATUS_TEXT.match(stripped):
        ref = f"{match['letter'].upper()}{match['number']}"
        status = match["status"].lower()
        verb = _STATUS_VERB.get(status, "ack" if status.startswith("ack") else status)
        note = f" {match['note']}" if match["note"] else ""
        return Intent(IntentName.LEAD_ACTION, f"{verb} {ref}{note}")
    if (match := LEAD_REMIND_TEXT.match(stripped)) is not None and match["note"]:
        ref = f"{match['letter'].upper()}{match['number']}"
        return Intent(IntentName.LEAD_ACTION, f"snooze {ref} {match['note']}")
    if LEAD_CHANNEL_TEXT.match(stripped):
        return Intent(IntentName.LEAD_CHANNEL)
    if (named := _asked_by_name(stripped)) is not None:
        return Intent(named, stripped)
    if match := SCHEME_CHANGE_TEXT.match(stripped):
        return Intent(IntentName.SCHEME_CHANGE, match.group("rest").strip())
    if match := _DONE.match(stripped):
        return Intent(IntentName.DONE_ACTION, match.group("rest").strip())
    if _MET.match(stripped):  # "met Tom today for an hour; actions: ..." is a meeting's minutes
        return Intent(IntentName.LOG_MINUTES, stripped)
    if (asked := _asks_about_concerns(stripped)) is not None:
        return Intent(asked, stripped)
    written_up = minutes_likeness(stripped)
    if labelled_as_notes(stripped) and not (
        about_self_harm(stripped)
        or notice_concern(stripped) is not None
        or worries.kind(stripped) is not None
        or worries.wants_to_raise(stripped)
        or raises_a_concern(stripped)
    ):
        # "notes: talked about the complaint re ...": minutes that mention a complaint (the
        # minutes' own safety check still offers anything that reads like a concern to the lead).
        return Intent(IntentName.LOG_MINUTES, stripped)
    if written_up == "yes" and not _may_be_a_concern(stripped):
        # "good chat w tom about X. I need to Y by fri", "AP: me - Y": a meeting written up
        return Intent(IntentName.LOG_MINUTES, stripped)
    if written_up == "yes" and _complaint_only_discussed(stripped):
        # "AP me: ... we talked about the complaint re pt X": a complaint as a topic discussed
        return Intent(IntentName.LOG_MINUTES, stripped)
    if (booked := _booking_with_an_agenda(stripped)) is not None:
        return Intent(booked, stripped)
    for name, pattern in _JOURNEYS:
        if pattern.search(stripped):
            return Intent(_unless_a_worry(name, stripped), stripped)
    if written_up == "maybe" and not _may_be_a_concern(stripped):
        return Intent(IntentName.LOG_MINUTES, stripped)
    if (cancelled := _cancels_for_a_while(stripped)) is not None:
        return Intent(cancelled, stripped)
    if (worry := _worry(stripped)) is not None:  # the concern dialog answers it for its kind
        return Intent(worry, stripped)
    if about_self_harm(stripped) or notice_concern(stripped) is not None:
        # A concern said straight out ("Tom hit a patient"): offer the concern path.
        return Intent(IntentName.CONCERN, stripped)
    return Intent(IntentName.UNKNOWN, stripped)


def _marked_status(text: str) -> Intent | None:
    """An alert marked with what has become of it ("mark c2 acked", "marking c2 resolved (spoke
    to her)"): the lead's action on that alert, its note without the brackets."""
    mark = _MARK_STATUS.match(text)
    if mark is None:
        return None
    match = LEAD_STATUS_TEXT.match(f"{mark['ref']} {text[mark.end() :]}")
    if match is None:
        return None
    ref = f"{match['letter'].upper()}{match['number']}"
    status = match["status"].lower()
    verb = _STATUS_VERB.get(status, "ack" if status.startswith("ack") else status)
    note = match["note"].strip()
    if note.startswith(("(", "[")) and note.endswith((")", "]")):
        note = note[1:-1].strip()
    return Intent(IntentName.LEAD_ACTION, f"{verb} {ref}" + (f" {note}" if note else ""))


def _booking_with_an_agenda(text: str) -> IntentName | None:
    """A meeting asked for with what it is to be about ("could we do tues 17th at 2.45 on teams,
    to go over my band 8a application"): the words of the agenda pick no journey of their own.
    A concern is never taken for an agenda."""
    head = before_agenda(text)
    if head is None or _may_be_a_concern(text):
        return None
    said = normalise(head)
    if about_a_meeting(said, unpadded(head)) is not IntentName.BOOK_MEETING:
        return None
    if any(p.search(head) for n, p in _JOURNEYS if n not in _NOT_YET_UNDERSTOOD):
        return None  # the words before the agenda say what they want themselves
    return IntentName.BOOK_MEETING


def _cancels_for_a_while(text: str) -> IntentName | None:
    """A meeting cancelled for a reason of circumstance ("have to cancel tmrw sorry, off sick"):
    the cancel, not a change-of-circumstances concern. Any other worry stays a concern."""
    if not asks_to_cancel(text) or not mentions_when(normalise(text)):
        return None
    if worries.kind(text) not in (None, worries.Kind.CIRCUMSTANCES):
        return None
    if about_self_harm(text) or notice_concern(text) is not None:
        return None
    return IntentName.CANCEL_MEETING


# "talked about the complaint", "went over the complaint re ...": a complaint as a topic discussed.
_COMPLAINT_DISCUSSED = re.compile(
    r"\b(?:talked\s+(?:about|thru|through|over)|discussed|went\s+(?:thru|through|over)|covered"
    r"|looked\s+at)\s+(?:the|a|that|this|her|his|their)\s+(?:[\w'’]+\s+)?complaints?\b",
    re.IGNORECASE,
)


def _complaint_only_discussed(text: str) -> bool:
    """Whether the only words of a concern are a complaint named as what was discussed. When in
    doubt it is not: anything else that may raise a concern keeps the concern path."""
    if _COMPLAINT_DISCUSSED.search(text) is None:
        return False
    rest = _COMPLAINT_DISCUSSED.sub(" discussed it ", text)
    return not (
        _may_be_a_concern(rest)
        or worries.kind(text) is not None
        or worries.wants_to_raise(text)
        or raises_a_concern(text)
        or about_self_harm(text)
        or notice_concern(text) is not None
    )


def _may_be_a_concern(text: str) -> bool:
    """Words of a concern come first: minutes never take a message that may raise one."""
    return (
        about_self_harm(text)
        or notice_concern(text) is not None
        or any(p.search(text) for n, p in _JOURNEYS if n is IntentName.CONCERN)
    )


# What each request is usually called, for ranking what a message not understood probably
# meant (by the words they share, typos allowed).
EXAMPLES: dict[IntentName, tuple[str, ...]] = {
    IntentName.BOOK_MEETING: ("book a meeting", "arrange a meeting", "set up a call", "meet up"),
    IntentName.MY_MEETINGS: ("my meetings", "next meeting", "upcoming meetings", "proposals"),
    IntentName.MY_PARTNER: ("who is my mentor", "contact my mentor", "my mentee"),
    IntentName.RESCHEDULE_MEETING: ("reschedule a meeting", "move a meeting", "change the time"),
    IntentName.CANCEL_MEETING: ("cancel a meeting", "call off a meeting"),
    IntentName.LOG_MINUTES: ("log minutes", "write up notes", "record notes", "minutes"),
    IntentName.MY_MINUTES: ("our minutes", "read the notes", "minutes"),
    IntentName.MY_ACTIONS: ("my actions", "action points", "tasks", "to do list"),
    IntentName.DIARY_GUIDED: ("write in my diary", "reflection", "reflect", "journal"),
    IntentName.MY_DIARY: ("read my diary", "diary entries", "journal"),
    IntentName.CONTRACT: ("sign the contract", "mentoring agreement"),
    IntentName.CHECKIN: ("check-in", "survey", "questionnaire", "evaluation", "feedback"),
    IntentName.CONCERN: ("raise a concern", "problem", "complaint", "worried", "issue", "unhappy"),
    IntentName.PAUSE_REMINDERS: ("pause reminders", "stop reminders", "on leave", "holiday"),
    IntentName.RESUME_REMINDERS: ("turn reminders back on", "resume reminders"),
    IntentName.WHATS_NEXT: ("what's next", "what's due", "to do", "deadlines", "due"),
    IntentName.HELP: ("help", "what can you do", "instructions"),
    IntentName.REGISTER_MENTOR: ("my mentor profile", "become a mentor", "bio"),
    IntentName.PREFERENCES: ("choose my mentor", "mentor preferences"),
    IntentName.MENTOR_CAPACITY: ("my capacity", "more mentees", "full capacity"),
    IntentName.APPLY: ("apply", "application"),
    IntentName.REPORT: ("report", "scheme health", "statistics"),
    IntentName.REVIEW_APPLICATIONS: ("review applications", "applicants"),
    IntentName.SELECTION_STATUS: ("selection status",),
    IntentName.PROPOSE_MATCHES: ("propose matches", "matching"),
    IntentName.OPEN_CONCERNS: ("open concerns",),
    IntentName.MY_CONCERNS: ("my concerns",),
}
_EXAMPLE_WORDS = {
    name: [content_words(example) for example in examples] for name, examples in EXAMPLES.items()
}


@dataclass(frozen=True)
class Candidate:
    name: IntentName
    score: float


def candidates(text: str, allowed: Iterable[IntentName] | None = None) -> list[Candidate]:
    """What a message probably asks for, likeliest first: the one it names, or else those
    sharing most of their words with it ("meeting pls": book a meeting, my meetings, ...)."""
    found = recognise(text)
    pool = list(allowed) if allowed is not None else list(EXAMPLES)
    if found.name not in _NOT_YET_UNDERSTOOD and found.name in pool:
        return [Candidate(found.name, 1.0)]
    said = content_words(text)
    scored = []
    for order, name in enumerate(pool):
        best = max((overlap(said, words) for words in _EXAMPLE_WORDS.get(name, ())), default=0.0)
        if best > 0:
            scored.append((best, -order, name))
    scored.sort(reverse=True)
    return [Candidate(name, score) for score, _order, name in scored]


def raises_a_concern(text: str) -> bool:
    """Whether the words start a concern, in the middle of anything ("raise a concern")."""
    return RAISE_CONCERN_TEXT.search(text.strip()) is not None


def a_worry_besides_the_answer(text: str) -> bool:
    """Whether a worry is said besides a yes or a no: "no, he shouted at me again" is one;
    "yes a new mentr please" at "Would you like a new mentor?" is only the answer. A message
    that is not a yes or a no is judged by its intent alone."""
    reading = leading(text)
    if reading is None or reading.meaning not in (Meaning.YES, Meaning.NO):
        return recognise(text).name is IntentName.CONCERN
    rest = fix_typos(unpadded(reading.rest))
    wants_a_new_mentor = worries.kind(rest) is worries.Kind.REMATCH
    return bool(rest) and not wants_a_new_mentor and recognise(rest).name is IntentName.CONCERN


def global_word(text: str) -> IntentName | None:
    """The global word a message is, if it is one."""
    intent = recognise(text)
    return intent.name if intent.name in GLOBAL_WORDS else None


def names_journey(text: str, name: IntentName) -> bool:
    """Whether ``text`` uses the words that start journey ``name``, wherever they stand ("when
    is the contract due?" names the contract): for an answer that serves several topics."""
    return any(journey is name and pattern.search(text) for journey, pattern in _JOURNEYS)
