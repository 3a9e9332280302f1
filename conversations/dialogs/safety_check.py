"""The safety check: a step every dialog that saves free text runs just before saving it, once.

When what someone wrote for something else (a diary entry, minutes, a check-in answer, a contract
field) reads like a concern (``conversations.safety.notice_concern``), nothing is saved yet:
``gate`` asks whether to send it to the project lead now (``send``: the concern dialog's own
path, one ``Concern`` row and one lead-channel alert, urgent for safety) or keep it where it
was written (the dialog's ``Wording``). After sending, ``step`` asks whether to keep it there
too; the dialog then carries on (its ``save``, or its ``leave_out`` of the noticed texts). The
state's ``CHECKED`` list holds the texts already asked about, so the person is asked once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from conversations.dialogs.base import Context, Turn
from conversations.language import concerns as worries
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.safety import Noticed, notice_concern, wants_it_kept, wants_it_sent
from conversations.self_harm import SELF_HARM_HELP, about_self_harm
from storage.models import Role

SEND = "safety:send"
KEEP = "safety:keep"
ALSO_KEEP = "safety:also_keep"
LEAVE_OUT = "safety:leave_out"

STEP = "safety"  # the step a dialog is in while the check waits for an answer
CHECKED = "safety_checked"  # the state key of the texts already asked about
NOTICED = "safety"  # the state key of what was noticed: {"kind": ..., "texts": [...]}

KEPT = "OK, I haven't sent it to anyone. If you change your mind, type *raise a concern*."


def checked(state: dict[str, Any]) -> list[str]:
    return list(state.get(CHECKED, []))


def notice(ctx: Context, state: dict[str, Any], texts: list[str]) -> dict[str, Any] | None:
    """What reads like a concern among ``texts`` that the person was not yet asked about (never
    for someone who is not a mentee or mentor: they raise concerns elsewhere)."""
    from conversations.dialogs import concerns  # the concern dialog is built from the kit

    if not ctx.roles & {Role.MENTEE.value, Role.MENTOR.value}:
        return None
    done = set(checked(state))
    found = [
        (t, Noticed.SAFETY if about_self_harm(t) else notice_concern(t))
        for t in texts
        if t and t not in done
    ]
    flagged = [t for t, kind in found if kind is not None]
    if not flagged:
        return None
    harm = [about_self_harm(t) for t in flagged]
    safety = any(kind is Noticed.SAFETY for _, kind in found)
    return {
        "only_self_harm": all(harm),
        "kind": (Noticed.SAFETY if safety else Noticed.BULLYING).value,
        "texts": flagged,
        "self_harm": any(harm),
        "readers": concerns.readers(ctx, concerns.only_pairing(ctx)),
    }


def mark_checked(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with the noticed texts recorded as asked about, and the notice dropped."""
    noticed = state.get(NOTICED) or {}
    rest = {k: v for k, v in state.items() if k != NOTICED}
    return {**rest, CHECKED: [*checked(state), *noticed.get("texts", [])]}


@dataclass(frozen=True)
class Wording:
    """How a dialog words the check: where the text would be kept, and who could read it."""

    keep: str  # "Keep it in my diary only"
    also_ask: str  # "Would you also like to keep it in your diary? Only you can read it."
    also_keep: str  # "Yes, keep it in my diary"
    who_reads: str = ""  # "Tom can read the minutes."
    not_yet: str = "I haven't saved anything yet."


def shared_wording(thing: str, reader: str, *, sent: bool = False) -> Wording:
    """The wording for text another person reads: ``thing`` is e.g. "the minutes", ``reader``
    e.g. "Tom"; ``sent`` when it goes to them (an agenda) rather than being kept for them."""
    sees = f"{reader} will see {thing}." if sent else f"{reader} can read {thing}."
    return Wording(
        keep=f"Keep it in {thing} only",
        also_ask=f"{sees} Shall I keep what you wrote there too?",
        also_keep=f"Yes, keep it in {thing}",
        who_reads=sees,
        not_yet=f"I haven't sent anything to {reader} yet." if sent else Wording.not_yet,
    )


def gate(ctx: Context, state: dict[str, Any], texts: list[str], wording: Wording) -> Turn | None:
    """Before saving ``texts``: ask about any that read like a concern, or None to save now.
    ``state`` must hold what the dialog needs to save later; the step becomes ``STEP``."""
    noticed = notice(ctx, state, texts)
    if noticed is None:
        return None
    asking = {**state, "step": STEP, NOTICED: noticed}
    return Turn(replies=prompt(asking, wording), state=asking)


def prompt(state: dict[str, Any], wording: Wording) -> list[Part]:
    """Ask again what the check is waiting for."""
    noticed = state[NOTICED]
    if noticed.get("sent"):
        return [also_keep_question(wording)]
    if noticed.get("only_self_harm"):
        # About their own wellbeing, not a patient's: said as such, never as a case.
        sounds = (
            "You don't have to carry this on your own. If you'd like, the project lead can "
            "be told, so someone in the scheme can check in with you."
        )
    elif noticed["kind"] == Noticed.SAFETY.value:
        sounds = "This sounds like it may be a safeguarding or patient safety concern."
    else:
        sounds = "This sounds like it may be about bullying or harassment."
    who = f" {wording.who_reads}" if wording.who_reads else ""
    # Whatever they choose next, someone who wrote that they want to die hears where to turn.
    help_now = [Text(SELF_HARM_HELP)] if noticed.get("self_harm") else []
    return [
        *help_now,
        Text(f"{sounds} {wording.not_yet}{who}"),
        Question(
            "Shall I send it to the project lead now? Only "
            f"{noticed.get('readers') or 'the project lead and the steering group'} would see it.",
            (Choice("Send it to the lead", SEND), Choice(wording.keep, KEEP)),
        ),
    ]


def step(
    ctx: Context,
    state: dict[str, Any],
    msg: Incoming,
    wording: Wording,
    *,
    save: Callable[[dict[str, Any]], Turn],
    leave_out: Callable[[dict[str, Any], list[str]], Turn],
    pairing_id: int | None = None,
) -> Turn:
    """Take the answer: keep (``save``), or send to the lead and then ask whether to keep it
    too (``save``) or leave it out (``leave_out``, given the texts to leave out)."""
    noticed = state[NOTICED]
    if noticed.get("sent"):
        also = wants_it_kept(msg.text, wording.also_keep)
        picked = _picked(msg.action, also, ALSO_KEEP, LEAVE_OUT)
        if picked == ALSO_KEEP:
            return save(mark_checked(state))
        if picked == LEAVE_OUT:
            return leave_out(mark_checked(state), list(noticed["texts"]))
        return _again(state, wording)
    wants = wants_it_sent(msg.text, wording.keep)
    if wants is None and worries.keeps_it(msg.text):
        wants = False
    picked = _picked(msg.action, wants, SEND, KEEP)
    if picked == KEEP:
        kept = f"{KEPT}\n{SELF_HARM_HELP}" if noticed.get("self_harm") else KEPT
        return with_note(kept, save(mark_checked(state)))
    if picked == SEND:
        sent = send(ctx, noticed, pairing_id)
        asking = {**state, NOTICED: {**noticed, "sent": True}}
        return replace(sent, replies=[*sent.replies, also_keep_question(wording)], state=asking)
    return _again(state, wording)


def with_note(note: str, turn: Turn) -> Turn:
    """``turn`` with ``note`` said first ("I've left that out of ...")."""
    return replace(turn, replies=[Text(note), *turn.replies])


def _again(state: dict[str, Any], wording: Wording) -> Turn:
    return Turn(
        replies=[Text("Please choose one of these."), *prompt(state, wording)[-1:]],
        state=state,
        advanced=False,
    )


def _picked(action: str | None, said: bool | None, yes: str, no: str) -> str | None:
    """The button pressed (``yes`` or ``no``), else what the typed answer said (None: neither)."""
    if action in (yes, no):
        return action
    return None if said is None else (yes if said else no)


def send(ctx: Context, noticed: dict[str, Any], pairing_id: int | None = None) -> Turn:
    """Raise the noticed text as a concern (urgent when it is about safety); about the person's
    only active pairing unless the dialog names one."""
    from conversations.dialogs import concerns  # the concern dialog is built from the kit

    if pairing_id is None:
        pairing_id = concerns.only_pairing(ctx)
    safety = noticed["kind"] == Noticed.SAFETY.value
    category = concerns.Category.SAFETY if safety else concerns.Category.BULLYING
    return concerns.raise_concern(ctx, category, "\n\n".join(noticed["texts"]), pairing_id)


def also_keep_question(wording: Wording) -> Question:
    """After sending: whether to keep the text where it was written too."""
    return Question(
        wording.also_ask,
        (Choice(wording.also_keep, ALSO_KEEP), Choice("No, leave it out", LEAVE_OUT)),
    )
