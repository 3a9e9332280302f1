"""Reports in chat and from the CLI, on the known cohort of tests/report_fixture.py: the lead
and the steering group ask in words and get the summary, the charts and the files; a due period
report reaches the lead channel once; mentees and mentors are refused kindly."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.intents import IntentName, recognise
from conversations.messages import Attachment, Incoming, Text
from conversations.reports import ReportKind, build, chat_summary
from storage.db import transaction
from storage.models import AuditLog, Outbox, SchemeChange
from tests import report_fixture
from tests.conftest import NOW
from tests.report_fixture import SECRETS, Fixture
from tests.test_cli import mentorbot
from tests.test_reports import PNG_SIGNATURE, _report, _table
from tests.transcript import Chat, channel_inbox

D = date.fromisoformat


@pytest.fixture
def known(engine: Engine) -> Fixture:
    return report_fixture.build(engine)


def test_a_period_report_not_yet_due_gives_the_figures_so_far(engine: Engine) -> None:
    from conversations.scheme_config import load_demo

    clock = Clock.fixed(NOW)
    load_demo(engine, clock)
    lead = Chat(engine, clock, "lead@example.org")
    assert lead.said("9 month report") == (
        "The 9-month report for Demo cohort covers the months from Mon 26 Apr 2027, so it isn't "
        "due until Mon 26 Jul 2027. Until then, *scheme health* shows today's figures."
    )
    reply = lead.said("6 month report")
    assert "*6-month report so far: Demo cohort, as of Mon 23 Nov 2026*" in reply
    assert "The period isn't over yet, so these are the figures so far." in reply
    assert channel_inbox(engine, clock) == ""  # a report so far is not posted on its own


# ----------------------------------------------------------------------------- chat


def test_no_diary_entry_concern_or_action_text_reaches_chat_or_the_channel(
    engine: Engine, known: Fixture
) -> None:
    clock = Clock.fixed(NOW)
    lead = Chat(engine, clock, "lee@example.org")
    files = 0
    for ask in ("scheme health as csv", "annual report as xlsx", "12 month report as markdown"):
        delivered = lead.bot.handle(Incoming(person_id=lead.person_id, text=ask))
        for part in delivered.parts:
            if isinstance(part, Attachment):
                files += 1
                shown = part.data().decode("utf-8", "replace")
            else:
                shown = str(part)
            for secret in SECRETS:
                assert secret not in shown
    assert files == (2 + 4) + (2 + 1) + (2 + 1)  # charts, then the CSVs, XLSX, Markdown
    posted = channel_inbox(engine, clock)  # the 12-month report went there on its own
    assert posted.startswith("Lee Lead shared the 12-month report for Cohort 2025-26.")
    for secret in SECRETS:
        assert secret not in posted


def _ask(chat: Chat, text: str) -> list[object]:
    delivered = chat.bot.handle(Incoming(person_id=chat.person_id, text=text))
    chat.bot.mark_delivered(delivered.outbox_ids)
    return list(delivered.parts)


def test_the_lead_asks_for_scheme_health_in_chat(engine: Engine, known: Fixture) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    parts = _ask(lead, "scheme health")
    assert parts[0] == Text("Here's the scheme health for Cohort 2025-26.")
    assert parts[1] == Text(chat_summary(_report(engine, known, ReportKind.HEALTH)), private=True)
    assert parts[2] == Text(
        "Say *... as xlsx* or *... as csv* for the tables, or *post it to the lead channel* to "
        "share it with the steering group."
    )
    charts = [p for p in parts if isinstance(p, Attachment)]
    assert [(a.filename, a.media_type) for a in charts] == [
        ("2025-26-health-2026-11-23-response-rates.png", "image/png"),
        ("2025-26-health-2026-11-23-meeting-cadence.png", "image/png"),
    ]
    assert all(a.data().startswith(PNG_SIGNATURE) for a in charts)
    assert channel_inbox(engine, Clock.fixed(NOW)) == ""  # health is not posted unasked


def test_report_as_xlsx_and_csv_attach_the_files(engine: Engine, known: Fixture) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    files = [p for p in _ask(lead, "report as xlsx") if isinstance(p, Attachment)]
    assert [a.filename for a in files][-1] == "2025-26-health-2026-11-23.xlsx"
    book = load_workbook(io.BytesIO(files[-1].data()))
    assert "Pairs" in book.sheetnames
    csvs = [p.filename for p in _ask(lead, "annual report as csv") if isinstance(p, Attachment)]
    assert "2025-26-annual-2026-11-23-mentor-feedback.csv" in csvs
    assert sum(name.endswith(".csv") for name in csvs) == 10


def test_a_due_period_report_is_posted_to_the_lead_channel_once(
    engine: Engine, known: Fixture
) -> None:
    clock = Clock.fixed(NOW)
    chair = Chat(engine, clock, "cat@example.org")
    parts = _ask(chair, "6 month report")
    assert parts[0] == Text("Here's the 6-month report for Cohort 2025-26.")
    assert "I've also posted it with its charts in #lead." in str(parts[2])
    with transaction(engine) as s:
        posted = s.exec(select(Outbox).where(Outbox.channel == "lead")).one()
    assert [p["type"] for p in posted.parts] == ["text", "text", "attachment", "attachment"]
    assert posted.parts[0]["text"] == "Cat Chair shared the 6-month report for Cohort 2025-26."
    assert posted.parts[2]["filename"] == "2025-26-6m-2026-05-23-response-rates.png"
    channel_inbox(engine, clock)
    # Asked again (by anyone): not posted again, and told where it is.
    again = _ask(Chat(engine, clock, "lee@example.org"), "6 month report")
    assert str(again[2]) == str(
        Text(
            "It was posted in #lead Mon 23 Nov, 10:00 (shared by Cat Chair); say *post the "
            "6-month report to the lead channel* to post it again."
        )
    )
    assert channel_inbox(engine, clock) == ""
    # Asked to post: posted.
    _ask(Chat(engine, clock, "lee@example.org"), "post the 6 month report to the lead channel")
    assert channel_inbox(engine, clock).startswith("Lee Lead shared the 6-month report")
    with transaction(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "report_posted")).all()
    assert [(a.detail["kind"], a.detail["as_of"]) for a in audit] == [("6m", "2026-05-23")] * 2


def test_scheme_health_is_posted_when_asked(engine: Engine, known: Fixture) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    _ask(lead, "scheme health, please post it in the lead channel")
    posted = channel_inbox(engine, Clock.fixed(NOW))
    assert posted.startswith("Lee Lead shared the scheme health for Cohort 2025-26.")
    assert "• 5 pairs: 2 active, 1 at risk, 1 ended early, 1 completed." in posted


def test_the_lead_records_a_change_made_in_response_to_feedback(
    engine: Engine, known: Fixture
) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    assert lead.said("change made: mentors get the evaluation questions a week earlier") == (
        "Recorded for Cohort 2025-26's annual report: “mentors get the evaluation questions a "
        "week earlier”. Say *annual report* to see it with the other changes."
    )
    rows = _table(_report(engine, known, ReportKind.ANNUAL), "changes").rows
    assert rows[-1] == (
        D("2026-11-23"),
        "mentors get the evaluation questions a week earlier",
        "Lee Lead",
    )
    assert "mentors get the evaluation questions a week earlier" in lead.said("annual report")


def test_help_tells_the_lead_about_reports(engine: Engine, known: Fixture) -> None:
    help_text = Chat(engine, Clock.fixed(NOW), "lee@example.org").said("help")
    assert "*scheme health*, *6 month report* (or 9, 12), *annual report*" in help_text
    assert "*scheme health*" not in Chat(engine, Clock.fixed(NOW), "asha@example.org").said("help")


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("who", ["asha", "tess"])
def test_mentees_and_mentors_are_refused_in_chat(engine: Engine, known: Fixture, who: str) -> None:
    chat = Chat(engine, Clock.fixed(NOW), f"{who}@example.org")
    refusal = (
        "Reports on the scheme are for the project lead and the steering group. For your own "
        "part, try *what's next*, *my meetings* or *my actions*."
    )
    for ask in ("scheme health", "annual report as xlsx", "6 month report, post it in the channel"):
        assert chat.said(ask) == refusal
    assert chat.said("can I see the report on my mentor") == (
        "Reports on the scheme are for the project lead and the steering group. If something "
        "about your mentoring partner worries you, say *raise a concern*: only the project lead, "
        "the steering group and the moderator will see it, and they'll be in touch."
    )
    assert chat.said("change made: no more evaluations") == (
        "Recording changes to the scheme is for the project lead and the steering group. If you "
        "have feedback on the scheme, the next check-in or evaluation is the place for it, or "
        "tell the project lead."
    )
    with transaction(engine) as s:
        assert len(s.exec(select(SchemeChange)).all()) == 1  # only the fixture's
        assert s.exec(select(Outbox).where(Outbox.channel == "lead")).all() == []


def test_report_a_concern_still_raises_a_concern(engine: Engine, known: Fixture) -> None:
    reply = Chat(engine, Clock.fixed(NOW), "asha@example.org").said("I want to report a concern")
    assert "Reports on the scheme" not in reply
    assert "Relationship breakdown / no-fault exit" in reply  # the concern's categories


# ----------------------------------------------------------------------------- CLI


def test_the_cli_prints_markdown_and_writes_files(
    db_url: str, engine: Engine, known: Fixture, tmp_path: Path
) -> None:
    result = mentorbot("report", "--now", NOW, db=db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Scheme health: Cohort 2025-26, Mon 23 Nov 2026\n")
    assert "| Ben Hughes | Tess Grant | at risk |" in result.stdout
    annual = mentorbot(
        "report", "--kind", "annual", "--cohort", "rep/2025-26", "--now", NOW, db=db_url
    )
    assert "too few answers to show (fewer than 3)" in annual.stdout
    for secret in SECRETS:
        assert secret not in annual.stdout

    out = tmp_path / "out"
    xlsx = mentorbot(
        "report", "--kind", "12m", "--format", "xlsx", "--out", str(out), "--now", NOW, db=db_url
    )
    assert xlsx.returncode == 0, xlsx.stderr
    assert xlsx.stdout == f"{out / '2025-26-12m-2026-11-23.xlsx'}\n"
    assert "Pairs" in load_workbook(out / "2025-26-12m-2026-11-23.xlsx").sheetnames
    png = mentorbot("report", "--format", "png", "--out", str(out), "--now", NOW, db=db_url)
    assert png.stdout.splitlines() == [
        str(out / "2025-26-health-2026-11-23-response-rates.png"),
        str(out / "2025-26-health-2026-11-23-meeting-cadence.png"),
    ]
    for line in png.stdout.splitlines():
        with Image.open(line) as image:
            assert image.format == "PNG"
    csvs = mentorbot("report", "--format", "csv", "--out", str(out), "--now", NOW, db=db_url)
    assert len(csvs.stdout.splitlines()) == 4
    # Read as a mentor on the steering group: their own feedback is withheld.
    umar = mentorbot(
        "report", "--kind", "annual", "--as", "umar@example.org", "--now", NOW, db=db_url
    )
    assert "not shown to you (about you)" in umar.stdout


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--cohort", "nope"), "mentorbot: no cohort 'nope' in this database\n"),
        (("--format", "pdf"), "mentorbot: unknown format 'pdf': use one of md, csv, xlsx, png\n"),
        (("--kind", "weekly"),
         "mentorbot: unknown report kind 'weekly': use one of health, 6m, 9m, 12m, annual\n"),
        (("--format", "xlsx"), "mentorbot: --format xlsx writes files: say where with --out DIR\n"),
        (("--as", "asha@example.org"),
         "mentorbot: asha@example.org cannot read reports: reports are for the project lead and "
         "the steering group\n"),
    ],
)  # fmt: skip
def test_cli_mistakes_are_one_line(
    db_url: str, engine: Engine, known: Fixture, args: tuple[str, ...], error: str
) -> None:
    result = mentorbot("report", *args, "--now", NOW, db=db_url)
    assert result.returncode != 0
    assert result.stderr == error


def test_cli_an_unwritable_folder_is_one_line(
    db_url: str, engine: Engine, known: Fixture, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = mentorbot("report", "--format", "csv", "--out", str(blocker / "x"), db=db_url)
    assert result.returncode != 0
    assert result.stderr.startswith(f"mentorbot: cannot write to {blocker / 'x'}: ")
    assert result.stderr.count("\n") == 1


# ----------------------------------------------------------------------------- the scheme file


def test_the_scheme_file_sets_what_reports_may_show() -> None:
    from conversations.scheme_config import SchemeConfigError, parse_scheme

    clock = Clock.fixed(NOW)
    text = report_fixture.SCHEME.replace(
        "[[cohorts]]",
        "[scheme.reports]\nshow_free_text = true\nmentor_feedback_min_answers = 4\n\n[[cohorts]]",
        1,
    )
    reports = parse_scheme(text, clock).settings.reports
    assert (reports.show_free_text, reports.mentor_feedback_min_answers) == (True, 4)
    defaults = parse_scheme(report_fixture.SCHEME, clock).settings.reports
    assert (defaults.show_free_text, defaults.mentor_feedback_min_answers) == (False, 3)
    with pytest.raises(SchemeConfigError, match="mentor_feedback_min_answers"):
        parse_scheme(text.replace("= 4", "= 1"), clock)


def test_the_lead_channel_is_told_when_a_period_report_falls_due(
    engine: Engine, known: Fixture
) -> None:
    from conversations.nudges import sweep
    from storage.models import Nudge

    # The cohort started Sun 23 Nov 2025: its 12-month point is today (Mon 23 Nov 2026), 09:00
    # in London. The 6 and 9-month points (May and August) are long past: not raised now.
    clock = Clock.fixed(NOW)
    sweep(engine, clock)
    sweep(engine, clock)  # a second sweep adds nothing
    with transaction(engine) as s:
        due = s.exec(select(Nudge).where(Nudge.rule == "report_due")).all()
    assert [n.period for n in due] == ["2026-11-23:12m"]
    assert (
        "The 12-month report for *Cohort 2025-26* is due (Mon 23 Nov): the project lead reports "
        "to the steering group at 6, 9 and 12 months. Say *12 month report* to me and I'll post "
        "it here, with its charts."
    ) in channel_inbox(engine, clock)


# ----------------------------------------------------------------------------- "post that"


def _later(minutes: int) -> Clock:
    return Clock.fixed(Clock.fixed(NOW).now() + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    "said",
    [
        "post that to the lead channel",
        "share that with the channel",
        "can you put this in #leads",
        "pls stick it in the leads channel",
        "forward this to the steering group",
    ],
)
def test_post_that_posts_the_report_just_given_with_its_file(
    engine: Engine, known: Fixture, said: str
) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    given = [p.filename for p in _ask(lead, "scheme health as xlsx") if isinstance(p, Attachment)]
    assert given[-1] == "2025-26-health-2026-11-23.xlsx"
    assert channel_inbox(engine, Clock.fixed(NOW)) == ""
    later = _later(2)
    lead = Chat(engine, later, "lee@example.org")  # a new process, two minutes on
    assert lead.said(said) == "Done: I've posted the scheme health in #lead."
    with transaction(engine) as s:
        posted = s.exec(select(Outbox).where(Outbox.channel == "lead")).one()
        shared = build(
            s, known.people["lee"], known.cohort_id, ReportKind.HEALTH, later.now(), shared=True
        )
    assert posted.parts[0]["text"] == (
        "Lee Lead shared the scheme health for Cohort 2025-26 (2025-26-health-2026-11-23.xlsx)."
    )
    # The channel's copy: the same figures, with no concern tied to a named pair.
    assert posted.parts[1]["text"] == chat_summary(shared)
    files = [p["filename"] for p in posted.parts if p["type"] == "attachment"]
    assert files[-1] == "2025-26-health-2026-11-23.xlsx"
    for secret in SECRETS:
        assert secret not in str(posted.parts)


def test_post_that_after_something_else_posts_nothing(engine: Engine, known: Fixture) -> None:
    lead = Chat(engine, Clock.fixed(NOW), "lee@example.org")
    _ask(lead, "scheme health")
    lead = Chat(engine, _later(1), "lee@example.org")
    lead.said("open concerns")  # names the people in each concern: never for the channel
    lead = Chat(engine, _later(2), "lee@example.org")
    assert lead.said("share that with the channel") == (
        "I can post a report to the lead channel, and nothing else: the channel never carries "
        "a concern's details or anyone's name. Ask for the report first (say *6-month report*, "
        "or *scheme health*), then say *post that to the lead channel*."
    )
    assert channel_inbox(engine, _later(2)) == ""


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("post that to the lead channel", IntentName.POST_TO_CHANNEL),
        ("could you share this with the steering group pls", IntentName.POST_TO_CHANNEL),
        ("post the 6 month report to the lead channel", IntentName.REPORT),
        ("send it to tom", IntentName.UNKNOWN),
        ("use this channel for lead alerts", IntentName.LEAD_CHANNEL),
    ],
)
def test_asking_to_post_to_a_channel_is_read_as_such(said: str, meant: IntentName) -> None:
    assert recognise(said).name is meant


@pytest.mark.parametrize(
    ("typed", "cohort"),
    [("scheme health for the demo cohort pls", "Demo cohort"),
     ("scheme health for Second cohort", "Second cohort"),
     ("scheme health for demo-next", "Next cohort"),
     ("scheme health", "Demo cohort")],
)  # fmt: skip
def test_the_lead_names_a_cohort_as_it_is_called(demo: Engine, typed: str, cohort: str) -> None:
    """The demo's lead steers three cohorts: naming one by its name (not only its slug) gets
    that cohort's report; naming none gets the running one."""
    lead = Chat(demo, Clock.from_setting(NOW), "lead@example.org")
    assert f"Here's the scheme health for {cohort}." in lead.said(typed)
