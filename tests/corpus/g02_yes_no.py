"""Corpus section 2: yes / no / choices at the bot's questions."""

from __future__ import annotations

from tests.corpus.world import World, case, expect, expect_meeting, new_meetings, notified


def send_to_tom_asked(w: World) -> None:
    """Priya's booking has reached "Send this to Tom? Thu 5 Mar 10:00, 60 min, video"."""
    w.say("priya", "book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video")
    expect(
        "send" in w.last().rendered.lower(), "set-up: the booking did not reach its confirmation"
    )


@case("yn-001", given=send_to_tom_asked)
def _yn_001(w: World) -> None:
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    expect_meeting(made[0], "Thu 5 Mar 10:00", minutes=60, mode="video")
    expect(notified(w, "tom"), "Tom was not notified")
