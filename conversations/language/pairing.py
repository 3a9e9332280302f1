"""What people type about pairings: the steering group's edits to a matching proposal ("swap
A-03 and A-05", "move Cara to Sam Patel", "approve: first choices honoured"), application
references ("a3", "A-03"), conflicts of interest ("Dr Jones is my appraiser", "conflict A-07
jo@example.org line management"), the answer to "how does the pairing feel?", and labelled
parts of one message ("plan: ...; confidentiality: ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, meaning

_EDIT = re.compile(
    r"^\s*(?:(?P<swap>swap|switch|exchange)|(?P<move>move|give|assign|match))\s+(?P<a>.+?)\s+"
    r"(?(swap)(?:and|with|&|<->)|(?:to|with))\s+(?P<b>.+?)[\s.!]*$",
    re.I,
)
_APPROVE = re.compile(
    r"^\s*approve(?:\s+(?:the\s+)?(?:matching|matches|proposal|pairings?))?\s*"
    r"(?:[:\-–,]|because)?\s*(?P<why>.*)$",
    re.I | re.DOTALL,
)
_REFERENCE = re.compile(r"^\s*a-?\s*(\d+)\s*$", re.I)
_BY_REFERENCE = re.compile(r"^\s*conflict\s+(?P<ref>A-?\s*\d+)\s+(?P<rest>.+)$", re.I | re.DOTALL)


@dataclass(frozen=True)
class Edit:
    """A change to a proposal: ``swap`` two mentees' mentors, or ``move`` a mentee to a mentor."""

    verb: str  # "swap" or "move"
    first: str
    second: str


def proposal_edit(text: str) -> Edit | None:
    """ "swap A-03 and A-05", "switch Ana with Ben", "move A-03 to Sam Patel"."""
    found = _EDIT.match(text)
    if found is None:
        return None
    return Edit("swap" if found["swap"] else "move", found["a"], found["b"])


def approval(text: str) -> str | None:
    """The reason given with "approve" ("" when none), or None when it isn't an approval."""
    found = _APPROVE.match(text)
    return found["why"].strip() if found else None


def reference(text: str) -> str | None:
    """An application reference in its written form ("a3", "A-03" -> "A-03"), or None."""
    found = _REFERENCE.match(text.strip().strip("\"'*"))
    return f"A-{int(found.group(1)):02d}" if found else None


def named(said: str, people: Sequence[tuple[int, str, str]]) -> list[int]:
    """The ids of the people (id, full name, reference) ``said`` names: by reference ("a3"),
    by full name, else by first name (case aside)."""
    word = said.strip().strip("\"'*").casefold()
    if ref := reference(word):
        return [pid for pid, _name, r in people if r.upper() == ref]
    exact = [pid for pid, name, _r in people if name.casefold() == word]
    return exact or [pid for pid, name, _r in people if name.split(" ")[0].casefold() == word]


def says_a_name(said: str, names: Iterable[str]) -> bool:
    """Whether a word of ``said`` is a word of one of ``names`` ("priya" for "Priya Shah")."""
    return any(word in name.lower().split() for name in names for word in said.split())


# -- conflicts of interest --------------------------------------------------------------------

# The kinds of conflict, as ConflictKind values, by the words people use for them.
_KINDS = (
    ("educational_supervisor", re.compile(r"educational[\s_]supervis|\bsupervis", re.I)),
    ("appraiser", re.compile(r"\bapprais", re.I)),
    ("line_management", re.compile(r"line[\s_-]?manag|\bmanager\b|\bmanages\b|\breports? to\b", re.I)),
    ("same_department", re.compile(r"department|same team", re.I)),
)  # fmt: skip
_TITLES = re.compile(r"^(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor)\.?\s+", re.I)
_NAMING = (
    re.compile(r"^(?P<who>.+?)\s+(?:is|was|used to be|has been)\s+my\b", re.I),
    re.compile(
        r"\bconflicts?(?:\s+of\s+interest)?\s*(?:with|:|-)?\s*(?P<who>.+?)"
        r"(?:\s*[:,;(]|\s+-\s|\s+(?:as|who|she|he|they|because)\b|$)",
        re.I,
    ),
    re.compile(
        r"^(?P<who>.+?)\s+(?:manages|appraises|supervises|managed|appraised|supervised|"
        r"used to (?:manage|appraise|supervise))\s+me\b",
        re.I,
    ),
)


def conflict_kind(text: str) -> str:
    """The kind of conflict a message names (a ConflictKind value; "other" when none)."""
    return next((kind for kind, pattern in _KINDS if pattern.search(text)), "other")


# What a declaration may open with, asked or told ("is it a problem that ...", "does it matter
# that ...", "just so you know, ..."): not part of the person's name.
_LEAD_IN = re.compile(
    r"^\s*(?:(?:hi|hey|hello|fyi|btw|also|so|um+|erm+)\W+)*"
    r"(?:(?:is|would|will)\s+(?:it|that)\s+(?:be\s+)?(?:a\s+problem|an\s+issue|ok(?:ay)?|alright"
    r"|a\s+conflict(?:\s+of\s+interest)?)|does\s+it\s+matter|do\s+(?:i|you)\s+need\s+to\s+"
    r"(?:know|mention|say|declare)|should\s+i\s+(?:mention|say|declare|tell\s+you)|(?:just\s+)?so\s+"
    r"you\s+know|(?:just\s+)?to\s+let\s+you\s+know|i\s+should\s+(?:mention|say|declare)"
    r"|you\s+should\s+know)\s*,?\s*(?:that\s+)?",
    re.I,
)


def conflict_with(text: str) -> str:
    """The person a conflict is declared with: "Dr Jones is my appraiser" -> "Jones"."""
    text = text.strip().rstrip(".!?")
    text = _LEAD_IN.sub("", text, count=1) or text
    for pattern in _NAMING:
        if found := pattern.search(text):
            return _TITLES.sub("", found["who"].strip().strip("*\"'")).strip()
    return ""


def conflict_by_reference(text: str) -> tuple[str, str] | None:
    """ "conflict A-07 jo@example.org line management" -> ("A-07", "jo@example.org line ...")."""
    found = _BY_REFERENCE.match(text)
    if found is None:
        return None
    ref = reference(found["ref"])
    return (ref, found["rest"].strip()) if ref else None


# -- "how does the pairing feel?" -------------------------------------------------------------

_NOT_A_FIT = re.compile(
    r"\bnot (?:a )?(?:good|great|right) fit\b|\bnot the right fit\b|\bbad fit\b|\bpoor fit\b"
)
_A_FIT = re.compile(r"\b(?:good|great|right) fit\b")
_DECIDING = re.compile(r"\bstill deciding\b|\btoo (?:early|soon)\b")


def fit_answer(text: str) -> str | None:
    """A FitAnswer value for a reply in words ("not a good fit", "too early to tell", "yeah
    really good"), or None. A bare "no" is not "not a good fit" (that ends a pairing)."""
    said = normalise(text)
    if _NOT_A_FIT.search(said):
        return "not_a_good_fit"
    if _DECIDING.search(said) or meaning(said) is Meaning.UNSURE:
        return "still_deciding"
    if _A_FIT.search(said) or meaning(said) is Meaning.YES:
        return "good_fit"
    return None


# -- labelled parts of one message ------------------------------------------------------------


def labelled(text: str, names: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The parts of one message given under their labels ("plan: ...; reach me: ...") by the
    key of each label (``names``: key -> the words that label it)."""
    alternatives = "|".join(
        f"(?P<{key}>{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})"
        for key, words in names.items()
    )
    heads = list(re.finditer(rf"(?<!\w)(?:{alternatives})\s*[:=]\s*", text, re.I))
    found: dict[str, str] = {}
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(text)
        value = text[head.end() : end].strip().rstrip(";,").strip()
        key = next(k for k, v in head.groupdict().items() if v is not None)
        if value:
            found[key] = value
    return found
