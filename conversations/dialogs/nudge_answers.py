"""A check-in that opened, a contract to sign, the fit check or a lead alert, answered by
typing in a later turn.

The nudge asks "Answer it now?" / "Shall we do it now?" with a button that starts the journey.
Here the same question stays open (``conversations.open_questions``) while it can still be
answered: the check-in open and not yet answered by this person, the contract not yet signed by
them. "yes", "ok, go on" starts it where the button would; "later" and "no" get a short kind
reply saying when it is due and what to type, and leave it open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial

from conversations.dates import format_day
from conversations.dialogs import lead
from conversations.dialogs.base import Context, Registry, say
from conversations.dialogs.checkins import CheckinDialog
from conversations.dialogs.matching import FIT_KIND
from conversations.dialogs.matching.contract import ContractDialog
from conversations.dialogs.matching.fit import FitDialog
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName
from conversations.language.alerts import acknowledges
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Incoming, Question, part_from_json
from conversations.open_questions import Answered, OpenQuestion
from storage import (
    contract_queries,
    lead_queries,
    matching_queries,
    nudge_queries,
    queries,
    survey_queries,
)
from storage.access import STEERING_ROLES
from storage.models import FitAnswer

# A contract reminder is an open question for this long (its reminders come a week apart).
_CONTRACT_ASKED = timedelta(days=30)


def _taking(*meanings: Meaning) -> Callable[[Context, str], bool]:
    """An open question's ``fits``: a reply whose meaning is one of ``meanings``."""
    return lambda ctx, text: meaning(text) in meanings


# "Shall we do it now?" takes a yes, a no or a "later".
_NOW_OR_LATER = _taking(Meaning.YES, Meaning.NO, Meaning.LATER, Meaning.SKIP)


def _asked(ctx: Context, intent: IntentName, since: datetime) -> datetime | None:
    """When a nudge offering to start ``intent`` (its button) last reached the person."""
    wanted = INTENT_ACTION_PREFIX + intent.value
    for row in nudge_queries.nudges_sent_to(ctx.session, ctx.person_id, since):
        for part in map(part_from_json, row.parts):
            if isinstance(part, Question) and any(c.action == wanted for c in part.choices):
                return row.sent_at
    return None


def _checkin_answer(ctx: Context, msg: Incoming, survey_id: int) -> Answered:
    survey = survey_queries.survey_open_to(ctx.session, ctx.person_id, survey_id, ctx.today)
    if survey is None:
        return Answered(say("That check-in has closed now."))
    if meaning(msg.text) is Meaning.YES:
        dialog = CheckinDialog()
        return Answered(dialog._begin(ctx, survey, []), dialog.name)
    return Answered(
        say(
            f"No problem. The {survey.title} is open until "
            f"{format_day(survey.closes_on)}: type *check in* when you're ready."
        )
    )


def open_checkins(ctx: Context) -> list[OpenQuestion]:
    """Check-ins and evaluations nudged to this person, still open and not yet answered."""
    questions: list[OpenQuestion] = []
    for survey in survey_queries.surveys_open_to(ctx.session, ctx.person_id, ctx.today):
        assert survey.id is not None
        if survey_queries.own_response(ctx.session, ctx.person_id, survey.id) is not None:
            continue
        opened = datetime.combine(survey.opens_on, time(), tzinfo=ctx.tz)
        if (asked := _asked(ctx, IntentName.CHECKIN, opened)) is not None:
            answer = partial(_checkin_answer, survey_id=survey.id)
            label = f"The {survey.title}"
            questions.append(
                OpenQuestion(f"survey:{survey.id}", asked, label, _NOW_OR_LATER, answer)
            )
    return questions


def _contract_answer(ctx: Context, msg: Incoming, pairing_id: int) -> Answered:
    pairing = contract_queries.pairing_of(ctx.session, ctx.person_id, pairing_id)
    if meaning(msg.text) is Meaning.YES and pairing is not None:
        dialog = ContractDialog()
        return Answered(dialog._open(ctx, pairing, {}), dialog.name)
    return Answered(say("No problem. Type *contract* when you're ready to look at it."))


def open_contracts(ctx: Context) -> list[OpenQuestion]:
    """Contracts this person was nudged to sign and has not signed yet."""
    asked = _asked(ctx, IntentName.CONTRACT, ctx.now - _CONTRACT_ASKED)
    if asked is None:
        return []
    return [
        OpenQuestion(
            f"contract:{pairing.id}",
            asked,
            f"Your contract with {ctx.name_of(queries.partner_of(pairing, ctx.person_id))}",
            _NOW_OR_LATER,
            partial(_contract_answer, pairing_id=pairing.id or 0),
        )
        for pairing, _contract in queries.unsigned_contracts(ctx.session, ctx.person_id)
    ]


# "How does the pairing feel?" (good fit / still deciding / not a good fit), asked after the
# first minutes: "yes, going well" is a good fit, "not sure yet" still deciding. A "no" is not
# read as "not a good fit" (that ends a pairing): the person is asked to say so in words.
_FIT_MEANINGS = {Meaning.YES: FitAnswer.GOOD_FIT, Meaning.UNSURE: FitAnswer.STILL_DECIDING}


def _fit_answer(ctx: Context, msg: Incoming, pairing_id: int) -> Answered:
    fit = _FIT_MEANINGS.get(meaning(msg.text) or Meaning.NONE)
    pairing = matching_queries.fit_pairing(ctx.session, ctx.person_id, pairing_id)
    if fit is None or pairing is None:
        return Answered(
            say(
                "Thanks for telling me. If the pairing doesn't feel right, say *not a "
                "good fit*; if it's too early to tell, say *still deciding*."
            )
        )
    return Answered(FitDialog()._answer(ctx, pairing, fit))


def open_fit_checks(ctx: Context) -> list[OpenQuestion]:
    """The "how does the pairing feel?" question, sent after the first minutes, unanswered."""
    return [
        OpenQuestion(
            f"fit:{pairing.id}",
            sent_at,
            f"How the pairing with {ctx.name_of(queries.partner_of(pairing, ctx.person_id))} feels",
            _taking(*_FIT_MEANINGS, Meaning.NO),
            partial(_fit_answer, pairing_id=pairing.id or 0),
        )
        for pairing, sent_at in matching_queries.fit_unanswered(
            ctx.session, ctx.person_id, FIT_KIND
        )
    ]


# An alert in the lead channel (a concern) asks the lead and steering group to act on it; "ok,
# on it" or "ack" typed later, with no reference, acknowledges it.
def _alert_fits(ctx: Context, text: str) -> bool:
    return meaning(text) is Meaning.YES or acknowledges(text)


def _alert_answer(ctx: Context, msg: Incoming, ref: str) -> Answered:
    return Answered(lead.act(ctx, msg, Intent(IntentName.LEAD_ACTION, f"ack {ref}")))


def open_alerts(ctx: Context) -> list[OpenQuestion]:
    """Concern alerts this person may acknowledge, not yet acknowledged by anyone."""
    if not ctx.roles & set(STEERING_ROLES) and "lead" not in ctx.roles:
        return []
    alerted = lead_queries.alerted_unacknowledged(ctx.session)
    return [
        OpenQuestion(
            f"alert:{ref}", at, f"Alert {ref}", _alert_fits, partial(_alert_answer, ref=ref)
        )
        for ref, at in ((f"C{concern.id}", sent_at) for concern, sent_at in alerted)
        if lead_queries.alert_for(ctx.session, ctx.person_id, ref, "ack") is not None
    ]


def register(registry: Registry) -> None:
    """Check-ins that opened and contracts to sign are open questions for their reader."""
    registry.open_questions += [open_checkins, open_contracts, open_fit_checks, open_alerts]
