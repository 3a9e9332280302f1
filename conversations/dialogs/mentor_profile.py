"""The mentor profile: registering as a mentor, changing a profile, and the capacity flag.

Map:
- :class:`MentorProfileDialog` ("register as a mentor", "my mentor profile"): a mentor without
  a profile answers every question (bio, style, ways of working, preferred contact,
  organisation, capacity within the scheme's maximum, conflicts of interest); a mentor with one
  sees it and changes one field. Either way the profile is confirmed before it is saved
  (upserted, with ``updated_at``). See ``mentor_profile.mmd``.
- :func:`capacity_answer` ("I'm at full capacity", "taking mentees again", "my capacity"):
  sets or clears ``at_full_capacity`` at once and says what it means.
Only people with the mentor role have a profile: the scheme's project lead decides who mentors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from conversations.dialogs import kit, safety_check
from conversations.dialogs.apply import lead_contact
from conversations.dialogs.base import Context, Registry, Turn, counted, say
from conversations.intents import INTENT_ACTION_PREFIX, MORE_MENTEES, Intent, IntentName
from conversations.language.profile import (
    after_profile_words,
    all_fine,
    at_full_capacity,
    is_name,
    mentee_count,
    names_in,
    new_capacity,
    taking_mentees_again,
    ways_in,
)
from conversations.language.vocabulary import Meaning, meaning
from conversations.messages import Choice, Incoming, Part, Question, Text
from storage import application_queries as apps
from storage.models import MentorProfile, Role

ANSWER = "dialog:mentor_profile:answer"
NOTHING = "nothing"

WAYS = {"in_person": "Face to face", "video": "Video", "phone": "Phone"}
MAX_CONFLICTS = 30


SAFETY = safety_check.Wording(
    keep="Keep it in my profile only",
    also_ask="Mentees choosing a mentor can read your profile. Shall I keep what you wrote there "
    "too?",
    also_keep="Yes, keep it in my profile",
    who_reads="Mentees choosing a mentor can read your profile.",
)
REVIEW = "review"  # a saved profile shown: change something, or nothing


def _maximum(ctx: Context) -> int:
    return ctx.settings().mentor_capacity.most()


def _given(value: Any) -> str:
    return str(value) if value not in (None, "") else "(not given)"


SHOWN: dict[str, Callable[[Any], str]] = {
    "ways_of_working": lambda v: ", ".join(WAYS.get(w, w) for w in v or []) or "(not given)",
    "conflicts": lambda v: ", ".join(v or []) or "None",
    "at_full_capacity": lambda v: "Yes: not taking new mentees" if v else "No",
    "capacity": lambda v: counted(v, "mentee") if v is not None else "(not given)",
}


def summary(profile: dict[str, Any]) -> str:
    return "\n".join(f"*{item.label}:* {item.shown(profile.get(item.name))}" for item in ITEMS)


def _as_dict(row: MentorProfile) -> dict[str, Any]:
    """A saved profile as the dialog's values (one per item)."""
    values = {item.name: getattr(row, item.name) for item in ITEMS}
    return {k: list(v) if isinstance(v, list) else v for k, v in values.items()}


# -- each kind of answer, read -------------------------------------------------------------------


def _ways(ctx: Context, msg: Incoming) -> kit.Read:
    if msg.action == ANSWER and msg.values.get("value") in (*WAYS, "all"):
        value = str(msg.values["value"])
        return kit.Read(list(WAYS) if value == "all" else [value])
    if (found := ways_in(msg.text)) is None:
        return kit.Read(problem="Please choose face to face, video or phone (or several).")
    return kit.Read(found)


def _capacity(ctx: Context, msg: Incoming) -> kit.Read:
    value, maximum = mentee_count(msg.text), _maximum(ctx)
    if value is None:
        return kit.Read(problem="Please give a number, like *2*.")
    if value < 1:
        return kit.Read(
            problem="Your capacity is at least 1. If you can't take anyone new just now, keep it "
            "and say *I'm at full capacity* once your profile is saved."
        )
    if value > maximum:
        return kit.Read(problem=f"The scheme allows at most {maximum} mentees per mentor.")
    return kit.Read(value)


def _names(ctx: Context, msg: Incoming) -> kit.Read:
    names = names_in(msg.text)
    if len(names) > MAX_CONFLICTS:
        why = (
            f"That's more than {MAX_CONFLICTS} names: please list only the people who might apply."
        )
    elif not all(map(is_name, names)):
        why = "Those don't look like names: please list names (or emails), or say *none*."
    elif any(len(n) > 200 for n in names):
        why = "One of those names is very long: please separate the names with commas."
    else:
        return kit.Read(names)
    return kit.Read(problem=why)


def _yes_no(ctx: Context, msg: Incoming) -> kit.Read:
    if msg.action == ANSWER and msg.values.get("value") in ("yes", "no"):
        return kit.Read(msg.values["value"] == "yes")
    said = meaning(msg.text)
    if said in (Meaning.YES, Meaning.NO):
        return kit.Read(said is Meaning.YES)
    return kit.Read(problem="Please answer *yes* or *no*.")


def _buttons(ask: str, *choices: tuple[str, str]) -> kit.Asker:
    question = Question(ask, tuple(Choice(label, ANSWER, key) for key, label in choices))
    return lambda ctx: [question]


def _item(
    key: str,
    label: str,
    ask: str,
    limit: int,
    words: tuple[str, ...],
    reader: kit.Reader | None = None,
    asker: kit.Asker | None = None,
    guarded: bool = False,
) -> kit.FormField:
    """One question of the profile; only the free-text ones go through the guard."""
    return kit.FormField(
        key,
        label,
        ask,
        guarded=guarded,
        reader=reader,
        max_length=limit,
        words=words,
        show=SHOWN.get(key, _given),
        asker=asker,
    )


WAYS_ASK = "How do you like to meet? Pick one, or type several (for example 'video and phone')."
FULL_ASK = "Are you at full capacity (not taking new mentees)?"
CAPACITY_ASK = "How many mentees could you take at once?"
ITEMS: tuple[kit.FormField, ...] = (
    _item(
        "bio",
        "Bio",
        "First, your bio, in a few lines: who you are, your background, and why you mentor. "
        "Selected mentees read it when they choose their top three.",
        1500,
        ("bio", "biography", "about me"),
        guarded=True,
    ),
    _item(
        "style",
        "Mentoring style",
        "How would you describe your mentoring style? (For example: 'coaching style: questions "
        "first, advice when asked'.)",
        500,
        ("mentoring style", "style"),
        guarded=True,
    ),
    _item(
        "ways_of_working",
        "Ways of working",
        WAYS_ASK,
        200,
        ("ways of working", "ways", "how i meet", "how i like to meet", "meeting"),
        _ways,
        _buttons(WAYS_ASK, *WAYS.items(), ("all", "All three")),
    ),
    _item(
        "contact_preference",
        "Preferred contact",
        "What's the best way for your mentee to contact you? (For example: 'email first, "
        "weekday mornings'.)",
        200,
        ("preferred contact", "contact preference", "contact method", "contact"),
    ),
    _item(
        "organisation",
        "Organisation",
        "Which organisation do you work for?",
        200,
        ("organisation", "organization", "employer", "trust"),
    ),
    _item(
        "capacity",
        "Capacity",
        CAPACITY_ASK,
        20,
        ("capacity", "number of mentees", "mentees", "how many mentees"),
        _capacity,
        lambda ctx: [Text(f"{CAPACITY_ASK} (1 to {_maximum(ctx)}: the scheme's maximum.)")],
    ),
    _item(
        "conflicts",
        "Conflicts of interest",
        "Do you appraise, educationally supervise or line-manage anyone who might apply? List "
        "their names (or emails), separated by commas, or say *none*. They won't be matched "
        "with you, and the list isn't shown to mentees.",
        2000,
        ("conflicts of interest", "conflicts", "conflict", "people i appraise"),
        _names,
    ),
    _item(
        "at_full_capacity",
        "At full capacity",
        FULL_ASK,
        20,
        ("at full capacity", "full capacity", "full"),
        _yes_no,
        _buttons(FULL_ASK, ("yes", "Yes"), ("no", "No")),
    ),
)


def not_a_mentor(ctx: Context, what: str) -> Turn | None:
    if Role.MENTOR.value in ctx.roles:
        return None
    contact = lead_contact(ctx, None)
    if Role.MENTEE.value in ctx.roles:
        reason = (
            f"{what} is for mentors, and you're taking part as a mentee. The scheme's project "
            "lead decides who mentors: if you'd like to mentor in a future round, please "
            f"contact {contact}."
        )
    else:
        reason = (
            f"{what} is for mentors, and you're not registered as one. The scheme's project "
            f"lead adds mentors: please contact {contact}."
        )
    return say(reason)


class ProfileState(kit.FormState):
    new: bool = True


class MentorProfileDialog(kit.Form[ProfileState]):
    """A new profile: every question then a review. An existing one: pick a field, change it,
    review."""

    name: ClassVar[str] = "mentor_profile"
    title: ClassVar[str] = "Your mentor profile"
    schema_version: ClassVar[int] = 2
    State = ProfileState
    fields: ClassVar[tuple[kit.FormField, ...]] = ITEMS
    guard_where = "your profile"
    current_label = "At the moment"
    check_on_answer = True
    wording = SAFETY
    SAVE = "dialog:mentor_profile:save"
    CHANGE = "dialog:mentor_profile:change"
    PART = "dialog:mentor_profile:which"

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentor(ctx, "A mentor profile")) is not None:
            return refusal
        row = apps.mentor_profile(ctx.session, ctx.person_id)
        if row is None or not row.bio.strip():
            # No profile yet (or only the empty one a scheme file makes): every question.
            return super().start(ctx, msg)
        state = ProfileState(step=REVIEW, values=_as_dict(row), new=False)
        given = str(msg.values.get("value", ""))
        capacity = None
        if msg.action and given.startswith("capacity="):
            capacity = given.removeprefix("capacity=")  # "Yes, change it to 2" (capacity_answer)
        elif msg.action is None and MORE_MENTEES.search(msg.text):
            capacity = str(row.capacity + 1)  # "happy to take on another mentee": one more place
        if capacity is not None:  # through the usual review
            state.step, state.editing = "capacity", True
            typed = Incoming(person_id=msg.person_id, text=capacity)
            return self.step(ctx, state.to_state(), typed)
        said = Incoming(person_id=msg.person_id, text=after_profile_words(msg.text))
        if (changed := self._named_change(ctx, state, said)) is not None:
            return changed
        shown = Text("Your mentor profile:\n" + summary(state.values), private=True)
        return Turn(replies=[shown, self._review()], state=state.to_state())

    def begin(self, ctx: Context, msg: Incoming, state: ProfileState) -> list[Part]:
        """A new profile: what is known already (the organisation a scheme file gave)."""
        row = apps.mentor_profile(ctx.session, ctx.person_id)
        state.values["at_full_capacity"] = row.at_full_capacity if row else False
        enrolment = ctx.enrolment(Role.MENTOR.value)
        people = enrolment.cohort.settings.get("people", {}) if enrolment else {}
        entry = people.get(ctx.person.email) if isinstance(people, dict) else None
        known = entry if isinstance(entry, dict) else {}
        said: list[Part] = [
            Text(
                "Let's set up your mentor profile. I'll ask a few questions, one at a time, and "
                "show you the whole profile before I save it."
            )
        ]
        organisation = (row.organisation if row else "") or known.get("organisation")
        if isinstance(organisation, str) and organisation:
            state.values["organisation"] = organisation[:200]
            said.append(
                Text(f"I have your organisation as {organisation}: you can change it at the end.")
            )
        return said

    # A saved profile is shown first: "Would you like to change something?", or nothing.
    def own_steps(self) -> kit.OwnSteps[ProfileState]:
        return {REVIEW: (lambda ctx, state: [self._review()], self._on_review)}

    def _review(self) -> Question:
        nothing = Choice("Nothing: it's all fine", self.PART, NOTHING)
        return Question(
            "Would you like to change something?", (*self._which_part().choices, nothing)
        )

    def _on_review(self, ctx: Context, state: ProfileState, msg: Incoming) -> Turn:
        said = meaning(msg.text) if msg.action is None else None
        nothing = msg.action == self.PART and msg.values.get("value") == NOTHING
        if nothing or said in (Meaning.NO, Meaning.NONE) or all_fine(msg.text):
            return say(
                "OK: your profile stays as it is. Type *my mentor profile* whenever "
                "you'd like to change it."
            )
        if (changed := self._named_change(ctx, state, msg)) is not None:
            return changed
        state.step = kit.WHICH
        return self.step(ctx, state.to_state(), msg)

    def summary(self, ctx: Context, state: ProfileState) -> list[Part]:
        return [Text("Here's your mentor profile:\n" + summary(state.values), private=True)]

    def save(self, ctx: Context, state: ProfileState) -> Turn:
        saved = apps.mentor_profile(ctx.session, ctx.person_id)
        first = saved is None or not saved.bio.strip()
        row = saved or MentorProfile(person_id=ctx.person_id, updated_at=ctx.now)
        # Each item's answer, or the column's default when it has none.
        values = _as_dict(MentorProfile(person_id=ctx.person_id, updated_at=ctx.now))
        values |= {k: v for k, v in state.values.items() if k in values and v is not None}
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = ctx.now
        ctx.session.add(row)
        done = (
            "Saved your mentor profile: welcome aboard!"
            if first
            else "Saved the changes to your mentor profile."
        )
        full = (
            " You're marked *at full capacity*, so you won't be offered to new mentees until you "
            "say *taking mentees again*."
            if values["at_full_capacity"]
            else ""
        )
        return say(
            f"{done} Selected mentees see your name, organisation, bio, style and ways "
            "of working when they choose their top three; your conflicts list is used "
            f"only for matching.{full} Type *my mentor profile* to change it any time."
        )


# -- "I'm at full capacity" / "taking mentees again" ------------------------------------------


def capacity_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """Set or clear the "at full capacity" flag at once, or say where things stand."""
    if (refusal := not_a_mentor(ctx, "Mentor capacity")) is not None:
        return refusal
    row = apps.mentor_profile(ctx.session, ctx.person_id)
    if row is None:
        return say(
            "You don't have a mentor profile yet, so there's no capacity to change. "
            "Type *register as a mentor* to set one up."
        )
    taken = apps.active_mentee_count(ctx.session, ctx.person_id)
    mentees = counted(row.capacity, "mentee")
    places = f"you have {taken} of {counted(row.capacity, 'place')} taken"
    if (number := new_capacity(msg.text)) is not None:
        # A new capacity goes through the profile's review: offer it as one button.
        action = INTENT_ACTION_PREFIX + IntentName.REGISTER_MENTOR.value
        change = Choice(f"Yes, change it to {number}", action, f"capacity={number}")
        asked = Question(f"Shall I change your capacity to {number}?", (change,))
        return Turn(replies=[Text(f"You can take {mentees} now."), asked])
    again = taking_mentees_again(msg.text)
    full = not again and at_full_capacity(msg.text)
    if again or full:
        if row.at_full_capacity == full:
            return say(
                "You're already marked *at full capacity*. Say *taking mentees again* when "
                "you're ready."
                if full
                else f"You're already taking mentees ({places})."
            )
        row.at_full_capacity, row.updated_at = full, ctx.now
        ctx.session.add(row)
        if full:
            return say(
                "Done: you're marked *at full capacity*. You won't be offered to new mentees "
                "until you say *taking mentees again*. Your current mentees aren't affected."
            )
        free = (
            " Selected mentees can choose you while you have a free place."
            if taken < row.capacity
            else " All your places are taken, so you won't be offered to new mentees until one "
            "frees up or you raise your capacity (*my mentor profile*)."
        )
        return say(f"Done: you're taking mentees again ({places}).{free}")
    flag = (
        "You're marked *at full capacity*: say *taking mentees again* when you're ready."
        if row.at_full_capacity
        else "Say *I'm at full capacity* if you can't take anyone new for now."
    )
    return say(f"You can take {mentees}; {places}. {flag}")


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(MentorProfileDialog(), IntentName.REGISTER_MENTOR)
    registry.answers[IntentName.MENTOR_CAPACITY] = capacity_answer
