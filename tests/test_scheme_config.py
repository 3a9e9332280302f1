"""The scheme file format: the packaged demo and the SoR example load, loading is idempotent,
and every broken file fails with one helpful line and leaves the database untouched.

Fixtures from conftest: ``engine`` (a fresh database: SQLite, and PostgreSQL when
MENTORBOT_TEST_DATABASE_URL is set) and ``clock`` (fixed at 2026-11-23 10:00 UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from conversations.clock import Clock
from conversations.scheme_config import (
    LoadSummary,
    SchemeConfigError,
    load_demo,
    load_file,
    load_scheme,
    parse_scheme,
)
from storage.db import transaction
from storage.models import (
    ChannelIdentity,
    Cohort,
    Event,
    Membership,
    MentorProfile,
    Pairing,
    PairingStatus,
    Person,
    Scheme,
    Survey,
    SurveyQuestion,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sor-lms-2025-26.toml"
TABLES: list[type[SQLModel]] = [
    Scheme,
    Cohort,
    Person,
    ChannelIdentity,
    Membership,
    MentorProfile,
    Pairing,
    Event,
    Survey,
    SurveyQuestion,
]

BASE = """\
[scheme]
slug = "test"
name = "Test scheme"
time_zone = "Europe/London"
lead_channel = "lead"

[[cohorts]]
slug = "2025-26"
name = "Cohort 2025-26"
starts_on = 2025-11-13
ends_on = "2026-11-20"

[[cohorts.surveys]]
key = "kit"
title = "Check-in"
kind = "checkin"
audience = "both"
opens_on = "2025-12-08"
closes_on = "2025-12-12"

[[cohorts.surveys.questions]]
key = "going"
text = "How is it going?"
kind = "scale"

[[cohorts.surveys.questions]]
key = "met"
text = "Have you met?"
kind = "choice"
choices = ["Yes", "No"]

[[cohorts.surveys.questions]]
key = "follow_up"
text = "Anything to follow up?"
kind = "text"
required = false

[[cohorts.surveys]]
key = "evaluation"
title = "Evaluation"
kind = "evaluation"
audience = "mentee"
opens_on = "2026-01-05"
closes_on = "2026-01-12"

[[cohorts.surveys.questions]]
key = "progress"
text = "Progress?"
kind = "text"

[[cohorts.events]]
key = "launch"
name = "Launch"
starts_at = "2025-11-13 11:00"
mode = "in_person"
location = "London"

[[cohorts.people]]
email = "lead@example.org"
name = "Lena Lead"
roles = ["lead"]

[[cohorts.people]]
email = "Mentee@Example.org"
name = "Mina Mentee"
roles = ["mentee"]

[[cohorts.people]]
email = "mentor@example.org"
name = "Marco Mentor"
roles = ["mentor"]
bio = "Imaging service manager."
capacity = 2

[[cohorts.people]]
email = "mentee2@example.org"
name = "Noor Mentee"
roles = ["mentee"]

[[cohorts.pairings]]
mentee = "mentee@example.org"
mentor = "mentor@example.org"
started_on = "2025-11-13"
"""


def write(tmp_path: Path, text: str, name: str = "scheme.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def row_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in TABLES
        }


def scheme_rows(engine: Engine) -> int:
    return row_counts(engine)["Scheme"]


# ------------------------------------------------------------------------------ valid files


def test_demo_loads_with_the_expected_counts(engine: Engine, clock: Clock) -> None:
    summary = load_demo(engine, clock)

    assert summary.message == (
        "Loaded scheme 'Demo Leadership Mentoring Scheme': "
        "3 cohorts, 15 people, 2 pairings, 3 events, 2 surveys."
    )
    assert row_counts(engine) == {
        "Scheme": 1,
        "Cohort": 3,  # running, in selection, recruiting
        "Person": 15,
        "ChannelIdentity": 15,
        # Running: 10 (one mentor also sits on the steering group); in selection: the four
        # steering roles, three applicants, two mentors; recruiting: the four and the applicant.
        "Membership": 24,
        "MentorProfile": 5,
        "Pairing": 2,
        "Event": 3,
        "Survey": 2,
        "SurveyQuestion": 8,
    }


def test_demo_is_anchored_to_the_clock(engine: Engine, clock: Clock) -> None:
    load_demo(engine, clock)

    with Session(engine) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        scheme = session.exec(select(Scheme)).one()
        mentee = session.exec(select(Person).where(Person.email == "mentee@example.org")).one()
        mentor = session.exec(select(Person).where(Person.email == "mentor@example.org")).one()
        pairing = session.exec(select(Pairing).where(Pairing.mentee_id == mentee.id)).one()
        networking = session.exec(select(Event).where(Event.key == "networking-1")).one()
        kit = session.exec(select(Survey).where(Survey.key == "kit-1")).one()
        profile = session.exec(
            select(MentorProfile).where(MentorProfile.person_id == mentor.id)
        ).one()

    assert (scheme.lead_channel, scheme.time_zone) == ("lead", "Europe/London")
    assert cohort.starts_on == date(2026, 10, 26)  # launched four weeks ago
    assert cohort.ends_on == date(2027, 10, 26)
    assert cohort.contract_deadline == date(2026, 12, 7)
    assert pairing.mentor_id == mentor.id
    assert pairing.status == PairingStatus.ACTIVE.value
    assert pairing.started_at == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert networking.starts_at == datetime(2026, 12, 3, 12, 30, tzinfo=UTC)
    assert networking.mode == "virtual"
    assert (kit.kind, kit.opens_on) == ("checkin", date(2026, 12, 7))
    assert profile.bio.startswith("Head of imaging services")
    assert profile.capacity == 1
    assert mentee.display_name == "Priya Shah"


def test_every_person_is_reachable_on_the_console(engine: Engine, clock: Clock) -> None:
    load_demo(engine, clock)

    with Session(engine) as session:
        identity = session.exec(
            select(ChannelIdentity).where(ChannelIdentity.user_id == "lead@example.org")
        ).one()
        lead = session.exec(select(Person).where(Person.email == "lead@example.org")).one()

    assert (identity.platform, identity.tenant) == ("console", "")
    assert identity.address == {"email": "lead@example.org"}
    assert identity.person_id == lead.id


def test_sor_example_loads_with_the_terms_of_reference_dates(engine: Engine, clock: Clock) -> None:
    summary = load_file(EXAMPLE, engine, clock)

    assert (summary.cohorts, summary.people, summary.pairings) == (1, 2, 0)
    assert (summary.events, summary.surveys) == (8, 6)
    with Session(engine) as session:
        events = {event.key: event for event in session.exec(select(Event))}
        cohort = session.exec(select(Cohort)).one()
    # 11:00 in London in November is 11:00 UTC; 10:00 in October is still summer time.
    assert events["launch"].starts_at == datetime(2025, 11, 13, 11, 0, tzinfo=UTC)
    assert events["briefing-mentees"].starts_at == datetime(2025, 10, 21, 9, 0, tzinfo=UTC)
    assert events["final-celebration"].starts_at == datetime(2026, 9, 17, 10, 0, tzinfo=UTC)
    assert cohort.starts_on == date(2025, 11, 13)
    assert cohort.settings["events"]["launch"] == {
        "ends_at": "2025-11-13T15:00:00+00:00",
        "audience": "both",
    }
    assert [point["key"] for point in cohort.settings["evaluation_deadlines"]] == [
        "evaluation-1",
        "evaluation-2",
        "evaluation-3",
        "evaluation-final",
    ]


def test_loading_twice_changes_nothing(engine: Engine, clock: Clock) -> None:
    first = load_demo(engine, clock)
    counts = row_counts(engine)

    second = load_demo(engine, Clock.fixed("2026-11-23T11:00:00+00:00"))

    assert row_counts(engine) == counts
    assert first.changes > 0
    assert second.changes == 0
    assert second.message == first.message


def test_a_changed_file_updates_rows_in_place(engine: Engine, clock: Clock, tmp_path: Path) -> None:
    load_file(write(tmp_path, BASE), engine, clock)
    counts = row_counts(engine)
    changed = (
        BASE.replace('name = "Test scheme"', 'name = "Renamed scheme"')
        .replace('name = "Marco Mentor"', 'name = "Marco M. Mentor"')
        .replace('starts_at = "2025-11-13 11:00"', 'starts_at = "2025-11-13 11:30"')
    )

    summary = load_file(write(tmp_path, changed), engine, clock)

    assert summary.message == (
        "Loaded scheme 'Renamed scheme': 1 cohort, 4 people, 1 pairing, 1 event, 2 surveys."
    )
    assert summary.changes == 3
    assert row_counts(engine) == counts
    with Session(engine) as session:
        assert session.exec(select(Scheme.name)).one() == "Renamed scheme"
        assert session.exec(select(Event.starts_at)).one() == datetime(
            2025, 11, 13, 11, 30, tzinfo=UTC
        )
        names = set(session.exec(select(Person.display_name)))
    assert "Marco M. Mentor" in names


def test_emails_are_stored_in_lower_case(engine: Engine, clock: Clock, tmp_path: Path) -> None:
    load_file(write(tmp_path, BASE), engine, clock)

    with Session(engine) as session:
        emails = sorted(session.exec(select(Person.email)))
    assert emails == [
        "lead@example.org",
        "mentee2@example.org",
        "mentee@example.org",
        "mentor@example.org",
    ]


def test_questions_can_be_reordered_and_removed(
    engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    load_file(write(tmp_path, BASE), engine, clock)
    going = BASE.index('[[cohorts.surveys.questions]]\nkey = "going"')
    met = BASE.index('[[cohorts.surveys.questions]]\nkey = "met"')
    follow = BASE.index('[[cohorts.surveys.questions]]\nkey = "follow_up"')
    # Swap "going" and "met" and drop "follow_up".
    reordered = (
        BASE[:going] + BASE[met:follow] + BASE[going:met] + BASE[follow:].split("\n\n", 1)[1]
    )

    load_file(write(tmp_path, reordered), engine, clock)

    with Session(engine) as session:
        survey = session.exec(select(Survey).where(Survey.key == "kit")).one()
        questions = session.exec(
            select(SurveyQuestion.key, SurveyQuestion.position)
            .where(SurveyQuestion.survey_id == survey.id)
            .order_by(SurveyQuestion.position)  # type: ignore[arg-type]
        ).all()
    assert [tuple(row) for row in questions] == [("met", 0), ("going", 1)]


def test_the_complete_example_in_the_docs_is_valid(clock: Clock) -> None:
    manual = (ROOT / "docs" / "scheme-format.md").read_text(encoding="utf-8")
    example = manual.split("## A complete example", 1)[1].split("```toml\n", 1)[1]

    config = parse_scheme(example.split("```", 1)[0], clock)

    cohort = config.cohorts[0]
    assert (config.slug, cohort.slug) == ("north-lms", "2026-27")
    assert [(p.mentee, p.mentor) for p in cohort.pairings] == [
        ("mentee@example.org", "mentor@example.org")
    ]
    assert config.settings.mentor_capacity.maximum == 2


def test_scale_questions_store_their_points_as_choices(clock: Clock) -> None:
    config = parse_scheme(BASE, clock)

    questions = config.cohorts[0].surveys[0].questions
    assert [(q.key, q.kind, q.choices, q.required) for q in questions] == [
        ("going", "scale", ("1", "2", "3", "4", "5"), True),
        ("met", "choice", ("Yes", "No"), True),
        ("follow_up", "text", (), False),
    ]


def test_relative_dates_are_read_in_the_scheme_time_zone() -> None:
    # 23:30 UTC on 30 June is already 1 July in London.
    late = Clock.fixed("2026-06-30T23:30:00+00:00")
    text = (
        BASE.replace("starts_on = 2025-11-13", 'starts_on = "today-4w"')
        .replace('ends_on = "2026-11-20"', 'ends_on = "today - 4w + 12m"')
        .replace('starts_at = "2025-11-13 11:00"', 'starts_at = "today+14d 10:00"')
        .replace('started_on = "2025-11-13"', 'started_on = "today"')
    )

    cohort = parse_scheme(text, late).cohorts[0]

    assert cohort.starts_on == date(2026, 6, 3)
    assert cohort.ends_on == date(2027, 6, 3)
    assert cohort.events[0].starts_at == datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
    assert cohort.pairings[0].started_on == date(2026, 7, 1)


def test_a_session_can_be_given_instead_of_an_engine(engine: Engine, clock: Clock) -> None:
    config = parse_scheme(BASE, clock)

    with transaction(engine) as session:
        summary = load_scheme(session, config, clock)

    assert summary == LoadSummary(
        scheme="Test scheme",
        cohorts=1,
        people=4,
        pairings=1,
        events=1,
        surveys=2,
        questions=4,
        changes=summary.changes,
    )
    assert scheme_rows(engine) == 1


def test_an_ended_pairing_is_not_revived(engine: Engine, clock: Clock, tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    load_file(path, engine, clock)
    with transaction(engine) as session:
        pairing = session.exec(select(Pairing)).one()
        pairing.status = PairingStatus.ENDED_EARLY.value
        pairing.ended_at = clock.now()

    summary = load_file(path, engine, clock)

    assert summary.changes == 0
    with Session(engine) as session:
        statuses = list(session.exec(select(Pairing.status)))
    assert statuses == [PairingStatus.ENDED_EARLY.value]


def test_a_mentee_paired_elsewhere_is_refused_and_nothing_changes(
    engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    load_file(write(tmp_path, BASE), engine, clock)
    another_mentor = 'email = "mentor2@example.org"\nname = "Ola Mentor"\nroles = ["mentor"]'
    repaired = (
        BASE.replace('name = "Test scheme"', 'name = "Should not stick"')
        .replace('mentor = "mentor@example.org"', 'mentor = "mentor2@example.org"')
        .replace(
            "[[cohorts.pairings]]", f"[[cohorts.people]]\n{another_mentor}\n\n[[cohorts.pairings]]"
        )
    )

    with pytest.raises(SchemeConfigError) as caught:
        load_file(write(tmp_path, repaired), engine, clock)

    assert str(caught.value) == (
        f'{tmp_path / "scheme.toml"}: cohort "2025-26": pairings[0]: "mentee@example.org" already'
        ' has an active mentor ("mentor@example.org") in the database;'
        " end that pairing before pairing them again"
    )
    with Session(engine) as session:
        assert session.exec(select(Scheme.name)).one() == "Test scheme"
        assert session.exec(select(func.count()).select_from(Person)).one() == 4


# ------------------------------------------------------------------------------ broken files

BROKEN = [
    pytest.param(
        BASE.replace('lead_channel = "lead"', 'lead_channel = "lead'),
        "line 5, column 21: malformed TOML: Illegal character '\\n'",
        id="malformed-toml",
    ),
    pytest.param(
        BASE.replace("[scheme]", "[sheme]"),
        'sheme: unknown key (did you mean "scheme"?)',
        id="unknown-top-level-table",
    ),
    pytest.param(
        BASE.replace("starts_on = 2025-11-13", "strats_on = 2025-11-13"),
        'cohort "2025-26": strats_on: unknown key (did you mean "starts_on"?)',
        id="unknown-key",
    ),
    pytest.param(
        BASE.replace(
            'lead_channel = "lead"',
            'lead_channel = "lead"\n\n[scheme.retention]\ndrafts_days = 0\n',
        ),
        "scheme.retention.drafts_days: must be between 1 and 3650",
        id="retention-of-no-days",
    ),
    pytest.param(
        BASE.replace(
            'lead_channel = "lead"',
            'lead_channel = "lead"\n\n[scheme.retention]\nmesages_days = 9\n',
        ),
        'scheme.retention.mesages_days: unknown key (did you mean "messages_days"?)',
        id="retention-misspelt",
    ),
    pytest.param(
        BASE.replace('ends_on = "2026-11-20"', 'ends_on = "2025-10-01"'),
        'cohort "2025-26": ends_on: 2025-10-01 must be after starts_on (2025-11-13)',
        id="ends-before-starts",
    ),
    pytest.param(
        BASE.replace('closes_on = "2025-12-12"', 'closes_on = "2025-12-01"'),
        'cohort "2025-26": surveys[0].closes_on: 2025-12-01 must not be before opens_on'
        " (2025-12-08)",
        id="survey-closes-before-it-opens",
    ),
    pytest.param(
        BASE.replace('time_zone = "Europe/London"', 'time_zone = "Europe/Londn"'),
        'scheme.time_zone: unknown time zone "Europe/Londn" (use an IANA name such as'
        ' "Europe/London")',
        id="unknown-time-zone",
    ),
    pytest.param(
        BASE.replace('mentor = "mentor@example.org"', 'mentor = "nobody@example.org"'),
        'cohort "2025-26": pairings[0].mentor: "nobody@example.org" is not among this'
        " cohort's people (add it under [[cohorts.people]])",
        id="pairing-unknown-email",
    ),
    pytest.param(
        BASE.replace('mentor = "mentor@example.org"', 'mentor = "mentee2@example.org"'),
        'cohort "2025-26": pairings[0].mentor: "mentee2@example.org" does not have the role'
        ' "mentor" in this cohort',
        id="pairing-wrong-role",
    ),
    pytest.param(
        BASE.replace('email = "mentee2@example.org"', 'email = "MENTEE@example.org"'),
        'cohort "2025-26": people[3].email: "mentee@example.org" is already used by people[1]',
        id="duplicate-email",
    ),
    pytest.param(
        BASE.replace('roles = ["lead"]', 'roles = ["leader"]'),
        'cohort "2025-26": people[0].roles[0]: "leader" must be one of mentee, mentor, lead,'
        " steering_chair, steering_member, moderator",
        id="unknown-role",
    ),
    pytest.param(
        BASE.replace(
            'key = "progress"\ntext = "Progress?"\nkind = "text"',
            'key = "progress"\ntext = "Progress?"\nkind = "essay"',
        ),
        'cohort "2025-26": surveys[1].questions[0].kind: must be one of scale, choice, text',
        id="unknown-question-kind",
    ),
    pytest.param(
        BASE.replace('choices = ["Yes", "No"]\n', ""),
        'cohort "2025-26": surveys[0].questions[1].choices: a choice question needs at least'
        " two choices",
        id="choice-without-choices",
    ),
    pytest.param(
        BASE.replace('email = "lead@example.org"', 'email = "lead.example.org"'),
        'cohort "2025-26": people[0].email: "lead.example.org" does not look like an email address',
        id="bad-email",
    ),
    pytest.param(
        BASE.replace("starts_on = 2025-11-13", 'starts_on = "13/11/2025"'),
        'cohort "2025-26": starts_on: "13/11/2025" is not a date: write 2025-11-13, "today", or'
        ' "today-28d" (d days, w weeks, m months)',
        id="unreadable-date",
    ),
    pytest.param(
        BASE.replace('starts_at = "2025-11-13 11:00"', 'starts_at = "today+3d"'),
        'cohort "2025-26": events[0].starts_at: "today+3d" needs a time, e.g.'
        ' 2025-11-13T11:00, "2025-11-13 11:00" or "today+14d 10:00"',
        id="event-without-time",
    ),
    pytest.param(
        BASE.replace('bio = "Imaging service manager."\n', "").replace(
            'roles = ["lead"]', 'roles = ["lead"]\nbio = "Leads."'
        ),
        'cohort "2025-26": people[0].bio: only mentors have a mentor profile (add "mentor" to'
        " roles or remove it)",
        id="profile-on-a-non-mentor",
    ),
    pytest.param(
        BASE.replace("capacity = 2", "capacity = 0"),
        'cohort "2025-26": pairings[0].mentor: "mentor@example.org" would have 1 mentees but'
        " their capacity is 0",
        id="mentor-over-capacity",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_file_is_refused_with_one_line_and_nothing_saved(
    engine: Engine, clock: Clock, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)

    with pytest.raises(SchemeConfigError) as caught:
        load_file(path, engine, clock)

    assert str(caught.value) == f"{path}: {message}"
    assert "\n" not in str(caught.value)
    assert scheme_rows(engine) == 0


def test_malformed_toml_reports_its_line(clock: Clock) -> None:
    text = BASE.replace('slug = "2025-26"', 'slug = "2025-26"\nname == "twice"')

    with pytest.raises(SchemeConfigError) as caught:
        parse_scheme(text, clock)

    assert caught.value.line == 9
    assert str(caught.value).startswith("line 9, column 7: malformed TOML:")


def test_a_missing_file_is_one_line(engine: Engine, clock: Clock, tmp_path: Path) -> None:
    with pytest.raises(SchemeConfigError) as caught:
        load_file(tmp_path / "absent.toml", engine, clock)

    assert str(caught.value) == f"{tmp_path / 'absent.toml'}: no such file"
    assert scheme_rows(engine) == 0


def test_nudge_windows_and_channels_are_configurable(engine: Engine, clock: Clock) -> None:
    from conversations.nudges import NudgeSettings

    text = _demo_text() + (
        '\n[scheme.nudges]\nmorning = "08:30"\ncontract_days_before = [14, 7, 1]\nsilence_weeks = 3\n'
        '\n[scheme.channels.lead]\nplatform = "webhook"\nurl_env = "LEAD_WEBHOOK_URL"\n'
    )
    config = parse_scheme(text, clock)
    load_scheme(engine, config, clock)
    with transaction(engine) as session:
        scheme = session.exec(select(Scheme)).one()
    settings = NudgeSettings.from_scheme(scheme.settings)
    assert (settings.morning.isoformat(), settings.contract_days_before, settings.silence_weeks) == (
        "08:30:00", (14, 7, 1), 3,
    )  # fmt: skip
    assert scheme.settings["channels"] == {
        "lead": {"platform": "webhook", "url_env": "LEAD_WEBHOOK_URL"}
    }


def test_bad_nudge_windows_are_one_clear_line(clock: Clock) -> None:
    with pytest.raises(SchemeConfigError) as error:
        parse_scheme(_demo_text() + "\n[scheme.nudges]\ncontract_days_before = [7, -1]\n", clock)
    assert str(error.value).endswith(
        "scheme.nudges.contract_days_before: must be a list of whole numbers of days from 0 to 60, e.g. [7, 2]"
    )
    with pytest.raises(SchemeConfigError, match="a webhook channel needs url_env"):
        parse_scheme(_demo_text() + '\n[scheme.channels.lead]\nplatform = "webhook"\n', clock)


def _demo_text() -> str:
    return (ROOT / "conversations" / "schemes" / "demo.toml").read_text(encoding="utf-8")


def test_a_slack_lead_channel_is_configured_by_its_id(engine: Engine, clock: Clock) -> None:
    text = _demo_text() + '\n[scheme.channels.lead]\nplatform = "slack"\nchannel = "C0123ABCD"\n'
    load_scheme(engine, parse_scheme(text, clock), clock)
    with transaction(engine) as session:
        scheme = session.exec(select(Scheme)).one()
    assert scheme.settings["channels"] == {"lead": {"platform": "slack", "channel": "C0123ABCD"}}
    with pytest.raises(SchemeConfigError, match="a Slack channel needs its channel id"):
        parse_scheme(
            _demo_text() + '\n[scheme.channels.lead]\nplatform = "slack"\nchannel = "#lead"\n',
            clock,
        )


def test_every_problem_in_a_file_is_reported_at_once_one_line_each(
    engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    text = (
        BASE.replace('lead_channel = "lead"', 'lead_channel = "lead"\n\n[scheme.meetings]\n'
                     "min_minutes = 0\nnudge_mentee_after_weeks = \"4\"\n\n[scheme.working_hours]\n"
                     'strat = "08:00"\nend = "25:00"\n\n[scheme.nudges]\nsilense_weeks = 3\n')
        .replace("starts_on = 2025-11-13", "strats_on = 2025-11-13")
    )  # fmt: skip
    path = write(tmp_path, text)

    with pytest.raises(SchemeConfigError) as caught:
        load_file(path, engine, clock)

    assert str(caught.value).splitlines() == [
        f"{path}: {problem}"
        for problem in [
            "scheme.meetings.nudge_mentee_after_weeks: must be a whole number, not a string",
            "scheme.meetings.min_minutes: must be between 1 and 720",
            'scheme.working_hours.end: "25:00" must be a time of day such as "09:00"',
            'scheme.working_hours.strat: unknown key (did you mean "start"?)',
            'scheme.nudges.silense_weeks: unknown key (did you mean "silence_weeks"?)',
            'cohort "2025-26": strats_on: unknown key (did you mean "starts_on"?)',
        ]
    ]
    assert scheme_rows(engine) == 0


def test_unknown_keys_deep_in_the_scheme_get_a_did_you_mean(clock: Clock) -> None:
    text = BASE.replace(
        'lead_channel = "lead"',
        'lead_channel = "lead"\n\n[[scheme.referral_routes]]\nname = "Safeguarding"\n'
        'contatc = "safeguarding@example.org"\n\n[scheme.channels.lead]\nplatform = "webhook"\n'
        'url_evn = "LEAD_URL"\n',
    )

    with pytest.raises(SchemeConfigError) as caught:
        parse_scheme(text, clock)

    assert str(caught.value).splitlines() == [
        'scheme.referral_routes[0].contatc: unknown key (did you mean "contact"?)',
        'scheme.channels.lead.url_evn: unknown key (did you mean "url_env"?)',
    ]


def test_a_default_lives_in_the_model_and_is_read_back_typed(engine: Engine, clock: Clock) -> None:
    from conversations.nudges import NudgeSettings
    from storage.contract_queries import period_days
    from storage.scheme_settings import SchemeSettings

    load_scheme(engine, parse_scheme(BASE, clock), clock)
    with transaction(engine) as session:
        stored = session.exec(select(Scheme)).one().settings

    # What was stored is the model's dump, defaults included, and reads back as the model.
    assert stored["meetings"] == {
        "nudge_mentee_after_weeks": 4,
        "nudge_both_after_weeks": 6,
        "min_minutes": 60,
        "first_contact_days": 14,
    }
    assert stored["nudges"]["morning"] == "09:00"
    assert SchemeSettings.read(stored) == SchemeSettings() == SchemeSettings.read({})
    # Readers get the same values from the one model, whatever they were given.
    nudges = NudgeSettings.from_scheme({})
    assert (nudges.both_after_weeks, nudges.working_end.isoformat()) == (6, "17:30:00")
    assert period_days(None) == period_days(stored) == 21
