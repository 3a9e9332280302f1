"""The language layer: one normal form of what people type, and one yes/no vocabulary."""

from __future__ import annotations

import pytest

from conversations.intents import IntentName, recognise
from conversations.language import Meaning, is_empty, leading, meaning, normalise
from conversations.language.availability import keeps_original, offers_another
from conversations.language.choices import candidates, pick
from conversations.messages import Choice


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


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lovely, yes", Meaning.YES),
        ("brilliant yep send it", Meaning.YES),
        ("perfect - yes please", Meaning.YES),
        ("cool, sure", Meaning.YES),
        ("fine, no", None),
    ],
)
def test_a_word_that_answers_alone_before_the_same_answer_says_it(
    typed: str, expected: Meaning | None
) -> None:
    assert meaning(typed) is expected


MODES = [Choice("In person", "m:in_person"), Choice("Video", "m:video"), Choice("Phone", "m:phone")]
MEETINGS = [Choice("Thu 5 Mar 10:00 with Tom", "c:1"), Choice("Fri 13 Mar 11:00 with Tom", "c:2")]
GUARD = [
    Choice("Remove it", "g:remove"),
    Choice("Rewrite it", "g:rewrite"),
    Choice("Keep it", "g:keep"),
]
OWNERS = [Choice("You", "o:me"), Choice("Tom", "o:tom"), Choice("Both of you", "o:both")]
YES_NO = [Choice("Yes", "yes"), Choice("No", "no")]
ACCEPT = [Choice("Accept", "a"), Choice("Decline", "d"), Choice("Suggest another time", "s")]
MET = [Choice("Not yet", "n"), Choice("Once", "o"), Choice("Twice or more", "t")]


@pytest.mark.parametrize(
    ("typed", "choices", "picked"),
    [
        ("2", MODES, "Video"),
        ("option 2", MODES, "Video"),
        ("the second one", MODES, "Video"),
        ("3.", MODES, "Phone"),
        ("last one", MODES, "Phone"),
        ("option 3 pls", OWNERS, "Both of you"),
        ("video", MODES, "Video"),
        ("VIDEO please", MODES, "Video"),
        ("vidoe", MODES, "Video"),
        ("in peson pls", MODES, "In person"),
        ("the friday one", MEETINGS, "Fri 13 Mar 11:00 with Tom"),
        ("thursday", MEETINGS, "Thu 5 Mar 10:00 with Tom"),
        ("rewrite", GUARD, "Rewrite it"),
        ("remve", GUARD, "Remove it"),
        ("tom", OWNERS, "Tom"),
        ("me", OWNERS, "You"),
        ("both of us", OWNERS, "Both of you"),
        ("yep", YES_NO, "Yes"),
        ("nah its fine", YES_NO, "No"),
        ("👍", YES_NO, "Yes"),
        ("sounds good", ACCEPT, "Accept"),
        ("nope", ACCEPT, "Decline"),
        ("another time", ACCEPT, "Suggest another time"),
        ("yes", [Choice("Yes, end our pairing", "e"), Choice("No, keep it for now", "k")],
         "Yes, end our pairing"),
        ("not now", [Choice("Yes", "y"), Choice("Not now", "n")], "Not now"),
        # A label inside a short sentence, or misspelt in one.
        ("i think we have met once", MET, "Once"),
        ("we have met two times now", MET, "Twice or more"),
        ("we haven't met yet", MET, "Not yet"),
        ("a vidoe call please", MODES, "Video"),
        ("phone call would be best", MODES, "Phone"),
        ("i'd rather meet in peson", MODES, "In person"),
    ],
)  # fmt: skip
def test_a_choice_is_picked_by_number_label_word_typo_or_meaning(
    typed: str, choices: list[Choice], picked: str
) -> None:
    choice = pick(typed, choices)
    assert choice is not None
    assert choice.label == picked


@pytest.mark.parametrize(
    ("typed", "choices"),
    [
        ("the one with tom", MEETINGS),
        ("7", MODES),
        ("teleport", MODES),
        ("maybe", YES_NO),
        ("", MODES),
    ],
)
def test_an_answer_naming_none_or_several_picks_none(typed: str, choices: list[Choice]) -> None:
    assert pick(typed, choices) is None


@pytest.mark.parametrize(
    ("typed", "choices"),
    [("not video", MODES), ("don't remove it", GUARD), ("never by phone", MODES)],
)
def test_a_sentence_against_what_it_names_picks_none(typed: str, choices: list[Choice]) -> None:
    assert pick(typed, choices) is None


HOW_OFTEN = [
    Choice("Every 2 weeks or more often", "f:2"),
    Choice("Every 3-4 weeks", "f:3"),
    Choice("Hardly ever", "f:0"),
]


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ("every two weeks", "Every 2 weeks or more often"),
        ("every 3 or 4 weeks", "Every 3-4 weeks"),
        ("every three to four weeks i think", "Every 3-4 weeks"),
        ("3 or 4 wks", "Every 3-4 weeks"),
    ],
)
def test_numbers_in_words_and_ranges_pick_the_label_with_them(typed: str, picked: str) -> None:
    choice = pick(typed, HOW_OFTEN)
    assert choice is not None
    assert choice.label == picked


def test_an_answer_fitting_several_names_them() -> None:
    assert candidates("the one with tom", MEETINGS) == MEETINGS


@pytest.mark.parametrize(
    ("typed", "empty"),
    [
        ("no thanks", True),
        ("nothing really", True),
        ("no agenda", True),
        ("skip this one", True),
        ("-", True),
        ("nothing major, but could someone call me about my rota", False),
        ("No one from my trust except Dr Smith", False),
        ("no more rota gaps", False),
        ("nothing much happened today, just clinic", False),
    ],
)
def test_an_answer_is_empty_only_when_it_says_nothing_else(typed: str, empty: bool) -> None:
    assert is_empty(typed) is empty


# -- phone shorthand: spelt out as whole words only -----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("face2face if poss", "in person if poss"),
        ("tmoz?", "tomorrow?"),
        ("yh", "yes"),
        ("tysm!", "thanks!"),
        ("ty x", "thanks x"),
        ("b4 clinic", "before clinic"),
        ("cd we", "could we"),
        ("wd mon work", "would mon work"),
        ("thurs @ 4", "thursday at 4"),
        ("thurs @4", "thursday at 4"),
        ("for 1.5hrs", "for 1.5 hours"),
        ("45mins", "45 minutes"),
        ("sam + me", "sam and me"),
        ("sam+me", "sam and me"),
    ],
)
def test_phone_shorthand_is_spelt_out(typed: str, read: str) -> None:
    assert normalise(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "b4ever",  # "b4" only as a word
        "typing on my tyre",  # "ty" never inside a word
        "nhs+ clinic",  # a name with a plus, not "and"
        "c++ course",
        "2+2",
        "mail me at jo@2x.org",  # an address, not "at 2"
        "v1.5hrsx",
    ],
)
def test_shorthand_inside_other_words_is_left_alone(typed: str) -> None:
    assert normalise(typed) == typed


@pytest.mark.parametrize(("typed", "name"), [("ty!", "THANKS"), ("tysm", "THANKS")])
def test_thanks_in_shorthand_is_thanks(typed: str, name: str) -> None:
    assert recognise(typed).name.name == name


def test_a_word_starting_like_shorthand_is_not_thanks() -> None:
    assert recognise("typo").name is IntentName.UNKNOWN


@pytest.mark.parametrize(
    ("typed", "offers"),
    [
        ("cant do thurs, how about fri at 2?", True),
        ("could do 2pm", True),
        ("friday instead", True),
        ("no sorry, on leave til monday", False),
        ("thurs is out for me", False),
    ],
)
def test_another_time_offered_or_only_refused(typed: str, offers: bool) -> None:
    assert offers_another(typed) is offers


@pytest.mark.parametrize(
    ("typed", "keeps"),
    [
        ("can we keep the original time?", True),
        ("id rather stick with the old one", True),
        ("lets leave it as it is", True),
        ("keep me posted", False),
        ("fri at 2 instead", False),
    ],
)
def test_keeping_the_meeting_as_it_was(typed: str, keeps: bool) -> None:
    assert keeps_original(typed) is keeps
