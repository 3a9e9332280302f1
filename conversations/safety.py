"""Noticing a concern in what people write: one reading for every dialog.

Map:
- ``names_safety``: the message *names* a safety topic (safeguarding, patient safety, fitness to
  practise, harm, abuse, danger). Used where the person is already raising a concern, so naming
  the topic is enough to pick the category.
- ``wants_it_sent`` / ``wants_it_kept``: typed answers to "Shall I send it to the project lead
  now?" and, afterwards, "Shall I keep what you wrote there too?".
- ``notice_concern``: free text written for something else (a diary entry, minutes, a check-in
  answer, a contract field) *describes* something that may need the project lead: harm, abuse,
  self-harm, a patient put at risk, unsafe practice (``Noticed.SAFETY``, urgent), or bullying,
  harassment, discrimination (``Noticed.BULLYING``). Talking *about* a topic does not count:
  "we discussed patient safety culture in the QI project", "safeguarding training", "our
  anti-bullying policy", "no safeguarding concerns", nor does a rule about what would happen
  ("what we discuss stays between us unless someone is at risk"). When in doubt it notices: the
  dialog then
  asks, it never acts on its own.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Noticed(StrEnum):
    SAFETY = "safety"
    BULLYING = "bullying"


_NAMES_SAFETY = re.compile(
    r"safeguard|patient safety|fitness to practi[sc]e|unsafe|\bharm|\babus|\bat risk\b|\bdanger",
    re.I,
)

# Words that turn a topic into talk about the topic: "safeguarding training", "bullying policy".
_TOPIC_NOUNS = (
    r"training|policy|policies|culture|module|course|workshop|webinar|lecture|teaching|session"
    r"|framework|strategy|agenda|audit|project|programme|program|lead|leads|team|committee"
    r"|champion|update|refresher|e-?learning|level \d|awareness|week|day|conference|talk"
    r"|presentation|reduction|minimi[sz]ation|prevention|register|review|standards?|metrics?"
    r"|data|initiative|improvement|qi|priorit(?:y|ies)|theme|topic|competenc(?:y|ies)"
)
_NEUTRAL_AFTER = re.compile(rf"[\s-]*(?:{_TOPIC_NOUNS})\b", re.I)
_NEGATED_BEFORE = re.compile(
    r"\b(?:no|not any|nothing|never|without|free of|anti)[\s-]+(?:\w+[\s-]+)?$", re.I
)
# A rule about what would happen, not something that happened: "unless someone is at risk".
_HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:unless|in case|if ever|should|if\s+(?:someone|anyone|a patient|there)\b)(?:\W+\w+){0,6}\W*$",
    re.I,
)
_IF_BEFORE = re.compile(r"\bif\s+$", re.I)
_ANYONE = re.compile(r"(?:someone|anyone|a patient|there)\b", re.I)
_PEOPLE = (
    r"(?:patients?|child(?:ren)?|bab(?:y|ies)|someone|people|staff|colleagues?|residents?"
    r"|service\s+users?|clients?|a\s+nurse|a\s+doctor|he|she|they|them|him|her|me|us)"
)
_SAFETY = re.compile(
    rf"""\b(?:
    self[\s-]?harm\w* | suicid\w* | kill(?:ing)?\s+(?:my|him|her|them)sel(?:f|ves)
    | end(?:ing)?\s+(?:my|his|her|their)\s+life | take\s+(?:my|his|her|their)\s+own\s+life
    | hurt(?:ing)?\s+(?:my|him|her|them)sel(?:f|ves) | want(?:s|ed)?\s+to\s+die
    | abus(?:e|ed|es|ing|ive) | assault\w* | violen(?:t|ce)
    | (?:signs\s+of\s+|child\s+|self[\s-])?neglect\b | neglectful
    | neglected\s+(?:a\s+|the\s+)?(?:patient|child|resident|baby)s?
    | groom(?:ed|ing)\s+(?:a|the|him|her|them|children|child|young|vulnerable|patients?)
    | hit(?:s|ting)?\s+{_PEOPLE} | touched\s+{_PEOPLE}
    | (?:confidentiality|data)\s+breach\w* | breach\w*\s+(?:of\s+)?(?:patient\s+)?confidentiality
    | inappropriate(?:ly)?\s+(?:touch\w*|contact|relationship|images?|photos?|messages?)
    | harm | harmed | hurt | injured | came\s+to\s+harm
    | {_PEOPLE}\s+(?:(?!unless\b|if\b)\w+\s+){{0,3}}(?:at\s+risk|in\s+danger)
    | at\s+risk\s+of\s+(?:harm|abuse|neglect|injury|death|dying)
    | put\w*\s+(?:\w+\s+){{0,2}}{_PEOPLE}\s+(?:\w+\s+){{0,2}}at\s+risk
    | in\s+danger | danger\s+to
    | dangerous(?:ly)?\s+(?:practice|care|staffing|levels?|situation|behaviou?r|conditions?)
    | not\s+safe | unsafe | safeguarding
    | patient\s+safety\s+(?:concern|issue|incident|risk|event|problem)s?
    | near[\s-]miss(?:es)? | never\s+events? | serious\s+incidents?
    | wrong\s+(?:drug|dose|medication|medicine|patient|site|limb|blood)
    | (?:drunk|intoxicated|under\s+the\s+influence|high)\s+(?:at|on|during)\s+(?:work|shift|duty)
    | (?:came|comes|turned\s+up)\s+(?:in|to\s+work|on\s+shift)\s+(?:drunk|intoxicated)
    | falsif\w+ | fabricat\w+\s+(?:the\s+)?(?:records?|notes|results|data)
    | cover(?:ed|ing)?\s+(?:it\s+|this\s+|that\s+)?up | fitness\s+to\s+practi[sc]e
    | left\s+(?:\w+\s+){{0,2}}unattended
    | threat(?:en\w*)?\s+(?:to\s+)?(?:kill|hurt|harm)
    )\b""",
    re.I | re.X,
)
_BULLYING = re.compile(
    rf"""\b(?:
    bull(?:y|ies|ied|ying) | harass\w* | victimi[sz]\w* | discriminat\w* | belittl\w*
    | intimidation | intimidat(?:ed|es|ing)\s+{_PEOPLE} | humiliation
    | humiliat(?:ed|es|ing)\s+{_PEOPLE} | racis[mt]\w* | sexis[mt]\w* | homophob\w*
    | transphob\w* | shout(?:s|ed|ing)?\s+at\s+{_PEOPLE} | scream(?:s|ed|ing)?\s+at
    | threaten\w* | (?:afraid|scared|frightened)\s+of\s+(?:him|her|them|my|our|the)
    )\b""",
    re.I | re.X,
)


def names_safety(text: str) -> bool:
    """Whether ``text`` names a safety topic (for someone already raising a concern)."""
    return _NAMES_SAFETY.search(text) is not None


def _describes(pattern: re.Pattern[str], text: str) -> bool:
    for match in pattern.finditer(text):
        if _NEUTRAL_AFTER.match(text, match.end()):
            continue
        if _NEGATED_BEFORE.search(text, 0, match.start()):
            continue
        if _HYPOTHETICAL_BEFORE.search(text, 0, match.start()):
            continue
        if _IF_BEFORE.search(text, 0, match.start()) and _ANYONE.match(match.group()):
            continue
        return True
    return False


def notice_concern(text: str) -> Noticed | None:
    """What ``text`` seems to describe that the project lead may need to know, or None."""
    if _describes(_SAFETY, text):
        return Noticed.SAFETY
    if _describes(_BULLYING, text):
        return Noticed.BULLYING
    return None


_SEND_WORDS = {"send", "send it", "send it to the lead", "yes", "y", "yes please", "please"}
_KEEP_ONLY_WORDS = {"keep", "keep it", "no", "n", "no thanks", "don't send it", "do not send it"}
_KEEP_TOO_WORDS = {"yes", "y", "yes please", "keep", "keep it", "keep it there too", "ok"}
_LEAVE_OUT_WORDS = {"no", "n", "no thanks", "leave it out", "leave out", "remove it"}


def _words(text: str) -> str:
    return " ".join(text.strip().lower().split()).strip(".!")


def wants_it_sent(text: str, keep_label: str) -> bool | None:
    """True for "send it", False for "keep it" (or the dialog's ``keep_label``), else None."""
    word = _words(text)
    if word in _SEND_WORDS:
        return True
    if word in _KEEP_ONLY_WORDS or word == _words(keep_label):
        return False
    return None


def wants_it_kept(text: str, keep_label: str) -> bool | None:
    """True for "yes, keep it there too" (or ``keep_label``), False for "leave it out", else None."""
    word = _words(text)
    if word in _KEEP_TOO_WORDS or word == _words(keep_label):
        return True
    if word in _LEAVE_OUT_WORDS:
        return False
    return None
