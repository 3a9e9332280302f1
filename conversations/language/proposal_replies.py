"""What a typed reply to a meeting proposal (or a move) says, for
``conversations.dialogs.meeting_answers``:
- "yes that works", "ok", "accept", "thurs 10 is good for me": accepted;
- "sorry can't do Thursday, how about Friday at 2?", "yes but I've only got 45 mins", "could we
  make it f2f instead?": a counter-proposal, first class: the new time, length or way of meeting
  is shown to confirm and then sent back to the proposer (it replaces the proposal, as the
  *Suggest another time* button does);
- "same time but a week later?", "push it back an hour": a counter-proposal, moved from the
  proposed time;
- "no, I'm away that week", "sorry no can't make thurs", "thurs is out for me", "I'm in clinic
  then": declined, the words kept as the reason (through the same patient-data guard and safety
  check as a typed reason); so is "in clinic then, mornings are better" (free times, not one
  time: passed on, never made into a time);
- "sorry, thurs 10?" (a hedge, no clear yes): asked again with the buttons, never confirmed;
- a worry said with it ("ok, but I want to end our pairing"): no answer here, so the concern
  path takes it and the proposal stays open;
- "can we keep the original time?" on a move: the move is declined and the meeting stays.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from conversations.intents import raises_a_concern
from conversations.language import concerns as worries
from conversations.language.availability import (
    agrees,
    gives_window,
    hedges,
    keeps_original,
    offers_another,
    refuses,
    shift,
)
from conversations.language.away import says_away
from conversations.language.meeting_facts import Clocked, Facts, read_facts
from conversations.language.normalise import normalise
from conversations.language.vocabulary import Meaning, meaning
from conversations.safety import notice_concern
from conversations.self_harm import about_self_harm


class Proposed(Protocol):
    """The meeting a reply answers (a ``storage.models.Meeting``)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def duration_minutes(self) -> int: ...

    @property
    def mode(self) -> str: ...

    @property
    def replaces_id(self) -> int | None: ...


_FIRST_CLAUSE = re.compile(r"[,.;!]")
_PARTS = re.compile(r"[,;!?]|\.(?!\d)|\bbut\b", re.I)


class Reply(StrEnum):
    ACCEPT = "accept"
    COUNTER = "counter"
    DECLINE = "decline"
    KEEP = "keep"
    UNSURE = "unsure"  # an answer, but not a clear yes: asked again, never confirmed


def _differs(facts: Facts, meeting: Proposed) -> bool:
    return bool(
        (facts.at is not None and facts.at != meeting.starts_at)
        or (facts.minutes is not None and facts.minutes != meeting.duration_minutes)
        or (facts.mode is not None and facts.mode != meeting.mode)
        or facts.problems
    )


def _offered(ctx: Clocked, text: str, meeting: Proposed) -> Facts:
    """What the reply says about a time: the last part of it that offers something new
    ("can't do Tuesday, how about Wednesday at 2?" offers Wednesday), else the whole of it."""
    whole = _facts(ctx, text, meeting)
    parts = [p for p in _PARTS.split(text) if p.strip()]
    if len(parts) > 1:
        for part in reversed(parts):
            facts = _facts(ctx, part, meeting)
            if _differs(facts, meeting):
                # "f2f instead? im at riverside that day": the place may be in another part.
                facts.location = facts.location or whole.location
                return facts
    return whole


def _facts(ctx: Clocked, text: str, meeting: Proposed) -> Facts:
    """The facts in ``text``, read as typed or, when that finds no moment, as normalised
    ("weds 11th" is "wednesday 11th")."""
    facts = read_facts(text, ctx, base=meeting.starts_at, agenda="none")
    if facts.at is None and facts.day is None and not facts.problems:
        plain = read_facts(normalise(text), ctx, base=meeting.starts_at, agenda="none")
        if plain.at is not None or plain.problems:
            facts.at, facts.problems, facts.notes = plain.at, plain.problems, plain.notes
    return facts


def _says_a_worry(text: str) -> bool:
    return (
        worries.kind(text) is not None
        or worries.wants_to_raise(text)
        or raises_a_concern(text)
        or notice_concern(text) is not None
        or about_self_harm(text)
    )


def read_reply(ctx: Clocked, text: str, meeting: Proposed) -> tuple[Reply, Facts] | None:
    """What a typed reply says to a proposal, or None when it is not an answer to it."""
    if _says_a_worry(text):
        # "ok, but honestly I want to end our pairing": the worry goes to the concern path
        # first; the proposal stays open for its answer.
        return None
    facts = _offered(ctx, text, meeting)
    plain = normalise(text)
    # The whole reply, or its first clause ("lovely, I'll book a room").
    said = meaning(text) or meaning(_FIRST_CLAUSE.split(plain, 1)[0])
    # "sorry, I'm on annual leave until Monday": being away turns the time down; so does
    # "thurs is out for me", "I'm in clinic then", "doesn't suit"; "no worries" does not.
    negative = refuses(text) or says_away(text)
    if said is Meaning.NO and not negative:
        said = Meaning.YES if agrees(text) else None
    if meeting.replaces_id is not None and keeps_original(plain):
        return Reply.KEEP, facts
    if (moved := shift(text)) is not None and not says_away(text):
        # "same time but a week later?", "push it back an hour": a new time, from this one.
        return Reply.COUNTER, replace(
            facts, at=meeting.starts_at + moved, day=None, problems=[], options=(), wall=None
        )
    if gives_window(text) and said is not Meaning.YES:
        # "in clinic then, mornings are better": no one time to put back, so a no, with the
        # free times passed on as its reason (a time is never made up from a stretch).
        return Reply.DECLINE, facts
    if _differs(facts, meeting):
        if negative and not offers_another(plain):
            # "no sorry, on leave til monday": a refusal with its reason, not a new time.
            return Reply.DECLINE, facts
        return Reply.COUNTER, facts
    if negative:
        return Reply.DECLINE, facts
    if said is Meaning.YES:
        return Reply.ACCEPT, facts
    if facts.at == meeting.starts_at:
        # "thurs at 10 suits me": the time named is a yes; after "sorry," or "hmm" it is not.
        return (Reply.UNSURE if hedges(text) else Reply.ACCEPT), facts
    if hedges(text):
        return Reply.UNSURE, facts
    return None
