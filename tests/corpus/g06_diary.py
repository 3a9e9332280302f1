"""Corpus section 6: the reflective diary (private to its author)."""

from __future__ import annotations

from tests.corpus.setup import day, diary, from_typed, has, only_changed, parts_text
from tests.corpus.world import Row, World, case, expect, nothing_changed


def one_entry(w: World, written_on: str = "2026-03-02", who: str = "priya") -> Row:
    made = w.diff().new("diary_entry")
    expect(len(made) == 1, f"{len(made)} diary entries saved, wanted 1")
    expect(made[0]["author_id"] == w.ids[who], "the entry is not the speaker's")
    expect(
        made[0]["written_on"] == day(written_on),
        f"entry dated {made[0]['written_on']}, wanted {written_on}",
    )
    return made[0]


def whole(row: Row) -> str:
    return "\n".join(row[k] or "" for k in ("text", "what_happened", "so_what", "now_what"))


def private(w: World) -> None:
    """Only the diary changed, and nothing went to anyone else (no action, meeting, concern)."""
    only_changed(w, {"diary_entry"})


@case("diary-001")
def _diary_001(w: World) -> None:
    row = one_entry(w)
    expect(from_typed(w, whole(row)), f"the text was not saved as written: {whole(row)!r}")
    private(w)


def offered_prompts(w: World) -> None:
    first = w.turns[0]
    expect(
        bool(first.questions) and has(first.rendered, "so what", "now what"),
        "did not offer the What? / So what? / Now what? prompts",
    )


@case("diary-002")
def _diary_002(w: World) -> None:
    offered_prompts(w)
    row = one_entry(w)
    expect(from_typed(w, row["what_happened"], 1), "What is not her first answer")
    expect(from_typed(w, row["so_what"], 2), "So what is not her second answer")
    expect(from_typed(w, row["now_what"], 3), "Now what is not her third answer")
    private(w)


@case("diary-003")
def _diary_003(w: World) -> None:
    offered_prompts(w)
    row = one_entry(w)
    expect(
        from_typed(w, row["text"], 1),
        f"the free text was not saved as one entry: {whole(row)!r}",
    )
    expect(not (row["so_what"] or row["now_what"]), "prompts were forced")
    private(w)


def three_and_nadias(w: World) -> None:
    diary(w, "priya", "2026-02-27", "First proper meeting with Tom, nervous beforehand.")
    diary(w, "priya", "2026-02-28", "Weekend thoughts on the budget gap.")
    diary(w, "priya", "2026-03-02", "Monday rota mess again.")
    diary(w, "nadia", "2026-03-01", "Nadia's private reflection on the ultrasound audit.")


@case("diary-004", given=three_and_nadias)
def _diary_004(w: World) -> None:
    said = w.replies()
    where = [said.find(k) for k in ("rota mess", "budget gap", "first proper meeting")]
    expect(all(at >= 0 for at in where), "not all three of Priya's entries are listed")
    expect(where == sorted(where), "not newest first")
    expect("ultrasound" not in said, "Nadia's entry was shown")
    nothing_changed(w)


def two_entries(w: World) -> None:
    diary(w, "priya", "2026-02-27", "First proper meeting with Tom, nervous beforehand.")
    diary(w, "priya", "2026-03-02", "Monday rota mess again, posted in a hurry.")


@case("diary-005", given=two_entries)
def _diary_005(w: World) -> None:
    first = w.turns[0]
    expect(
        bool(first.questions) and has(first.rendered, "rota mess"),
        "did not show the Mon 2 Mar entry and ask to confirm",
    )
    left = w.rows("diary_entry", author_id=w.ids["priya"])
    expect(not any(has(r["text"], "rota mess") for r in left), "the Mon 2 Mar entry is still there")
    expect(any(has(r["text"], "first proper meeting") for r in left), "the Fri entry was deleted")


def writing_free_text(w: World) -> None:
    """A diary entry in progress: the bot has asked for the entry (free text if it offers)."""
    turn = w.say("priya", "diary")
    if has(turn.rendered, "prompt") and turn.questions:
        turn = w.say("priya", "no, just let me type")
    expect(
        has(turn.rendered, "what happened|entry|write"),
        "set-up: the bot did not ask for the diary entry",
    )


@case("diary-006", given=writing_free_text)
def _diary_006(w: World) -> None:
    row = one_entry(w)
    expect(from_typed(w, whole(row)), f"the text was not saved: {whole(row)!r}")
    private(w)


@case("diary-007")
def _diary_007(w: World) -> None:
    row = one_entry(w, "2026-02-27")
    expect(from_typed(w, whole(row)), f"the text was not saved: {whole(row)!r}")
    private(w)


def refused(w: World, *secrets: str) -> None:
    said = w.replies()
    expect(
        "didn't understand" not in said and has(said, "private|can't|cannot|only"),
        "not refused (the request was not understood)",
    )
    for secret in secrets:
        expect(secret not in said, f"the diary was shown ({secret!r})")
    nothing_changed(w)


@case("diary-008", given=two_entries, speaker="tom")
def _diary_008(w: World) -> None:
    refused(w, "rota mess", "nervous")


@case("diary-009")
def _diary_009(w: World) -> None:
    expect(
        any(
            t.questions and has(t.rendered, "hospital number|patient") and has(t.rendered, "remov")
            for t in w.turns
        ),
        "did not point out the hospital number and ask to remove, rewrite or keep it",
    )
    expect(not w.diff().new("diary_entry"), "saved before the answer")
    expect(not w.diff().new("concern"), "a concern was raised by itself")


@case("diary-010")
def _diary_010(w: World) -> None:
    row = one_entry(w)
    expect(has(whole(row), "4 w|four w"), "the agreed change was not recorded")
    private(w)


@case("diary-011", given=two_entries)
def _diary_011(w: World) -> None:
    to_tom = [parts_text(r) for r in w.sent("tom") if r.get("kind") != "reply"]
    expect(any("rota mess" in t for t in to_tom), "the Mon 2 Mar entry was not shared with Tom")
    expect(not any("nervous" in t for t in to_tom), "the Fri 27 Feb entry was shared too")
    only_changed(w, {"diary_entry"}, may_tell=("tom",))


def rota_and_budget(w: World) -> None:
    diary(w, "priya", "2026-02-27", "The rota meeting went badly, the consultants dug in.")
    diary(w, "priya", "2026-02-28", "Worried about the budget gap for next year.")


@case("diary-012", given=rota_and_budget)
def _diary_012(w: World) -> None:
    said = w.replies()
    expect("consultants dug in" in said, "the Fri 27 Feb rota entry was not shown")
    expect("budget gap" not in said, "the budget entry was shown too")
    nothing_changed(w)


@case("diary-013")
def _diary_013(w: World) -> None:
    offered_prompts(w)
    row = one_entry(w)
    expect(from_typed(w, row["what_happened"], 1), "What is not her first answer")
    expect(not row["so_what"], f"So what is not empty: {row['so_what']!r}")
    expect(from_typed(w, row["now_what"], 3), "Now what is not her last answer")
    private(w)


@case("diary-014")
def _diary_014(w: World) -> None:
    row = one_entry(w)
    expect(from_typed(w, whole(row)), f"the text was not saved: {whole(row)!r}")
    private(w)


def nadias_one(w: World) -> None:
    diary(w, "nadia", "2026-03-01", "Sunday: thinking about the ultrasound audit.")
    diary(w, "priya", "2026-02-27", "Priya on the rota meeting.")
    diary(w, "priya", "2026-03-02", "Priya on the budget gap.")


@case("diary-015", given=nadias_one, speaker="nadia")
def _diary_015(w: World) -> None:
    said = w.replies()
    expect("ultrasound audit" in said, "Nadia's Sun 1 Mar entry was not shown")
    expect("priya on" not in said, "Priya's entries were shown")
    nothing_changed(w)
