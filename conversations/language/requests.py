"""Requests as people make them: wrapped in greetings and politeness, with typos.

"hi, hope you're well, could we book a meeting?" asks for exactly what "book a meeting" does.
:func:`unpadded` takes the wrapping off (greetings, "hope you're well", "could you", "pls",
"thanks", "for me"), :func:`fix_typos` puts the words a request turns on ("reschedual",
"cancle", "minuets") right with rapidfuzz, and :func:`content_words` keeps only the words that
say what is wanted, for ranking what someone probably meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from conversations.language.normalise import normalise

_SEP = r"[\s,.!:;\-–—]*"
_LEADING_PADDING = re.compile(
    r"^(?:"
    # Greetings, perhaps to someone: "hi", "morning all", "hey there", "hello mentorbot".
    r"(?:hi|hello|hey|hiya|heya|yo|morning|afternoon|evening|good (?:morning|afternoon|evening)"
    r"|dear (?:bot|mentorbot))(?:\s+(?:there|all|team|bot|mentorbot|@mentorbot))?"
    r"|@?mentorbot"
    # Wishes and openers: "hope you're well", "sorry to bother you", "quick question".
    r"|(?:i\s+)?hope (?:you're|you are|your|you|all is|everything is|it's)\s*(?:well|ok|good|"
    r"doing well|having a good (?:day|week))?"
    r"|sorry to (?:bother|trouble|pester) you|sorry|quick (?:one|question)|just wondering"
    r"|(?:i was|i'm|i am) (?:just )?wondering(?: if| whether)?|i wonder if|fyi|so|ok so|right"
    r"|um|erm|hmm|oh|ah"
    # Ways of asking: "could we", "pls can you", "is it possible to", "i'd like to".
    r"|please|kindly|just|(?:can|could|would|will|may|shall)\s+(?:you|we|i)(?:\s+please)?"
    r"(?:\s+(?:possibly|just|help me|help))?"
    r"|(?:would|is) it be possible (?:for (?:you|me|us) )?to|is it possible (?:for (?:you|me|us) )?to"
    r"|any chance (?:(?:you|we|i) )?(?:could|can)?|(?:i'd|i would|we'd|we would) (?:like|love) to"
    r"|(?:i|we) (?:want|wanna|need|have) to|(?:i|we) wanna|let's|help me(?: to)?"
    r"|how (?:do|can) (?:i|we)"
    # Whole words only: "hiya" is not "hi" + "ya", nor "someone" "so" + "meone".
    r")\b" + _SEP
)
_TRAILING_PADDING = re.compile(
    _SEP + r"(?:please|thanks|thank you|thanks a lot|many thanks|cheers|ta|x+|for me|then"
    r"|if (?:that's|that is) (?:ok|okay|alright)|if possible|if you can|when you (?:can|get a "
    r"(?:chance|moment))|asap|as soon as possible|again)[\s,.!?]*$"
)


def unpadded(text: str) -> str:
    """The request without the greetings and politeness around it (normalised)."""
    said = normalise(text).strip(" \t\n,.!?")
    while True:
        shorter = _LEADING_PADDING.sub("", said, count=1).strip()
        shorter = _TRAILING_PADDING.sub("", shorter).strip(" ,.!?")
        if shorter == said or not shorter:
            return said
        said = shorter


def ungreeted(text: str) -> str:
    """The request without what opens it ("hi, is anything waiting for me?" -> "is anything
    waiting for me"), its own last words kept ("for me" may be what it asks)."""
    said = normalise(text).strip(" \t\n,.!?")
    while (shorter := _LEADING_PADDING.sub("", said, count=1).strip(" ,.!?")) not in (said, ""):
        said = shorter
    return said


# The words requests turn on, for typo correction ("reschedual" is "reschedule").
COMMAND_WORDS = (
    "book", "meeting", "meetings", "arrange", "schedule", "reschedule", "rearrange",
    "postpone", "cancel", "minutes", "notes", "actions", "action", "diary", "reflection",
    "contract", "agreement", "check-in", "survey", "evaluation", "questionnaire", "concern",
    "concerns", "safeguarding", "reminders", "nudges", "pause", "resume", "apply",
    "application", "mentor", "profile", "preferences", "capacity", "report", "help", "menu",
    "approve", "matches", "review", "applications", "selection", "conflict", "interest",
    "appraiser", "supervisor", "manager", "complaint", "worried", "pairing", "scheme",
)  # fmt: skip
_TYPO_SCORE = 80
# Closer still for ranking: "meeting" is "meetings", but "mentor" is not "mentoring".
_OVERLAP_SCORE = 85
_WORD = re.compile(r"[a-z][a-z'\-]{3,}")


def fix_typos(text: str, words: Iterable[str] = COMMAND_WORDS) -> str:
    """``text`` with words that are near misses of ``words`` spelt as those words."""
    known = tuple(words)
    vocabulary = frozenset(known)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in vocabulary or word in _FUNCTION_WORDS:
            return word  # "not sure" is no "survey"
        near = [w for w in known if abs(len(w) - len(word)) <= 2]
        found = process.extractOne(word, near, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE)
        return found[0] if found else word

    return _WORD.sub(fix, text)


# Words that say nothing about what is wanted (for ranking by what is left).
_FUNCTION_WORDS = frozenset(
    """a an the my our your his her their its this that these those me i we you us him them
    it is are was were be been am do does did done have has had to of for in on at by with
    from about into up out off over so and or but if then than what what's whats who who's
    how how's when when's where where's which why can could would will shall should may might
    must please thanks thank just some any all there here not no yes ok okay hi hello hey
    like want need get got go going make let let's know think see tell show give any anything
    something one it's i'm i've i'd you're we're don't can't won't isn't doing well hope
    really very much more now today tomorrow again also too bit sure""".split()  # noqa: SIM905
)


def content_words(text: str) -> list[str]:
    """The words of a request that say what is wanted, typos put right."""
    said = fix_typos(unpadded(text))
    return [w for w in re.findall(r"[a-z0-9][a-z0-9'\-]*", said) if w not in _FUNCTION_WORDS]


def overlap(said: list[str], example: list[str]) -> float:
    """How much of ``example`` the words ``said`` cover (0 to 1), allowing near misses."""
    if not said or not example:
        return 0.0
    covered = sum(
        1
        for word in example
        if process.extractOne(word, said, scorer=fuzz.ratio, score_cutoff=_OVERLAP_SCORE)
    )
    return covered / len(example)
