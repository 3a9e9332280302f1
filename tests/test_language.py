"""The language layer: one normal form of what people type, and one yes/no vocabulary."""

from __future__ import annotations

import pytest

from conversations.language import Meaning, leading, meaning, normalise


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Whats next", "what's next"),
        ("isnt it", "isn't it"),
        (
            "I cant, dont worry, wont happen, im away",
            "i can't, don't worry, won't happen, i'm away",
        ),
        ("Check in", "check-in"),
        ("checkin", "check-in"),
        ("my check ins", "my check-ins"),
        ("tmrw", "tomorrow"),
        ("weds", "wednesday"),
        ("thurs", "thursday"),
        ("pls", "please"),
        ("plz", "please"),
        ("30 mins", "30 minutes"),
        ("an hr", "an hour"),
        ("2 hrs", "2 hours"),
        ("f2f", "in person"),
        ("a 1:1 w tom", "a meeting with tom"),
        ("1-1 meeting w/ Tom", "meeting with tom"),
        ("asap", "as soon as possible"),
        ("can u check ur diary", "can you check your diary"),
        ("👍", "yes"),
        ("✅", "yes"),
        ("Yesss", "yes"),
        ("it\u2019s fine", "it's fine"),
    ],
)
def test_normalise_reads_how_people_type(typed: str, read: str) -> None:
    assert normalise(typed) == read


@pytest.mark.parametrize(
    "typed", ["at 1:15", "w/c 9 March", "11:00", "1-1.30", "31/3 at 9.30", "coffee"]
)
def test_normalise_leaves_times_dates_and_words_alone(typed: str) -> None:
    assert normalise(typed) == typed.lower()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        *[(t, Meaning.YES) for t in (
            "yes", "Y", "yep", "yeah", "yup 👍", "aye", "sure", "sounds good", "go for it", "ok",
            "okay", "OK!", "k", "👍", "✅", "that works", "yes please", "Yesss!!", "go on then",
            "oh go on then", "perfect", "Sounds good, thanks", "absolutely", "accept",
        )],
        *[(t, Meaning.NO) for t in (
            "no", "n", "nope", "nah", "no thanks", "not really", "Nah its fine", "no sorry misread",
            "sorry, no", "I dont think so", "👎", "decline", "No.",
        )],
        *[(t, Meaning.SKIP) for t in ("skip", "pass", "Skip it", "next")],
        *[(t, Meaning.NONE) for t in ("none", "nothing", "n/a", "-", "nothing thanks")],
        *[(t, Meaning.LATER) for t in ("not now", "later", "remind me later", "not yet",
                                       "later thanks")],
        *[(t, Meaning.UNSURE) for t in ("not sure", "dunno", "no idea", "hmm not sure",
                                        "I don't know", "not sure tbh")],
    ],
)  # fmt: skip
def test_one_vocabulary(typed: str, expected: Meaning) -> None:
    assert meaning(typed) is expected


@pytest.mark.parametrize(
    "typed", ["next week", "later today", "fine weather", "please send it to Owen", "Friday", ""]
)
def test_words_that_only_answer_alone_do_not_lead(typed: str) -> None:
    assert meaning(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected", "rest"),
    [
        ("yes that works", Meaning.YES, ""),
        ("yup 👍", Meaning.YES, ""),
        ("no, the Friday after", Meaning.NO, "the friday after"),
        ("yes but make it 90 mins", Meaning.YES, "but make it 90 minutes"),
        ("yes, 2:30 on 31/3 pls", Meaning.YES, "2:30 on 31/3 please"),
        ("hmm not sure, let me check my rota", Meaning.UNSURE, "let me check my rota"),
    ],
)
def test_a_clear_answer_leads_and_the_rest_is_kept(
    typed: str, expected: Meaning, rest: str
) -> None:
    reading = leading(typed)
    assert reading is not None
    assert (reading.meaning, reading.rest) == (expected, rest)
