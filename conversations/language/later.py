"""Putting a question off: "later", "not now", "can i finish this later, ward round", "do the
rest tomorrow", "gotta go". Only the words about the question itself count, so an answer that
mentions later ("time to come back to things later") is still an answer."""

from __future__ import annotations

import re

from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, meaning

_PUT_OFF = re.compile(
    r"\b(?:finish|do|complete|continue|carry on(?: with)?|answer|come back to|get back to|"
    r"pick up|return to)\s+(?:(?:this|it|the rest(?: of (?:it|this|them))?|the survey|"
    r"the check-?in|these|them|the questions)\s+)?(?:later|another time|tomorrow|tonight|"
    r"in a bit|after)\b"
    r"|\bpick (?:this|it) (?:back )?up\b"
    r"|^\W*(?:(?:sorry|oh|ah)\W+)?(?:got(?:ta)? to go|gotta go|have to go|need to go|g2g|brb)\b",
    re.IGNORECASE,
)


def puts_off(text: str) -> bool:
    """Whether a reply puts the question off until later, rather than answering it."""
    return meaning(text) is Meaning.LATER or _PUT_OFF.search(normalise(text)) is not None


_NOT_YET = re.compile(
    r"\b(?:(?:don't|do not|haven't|have not|not) (?:got|have) (?:it|one|that|them) yet"
    r"|(?:(?:i'll|i will|let me|can i|i can) )?(?:add|send|paste|give|upload|do) (?:it|this|that|them)"
    r" (?:later|another time|tomorrow|next week)"
    r"|still (?:waiting|chasing) (?:for|on) (?:it|them|that))\b",
    re.IGNORECASE,
)


def not_yet(text: str) -> bool:
    """Whether a short reply says that what was asked for isn't to hand yet ("later", "not
    yet", "I don't have it yet", "I'll send it later"), rather than giving it."""
    if len(text.split()) > 8:
        return False  # a pasted answer that mentions later is still the answer
    return puts_off(text) or _NOT_YET.search(normalise(text)) is not None
