"""How people ask about their diary: another person's ("can i see priya's diary"), and
entries about something ("what did i write about the rota", "delete the one about the rota")."""

from __future__ import annotations

import re

from conversations.language.normalise import normalise

_SOMEONE_ELSES = re.compile(r"\b(?P<who>\w+?)'?s\s+diary\b")
_ABOUT = re.compile(r"\babout\s+(?:the\s+|my\s+|our\s+)?(?P<topic>.+?)[\s?.!]*$")
_SMALL = frozenset({"the", "and", "for", "with", "that", "this", "what", "did", "write", "wrote"})


def someone_elses_diary(text: str) -> bool:
    """ "show me priya's diary": a diary not the speaker's own ("my diary" is)."""
    whose = _SOMEONE_ELSES.search(normalise(text))
    return whose is not None and whose.group("who") != "my"


def topic(text: str) -> str | None:
    """What entries are asked about: "the rota" in "what did i write about the rota?"."""
    about = _ABOUT.search(normalise(text))
    return about.group("topic") if about else None


def mentions(body: str, topic: str) -> bool:
    """Whether a text mentions every longer word of a topic (False for a topic of none)."""
    wanted = [w for w in re.findall(r"\w+", topic.lower()) if len(w) > 2 and w not in _SMALL]
    return bool(wanted) and all(w in body.lower() for w in wanted)
