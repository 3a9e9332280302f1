"""How applicants and reviewers talk about applications: "show my application" in the middle of
the form, "my top three: Kit, Eve, Ian" (the list after its lead-in), and a reviewer's verdict in
their own words ("reject - no budget yet", "not sure whether a team of nine counts", "conflicted").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.language.choices import pick
from conversations.language.vocabulary import Meaning, as_typed, leading
from conversations.messages import Choice

# "my application", "show my application", "can I check the application": a look at it.
_SEE = re.compile(
    r"^\W*(?:(?:show|view|see|read|check)\s+(?:me\s+)?)?my application\b"
    r"|\b(?:show|view|see|read|check)\b.*\bapplication\b",
    re.I,
)
# Where the lead-in of a list given in one message ends: "my top three: ...", "... are ...".
_LEAD_IN = re.compile(r":|\b(?:are|is)\b")
_CONFLICT = re.compile(r"^conflict(?:ed| of interest)?\W*", re.I)

ACCEPT, REJECT, UNSURE, SKIP, KEEP = "accept", "reject", "unsure", "skip", "keep"
VERDICTS = tuple(
    Choice(label, "verdict", value)
    for label, value in (
        ("Accept", ACCEPT),
        ("Reject", REJECT),
        ("Unsure", UNSURE),
        ("Skip for now", SKIP),
        ("Keep it", KEEP),
    )
)
# What an answer in the shared vocabulary means as a verdict ("yes" accepts, "dunno" is unsure).
_MEANT = {
    Meaning.YES: ACCEPT,
    Meaning.NO: REJECT,
    Meaning.UNSURE: UNSURE,
    Meaning.SKIP: SKIP,
    Meaning.LATER: SKIP,
}


def asks_to_see_application(text: str) -> bool:
    """ "my application", "show me my application": asking to look at it, not an answer."""
    return _SEE.search(text) is not None


def listed_after(text: str) -> str | None:
    """ "my top three: Kit, Eve, Ian" or "my choices are Kit and Eve": the list after the
    lead-in (None when there is no lead-in)."""
    head = _LEAD_IN.split(text, maxsplit=1)
    return head[1] if len(head) == 2 else None


def read_verdict(text: str, choices: Sequence[Choice] = VERDICTS) -> tuple[str, str] | None:
    """(accept / reject / unsure / skip / keep, the reason that follows) from typed words: a
    yes, no or not sure in people's own words, or a choice ("reject - no budget yet", "2"). A
    conflict of interest is a reason not to decide."""
    said = text.strip()
    if said.lower().startswith("conflict"):  # "conflicted", "conflict of interest: ..."
        return UNSURE, _CONFLICT.sub("", said) or "Conflict of interest."
    reading = leading(said)
    if reading is not None and reading.meaning in _MEANT:
        verdict = _MEANT[reading.meaning]
        return verdict, "" if verdict == SKIP else as_typed(said, reading.rest)
    words = said.split()
    for size in range(1, min(3, len(words)) + 1):  # "reject - ...", "I accept: ..."
        head = " ".join(words[:size])
        choice = pick(head.rstrip(":-–,.;!"), choices, by_meaning=False)
        if choice is not None:
            rest = said[len(head) :].strip(" :-–,.;!")
            return choice.value, "" if choice.value in (SKIP, KEEP) else rest
    return None
