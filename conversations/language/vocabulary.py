"""One vocabulary for yes, no, skip, none, later and not sure.

Every dialog asks yes/no questions ("Send this to Tom?", "Save this entry?", "Cancel the
meeting?") and people answer them the way they would answer a colleague: "yep", "aye", "sounds
good", "👍", "nah its fine", "no sorry misread", "not now", "dunno". :func:`meaning` reads all of
them the same way at every question, so "okay" can never book a meeting but fail to save a diary
entry.

A clear yes or no may lead a longer answer ("yes that works", "no, the Friday after"): the
answer means what it starts with, and :func:`leading` hands back the rest for the dialog to read
(a change, a correction). Words that only answer when said alone ("fine", "next", "later") do not
lead: "later today" is a time, not "later".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conversations.language.normalise import normalise


class Meaning(StrEnum):
    YES = "yes"
    NO = "no"
    SKIP = "skip"
    NONE = "none"
    LATER = "later"
    UNSURE = "unsure"


# "No problem": a yes, though it starts with a no. Said alone at an optional question ("Any
# worries?") it gives nothing, so :func:`is_empty` reads it as empty there.
_NO_TROUBLE = (
    "no problem",
    "not a problem",
    "no worries",
    "no bother",
    "no probs",
    "no prob",
    "np",
)
# Saying no by naming what not to do: "don't cancel", "do not send it", "please don't save
# that". The verb only says the no again; anything after it ("wrong one sorry") is read as usual.
_NEGATING = frozenset({"don't", "do not", "please don't", "no don't", "never", "no never"})
_NOT_DONE = frozenset(
    {"cancel", "send", "save", "delete", "remove", "book", "flag", "tell", "share", "submit",
     "post", "pass", "mark", "end", "close", "decline", "accept", "move", "do", "bother",
     "log", "record", "store", "report", "raise", "email", "message", "contact", "sign",
     "start", "add", "drop", "stop"}
)  # fmt: skip
_OBJECT = frozenset(
    {"it", "that", "this", "them", "the", "a", "my", "our", "one", "meeting", "anything",
     "yet", "now", "on", "please", "pls", "him", "her", "anyone"}
)  # fmt: skip
# All being well, then a yes: "all good 👍" at "Save these?" is a yes, not "nothing to report".
_WELL = frozenset({"all good", "all fine", "all ok", "all okay"})

# Phrases that answer a question whether alone or leading more words ("sure, go ahead").
_LEADING: dict[Meaning, tuple[str, ...]] = {
    Meaning.UNSURE: (
        "not sure",
        "i'm not sure",
        "im not sure",
        "unsure",
        "dunno",
        "i dunno",
        "no idea",
        "don't know",
        "i don't know",
        "not certain",
        "i'm not certain",
        "maybe",
        "possibly",
        "perhaps",
        "let me check",
        "let me think",
        "need to check",
        "i need to check",
        "hmm not sure",
        "undecided",
        "can't decide",
        "don't mind",
        "i don't mind",
        "i can't decide",
        "i'm unsure",
        "i'm undecided",
    ),
    Meaning.LATER: (
        "not now",
        "not right now",
        "not yet",
        "not today",
        "maybe later",
        "remind me later",
        "remind me",
        "another time",
        "some other time",
        "another day",
        "ask me later",
        "ask me tomorrow",
        "not at the moment",
        "in a bit",
    ),
    Meaning.SKIP: ("skip", "skip it", "skip this", "skip that", "pass", "skip for now"),
    Meaning.NONE: (
        "none",
        "nothing",
        "n/a",
        "nil",
        "nothing really",
        "nothing else",
        "nothing to add",
        "nothing more",
        "none at all",
        "none really",
        "nothing at all",
        "not applicable",
        "no none",
    ),
    Meaning.NO: (
        "no",
        "nope",
        "nah",
        "no thanks",
        "no thank you",
        "not really",
        "not at all",
        "don't",
        "do not",
        "no way",
        "negative",
        "i'd rather not",
        "rather not",
        "i don't think so",
        "don't think so",
        "definitely not",
        "certainly not",
        "of course not",
        "absolutely not",
        "no chance",
        "decline",
        "please don't",
        "better not",
        "leave it",
        # Said of oneself: "I'm not", "I haven't yet", "I can't".
        "i'm not",
        "i am not",
        "i don't",
        "i do not",
        "i haven't",
        "i have not",
        "i've not",
        "i can't",
        "i cannot",
        "i won't",
        "i will not",
    ),
    Meaning.YES: (
        "yes",
        "yeah",
        "yeh",
        "yea",
        "yah",
        "ya",
        "yep",
        "yup",
        "aye",
        "sure",
        "ok",
        "okay",
        "okey",
        "okey dokey",
        "okie",
        "alright",
        "all right",
        "sounds good",
        "sounds great",
        "sounds fine",
        "sounds perfect",
        "sounds right",
        "sounds about right",
        "sounds ok",
        "sounds okay",
        "sounds lovely",
        "go for it",
        "go ahead",
        "go on",
        "go on then",
        "that works",
        "that's fine",
        "that's great",
        "that's perfect",
        "that's good",
        "that's right",
        "that's correct",
        "works for me",
        "can do",
        "i can do that",
        "i can make that",
        "that suits",
        "suits me",
        "looks good",
        "looks fine",
        "looks right",
        "looks great",
        "all correct",
        "fine by me",
        "yes please",
        "please do",
        "do it",
        "absolutely",
        "definitely",
        "certainly",
        "of course",
        "accept",
        "confirm",
        "confirmed",
        "agreed",
        "i agree",
        "deal",
        "why not",
        "let's do it",
        "let's do that",
        "yes go ahead",
        "by all means",
        # Idioms with a "no" in them that say yes ("yep no problem", "no worries, will do").
        *_NO_TROUBLE,
        # Said of oneself: "I'm a member (of the SoR)".
        "i'm a member",
        "i am a member",
    ),
}

# Words that answer only when they are the whole reply: followed by more words they usually
# start something else ("next week", "fine weather", "pass it on", "right, about Friday").
_ALONE: dict[Meaning, tuple[str, ...]] = {
    Meaning.YES: (
        "y",
        "k",
        "kk",
        "fine",
        "perfect",
        "great",
        "good",
        "lovely",
        "brilliant",
        "grand",
        "cool",
        "nice",
        "super",
        "excellent",
        "right",
        "correct",
        "spot on",
        "done",
        "yes yes",
        "yes it is",
        "yes i do",
        "it is",
        # Said of oneself, as the whole answer: "I am", "I do", "I have".
        "i am",
        "i'm",
        "i do",
        "i have",
        "i've",
        "i can",
        "i will",
        "i have done",
        "do",
        "do so",
        "indeed",
        "true",
        "please",
        "approve",
        "approved",
    ),
    Meaning.NO: ("n", "not", "never", "cancel it", "false"),
    Meaning.LATER: ("later", "later on", "another time maybe", "wait", "hold on", "hang on"),
    Meaning.SKIP: ("next", "skip please"),
    Meaning.NONE: (
        "-",
        "na",
        "nothing thanks",
        "none thanks",
        "zero",
        "no one",
        "nobody",
        "all good",
        "all fine",
        "nothing to report",
        "that's it",
        "that's all",
        "that's everything",
        "that is all",
    ),
    Meaning.UNSURE: ("hmm", "hm", "um", "erm", "idk", "?", "not sure yet"),
}

# Said before or after an answer without changing it ("oh go on then", "no sorry", "yes thanks").
_FILLER_BEFORE = frozenset(
    {"oh", "ah", "um", "erm", "er", "hmm", "hm", "well", "haha", "lol", "sorry", "actually",
     "oops", "ooh", "uh", "mmm", "tbh", "honestly", "hi", "hey"}
)  # fmt: skip
_FILLER_AFTER = frozenset(
    {"thanks", "thank you", "please", "cheers", "ta", "mate", "x", "xx", "then", "thx",
     "thanks a lot", "many thanks", "for now", "sorry", "just now", "i think", "too",
     "as well", "lol", "haha", "again", "thank you very much", "all good",
     # Taking something back: "no sorry misread", "no, my mistake".
     "misread", "my mistake", "my bad", "mistake", "wrong one", "ignore that", "oops",
     "didn't mean it", "didn't mean that", "wrong button", "pressed the wrong one",
     # Closing an answer: "no that's it", "nope, that's everything", "yes that's all".
     "that's it", "that's all", "that's everything", "that is it", "that is all",
     "that is everything", "nothing else", "nothing more", "at all"}
)  # fmt: skip

_PUNCTUATION = re.compile(r"[^\w\s'/?-]+")
_TRAILING = re.compile(r"[\s?-]+$")


@dataclass(frozen=True)
class Reading:
    """What an answer means, and what was said after it ("make it 90 mins")."""

    meaning: Meaning
    rest: str = ""


def _phrases() -> tuple[dict[str, Meaning], dict[str, Meaning]]:
    leading = {phrase: m for m, phrases in _LEADING.items() for phrase in phrases}
    alone = dict(leading)
    alone.update({phrase: m for m, phrases in _ALONE.items() for phrase in phrases})
    return leading, alone


_LEADS, _WHOLE = _phrases()
_LONGEST = max(len(p.split()) for p in _WHOLE)


def _words(text: str) -> list[str]:
    cleaned = _PUNCTUATION.sub(" ", normalise(text))
    words = [w.strip("'") for w in cleaned.split()]
    return [w for w in words if w]


def _strip_fillers(words: list[str]) -> list[str]:
    """Drop words said around an answer ("oh", "sorry", "thanks"), unless they are the answer."""
    while len(words) > 1 and " ".join(words) not in _WHOLE:
        for size in (3, 2, 1):
            if len(words) > size and " ".join(words[:size]) in _FILLER_BEFORE:
                words = words[size:]
                break
            if len(words) > size and " ".join(words[-size:]) in _FILLER_AFTER:
                words = words[:-size]
                break
        else:
            break
    return words


def _rest_after(text: str, head: list[str], fallback: list[str]) -> str:
    """What was said after the answer's own words, in the normalised text (so "2:30" and
    "31/3" stay whole for the dialog to read)."""
    said = normalise(text)
    fillers = "|".join(re.escape(f) for f in sorted(_FILLER_BEFORE, key=len, reverse=True))
    words = r"[^\w']+".join(re.escape(w) for w in head)
    found = re.match(rf"^[^\w']*(?:(?:{fillers})[^\w']+)*{words}(?![\w'])", said)
    if found is None:
        return " ".join(fallback)
    return said[found.end() :].strip(" ,.;:!-")


def leading(text: str) -> Reading | None:
    """What an answer means and what follows the part that says so, or None."""
    words = _words(text)
    if not words:
        # Nothing but punctuation: "?" is unsure, "-" is none.
        bare = text.strip()
        return Reading(_WHOLE[bare]) if bare in _WHOLE else None
    words = _strip_fillers(words)
    whole = " ".join(words)
    if whole in _WHOLE:
        return Reading(_WHOLE[whole])
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        head = " ".join(words[:size])
        if head in _LEADS:
            rest = _rest_after(text, words[:size], words[size:])
            if head in _NEGATING:
                rest = _after_verb(rest)
            again = leading(rest) if rest else None
            if again is not None and again.meaning is _LEADS[head] and not again.rest:
                rest = ""  # "yup 👍", "yes sure go ahead": the rest only says it again
            elif _LEADS[head] is Meaning.YES and _carries_out(rest):
                rest = ""  # "yes please let the lead know", "yes send it": the yes again
            return Reading(_LEADS[head], rest)
    return _said_again(words)


# A yes followed by what it agrees to, said again: "yes please let the lead know", "yep send it
# over", "yes go ahead and flag it". Verbs of doing what was offered only (not "remove", "add",
# "cancel", which may ask for something else), and only plain words after them: anything more
# ("send it to tom", "book it for 3") stays for the dialog to read.
_CARRY_OUT = frozenset(
    {"send", "tell", "let", "flag", "pass", "share", "submit", "post", "go", "do", "book", "save",
     "confirm", "raise", "report", "escalate", "forward", "log", "record"}
)  # fmt: skip
_CARRIED = _OBJECT | frozenset(
    {"to", "lead", "leads", "project", "team", "know", "ahead", "and", "over", "along", "asap",
     "for", "me", "through", "off", "up", "in", "just", "right", "away", "straight", "then",
     "you", "can", "could", "pass", "on", "thanks", "cheers", "ta", "steering", "group", "as",
     "soon", "possible"}
)  # fmt: skip


def _carries_out(rest: str) -> bool:
    words = _words(rest)
    while words and words[0] in {"and", "just", "please", "pls", "then", "so"}:
        words = words[1:]
    if not words or words[0] not in _CARRY_OUT:
        return False
    if words[0] == "let" and "know" not in words:
        return False
    return all(word in _CARRIED or word in _CARRY_OUT for word in words[1:])


def _after_verb(rest: str) -> str:
    """What follows "don't cancel (it)": the verb and its object only say the no again, and
    words said around an answer ("wrong one sorry") add nothing."""
    words = rest.split()
    if not words or words[0].strip(",.;:!") not in _NOT_DONE:
        return rest
    taken = 1
    while (
        taken < len(words)
        and words[taken - 1][-1:] not in ",.;:!"
        and (words[taken].strip(",.;:!") in _OBJECT)
    ):
        taken += 1
    after = " ".join(words[taken:]).strip(" ,.;:!-")
    left = _words(after)
    while left:
        for size in (4, 3, 2, 1):
            if " ".join(left[-size:]) in _FILLER_AFTER or " ".join(left[:size]) in _FILLER_BEFORE:
                left = left[:-size] if " ".join(left[-size:]) in _FILLER_AFTER else left[size:]
                break
        else:
            break
    return after if left else ""


def _said_again(words: list[str]) -> Reading | None:
    """A word that answers only alone, then the same answer ("great, yes", "lovely yep send
    it"): read as that answer."""
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        head = " ".join(words[:size])
        if head in _WHOLE:
            again = leading(" ".join(w for w in words[size:] if w.strip("-")))
            if again is not None and again.meaning is _WHOLE[head]:
                return again
            if again is not None and again.meaning is Meaning.YES and head in _WELL:
                return again
    return None


def meaning(text: str) -> Meaning | None:
    """What a typed answer means: yes, no, skip, none, later, not sure, or None."""
    reading = leading(text)
    return reading.meaning if reading else None


def brief(text: str) -> Meaning | None:
    """What a short answer means ("no thanks", "nothing really", "skip this one"), or None for
    one that goes on to say something of its own ("nothing major, but could someone call me")."""
    reading = leading(text)
    return reading.meaning if reading is not None and len(reading.rest.split()) <= 2 else None


def is_yes(text: str) -> bool:
    return meaning(text) is Meaning.YES


def is_no(text: str) -> bool:
    """A no in any of its kinds an answer to "shall I?" may take ("nope", "not now", "none")."""
    return meaning(text) in (Meaning.NO, Meaning.NONE, Meaning.LATER)


# Words that only say a "nothing" again, after it: "nothing to report at the moment",
# "no further action needed", "none needed from my side thanks".
_NOTHING_MORE = frozenset(
    {"to", "needed", "need", "required", "necessary", "thanks", "thank", "you", "at", "the",
     "moment", "for", "now", "really", "else", "further", "more", "here", "this", "time",
     "from", "my", "me", "side", "end", "just", "all", "of", "any", "action", "actions", "is",
     "that", "i", "can", "think", "that's", "it", "add", "say", "report", "mention", "raise",
     "flag", "share"}
)  # fmt: skip


_NOT_ECHOED = frozenset(
    {"should", "could", "would", "can", "will", "must", "might", "may", "shall", "need",
     "needs", "anything", "something", "anyone", "someone", "please", "yes", "do", "does"}
)  # fmt: skip


def is_empty(text: str, asked: str | None = None) -> bool:
    """An answer that gives nothing to an optional question ("skip", "none", "no agenda",
    "-"); not one that only starts with a no ("no more rota gaps", an agenda). ``asked``: the
    question, whose own words a "nothing" may repeat ("nothing to follow up" at "Anything the
    project team should follow up?")."""
    if " ".join(_strip_fillers(_words(text))) in _NO_TROUBLE:
        return True  # "no worries" at "Any worries?": nothing to add, though a yes elsewhere
    if brief(text) in (Meaning.SKIP, Meaning.NONE, Meaning.NO):
        return True
    # "no, nothing else to add", "nope, none at all this time": a no, then more of the same.
    reading = leading(text)
    if (
        reading is None
        or reading.meaning not in (Meaning.NO, Meaning.NONE)
        or not reading.rest
        or len(reading.rest) >= len(text)
    ):
        return False
    if is_empty(reading.rest, asked):
        return True
    # The question's own words, but not those that would make the answer say more than
    # "nothing": "no, the project team SHOULD follow up" asks for it.
    echoed = _NOTHING_MORE | ({w.strip("?!.") for w in _words(asked or "")} - _NOT_ECHOED)
    return all(word.strip("?!.") in echoed for word in _words(reading.rest))


def without_idioms(text: str) -> str:
    """``text`` normalised, with the yes-idioms that hold a "no" taken out ("yep no problem"
    is "yep"), for a reader that looks for a no anywhere in a reply."""
    said = normalise(text)
    for idiom in sorted(_NO_TROUBLE, key=len, reverse=True):
        said = re.sub(rf"(?<![\w']){re.escape(idiom)}(?![\w'])", " ", said)
    return " ".join(said.split())


def as_typed(text: str, rest: str) -> str:
    """What follows an answer (``Reading.rest``, normalised) as the person typed it, their
    capitals kept ("yes, change my workplace to St Example"), when it can be found."""
    at = text.lower().rfind(rest.lower())
    return text[at:] if rest and at >= 0 else rest
