"""The corpus readings judge what a case asks, not the development corpus's own words.

The project is judged on an unpublished corpus with the same case ids, set-ups and expectations
but other phrasings of ``say`` and ``then``. So a reading checks stored text against what the
person typed in the case as played (``tests/corpus/setup.py``: ``keeps``, ``from_typed``), the
runner sends each ``then`` answer to whatever question the bot asks, and a corpus file without
the section headings is grouped by its ids. Every reading must still fail on a wrong outcome:
nothing stored, or something other than what was typed."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from sqlmodel import select

from storage.db import open_database, transaction
from storage.models import Survey, SurveyResponse
from tests.corpus import world
from tests.corpus.setup import diary, keeps, theirs
from tests.corpus.world import Case, Miss, Spoken, World, expect

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return world.template(tmp_path_factory.mktemp("corpus"))


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "understanding_bench", ROOT / "bench" / "understanding.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reading(case_id: str) -> Case:
    return _bench().readings()[case_id]


def _spoken(case_id: str, say: str, then: tuple[str, ...] = (), **kw: str) -> Spoken:
    fields = {"role": "mentee", "clock": "2026-03-02T17:40", "expect": ""} | kw
    return Spoken(id=case_id, group="6. Reflective diary", say=say, then=then, **fields)


@contextmanager
def _world(demo: Path, tmp_path: Path, when: str) -> Iterator[World]:
    """A case's world on a copy of the demo at ``when``, for judging a stored outcome."""
    path = tmp_path / "case.sqlite3"
    path.write_bytes(demo.read_bytes())
    if Path(f"{demo}.key").exists():  # its sealed answers (else the key is in the environment)
        Path(f"{path}.key").write_bytes(Path(f"{demo}.key").read_bytes())
    db = open_database(f"sqlite:///{path}")
    try:
        yield World(db, world.instant(when))
    finally:
        db.dispose()


# -- groups ---------------------------------------------------------------------------------------


def test_a_corpus_without_section_headings_is_grouped_by_its_ids(tmp_path: Path) -> None:
    corpus = tmp_path / "plain.yaml"
    corpus.write_text(
        "- id: diary-001\n  role: mentee\n  clock: 2026-03-02T17:40\n  say: diary - a long day\n"
        "  expect: saved\n"
        "- id: survey-003\n  role: mentee\n  clock: 2026-03-16T10:00\n  say: '4'\n"
        "  expect: stored\n"
        "- id: lead-001\n  role: lead\n  clock: 2026-03-02T09:00\n  say: hi\n  expect: shown\n",
        encoding="utf-8",
    )
    groups = [case.group for case in _bench().load(corpus)]
    assert groups == [
        "6. Reflective diary",
        "7. Check-ins and evaluations",
        "10. Lead and steering",
    ]


def test_a_section_heading_still_names_the_group(tmp_path: Path) -> None:
    corpus = tmp_path / "headed.yaml"
    corpus.write_text(
        "# 6. Reflective diary (private to its author)\n\n"
        "- id: diary-001\n  role: mentee\n  clock: 2026-03-02T17:40\n  say: diary - a long day\n",
        encoding="utf-8",
    )
    assert [case.group for case in _bench().load(corpus)] == ["6. Reflective diary"]


# -- the runner's answers -------------------------------------------------------------------------


def test_the_next_answer_goes_to_the_question_asked_whatever_its_words(
    demo: Path, tmp_path: Path
) -> None:
    # At "Shall I send it to Tom?" the person's scripted answer starts with no yes-word and
    # shares no word with the buttons: it is still theirs to give, so the runner must send it.
    def answered(w: World) -> None:
        expect([t.text for t in w.turns][-1] == "that's right, thanks", "the answer was not sent")

    spoken = _spoken(
        "t-1",
        "book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video",
        ("that's right, thanks",),
        clock="2026-03-02T09:00",
    )
    outcome = world.play(spoken, Case("t-1", answered, confirm=False), demo, tmp_path)
    assert outcome.ok, outcome.reason


# -- readings of stored text ----------------------------------------------------------------------


def test_the_diary_reading_takes_the_persons_own_words(demo: Path, tmp_path: Path) -> None:
    spoken = _spoken(
        "diary-001", "diary - budget review with finance dragged on, nobody agreed the figures"
    )
    outcome = world.play(spoken, _reading("diary-001"), demo, tmp_path)
    assert outcome.ok, outcome.reason


def test_the_diary_reading_fails_when_nothing_is_stored(demo: Path, tmp_path: Path) -> None:
    outcome = world.play(_spoken("diary-001", "help"), _reading("diary-001"), demo, tmp_path)
    assert (outcome.ok, outcome.reason) == (False, "0 diary entries saved, wanted 1")


@pytest.mark.parametrize("case_id", ["diary-001", "diary-007", "diary-014"])
def test_a_diary_reading_fails_when_other_words_are_stored(
    case_id: str, demo: Path, tmp_path: Path
) -> None:
    with _world(demo, tmp_path, "2026-03-02T17:40") as w:
        w.spoken = _spoken(case_id, "diary - budget review with finance dragged on again today")
        w.mark()
        written_on = "2026-02-27" if case_id == "diary-007" else "2026-03-02"
        diary(w, "priya", written_on, "Monday rota mess again, the consultants dug in.")
        with pytest.raises(Miss, match="the text was not saved"):
            _reading(case_id).check(w)


def test_stored_text_must_be_what_was_typed() -> None:
    typed = "diary - rota mtg went sideways but i held my ground. need to prep better next time"
    assert keeps("rota mtg went sideways but i held my ground. need to prep better", typed)
    assert keeps(typed, typed)
    assert not keeps(None, typed)
    assert not keeps("", typed)
    assert not keeps("Diary entry", typed)  # a label, not her words
    assert not keeps("held my ground", typed)  # a fragment of them
    assert not keeps("the budget review went sideways again", typed)  # someone else's words


def test_words_kept_from_others_are_the_persons_own() -> None:
    typed = SimpleNamespace(
        spoken=_spoken(
            "concern-015",
            "haven't heard anything from nadia since the launch, i've emailed her twice",
            role="mentor",
            expect="a 'no response' concern is stored; Nadia is not told what Owen wrote",
        ),
        ids={"nadia": 1, "owen": 2},
    )
    found = theirs(typed)  # type: ignore[arg-type]
    assert found == ["emailed", "launch"]


@pytest.mark.parametrize(
    ("highlight", "ok"),
    [("watching her self-belief develop", True), ("seeing her confidence grow", False)],
)
def test_a_survey_reading_wants_the_answer_as_typed(
    highlight: str, ok: bool, demo: Path, tmp_path: Path
) -> None:
    # survey-010: Tom's kit-1 answers; his highlight must be what he typed at that question,
    # not the development corpus's wording of it.
    with _world(demo, tmp_path, "2026-03-16T10:00") as w:
        w.spoken = _spoken(
            "survey-010",
            "kit check-in pls",
            ("3", "once", "watching her self-belief develop", "skip"),
            role="mentor",
        )
        w.mark()
        with transaction(w.db) as session:
            survey = session.exec(select(Survey).where(Survey.key == "kit-1")).one()
            assert survey.id is not None
            answers = {"going": 3, "met": "Once", "highlight": highlight, "follow_up": ""}
            session.add(
                SurveyResponse(
                    survey_id=survey.id, person_id=w.ids["tom"], answers=answers, submitted_at=w.now
                )
            )
        if ok:
            _reading("survey-010").check(w)
        else:
            with pytest.raises(Miss, match="highlight not stored"):
                _reading("survey-010").check(w)
