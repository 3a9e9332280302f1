"""The patient data guard: minutes, diary entries, check-in answers and concerns must not hold
patient-identifiable data. Before saving free text, a dialog calls ``find_patient_data``; when it
finds something, it asks (``guard_question``) whether to remove it or save anyway.

What is looked for:
- an NHS number: 10 digits, spaced or not (``943 476 5919``), whose modulus-11 check digit is right;
- a date of birth: a date next to "DOB", "D.O.B.", "date of birth" or "born (on)";
- a hospital number: the scheme's own pattern (``hospital_number_pattern`` in the scheme file).
Matches are never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.language.choices import answer
from conversations.messages import Choice, Part, Question, Text

_NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_DATE = r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4})"
_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*(" + _DATE + r")",
    re.IGNORECASE,
)

GUARD_REMOVE = "guard:remove"
GUARD_KEEP = "guard:keep"
GUARD_EDIT = "guard:edit"


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_patient_data(text: str, hospital_number_pattern: str | None = None) -> list[Finding]:
    """Where ``text`` seems to hold patient-identifiable data, in order of position."""
    found: list[Finding] = []
    for match in _NHS.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            found.append(Finding("an NHS number", match.start(), match.end()))
    for match in _DOB.finditer(text):
        found.append(Finding("a date of birth", match.start(1), match.end(1)))
    if hospital_number_pattern:
        try:
            pattern = re.compile(hospital_number_pattern)
        except re.error:
            pattern = None
        if pattern is not None:
            for match in pattern.finditer(text):
                if not any(f.start <= match.start() < f.end for f in found):
                    found.append(Finding("a hospital number", match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def remove_patient_data(text: str, findings: list[Finding]) -> str:
    """``text`` with each finding replaced by ``[removed]``."""
    result = text
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        result = result[: finding.start] + "[removed]" + result[finding.end :]
    return result


def _kinds(findings: list[Finding]) -> str:
    kinds = list(dict.fromkeys(f.kind for f in findings))
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


GUARD_CHOICES = (
    Choice("Remove it and save", GUARD_REMOVE),
    Choice("Let me rewrite it", GUARD_EDIT),
    Choice("Keep it: it's not patient data", GUARD_KEEP),
)


def guard_question(findings: list[Finding], what: str) -> list[Part]:
    """Ask what to do with text that seems to hold patient data. ``what`` is e.g. "your diary"."""
    return [
        Text(
            f"This looks like it includes {_kinds(findings)}. Patient-identifiable details "
            f"mustn't be kept in {what}. I haven't saved anything yet."
        ),
        Question("What would you like to do?", GUARD_CHOICES),
    ]


def guard_choice(action: str | None, text: str) -> str | None:
    """The guard action a reply chooses (by button or typed words), or None."""
    if action in (GUARD_REMOVE, GUARD_EDIT, GUARD_KEEP):
        return action
    return answer(text, GUARD_CHOICES)
