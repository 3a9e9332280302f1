"""What people type about actions already agreed: done, undone, re-dated, re-owned, listed.

Map:
- ``read_action_talk(text) -> Talk | None``: what a message asks of the open actions ("sent
  priya the template this morn", "can u tick off the template one", "undo that", "push the
  rota paper to the 13th", "that last action is toms not mine", "whats tom got to do?").
- ``match_actions(said, texts) -> (indices, whole)``: which actions the words describe ("the
  budget thing" is "reconcile the Q4 budget"; "sent" is "send").
- ``covers(said, text)``: whether the words said are the whole action, not just a part.
- ``done_words(text)``: the words naming the action a "done ..." request ticks off.

Pure: no storage, no clock. The dialog that owns actions decides what the words match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["done", "undo", "due", "owner", "list"]


@dataclass(frozen=True)
class Talk:
    """One request about actions. ``what``: the words naming the action ("" for "that last
    one"); ``when``: a new due date as said; ``who``: a person as said ("tom", "me")."""

    kind: Kind
    what: str = ""
    when: str = ""
    who: str = ""
    number: int | None = None  # "2 is done", "done number 2": the action numbered in the list


# Words that point at an action without naming it ("that", "the last one", "the template one").
_FILLER = frozenset(
    """the a an that this it its one thing things stuff bit job task action actions item last
    latest my our your of to for on by with and please pls plz can could would u you i me we
    ive im just already now finally all off done do as mark tick""".split()  # noqa: SIM905
)
_TIME_WORDS = re.compile(
    r"\b(?:this\s+(?:morn(?:ing)?|am|afternoon|pm|evening|week|wk)|today|yesterday|earlier"
    r"(?:\s+today)?|last\s+night|(?:on\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?"
    r"|sun)(?:day)?|just\s+now|at\s+last|finally|already)\b",
    re.I,
)
# Past tenses that are not just "-ed": "sent" is a report of "send".
_IRREGULAR = {
    "sent": "send", "did": "do", "done": "do", "wrote": "write", "written": "write",
    "read": "read", "spoke": "speak", "spoken": "speak", "met": "meet", "gave": "give",
    "given": "give", "got": "get", "made": "make", "had": "have", "took": "take",
    "taken": "take", "told": "tell", "brought": "bring", "bought": "buy", "found": "find",
    "put": "put", "set": "set", "sorted": "sort", "rang": "ring", "paid": "pay",
    "began": "begin", "begun": "begin", "went": "go", "saw": "see", "seen": "see",
    "shared": "share", "fwd": "forward", "fwded": "forward", "emailed": "email",
}  # fmt: skip
_PAST = (
    r"(?:sent|did|done|wrote|written|read|spoke(?:n)?|met|gave|given|got|made|had|took|taken"
    r"|told|brought|bought|found|rang|paid|began|begun|went|saw|seen|fwd(?:ed)?"
    r"|(?!(?:need|feed|speed|seed|bleed|indeed)\b)[a-z]{2,}ed)"
)
_REPORT = re.compile(
    rf"^(?:(?:ok|so|fyi|btw|update)\W+)?(?:i\s*(?:'?ve|\s+have)?\s+|ive\s+|i\s+)?"
    rf"(?:(?:just|already|finally|now)\s+)?(?P<verb>{_PAST})\s+(?P<what>.+)$",
    re.I,
)
_TICK = re.compile(
    r"^(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+|pls\s+)?"
    r"(?:tick|check|cross|mark)\s+(?:off\s+)?(?P<what>.+?)(?:\s+(?:off|as\s+done|done|"
    r"complete(?:d)?|finished))?(?:\s+(?:please|pls|plz))?\W*$",
    re.I,
)
_UNDO = re.compile(
    r"^(?:(?:oops|sorry|no|wait)\W+)?(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+|pls\s+)?"
    r"(?:(?:undo|reopen|re-open|untick|un-tick)\b(?P<what>.*)"
    r"|(?:that|it)\s+(?:was\s*n'?t|wasnt|is\s*n'?t|isnt)\s+(?:done|finished)\b.*)$",
    re.I,
)
# "the rota paper is done", "budget thing sorted ✅", "all done with the CV"
_DONE_AFTER = re.compile(
    r"^(?:(?:all\s+)?(?:done|finished)\s+with\s+(?P<what>.+)"
    r"|(?P<what2>.+?)\s+(?:is\s+|has\s+been\s+|'?s\s+|now\s+)?(?:all\s+)?(?:done|sorted|finished"
    r"|complete(?:d)?|sent|submitted|ticked\s+off)(?:\s+now)?)$",
    re.I,
)
_DUE = re.compile(
    r"^(?:(?:can|could)\s+(?:we|i|u|you)\s+|please\s+|pls\s+|let'?s\s+)?"
    r"(?:push|move|change|shift|put\s+back|bring\s+forward|extend|make|set)\s+"
    r"(?:the\s+(?:due\s+)?date\s+(?:of|for|on)\s+)?(?P<what>.+?)\s+"
    r"(?:back\s+)?(?:to|till|til|until|for|due)\s+(?P<when>.+?)\W*$",
    re.I,
)
# "could the rota paper be moved to the 13th", "the budget one needs pushing to friday": the
# action first, then a word of moving its date.
_DUE_PASSIVE = re.compile(
    r"^(?:(?:can|could|would|should)\s+)?(?P<what>.+?)\s+(?:be|get|gets|is|needs?(?:\s+to\s+be)?"
    r"|(?:can|could)\s+be)\s+(?:pushed|pushing|moved|moving|changed|changing|shifted|shifting"
    r"|put\s+back|putting\s+back|brought\s+forward|bringing\s+forward|extended|extending)"
    r"\s+(?:back\s+)?(?:to|till|til|until|for)\s+(?P<when>.+?)\W*$",
    re.I,
)
# "could the rota paper be due the 13th instead", "can the budget one be due on friday": the
# action, then the day it should now be due.
_DUE_INSTEAD = re.compile(
    r"^(?:can|could|would|should)\s+(?P<what>.+?)\s+(?:be|now\s+be)\s+due\s+(?:on\s+|by\s+)?"
    r"(?P<when>.+?)(?:\s+instead)?(?:\s+(?:please|pls|plz))?\W*$",
    re.I,
)
# "can the rota paper deadline move to the 13th", "move the deadline for the budget one to
# friday", "could the CV due date be pushed back to the 20th": an action's deadline, named as such.
_DUE_DEADLINE = re.compile(
    r"^(?:(?:can|could|would|should)\s+(?:we\s+|i\s+|u\s+|you\s+)?|please\s+|pls\s+|let'?s\s+)?"
    r"(?:(?:push|move|change|shift|extend|put\s+back)\s+(?:the\s+)?(?:deadline|due\s+date)\s+"
    r"(?:of|for|on)\s+(?P<what>.+?)"
    r"|(?:the\s+)?(?P<what2>.+?)(?:['’]s)?\s+(?:deadline|due\s+date)\s+(?:be\s+|get\s+)?"
    r"(?:move|moved|go|change|changed|shift|shifted|push|pushed|extend|extended)?)\s*"
    r"(?:back\s+)?(?:to|till|til|until)\s+(?P<when>.+?)(?:\s+(?:please|pls|plz))?\W*$",
    re.I,
)
# "2", "#2", "no. 2", "number 2", "action 2", "item two": an action by its number in the list.
_NUMBERED = re.compile(
    r"^(?:(?:action|item|task|number|no\.?|num|#)\s*)?#?(?P<n>\d{1,2}|one|two|three|four|five"
    r"|six|seven|eight|nine|ten)$",
    re.I,
)
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_OWNER = re.compile(
    r"^(?P<what>.+?)\s+(?:is|was|should\s+be|belongs\s+to)\s+(?P<who>[a-z]+?)(?:['’]?s)?"
    r"(?:\s*,?\s*not\s+(?:mine|me|hers|his|theirs|[a-z]+['’]?s))?\W*$"
    r"|^(?:give|assign|pass|hand)\s+(?P<what2>.+?)\s+to\s+(?P<who2>[a-z]+)\W*$"
    r"|^(?P<who3>[a-z]+)\s+(?:should|will|is\s+going\s+to|needs?\s+to|can)\s+(?:do|take)\s+"
    r"(?P<what3>.+?)\W*$",
    re.I,
)
# "oops that actions toms not mine", "that one's tom's": the owner said short, apostrophes or not.
_OWNER_SHORT = re.compile(
    r"^(?:(?:oops|sorry|no|wait|actually)\W+)?(?P<what>(?:that|this|the)\s+(?:last\s+)?"
    r"(?:action|one))(?:['’]?s|\s+is)\s+(?P<who>[a-z]+?)['’]?s?\s*,?\s+not\s+(?:mine|me)\W*$",
    re.I,
)
# "drafts gone to tom now", "template sent to priya this am": done, said as where it went.
_DONE_WENT = re.compile(
    r"^(?P<what>.+?)\s+(?:has\s+|have\s+|is\s+|are\s+|['’]s\s+)?(?:been\s+)?(?:gone|sent|emailed"
    r"|posted|shared|submitted|passed|handed)(?:\s+(?:off|over|on))?\s+to\s+(?P<to>[a-z]+)\b.*$",
    re.I,
)
_LIST = re.compile(
    r"^(?:so\s+)?what(?:'?s|\s+is|\s+has|\s+does|\s+do)?\s+(?P<who>[a-z]+)\s+"
    r"(?:got\s+to\s+do|(?:still\s+)?(?:got\s+)?(?:to\s+do|need(?:s)?\s+to\s+do|owe)"
    r"|(?:have|has)\s+to\s+do|on\s+(?:his|her|their|my)\s+(?:list|plate))\b"
    r"|^(?:show\s+(?:me\s+)?|list\s+)?(?P<who2>[a-z]+)['’]?s\s+(?:open\s+)?actions\b"
    r"|^what(?:'?s|\s+is)\s+on\s+(?P<who3>[a-z]+?)(?:['’]?s)?\s+(?:list|plate|to-?do\s+list)\b"
    # "what actions do i have?", "which actions has tom still got", "any actions for tom?"
    r"|^(?:so\s+)?(?:what|which|any)\s+(?:open\s+|outstanding\s+)?(?:actions|action\s+points|tasks)"
    r"\s+(?:(?:do|does|have|has|did)\s+(?P<who4>[a-z]+)\s+(?:still\s+)?(?:got|have|has|own|left)"
    r"|(?:are\s+)?(?:for|with|on)\s+(?P<who5>[a-z]+))\b"
    # "what actions are toms", "which actions r still open for me"
    r"|^(?:so\s+)?(?:what|which)\s+(?:open\s+|outstanding\s+)?actions?\s+(?:are|r)\s+(?:still\s+)?"
    r"(?:open\s+|left\s+|outstanding\s+)?(?:for\s+|with\s+|on\s+)?(?P<who6>[a-z]+?)(?:['’]?s)?"
    r"(?:\s+(?:open|left))?\W*$",
    re.I,
)
_NOT_OWNERS = frozenset(
    {"it", "that", "this", "what", "which", "there", "done", "due", "the", "sent"}
)


def read_action_talk(text: str) -> Talk | None:
    """What ``text`` asks of the actions agreed, or None when it is about something else."""
    said = " ".join(text.replace("’", "'").split()).strip(" .!?🙌👍✅")
    if not said or len(said) > 300:
        return None
    if m := _UNDO.match(said):
        return Talk("undo", (m["what"] or "").strip())
    if m := _LIST.match(said):
        who = m["who"] or m["who2"] or m["who3"] or m["who4"] or m["who5"] or m["who6"]
        return Talk("list", who=who.lower())
    if m := _OWNER_SHORT.match(said):
        return Talk("owner", _described(m["what"]), who=m["who"].lower())
    if m := _OWNER.match(said):
        who = (m["who"] or m["who2"] or m["who3"] or "").lower()
        what = m["what"] or ""
        pointed = re.search(r"\baction|\bone\b|^(?:that|it)\b", what, re.I)
        if who not in _NOT_OWNERS and (pointed or m["what2"] or m["what3"]):
            return Talk("owner", _described(what or m["what2"] or m["what3"]), who=who)
    if m := _DUE_DEADLINE.match(said):
        return Talk("due", _described(m["what"] or m["what2"]), when=m["when"])
    if m := _DUE.match(said) or _DUE_PASSIVE.match(said) or _DUE_INSTEAD.match(said):
        return Talk("due", _described(m["what"]), when=m["when"])
    if (m := _DONE_FIRST.match(said)) and (number := action_number(m["what"])) is not None:
        return Talk("done", m["what"], number=number)  # "done number 2", "finished #2"
    if m := _TICK.match(said):
        return _done(_described(m["what"]))
    if m := _REPORT.match(said):
        return Talk("done", _described(f"{_present(m['verb'])} {m['what']}"))
    if m := _DONE_AFTER.match(said):
        return _done(_described(m["what"] or m["what2"]))
    if m := _DONE_WENT.match(said):
        return _done(_described(f"send {m['to']} {m['what']}"))
    return None


_DONE_FIRST = re.compile(r"^(?:done|finished|completed?)\s*[:\-–]?\s*(?P<what>.+)$", re.I)


def action_number(words: str) -> int | None:
    """The action's number when the words name one only by it ("2", "#2", "number two",
    "action 2", "the 2nd one"), else None."""
    said = " ".join(re.sub(r"\b(?:the|one|please|pls|plz)\b\s*$", "", words.strip(" .!?")).split())
    said = re.sub(r"^(?:the\s+)", "", said, flags=re.I)
    said = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", said)
    if (m := _NUMBERED.match(said)) is None:
        return None
    n = m["n"].lower()
    return int(n) if n.isdigit() else _NUMBER_WORDS.index(n) + 1


def _done(what: str) -> Talk:
    return Talk("done", what, number=action_number(what))


# Words of doing that say nothing about which action ("finished the budget").
_DOING = frozenset({"finish", "complet", "sort", "do"})


def _present(verb: str) -> str:
    verb = verb.lower()
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    return verb[:-2] if verb.endswith("ed") else verb


def _described(words: str) -> str:
    """The words that name the action: time words and fillers dropped."""
    return " ".join(_TIME_WORDS.sub(" ", words).split())


def _stem(word: str) -> str:
    word = _IRREGULAR.get(word, word)
    for end in ("ing", "ed", "es", "s"):
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def words_of(text: str) -> list[str]:
    """The words of ``text`` that tell one action from another, stemmed."""
    found = re.findall(r"[^\W_]+", text.lower().replace("'s", ""))
    return [w for w in (_stem(w) for w in found if w not in _FILLER) if w not in _DOING]


def match_actions(said: str, texts: list[str]) -> tuple[list[int], bool]:
    """The actions (by index) whose words include every word said (a word may be the start of
    one), and True; failing that, those sharing the most words, and False (to ask, not to
    close)."""
    wanted = words_of(said)
    if not wanted:
        return [], False
    scores = []
    for text in texts:
        have = words_of(text)
        scores.append(sum(1 for w in wanted if any(h.startswith(w) for h in have)))
    full = [i for i, hits in enumerate(scores) if hits == len(wanted)]
    if full:
        return full, True
    best = max(scores, default=0)
    return [i for i, hits in enumerate(scores) if best and hits == best], False


def covers(said: str, text: str) -> bool:
    """Whether the words said name the whole action ("done draft business case"), not a part
    of it ("done rota paper" for "send Tom the draft rota paper")."""
    wanted = words_of(said)
    return all(any(w.startswith(h) or h.startswith(w) for w in wanted) for h in words_of(text))


def done_words(text: str) -> str | None:
    """The words naming the action a request to tick one off names ("done 2", "done: the CV",
    "sent priya the template"), or None when it asks something else of the actions."""
    said = text.strip()
    talk = read_action_talk(said)
    if talk is not None and talk.kind != "done":
        return None
    words = said.split(maxsplit=1)
    led = talk is None or said.lower().startswith("done")  # "done" as a word of its own
    if led and words and words[0].lower().strip(":") == "done":
        return words[1] if len(words) > 1 else ""
    return talk.what if talk is not None else said
