"""Actions and minutes in people's own words, typed as on Slack and Teams (each reply a new turn;
``restart`` is a new process). Priya Shah (mentee) and Tom Okafor (mentor), Mon 23 Nov 2026."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import ActionItem, Meeting
from tests.test_minutes import _log_one_shot
from tests.transcript import Chat


def _action(chat: Chat, words: str) -> ActionItem:
    with transaction(chat.db) as session:
        rows = session.exec(select(ActionItem).order_by(col(ActionItem.id))).all()
        return next(r for r in rows if words in r.text.lower())


def _meetings(chat: Chat) -> list[tuple[object, ...]]:
    with transaction(chat.db) as session:
        rows = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
        return [(m.id, m.starts_at, m.status) for m in rows]


def test_a_past_tense_report_ticks_off_the_action_and_undo_that_reopens_it(
    mentee: Chat, mentor: Chat
) -> None:
    _log_one_shot(mentee)
    reply = mentor.said("sent priya the budget template this morning")
    assert "Ticked off: *Send the budget template*." in reply
    assert _action(mentor, "template").done_at is not None
    mentor.restart()
    assert "Reopened: *Send the budget template*." in mentor.said("undo that")
    assert _action(mentor, "template").done_at is None


def test_words_that_only_point_at_an_action_ask_first(mentee: Chat) -> None:
    _log_one_shot(mentee)
    reply = mentee.said("ive done the case")
    assert "Mark *Draft the business case* as done?" in reply
    assert _action(mentee, "business case").done_at is None
    mentee.restart()
    assert "Ticked off: *Draft the business case*." in mentee.said("yup 👍")
    assert _action(mentee, "business case").done_at is not None


def test_which_one_is_answered_by_a_word_of_it(mentee: Chat) -> None:
    mentee.said(
        "minutes: met today; discussed budgets; actions: me: draft the budget by 1 Dec; "
        "me: draft the business case by 4 Dec; next meeting not yet"
    )
    mentee.said("save")
    assert "Which one did you mean?" in mentee.said("can u tick off the draft one")
    mentee.restart()
    assert "Ticked off: *Draft the budget*." in mentee.said("the budget one")
    assert _action(mentee, "business case").done_at is None


def test_an_action_is_redated_and_reowned_in_plain_words(mentee: Chat) -> None:
    _log_one_shot(mentee)
    meetings = _meetings(mentee)
    reply = mentee.said("can we push the business case to the 11th")
    assert "*Draft the business case* is now due Fri 11 Dec (was Sat 5 Dec)" in reply
    assert _action(mentee, "business case").due == date(2026, 12, 11)
    assert _meetings(mentee) == meetings  # no meeting was moved
    reply = mentee.said("the business case one is toms not mine")
    assert "*Draft the business case* is now for Tom Okafor" in reply
    assert _action(mentee, "business case").owner_name == "Tom Okafor"


def test_asking_for_an_action_to_be_due_another_day_redates_it(mentee: Chat) -> None:
    _log_one_shot(mentee)
    meetings = _meetings(mentee)
    reply = mentee.said("would the business case be due on the 9th instead please")
    assert "*Draft the business case* is now due Wed 9 Dec (was Sat 5 Dec)" in reply
    assert _action(mentee, "business case").due == date(2026, 12, 9)
    assert _meetings(mentee) == meetings  # no meeting was moved


def test_whats_tom_got_to_do_lists_his_actions_only(mentee: Chat) -> None:
    _log_one_shot(mentee)
    reply = mentee.said("whats tom got to do?")
    assert "Tom has these open actions:" in reply
    assert "Send the budget template (Tom Okafor, due Fri 27 Nov)" in reply
    assert "business case" not in reply
    # Numbered as in the whole list, so "done 2" ticks off the one shown as 2.
    reply = mentee.said("what has priya got to do")
    assert "2. Draft the business case (you, due Sat 5 Dec)" in reply
    assert "Ticked off: *Draft the business case*." in mentee.said("done 2")


@pytest.mark.parametrize(
    ("asked", "heading"),
    [
        ("which actions has tom got open?", "Tom has these open actions:"),
        ("what actions are left for me", "You have these open actions:"),
        ("so what actions have i got", "You have these open actions:"),
    ],
)
def test_a_question_about_whose_actions_lists_theirs(
    mentee: Chat, asked: str, heading: str
) -> None:
    _log_one_shot(mentee)
    reply = mentee.said(asked)
    assert heading in reply
    tom_only = "Send the budget template (Tom Okafor, due Fri 27 Nov)"
    assert (tom_only in reply) is heading.startswith("Tom")


def test_asking_to_see_the_notes_reads_them_back_to_the_pair_only(
    demo: Engine, clock: Clock, mentee: Chat, mentor: Chat
) -> None:
    _log_one_shot(mentee)
    reply = mentor.said("show me the notes from today")
    assert "*Mon 23 Nov*\nDiscussion: Discussed the business case" in reply
    assert "• Draft the business case (Priya Shah, due Sat 5 Dec)" in reply
    reply = mentee.said("remind me what tom and i agreed last time?")
    assert "• Send the budget template (Tom Okafor, due Fri 27 Nov)" in reply
    other = Chat(demo, clock, "mentee2@example.org")
    reply = other.said("can u show me priya shahs minutes")
    assert "I can't show you anyone else's minutes" in reply
    assert "business case" not in reply
    assert "23 Nov" not in reply
    lead = Chat(demo, clock, "lead@example.org")
    reply = lead.said("pls show me priya's notes")
    assert "I can't show you anyone else's minutes" in reply
    assert "business case" not in reply


def test_someone_elses_minutes_asked_by_their_name_are_refused(
    demo: Engine, clock: Clock, mentee: Chat
) -> None:
    _log_one_shot(mentee)
    other = Chat(demo, clock, "mentee2@example.org")
    for asked in ("could i see the notes from priya shah", "show the minutes of Tom Okafor"):
        reply = other.said(asked)
        assert "I can't show you anyone else's minutes" in reply
        assert "no minutes" not in reply
    assert "business case" in mentee.said("show me the minutes for priya shah")


def _to_the_owner_question(mentee: Chat) -> str:
    mentee.said("log minutes for today's meeting")
    mentee.said("we discussed the rota plan")
    return mentee.said("chase HR about cover")


def test_option_three_pls_at_the_owner_question_is_both_of_you(mentee: Chat) -> None:
    assert "Who will do *Chase HR about cover*?" in _to_the_owner_question(mentee)
    mentee.restart()
    assert "When is *Chase HR about cover* due?" in mentee.said("option 3 pls")
    mentee.said("no date")
    mentee.said("not yet")
    assert "Saved the minutes" in mentee.said("save")
    assert _action(mentee, "chase hr").owner_name == "Both"


@pytest.mark.parametrize("typed", ["her", "she will", "he's doing it"])
def test_a_pronoun_at_the_owner_question_is_the_partner(mentee: Chat, typed: str) -> None:
    _to_the_owner_question(mentee)
    assert "When is *Chase HR about cover* due?" in mentee.said(typed)
    mentee.said("no date")
    mentee.said("not yet")
    assert "Saved the minutes" in mentee.said("save")
    assert _action(mentee, "chase hr").owner_name == "Tom Okafor"


def test_after_saving_the_next_meeting_is_offered_and_answered_in_words(
    mentee: Chat, mentor: Chat
) -> None:
    mentee.said("log minutes for today's meeting")
    mentee.said("we discussed the rota plan")
    mentee.said("none")
    mentee.said("not yet")
    reply = mentee.said("save")
    assert "Would you like to book your next meeting with Tom now?" in reply
    held = _meetings(mentee)
    mentee.restart()
    assert "OK, no meeting booked for now." in mentee.said("later")
    assert _meetings(mentee) == held
    mentee.restart()
    assert "When would you like to meet Tom?" in mentee.said("go on then")


def test_nah_to_anything_else_goes_straight_to_the_confirmation(mentee: Chat) -> None:
    mentee.said("log minutes for today's meeting")
    assert "Anything else to add" in mentee.said("we discussed the rota plan")
    mentee.restart()
    reply = mentee.said("nah")
    assert "*Discussion:* We discussed the rota plan\n*Actions:* none" in reply
    assert "Shall I save these minutes?" in reply
    assert "Saved the minutes" in mentee.said("save")
    with transaction(mentee.db) as session:
        assert session.exec(select(ActionItem)).all() == []


def test_patient_data_is_asked_about_before_anything_else_and_can_be_rewritten(
    mentee: Chat,
) -> None:
    reply = mentee.said(
        "notes from today: talked about the complaint re the datix for nhs no 943 476 5919, learning was "
        "about handover. no actions"
    )
    assert "This looks like it includes an NHS number." in reply
    assert "Shall I save" not in reply
    assert _minutes_saved(mentee) == []
    mentee.restart()
    assert "Please type the discussion again, without it." in mentee.said("rewrite")
    mentee.restart()
    reply = mentee.said("talked about a datix incident, learning was about handover")
    # Notes of a day, with no meeting booked: when and how they met is asked, not invented.
    assert "What time was it, and was it in person, by video or by phone?" in reply
    reply = mentee.said("9-10 in person")
    assert "*Discussion:* Talked about a datix incident, learning was about handover" in reply
    assert "Shall I save these minutes?" in reply
    mentee.said("yes")
    assert _minutes_saved(mentee) == ["Talked about a datix incident, learning was about handover"]


def _minutes_saved(chat: Chat) -> list[str]:
    from storage.models import Minutes

    with transaction(chat.db) as session:
        return [m.discussion for m in session.exec(select(Minutes)).all()]


def test_actions_said_after_saving_are_added_to_those_minutes(mentee: Chat) -> None:
    _log_one_shot(mentee)
    reply = mentee.said(
        "we both need to look at the JD before the 16th. and ill send tom my objectives tmrw"
    )
    assert "Add to the minutes of Mon 23 Nov:" in reply
    assert "• Look at the JD (Both, due Wed 16 Dec)" in reply
    assert "• Send tom my objectives (you, due Tue 24 Nov)" in reply
    mentee.restart()
    assert "Added 2 actions to the minutes of Mon 23 Nov." in mentee.said("yes")
    jd = _action(mentee, "jd")
    assert (jd.owner_id, jd.owner_name, jd.due) == (None, "Both", date(2026, 12, 16))
    assert jd.minutes_id == _action(mentee, "business case").minutes_id
    assert _action(mentee, "objectives").due == date(2026, 11, 24)


def test_other_ways_of_saying_it(mentee: Chat, mentor: Chat) -> None:
    _log_one_shot(mentee)
    assert "Mark *Draft the business case* as done?" in mentee.said("the business case is done ✅")
    assert "Ticked off: *Draft the business case*." in mentee.said("yes")
    mentee.restart()
    assert "Reopened: *Draft the business case*." in mentee.said("oops that wasnt done")
    assert "*Send the budget template* is now for you." in mentee.said(
        "give the budget template to me"
    )
    assert "You have these open actions:" in mentee.said("whats on my list")
    reply = mentor.said("what did we agree last session")
    assert "*Mon 23 Nov*\nDiscussion: Discussed the business case" in reply


def test_the_next_meeting_said_after_saving_is_booked_from_the_meeting_minuted(
    mentee: Chat,
) -> None:
    mentee.said("minutes: met today; discussed plans; no actions; next meeting not yet")
    mentee.said("save")
    reply = mentee.said("tom and i agreed to meet every 6 wks so next one in 6 wks same time pls")
    assert "*When:* Mon 4 Jan 2027, 10:00" in reply
    assert "Shall I send it to Tom?" in reply
    mentee.said("yes")
    proposed = [m for m in _meetings(mentee) if m[2] == "proposed"]
    assert len(proposed) == 1


def test_an_action_is_ticked_off_by_its_number_however_it_is_said(mentee: Chat) -> None:
    _log_one_shot(mentee)
    assert "2. Draft the business case (you, due Sat 5 Dec)" in mentee.said("my actions")
    mentee.restart()
    assert "Ticked off: *Draft the business case*." in mentee.said("number 2 is finished")
    assert _action(mentee, "business case").done_at is not None
    assert _action(mentee, "template").done_at is None
    mentee.restart()
    assert "Ticked off: *Send the budget template*." in mentee.said("done no. 1")
    assert _action(mentee, "template").done_at is not None


def test_an_action_named_with_a_new_date_is_redated_not_a_meeting(mentee: Chat) -> None:
    _log_one_shot(mentee)
    meetings = _meetings(mentee)
    reply = mentee.said("could the business case be pushed back to the 11th")
    assert "*Draft the business case* is now due Fri 11 Dec (was Sat 5 Dec)" in reply
    mentee.restart()
    reply = mentee.said("the budget template needs moving to the 30th")
    assert "*Send the budget template* is now due Mon 30 Nov" in reply
    assert _action(mentee, "business case").due == date(2026, 12, 11)
    assert _action(mentee, "template").due == date(2026, 11, 30)
    assert _meetings(mentee) == meetings  # no meeting was moved


def test_a_bare_undo_reopens_the_action_just_ticked_off(mentee: Chat) -> None:
    _log_one_shot(mentee)
    assert "There's nothing to go back to." in mentee.said("undo")  # nothing ticked off yet
    assert "Ticked off: *Draft the business case*." in mentee.said("done 2")
    mentee.restart()
    assert "Reopened: *Draft the business case*." in mentee.said("undo please")
    assert _action(mentee, "business case").done_at is None
    mentee.said("done 2")
    mentee.restart()
    assert "Reopened: *Draft the business case*." in mentee.said("Undo.")
    assert _action(mentee, "business case").done_at is None


def test_a_no_that_closes_the_answer_goes_straight_to_the_confirmation(mentee: Chat) -> None:
    mentee.said("log minutes for today's meeting")
    assert "Anything else to add" in mentee.said("we discussed the rota plan")
    mentee.restart()
    reply = mentee.said("nope, that's everything thanks")
    assert "*Discussion:* We discussed the rota plan\n*Actions:* none" in reply
    assert "Shall I save these minutes?" in reply
    assert "Saved the minutes" in mentee.said("save")
    with transaction(mentee.db) as session:
        assert session.exec(select(ActionItem)).all() == []


def test_an_action_head_before_its_owner_gives_that_owner_the_action(mentee: Chat) -> None:
    reply = mentee.said(
        "notes from today: went through the rota. action for tom: send me the rota template "
        "by friday. action me - book the course by the 30th"
    )
    assert "You met Tom on Mon 23 Nov? It wasn't booked" in reply
    reply = mentee.said("at 9, on teams")
    assert "1. Send Priya the rota template: Tom Okafor, due Fri 27 Nov" in reply
    assert "2. Book the course: you, due Mon 30 Nov" in reply
    assert "Saved the minutes" in mentee.said("save")
    assert _action(mentee, "rota template").owner_name == "Tom Okafor"


def test_an_action_for_me_alone_is_written_up_as_the_minutes_action(mentee: Chat) -> None:
    assert "When did you meet?" in mentee.said("action for me - update my CV by end of month")
    mentee.restart()
    assert "1. Update my CV: you, due Mon 30 Nov" in mentee.said("today")
    assert "Saved the minutes" in mentee.said("yes")
    assert _action(mentee, "cv").due == date(2026, 11, 30)


def test_asking_to_book_the_next_one_counts_from_the_meeting_minuted(mentee: Chat) -> None:
    mentee.said("minutes: met today; discussed plans; no actions; next meeting not yet")
    mentee.said("save")
    mentee.restart()
    reply = mentee.said("could we set up the next one in 3 weeks' time, same time?")
    assert "*When:* Mon 14 Dec, 10:00" in reply
    mentee.said("cancel")
    mentee.restart()
    reply = mentee.said(
        "we meet monthly so shall we book our next meeting in a month at the same time"
    )
    assert "*When:* Wed 23 Dec, 10:00" in reply
    assert "Shall I send it to Tom?" in reply


def test_asking_which_actions_someone_has_lists_theirs(mentee: Chat) -> None:
    _log_one_shot(mentee)
    reply = mentee.said("which actions has tom still got?")
    assert "Tom has these open actions:" in reply
    assert "Send the budget template (Tom Okafor, due Fri 27 Nov)" in reply
    assert "business case" not in reply
    mentee.restart()
    reply = mentee.said("what actions have i got?")
    assert "You have these open actions:\n2. Draft the business case (you, due Sat 5 Dec)" in reply
    assert "template" not in reply
