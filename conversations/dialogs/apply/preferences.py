"""Choosing mentors: once the steering group has *selected* the application, the mentee ranks
up to three mentors from the bios of mentors with a free place ("choose my mentor", or in one
message: "my top three: Kit, Eve, Ian"). Stored in ``Application.preferences`` (person ids,
ranked) and changeable until the pairing. Built from the dialog kit: one field, read against the
numbered list the person saw, and the kit's confirmation. See ``apply.mmd``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from conversations.dialogs import kit
from conversations.dialogs.apply.form import lead_contact, mentee_enrolments, not_a_mentee
from conversations.dialogs.base import Context, Turn, say
from conversations.language.applications import listed_after
from conversations.language.choices import ranked
from conversations.messages import Choice, Incoming, Part, Text
from storage import application_queries as apps
from storage.models import Application, ApplicationStatus

MAX_PICKS = 3
WAYS = {"in_person": "face to face", "video": "video", "phone": "phone"}
COUNT = {1: "one", 2: "two", 3: "three"}
PICKS = "picks"
# Where an application not yet selected stands, as the mentee asking to choose is told.
_BEFORE_SELECTION = {
    ApplicationStatus.DRAFT.value: "You haven't sent an application yet: type *apply* to start. ",
    ApplicationStatus.SUBMITTED.value: "The steering group is still reviewing applications. ",
}


def _bio_line(number: int, mentor: apps.MentorBio) -> str:
    ways = ", ".join(WAYS.get(w, w) for w in mentor.ways_of_working) or "not given"
    organisation = f" ({mentor.organisation})" if mentor.organisation else ""
    style = f"\n   Style: {mentor.style}" if mentor.style else ""
    return f"{number}. *{mentor.name}*{organisation}\n   {mentor.bio or '(no bio yet)'}{style}\n   Meets: {ways}"


def read_picks(text: str, offered: list[apps.MentorBio], need: int) -> list[int] | str:
    """Person ids, ranked, from "2, 5, 1" or names; or a problem to say back."""
    said = ranked(text, [Choice(m.name, PICKS, str(m.person_id)) for m in offered])
    if said.problem == "number":
        return f"There's no mentor number {said.said}: please use the numbers 1 to {len(offered)}."
    if said.problem == "several":
        return f"More than one mentor is called {said.said}: please use their numbers."
    if said.problem is not None:
        return f"I couldn't find a mentor called {said.said[:60]} in the list: please use their numbers."
    if len(set(said.picks)) != len(said.picks):
        return "Please choose different mentors: each one once."
    if not said.picks or len(said.picks) > need:
        if need == 1:
            return "Please choose one mentor: reply with the number or name."
        return (
            f"Please choose up to {COUNT[need]} mentors, in order of preference (for example "
            "'2, 1, 3')."
        )
    # Fewer than ``need`` is the mentee's choice (only one or two may suit them).
    return [offered[i].person_id for i in said.picks]


def _own(ctx: Context, application_id: int | None) -> Application | None:
    application = ctx.session.get(Application, application_id)
    return application if application and application.person_id == ctx.person_id else None


class PrefState(kit.FormState):
    application_id: int
    offered: list[int]  # the mentors in the order shown: their numbers stay as the person saw
    need: int


class PreferencesDialog(kit.Form[PrefState]):
    """A selected mentee's top three mentors, from the bios of mentors with a free place."""

    name: ClassVar[str] = "preferences"
    title: ClassVar[str] = "Your mentor preferences"
    schema_version: ClassVar[int] = 2
    State = PrefState
    fields = (
        kit.FormField(PICKS, "Your choices", "", guarded=False, max_length=500, repeat=False),
    )
    confirm_question = "Shall I save them?"
    change_label = "Choose again"
    current_label = "Your choices so far"
    SAVE = "dialog:preferences:save"
    CHANGE = "dialog:preferences:change"
    PART = "dialog:preferences:part"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentee(ctx, "Choosing mentors")) is not None:
            return refusal
        mine = {e.cohort.id for e in mentee_enrolments(ctx)}
        found = apps.choosing_application(ctx.session, ctx.person_id, mine)
        status = found[0].status if found is not None else ApplicationStatus.DRAFT.value
        if found is None or status in _BEFORE_SELECTION:
            return say(
                "Choosing your mentors comes after selection. "
                + _BEFORE_SELECTION[status]
                + "Once your application is selected, I'll show you the bios of the "
                "mentors with a free place and you'll pick your top three."
            )
        application, cohort = found
        assert cohort.id is not None
        assert application.id is not None
        if application.status != ApplicationStatus.SELECTED.value:
            return say(
                f"Your application to *{cohort.name}* wasn't taken forward this time, so "
                f"there are no mentors to choose. Please contact {lead_contact(ctx, cohort.id)} "
                "if you'd like to talk about it."
            )
        matched = apps.active_mentor_of(ctx.session, ctx.person_id, cohort.id)
        if matched is not None:
            return say(
                f"You've been matched with {ctx.name_of(matched)}, so your preferences "
                "are closed. Type *what's next* to see what's due."
            )
        offered = apps.mentors_with_free_capacity(ctx.session, ctx.person_id, cohort.id)
        if not offered:
            return say(
                "No mentors have a free place just now, so there's nobody to choose from "
                f"yet. Please contact {lead_contact(ctx, cohort.id)}: they'll help."
            )
        state = PrefState(
            step=PICKS,
            application_id=application.id,
            offered=[m.person_id for m in offered],
            need=min(MAX_PICKS, len(offered)),
        )
        # "my top three: Kit, Eve, Ian" (or "... are Kit, Eve and Ian") chooses at once.
        listed = listed_after(msg.text)
        if listed and isinstance(picks := read_picks(listed, offered, state.need), list):
            state.values[PICKS] = picks
        return self._next(ctx, state)

    def step(self, ctx: Context, raw: dict[str, Any], msg: Incoming) -> Turn:
        if _own(ctx, raw.get("application_id")) is None:
            return say(
                "I can't find your application any more. Type *choose my mentor* to start again."
            )
        return super().step(ctx, raw, msg)

    def ask_field(self, ctx: Context, state: PrefState, field: kit.FormField) -> list[Part]:
        """The bios, numbered, and the question."""
        application = _own(ctx, state.application_id)
        offered = self._shown(ctx, state)[0]
        if application is None or not offered:
            return [Text("Type *choose my mentor* to see the mentors again.")]
        lines = [f"Mentors with a free place ({len(offered)}):"]
        lines += [_bio_line(n, m) for n, m in enumerate(offered, start=1)]
        replies: list[Part] = [Text("\n".join(lines))]
        # Earlier choices still on offer (a former mentor, or one now full, is not).
        still = [pid for pid in application.preferences if pid in {m.person_id for m in offered}]
        if still and still == list(application.preferences):
            current = ", ".join(f"{n}. {ctx.name_of(pid)}" for n, pid in enumerate(still, start=1))
            again = "Reply with new ones to change them, or type *cancel* to keep them."
            replies.append(Text(f"Your current choices: {current}. {again}"))
        replies.append(
            Text(
                f"Which {COUNT[state.need]} would you like, in order of preference? Reply with "
                "their numbers (for example '2, 1, 3') or names. Fewer is fine if only one or "
                "two suit you."
                if state.need > 1
                else "Which one would you like? Reply with the number or name."
            )
        )
        return replies

    def read_field(
        self, ctx: Context, state: PrefState, field: kit.FormField, msg: Incoming
    ) -> kit.Read:
        reading = field.read(ctx, msg)
        if reading.value is None:
            return reading
        picks = read_picks(msg.text.strip(), self._shown(ctx, state)[1], state.need)
        return kit.Read(problem=picks) if isinstance(picks, str) else kit.Read(picks)

    def correction(self, ctx: Context, state: PrefState, msg: Incoming) -> Turn | None:
        """Other picks typed at the confirmation ("actually 3, 1, 2")."""
        picks = read_picks(msg.text, self._shown(ctx, state)[1], state.need)
        if not isinstance(picks, list) or picks == state.values.get(PICKS):
            return None
        state.values[PICKS] = picks
        return Turn(replies=self._confirmation(ctx, state), state=state.to_state())

    def _shown(
        self, ctx: Context, state: PrefState
    ) -> tuple[list[apps.MentorBio], list[apps.MentorBio]]:
        """The mentors shown, in order: those still free, and all of them (picks are numbered
        as the person saw them)."""
        application = _own(ctx, state.application_id)
        if application is None:
            return [], []
        return apps.mentors_as_shown(
            ctx.session, ctx.person_id, application.cohort_id, state.offered
        )

    def summary(self, ctx: Context, state: PrefState) -> list[Part]:
        picks: list[int] = state.values.get(PICKS, [])
        lines = "\n".join(f"{n}. {ctx.name_of(pid)}" for n, pid in enumerate(picks, start=1))
        fewer = (
            "\nIf none of them can take you, the steering group may suggest another mentor "
            "with a free place."
            if len(picks) < MAX_PICKS
            else ""
        )
        return [Text("Your choices, in order of preference:\n" + lines + fewer)]

    def save(self, ctx: Context, state: PrefState) -> Turn:
        application = _own(ctx, state.application_id)
        assert application is not None
        if apps.active_mentor_of(ctx.session, ctx.person_id, application.cohort_id) is not None:
            return say(
                "You've been matched with a mentor meanwhile, so your preferences are "
                "closed. Type *what's next* to see what's due."
            )
        free = {m.person_id for m in self._shown(ctx, state)[0]}  # the picks are among these
        picks: list[int] = state.values[PICKS]
        if gone := [pid for pid in picks if pid not in free]:
            names = ", ".join(ctx.name_of(pid) for pid in gone)
            return say(
                f"Sorry: {names} no longer has a free place. Type *choose my mentor* to "
                "see who does."
            )
        application.preferences = list(picks)
        ctx.session.add(application)
        return say(
            "Saved your choices. The steering group matches mentees and mentors by "
            "comparing applications with mentor profiles; it can't always give "
            "everyone their first choice. You can change your choices until you're "
            "matched: type *choose my mentor*."
        )
