"""Which of a question's choices a typed answer picks.

A question shows its choices as buttons, but on Slack and Teams people often type the answer
instead: its number ("2", "option 3 pls", "the second one"), its label ("Video"), a word only that
label has ("the friday one", "rewrite"), the label with a typo ("vidoe", "in peson pls"), the
label inside a short sentence, typo or not ("we've met twice", "a vidoe call please"), or
what it means ("yep" at Yes / No, "nah" at Accept / Decline). :func:`pick` reads all of these for
every question, so no dialog matches labels or numbers on its own.

An answer that fits two choices equally well picks neither: :func:`candidates` says which, so
the dialog can ask again naming them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, process, utils

from conversations.language.normalise import normalise
from conversations.language.numbers import WORDS
from conversations.language.vocabulary import Meaning, leading, meaning
from conversations.messages import Choice


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


C = TypeVar("C", bound=Labelled)

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "one": 1,
    "second": 2,
    "2nd": 2,
    "two": 2,
    "third": 3,
    "3rd": 3,
    "three": 3,
    "fourth": 4,
    "4th": 4,
    "four": 4,
    "fifth": 5,
    "5th": 5,
    "five": 5,
    "sixth": 6,
    "6th": 6,
    "six": 6,
}
_NUMBER = re.compile(
    r"^(?:(?:the\s+|number\s+|no\.?\s*|option\s+|choice\s+|#)*)"
    r"(?P<n>\d{1,2}|" + "|".join(_ORDINALS) + r")"
    r"(?:\s+(?:one|option|choice))?$"
)
_LAST = re.compile(r"^(?:the\s+)?(?:last|final|bottom)(?:\s+(?:one|option|choice))?$")
# Words around an answer that say nothing about which choice it is.
_PADDING = frozenset(
    {
        "the", "a", "an", "one", "ones", "option", "choice", "please", "thanks", "thank",
        "ta", "cheers", "i'll", "i", "go", "for", "with", "take", "want", "would",
        "like", "let's", "do", "pick", "choose", "it", "that", "this", "is", "be", "fine",
        "ok", "okay", "then", "just", "id", "i'd", "prefer", "rather", "say", "think",
        "probably", "maybe", "great", "perfect", "lets", "hmm", "oh", "um", "erm", "my", "our",
        "to", "of", "let", "as",
    }
)  # fmt: skip
_WORDS = re.compile(r"\d+-\d+|[a-z0-9']+")  # a range ("5-6") is one word
# The frame of a short sentence around a pick ("we've met twice", "I'll have the video call"):
# who speaks and the helping verbs. Read as padding unless a label has the word itself.
_FRAME = frozenset(
    {
        "we", "we've", "we're", "we'll", "we'd", "i've", "i'm", "he", "she", "they", "he's",
        "she's", "they've", "they're", "us", "have", "has", "had", "was", "were", "been", "am",
        "are", "will", "can", "could", "should", "shall", "got", "now", "already", "actually",
        "really", "so", "far", "guess", "suppose", "reckon", "mean", "go", "goes", "you",
        "him", "her", "them", "good", "best", "better", "works", "suits", "easier", "easiest",
        "weve", "met", "meet", "times", "time", "only",
    }
)  # fmt: skip
# Words that turn a sentence against what it names ("not video"): such an answer picks
# nothing by its words, unless a label says the word itself ("Not yet").
_AGAINST = frozenset(
    {"not", "don't", "doesn't", "didn't", "won't", "can't", "never", "haven't", "hasn't"}
)
# Counts said in words: "2 times" is "twice".
_COUNTS = (
    (re.compile(r"\b(?:2|two) times\b"), "twice"),
    (re.compile(r"\b(?:1|one) time\b"), "once"),
)
# Words for the same verb, read as one ("edit" for "Change something", "rewrite" too).
_SYNONYMS = {
    "edit": "change", "amend": "change", "alter": "change", "modify": "change",
    "rewrite": "change", "fix": "change", "delete": "remove", "erase": "remove",
    "submit": "send", "store": "save", "choose": "change",
    "reword": "change", "rephrase": "change", "redo": "change", "drop": "remove",
    "scrap": "remove", "cut": "remove", "flag": "send", "forward": "send", "raise": "send",
    "log": "save", "record": "save",
}  # fmt: skip
# Verbs said in more than one word, read as the one our labels use ("take it out" is
# "remove", "pass it on" is "send", "leave it in" is "keep").
_PHRASAL = (
    (re.compile(r"\btake (?:it |that |this |them |those )?out\b"), "remove"),
    (re.compile(r"\bget rid of\b"), "remove"),
    (re.compile(r"\bpass (?:it |that |this )?on\b"), "send"),
    (re.compile(r"\bleave (?:it |that |this |them )?in\b"), "keep"),
    (re.compile(r"\bwrite (?:it |that |this )?again\b"), "change"),
)
# A day of the month said as an ordinal ("the 13th one") reads as the day labels show.
_DAY_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
# Taking something on oneself, at "who will do it?": "I'll do it", "I will", "mine".
_SELF = re.compile(
    r"^(?:(?:ok|okay|yes|yeah|yep|sure)\s+)?(?:i'll|ill|i will|i can|i'm happy to|i am happy to"
    r"|leave it with me|give it to me)(?:\s+(?:do|take|handle|sort|own|pick up|chase|have)"
    r"(?:\s+(?:it|that|this|that one|it on|it out|this one))?)?$"
)
# Counts in words at a "how many times" question: "just one so far" is "Once".
_COUNT_LABELS = {"1": "once", "one": "once", "single": "once", "2": "twice", "two": "twice"}
_POLITE = re.compile(r"\b(?:thank you|thanks|cheers|please)\b")
_PERSPECTIVE = {"me": "you", "myself": "you", "mine": "you", "i": "you"}
# Labels say "Fri 13 Mar"; people say "the friday one", "the march one".
_SHORT_NAMES = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
    "thu": "thursday", "thur": "thursday", "fri": "friday", "sat": "saturday",
    "sun": "sunday", "jan": "january", "feb": "february", "mar": "march", "apr": "april",
    "jun": "june", "jul": "july", "aug": "august", "sep": "september", "sept": "september",
    "oct": "october", "nov": "november", "dec": "december",
}  # fmt: skip
# How close a typo must be to a label (rapidfuzz's 0-100 score), and how far ahead of the
# runner-up, for the answer to pick it.
_FUZZY = 80
# An answer with more words than this (padding aside) is a sentence, not a pick.
_MOST_WORDS = 3
_MARGIN = 8


# Numbers said in words read as the digits labels show ("four weeks" for "Every 4 weeks");
# "one" stays a word ("the one with Tom"). A range said "5 or 6" or "5 to 6" is "5-6".
_DIGITS = {word: str(n) for word, n in WORDS.items() if n > 1}
_RANGE = re.compile(r"\b(\d{1,3})\s+(?:or|to)\s+(\d{1,3})\b")


def _tokens(text: str) -> list[str]:
    plain = _POLITE.sub(" ", normalise(text))
    for count, word in (*_COUNTS, *_PHRASAL):
        plain = count.sub(word, plain)
    plain = _DAY_ORDINAL.sub(r"\1", plain)
    plain = _RANGE.sub(r"\1-\2", _WORD_NUMBER.sub(lambda m: _DIGITS[m[0]], plain))
    words = (w.strip("'") for w in _WORDS.findall(plain))
    return [_SYNONYMS.get(w, _SHORT_NAMES.get(w, w)) for w in words if w]


_WORD_NUMBER = re.compile(r"\b(?:" + "|".join(_DIGITS) + r")\b")


def _said(text: str) -> list[str]:
    """The answer's words, from the bot's side: "me" is the "You" of a label."""
    return [_PERSPECTIVE.get(w, w) for w in _tokens(text)]


def _meaning_of(label: str) -> Meaning | None:
    reading = leading(label)
    return reading.meaning if reading else None


def candidates(text: str, choices: Sequence[C], by_meaning: bool = True) -> list[C]:
    """The choices an answer could mean, best first: one when it is clear, several when it
    could be any of them, none when it names none."""
    if not choices or not text.strip():
        return []
    said = normalise(text).strip(" .!?,")
    words = _said(text)
    core = [w for w in words if w not in _PADDING]
    core_text = " ".join(core)

    # By number: "2", "option 2", "the second one".
    number = _NUMBER.match(" ".join(words)) or _NUMBER.match(core_text)
    if number:
        n = number["n"]
        index = int(n) if n.isdigit() else _ORDINALS[n]
        if 1 <= index <= len(choices):
            return [choices[index - 1]]
    elif _LAST.match(" ".join(words)):
        return [choices[-1]]

    # By the whole label, said exactly (after normalising).
    labels = [normalise(c.label).strip(" .!?") for c in choices]
    for target in (said, " ".join(words), core_text):
        exact = [c for c, label in zip(choices, labels, strict=True) if label == target]
        if exact:
            return exact

    # By meaning: "yep" at Yes / No, "nah" at Accept / Decline, "not now" at Yes / Not now.
    said_meaning = meaning(text) if by_meaning else None
    if said_meaning is not None:
        meant = [c for c in choices if _meaning_of(c.label) is said_meaning]
        if len(meant) == 1:
            return meant

    # By the start of a label: "some" for "Somewhat", "very" for "Very confident".
    starting = [c for c, label in zip(choices, labels, strict=True) if label.startswith(said)]
    if said and len(starting) == 1:
        return starting

    # A short sentence around a pick ("we've met twice", "vidoe call"): its frame is padding,
    # and a word a label nearly has is read as that label's ("vidoe" as "video").
    label_words = [set(_tokens(c.label)) - _PADDING for c in choices]
    named = set().union(*label_words)
    if "you" in named and _SELF.match(" ".join(_words_of(said))):
        core = ["you"]  # "I'll do it" at "You / Tom / Both of you"
    if named & {"once", "twice"}:  # "just one so far" at "Once": the count is no padding
        core = _as_counts([w for w in words if w not in _PADDING or w in _COUNT_LABELS], named)
    if "not" in named:  # "we haven't met yet" at "Not yet"
        core = ["not" if w in _AGAINST else w for w in core]
    if any(w in _AGAINST and w not in named for w in core):
        return []  # "not video": against what it names
    core = _spelt_as([w for w in core if w in named or w not in _FRAME], named)
    core_text = " ".join(core)

    if not core or len(core) > _MOST_WORDS:
        return []  # a sentence of its own ("change my workplace to ..."), not a pick

    # By distinctive words: a word of the answer that is in one label only ("the friday one").
    hits = [
        c
        for c, own in zip(choices, label_words, strict=True)
        if own and all(w in own for w in core)
    ]
    if len(hits) == 1:
        return hits
    if len([w for w in core if w not in named]) > max(1, len([w for w in core if w in named])):
        return []  # more words about something else than about any choice
    some = [c for c, own in zip(choices, label_words, strict=True) if own & set(core)]
    if len(some) == 1:
        return some
    if len(some) > 1:
        # The label sharing most of the answer's words, and least else, if one does.
        scored = sorted(
            ((len(own & set(core)), -len(own), c) for c, own in _paired(choices, label_words)),
            key=lambda row: (-row[0], -row[1]),
        )
        if scored[0][:2] != scored[1][:2]:
            return [scored[0][2]]
        return [c for count, size, c in scored if (count, size) == scored[0][:2]]

    # Fuzzily: typos of the label or of one of its words ("vidoe", "in peson").
    return _fuzzy(core_text, choices, labels, label_words)


def _words_of(said: str) -> list[str]:
    return [w.strip("'") for w in _WORDS.findall(_POLITE.sub(" ", said)) if w.strip("'")]


def _as_counts(words: list[str], named: set[str]) -> list[str]:
    """ "one", "2", "three" at labels that count in words ("Once", "Twice or more")."""
    counted = []
    for word in words:
        said = _COUNT_LABELS.get(word, word)
        if said not in named and word.isdigit() and int(word) > 2 and {"twice", "more"} <= named:
            said = "twice"
        counted.append(said if said in named else word)
    return counted


def _spelt_as(words: list[str], named: set[str]) -> list[str]:
    """Each word that is a typo of exactly one label word ("vidoe", "perosn"), read as it."""
    spelt = []
    for word in words:
        near = (
            []
            if word in named or len(word) < 4
            else [own for own in named if len(own) >= 4 and fuzz.ratio(word, own) >= _FUZZY]
        )
        spelt.append(near[0] if len(near) == 1 else word)
    return spelt


def _paired(choices: Sequence[C], label_words: list[set[str]]) -> list[tuple[C, set[str]]]:
    return list(zip(choices, label_words, strict=True))


def _fuzzy(core: str, choices: Sequence[C], labels: list[str], words: list[set[str]]) -> list[C]:
    scores: list[float] = []
    for label, own in zip(labels, words, strict=True):
        whole = fuzz.ratio(core, label, processor=utils.default_process)
        partial = max(
            (
                fuzz.ratio(word, own_word)
                for word in core.split()
                for own_word in own
                if len(word) >= 3 and len(own_word) >= 3
            ),
            default=0.0,
        )
        scores.append(max(whole, partial))
    ranked = sorted(range(len(choices)), key=lambda i: -scores[i])
    best = ranked[0]
    if scores[best] < _FUZZY:
        return []
    if len(ranked) > 1 and scores[best] - scores[ranked[1]] < _MARGIN:
        return [choices[i] for i in ranked if scores[best] - scores[i] < _MARGIN]
    return [choices[best]]


def pick(text: str, choices: Sequence[C], by_meaning: bool = True) -> C | None:
    """The one choice a typed answer picks, or None (it names none, or could be several)."""
    found = candidates(text, choices, by_meaning)
    return found[0] if len(found) == 1 else None


def yes_to(text: str, choices: Sequence[C]) -> C | None:
    """The choice a yes names again ("yes, cancel it" at "Cancel it, no reason"), or None: at a
    question that takes free text, such a yes is the choice, not an answer of its own."""
    reading = leading(text)
    if reading is None or reading.meaning is not Meaning.YES or not reading.rest:
        return None
    return pick(reading.rest, choices, by_meaning=False)


def mentioned_first(text: str, words: Sequence[str]) -> str | None:
    """Of several key words, the one a longer answer says first, plural or not ("I lead a team
    of 12 across two services" -> "team"); None when it says none of them."""
    for said in _tokens(text):
        for word in words:
            if said in (word, word + "s"):
                return word
    return None


# Where one choice of a ranked list ends and the next begins: "2, 5, 1", "Ian then Kit", "1 2 3".
_RANK_SPLIT = re.compile(r",|;|\n|\bthen\b|\band\b|&|>|\s(?=\d)", re.I)
_RANK_MARK = re.compile(r"^(?:\d+(?:st|nd|rd|th)|first|second|third)(?: choice)?[:.)]?\s+", re.I)


@dataclass(frozen=True)
class Ranked:
    """Choices named in order of preference, as indexes into the list offered; or, when one
    can't be read, what is wrong ("number": no such number, "unknown": names none, "several":
    could be more than one) and the words concerned."""

    picks: list[int] = field(default_factory=list)
    problem: str | None = None
    said: str = ""


def ranked(text: str, choices: Sequence[C]) -> Ranked:
    """ "2, 5, 1", "Ian then Kit then Eve Hart", "1st: Kit, 2nd: Eve": the choices in order."""
    picks: list[int] = []
    for raw in _RANK_SPLIT.split(text):
        token = _RANK_MARK.sub("", raw.strip()).strip(" .!:)(#")
        if not token:
            continue
        if token.isdigit():
            if not 1 <= int(token) <= len(choices):
                return Ranked(problem="number", said=token)
            picks.append(int(token) - 1)
            continue
        found = candidates(token, choices, by_meaning=False)
        if len(found) != 1:
            return Ranked(problem="several" if found else "unknown", said=token)
        picks.append(next(i for i, c in enumerate(choices) if c is found[0]))
    return Ranked(picks)


def closest(text: str, options: Sequence[str], cutoff: float = _FUZZY) -> str | None:
    """The option a word is a typo of ("reschedual" for "reschedule"), if one is close enough."""
    found = process.extractOne(normalise(text), options, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


def answer(
    text: str,
    choices: Sequence[Choice],
    *,
    yes: str | None = None,
    no: str | None = None,
    later: str | None = None,
    whole: bool = False,
) -> str | None:
    """The action of the choice a typed reply picks, or None.

    ``yes``, ``no`` and ``later`` name the action a plain "yep", "nah" or "not now" means at this
    question (a "Save" / "Change something" confirmation takes "yes" as Save). A yes followed
    by more ("yes but make it 90 mins") is not a plain yes: it picks nothing, so the dialog
    reads the rest rather than acting on half the answer. With ``whole``, a no must be the
    whole answer too (where "no reason" is an answer of its own)."""
    reading = leading(text)
    if reading is not None:
        meant = {Meaning.YES: yes, Meaning.NO: no, Meaning.LATER: later or no}.get(reading.meaning)
        if meant is not None and not (reading.rest and (whole or reading.meaning is Meaning.YES)):
            return meant
    # Given what yes and no mean here, a "yes" never picks a button by its own meaning
    # (a plain "yes" is not "I agree", the words of a signature).
    choice = pick(text, choices, by_meaning=yes is None and no is None and later is None)
    return choice.action if choice is not None else None
