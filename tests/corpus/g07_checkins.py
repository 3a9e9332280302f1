"""Corpus section 7: check-ins and evaluations (KIT check-in kit-1 open Mon 16 - Mon 23 Mar;
first evaluation open Mon 27 Apr - Mon 11 May)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.db import transaction
from storage.models import Survey, SurveyResponse
from tests.corpus.setup import from_typed, has, lead_alerts, longest, parts_text, typed
from tests.corpus.world import Row, World, case, expect, instant, meeting, nothing_changed

GOING = "how is the mentoring going"
MET = "how many times have you met"
HIGHLIGHT = "what has been most useful"
FOLLOW_UP = "anything the project team should follow up"
PROGRESS = "how much progress"
FREQUENCY = "how often are you meeting"


def survey_id(w: World, key: str) -> int:
    rows = w.rows("survey", key=key)
    assert rows, key
    return int(rows[0]["id"])


def response(w: World, who: str, key: str = "kit-1") -> Row | None:
    rows = w.rows("survey_response", survey_id=survey_id(w, key), person_id=w.ids[who])
    return rows[0] if rows else None


def answers_so_far(w: World, who: str) -> dict[str, Any]:
    """What ``who`` has answered of a survey in progress (kept in their dialog until sent)."""
    out: dict[str, Any] = {}
    for row in w.rows("dialog_state", person_id=w.ids[who]):
        state = row["state"] or {}
        if isinstance(state.get("values"), dict) and "survey_id" in state:
            out.update(state["values"])
    return out


def answered(w: World, who: str, key: str = "kit-1") -> dict[str, Any]:
    """Answers stored for ``who``: the submitted response's, else those kept in progress."""
    row = response(w, who, key)
    if row is not None:
        return dict(row["answers"])
    return answers_so_far(w, who)


def same(value: Any, want: Any) -> bool:
    return str(value).strip().lower() == str(want).strip().lower()


def empty(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def asking(w: World, question: str) -> bool:
    return question in w.last().rendered.lower()


def start(w: World, who: str, first: str = GOING, *answers: tuple[str, str]) -> None:
    """``who`` starts the open survey by typing and answers ``answers`` ((typed, next question))."""
    w.say(who, "check-in")
    expect(asking(w, first), f"set-up: the survey did not ask {first!r}")
    for said, then in answers:
        w.say(who, said)
        expect(asking(w, then), f"set-up: after {said!r} the survey did not ask {then!r}")


def not_shown_to(w: World, name: str, *secrets: str) -> None:
    for row in w.sent(name):
        if row.get("kind") == "reply":
            continue
        for secret in secrets:
            expect(secret not in parts_text(row), f"{name} was shown {secret!r}")


def met_once(w: World) -> None:
    meeting(w, "2026-03-05T10:00")


@case("survey-001", given=met_once)
def _survey_001(w: World) -> None:
    row = response(w, "priya")
    expect(row is not None, "kit-1 was not submitted")
    assert row is not None
    got = row["answers"]
    expect(same(got.get("going"), 4), f"going = {got.get('going')!r}, wanted 4")
    expect(same(got.get("met"), "Once"), f"met = {got.get('met')!r}, wanted 'Once'")
    expect(same(got.get("highlight"), typed(w, 2)), f"highlight = {got.get('highlight')!r}")
    expect(empty(got.get("follow_up")), f"follow_up = {got.get('follow_up')!r}, wanted empty")
    expect(not row["follow_up_requested"], "a follow-up was requested")
    expect(not lead_alerts(w), "the lead was alerted")
    not_shown_to(w, "tom", longest(w, 2))


@case("survey-002")
def _survey_002(w: World) -> None:
    last = w.last()
    expect(asking(w, GOING), "did not ask 'How is the mentoring going so far?'")
    labels = [c.label.strip() for q in last.questions for c in q.choices]
    expect(
        labels[:5] == ["1", "2", "3", "4", "5"] or has(last.rendered, "1", "5"), "did not offer 1-5"
    )
    expect(response(w, "priya") is None, "something was submitted")


def at_going(w: World) -> None:
    start(w, "priya")


@case("survey-003", given=at_going)
def _survey_003(w: World) -> None:
    expect(same(answered(w, "priya").get("going"), 4), "going = 4 was not stored")
    expect(asking(w, MET), "did not ask 'How many times have you met so far?'")


def nothing_stored_asked_again(w: World) -> None:
    expect("going" not in answered(w, "priya"), "an answer was stored")
    expect(response(w, "priya") is None, "something was submitted")
    last = w.last().rendered.lower()
    expect(
        has(last, "1") and has(last, "5") and (bool(w.last().questions) or "?" in last),
        "did not ask again for a number from 1 to 5",
    )


case("survey-004", given=at_going)(nothing_stored_asked_again)
case("survey-005", given=at_going)(nothing_stored_asked_again)


def at_met(w: World) -> None:
    start(w, "priya", GOING, ("4", MET))


@case("survey-006", given=at_met)
def _survey_006(w: World) -> None:
    got = answered(w, "priya").get("met")
    expect(same(got, "Twice or more"), f"met = {got!r}, wanted 'Twice or more'")


def nadia_at_met(w: World) -> None:
    start(w, "nadia", GOING, ("4", MET))


@case("survey-007", given=nadia_at_met, speaker="nadia")
def _survey_007(w: World) -> None:
    got = answered(w, "nadia").get("met")
    expect(same(got, "Not yet"), f"met = {got!r}, wanted 'Not yet'")


def at_follow_up(w: World) -> None:
    start(w, "priya", GOING, ("4", MET), ("once", HIGHLIGHT), ("having time to think", FOLLOW_UP))


@case("survey-008", given=at_follow_up)
def _survey_008(w: World) -> None:
    row = response(w, "priya")
    expect(row is not None, "kit-1 is not complete")
    assert row is not None
    got = row["answers"].get("follow_up")
    expect(empty(got), f"follow_up = {got!r}, wanted empty")
    expect(not row["follow_up_requested"], "a follow-up was requested")
    expect(not lead_alerts(w), "the lead was alerted")


@case("survey-009", given=at_follow_up)
def _survey_009(w: World) -> None:
    row = response(w, "priya")
    expect(row is not None, "kit-1 is not complete")
    assert row is not None
    got = row["answers"].get("follow_up")
    expect(from_typed(w, got, share=0.5), f"follow_up = {got!r}")
    expect(row["follow_up_requested"], "no follow-up request")
    alerts = lead_alerts(w)
    expect(bool(alerts), "the lead channel was not alerted")
    secret = longest(w)
    for alert in alerts:
        expect(secret not in (alert["preview"] or "").lower(), "the preview has her words")
    not_shown_to(w, "tom", secret)


@case("survey-010")
def _survey_010(w: World) -> None:
    row = response(w, "tom")
    expect(row is not None, "Tom's kit-1 was not submitted")
    assert row is not None
    got = row["answers"]
    expect(same(got.get("going"), 3), f"going = {got.get('going')!r}, wanted 3")
    expect(same(got.get("met"), "Once"), f"met = {got.get('met')!r}, wanted 'Once'")
    expect(same(got.get("highlight"), typed(w, 2)), "highlight not stored")
    expect(empty(got.get("follow_up")), f"follow_up = {got.get('follow_up')!r}")
    expect(response(w, "priya") is None, "stored for Priya")
    not_shown_to(w, "priya", longest(w, 2))


@case("survey-011")
def _survey_011(w: World) -> None:
    said = w.replies()
    expect(has(said, "16 mar", "23 mar"), "did not say it opens Mon 16 Mar and closes Mon 23 Mar")
    expect(not answers_so_far(w, "priya") and GOING not in said, "the check-in was started")
    nothing_changed(w)


def completed_tue(w: World) -> None:
    with transaction(w.db) as session:
        survey = session.exec(select(Survey).where(Survey.key == "kit-1")).one()
        assert survey.id is not None
        session.add(
            SurveyResponse(
                survey_id=survey.id,
                person_id=w.ids["priya"],
                answers={"going": 4, "met": "Once", "highlight": "thinking time", "follow_up": ""},
                submitted_at=instant("2026-03-17T10:00"),
            )
        )


@case("survey-012", given=completed_tue)
def _survey_012(w: World) -> None:
    said = w.replies()
    expect(has(said, "already", "17 mar"), "did not say she completed it on Tue 17 Mar")
    expect(GOING not in said, "a second submission was started")
    nothing_changed(w)


@case("survey-013")
def _survey_013(w: World) -> None:
    row = response(w, "priya", "evaluation-1")
    expect(row is not None, "evaluation-1 was not submitted")
    assert row is not None
    got = row["answers"]
    expect(same(got.get("progress"), 3), f"progress = {got.get('progress')!r}, wanted 3")
    expect(same(got.get("frequency"), "Every 5-6 weeks"), f"frequency = {got.get('frequency')!r}")
    expect(same(got.get("reflection"), typed(w, 2)), "reflection not stored")
    expect(empty(got.get("follow_up")), f"follow_up = {got.get('follow_up')!r}")
    not_shown_to(w, "tom", longest(w, 2))


def at_frequency(w: World) -> None:
    start(w, "priya", PROGRESS, ("3", FREQUENCY))


@case("survey-014", given=at_frequency)
def _survey_014(w: World) -> None:
    got = answered(w, "priya", "evaluation-1").get("frequency")
    expect(same(got, "Every 4 weeks or more often"), f"frequency = {got!r}")


def at_highlight(w: World) -> None:
    start(w, "priya", GOING, ("4", MET), ("once", HIGHLIGHT))


@case("survey-015", given=at_highlight)
def _survey_015(w: World) -> None:
    expect(response(w, "priya") is None, "something was submitted")
    got = answers_so_far(w, "priya")
    expect(same(got.get("going"), 4) and same(got.get("met"), "Once"), "the answers were not kept")
    highlight = str(got.get("highlight") or "")
    expect(
        not from_typed(w, highlight, share=0.0), f"what she said stored as an answer: {highlight!r}"
    )
    w.say("priya", "check-in")
    expect(
        asking(w, HIGHLIGHT), "coming back did not resume at 'What has been most useful so far?'"
    )


@case("survey-016", given=at_going)
def _survey_016(w: World) -> None:
    expect(same(answered(w, "priya").get("going"), 3), "going = 3 was not stored")
    expect(asking(w, MET), "did not move to the next question")
    expect(not w.diff().new("concern") and not lead_alerts(w), "the comment became a concern")
