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

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from conversations.corrections import CHANGE_FIELD, FieldNames
from conversations.dialogs import safety_check
from conversations.dialogs.apply import lead_contact
from conversations.dialogs.base import Context, Registry, Turn
from conversations.intents import INTENT_ACTION_PREFIX, Intent, IntentName
from conversations.language import Meaning, is_empty, leading, meaning
from conversations.language.choices import answer
from conversations.messages import Choice, Incoming, Part, Question, Text
from conversations.patient_data import (
    GUARD_EDIT,
    GUARD_KEEP,
    GUARD_REMOVE,
    find_patient_data,
    guard_choice,
    guard_question,
    remove_patient_data,
)
from storage import application_queries as apps
from storage.models import MentorProfile, Role

ANSWER = "dialog:mentor_profile:answer"
SAVE = "dialog:mentor_profile:save"
CHANGE = "dialog:mentor_profile:change"
CONFIRM = (Choice("Save", SAVE), Choice("Change something", CHANGE))
WHICH = "dialog:mentor_profile:which"
NOTHING = "nothing"

WAYS = {"in_person": "Face to face", "video": "Video", "phone": "Phone"}
_WAY_WORDS = {
    "in_person": r"\b(?:face[ -]to[ -]face|in[ -]person|f2f|meet(?:ing)? up)\b",
    "video": r"\b(?:video|teams|zoom|online|virtual(?:ly)?)\b",
    "phone": r"\b(?:phone|telephone|calls?)\b",
}
_ALL_WAYS = re.compile(r"\b(?:all(?: three| of them)?|any(?: of them)?|every way|anything)\b", re.I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
MAX_CONFLICTS = 30


class Kind(StrEnum):
    TEXT = "text"
    SHORT = "short"
    WAYS = "ways"
    NUMBER = "number"
    NAMES = "names"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    ask: str
    kind: Kind
    limit: int = 200
    words: tuple[str, ...] = ()


ITEMS: tuple[Item, ...] = (
    Item(
        "bio",
        "Bio",
        "First, your bio, in a few lines: who you are, your background, and why you mentor. "
        "Selected mentees read it when they choose their top three.",
        Kind.TEXT,
        1500,
        ("bio", "biography", "about me"),
    ),
    Item(
        "style",
        "Mentoring style",
        "How would you describe your mentoring style? (For example: 'coaching style: questions "
        "first, advice when asked'.)",
        Kind.TEXT,
        500,
        ("mentoring style", "style"),
    ),
    Item(
        "ways_of_working",
        "Ways of working",
        "How do you like to meet? Pick one, or type several (for example 'video and phone').",
        Kind.WAYS,
        200,
        ("ways of working", "ways", "how i meet", "how i like to meet", "meeting"),
    ),
    Item(
        "contact_preference",
        "Preferred contact",
        "What's the best way for your mentee to contact you? (For example: 'email first, "
        "weekday mornings'.)",
        Kind.SHORT,
        200,
        ("preferred contact", "contact preference", "contact method", "contact"),
    ),
    Item(
        "organisation",
        "Organisation",
        "Which organisation do you work for?",
        Kind.SHORT,
        200,
        ("organisation", "organization", "employer", "trust"),
    ),
    Item(
        "capacity",
        "Capacity",
        "How many mentees could you take at once?",
        Kind.NUMBER,
        20,
        ("capacity", "number of mentees", "mentees", "how many mentees"),
    ),
    Item(
        "conflicts",
        "Conflicts of interest",
        "Do you appraise, educationally supervise or line-manage anyone who might apply? List "
        "their names (or emails), separated by commas, or say *none*. They won't be matched "
        "with you, and the list isn't shown to mentees.",
        Kind.NAMES,
        2000,
        ("conflicts of interest", "conflicts", "conflict", "people i appraise"),
    ),
    Item(
        "at_full_capacity",
        "At full capacity",
        "Are you at full capacity (not taking new mentees)?",
        Kind.YES_NO,
        20,
        ("at full capacity", "full capacity", "full"),
    ),
)
BY_KEY = {item.key: item for item in ITEMS}
NEW_ORDER = [item.key for item in ITEMS if item.key != "at_full_capacity"]


class Step(StrEnum):
    ANSWER = "answer"
    GUARD = "guard"
    # A written answer reads like a concern: send it to the project lead, keep it, or both.
    SAFETY = safety_check.STEP
    CONFIRM = "confirm"
    WHICH = "which"


SAFETY = safety_check.Wording(
    keep="Keep it in my profile only",
    also_ask="Mentees choosing a mentor can read your profile. Shall I keep what you wrote there "
    "too?",
    also_keep="Yes, keep it in my profile",
    who_reads="Mentees choosing a mentor can read your profile.",
)


def _maximum(ctx: Context) -> int:
    setting = ctx.scheme_setting("mentor_capacity") or {}
    maximum = setting.get("maximum") if isinstance(setting, dict) else None
    return maximum if isinstance(maximum, int) and maximum > 0 else 10


def _shown(key: str, profile: dict[str, Any]) -> str:
    value = profile.get(key)
    if key == "ways_of_working":
        return ", ".join(WAYS.get(w, w) for w in value or []) or "(not given)"
    if key == "conflicts":
        return ", ".join(value or []) or "None"
    if key == "at_full_capacity":
        return "Yes: not taking new mentees" if value else "No"
    if key == "capacity":
        return f"{value} mentee{'s' if value != 1 else ''}" if value is not None else "(not given)"
    return str(value) if value not in (None, "") else "(not given)"


def summary(profile: dict[str, Any]) -> str:
    return "\n".join(f"*{item.label}:* {_shown(item.key, profile)}" for item in ITEMS)


def _as_dict(row: MentorProfile) -> dict[str, Any]:
    return {
        "bio": row.bio,
        "style": row.style,
        "ways_of_working": list(row.ways_of_working),
        "contact_preference": row.contact_preference,
        "organisation": row.organisation,
        "capacity": row.capacity,
        "at_full_capacity": row.at_full_capacity,
        "conflicts": list(row.conflicts),
    }


def read_ways(msg: Incoming) -> list[str] | None:
    if msg.action == ANSWER and msg.values.get("value") in (*WAYS, "all"):
        value = str(msg.values["value"])
        return list(WAYS) if value == "all" else [value]
    if _ALL_WAYS.search(msg.text):
        return list(WAYS)
    found = [way for way, pattern in _WAY_WORDS.items() if re.search(pattern, msg.text, re.I)]
    return found or None


def read_number(text: str) -> int | None:
    word = text.strip().lower().rstrip(".!")
    word = re.sub(r"\s*(?:mentees?|people|at (?:a|one) time|at once)$", "", word).strip()
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def read_names(text: str) -> list[str] | str:
    if is_empty(text):
        return []
    names = [n.strip(" .") for n in re.split(r",|;|\n|\band\b|&", text) if n.strip(" .")]
    if len(names) > MAX_CONFLICTS:
        return (
            f"That's more than {MAX_CONFLICTS} names: please list only the people who might apply."
        )
    if any(not re.search(r"[^\W\d_]", n) for n in names):
        return "Those don't look like names: please list names (or emails), or say *none*."
    if any(len(n) > 200 for n in names):
        return "One of those names is very long: please separate the names with commas."
    return names


def read_yes_no(msg: Incoming) -> bool | None:
    if msg.action == ANSWER and msg.values.get("value") in ("yes", "no"):
        return bool(msg.values["value"] == "yes")
    return {Meaning.YES: True, Meaning.NO: False}.get(meaning(msg.text) or Meaning.UNSURE)


def _question(item: Item, ctx: Context) -> Part:
    if item.kind is Kind.WAYS:
        choices = [Choice(label, ANSWER, key) for key, label in WAYS.items()]
        return Question(item.ask, (*choices, Choice("All three", ANSWER, "all")))
    if item.kind is Kind.YES_NO:
        return Question(item.ask, (Choice("Yes", ANSWER, "yes"), Choice("No", ANSWER, "no")))
    if item.kind is Kind.NUMBER:
        return Text(f"{item.ask} (1 to {_maximum(ctx)}: the scheme's maximum.)")
    return Text(item.ask)


_FIELDS = FieldNames((words, item.key) for item in ITEMS for words in (item.label, *item.words))


def item_named(phrase: str) -> str | None:
    """The question a phrase like "workplace" or "place of work" names."""
    return _FIELDS.find(phrase)


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
    return Turn(replies=[Text(reason)])


class MentorProfileDialog:
    """A new profile: every question then a review. An existing one: pick a field, change it,
    review."""

    name: ClassVar[str] = "mentor_profile"
    title: ClassVar[str] = "Your mentor profile"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentor(ctx, "A mentor profile")) is not None:
            return refusal
        row = apps.mentor_profile(ctx.session, ctx.person_id)
        if row is None or not row.bio.strip():
            # No profile yet (or only the empty one a scheme file makes): every question.
            return self._start_new(ctx, row)
        profile = _as_dict(row)
        state: dict[str, Any] = {"step": Step.WHICH.value, "profile": profile, "new": False}
        given = str(msg.values.get("value", ""))
        if msg.action and given.startswith("capacity="):
            # "Yes, change it to 2" from the capacity answer.
            typed = Incoming(person_id=msg.person_id, text=given.removeprefix("capacity="))
            return self._take(ctx, {**state, "step": Step.ANSWER.value, "key": "capacity"}, typed)
        body = re.sub(r"^.*?\bmentor profile\b\s*[:\-–]?\s*", "", msg.text, count=1, flags=re.I)
        if (match := CHANGE_FIELD.match(body)) and (key := item_named(match.group("field"))):
            if match.group("value") is None:
                return self._ask(ctx, state, key)
            typed = Incoming(person_id=msg.person_id, text=match.group("value").strip())
            return self._take(ctx, {**state, "step": Step.ANSWER.value, "key": key}, typed)
        return Turn(
            replies=[
                Text("Your mentor profile:\n" + summary(profile), private=True),
                self._which(first=True),
            ],
            state=state,
        )

    def _start_new(self, ctx: Context, row: MentorProfile | None) -> Turn:
        profile: dict[str, Any] = {"at_full_capacity": row.at_full_capacity if row else False}
        enrolment = ctx.enrolment(Role.MENTOR.value)
        known: dict[str, Any] = {}
        if enrolment is not None:
            people = enrolment.cohort.settings.get("people", {})
            entry = people.get(ctx.person.email) if isinstance(people, dict) else None
            if isinstance(entry, dict):
                known = entry
        replies: list[Part] = [
            Text(
                "Let's set up your mentor profile. I'll ask a few questions, one at a time, and "
                "show you the whole profile before I save it."
            )
        ]
        organisation = (row.organisation if row else "") or known.get("organisation")
        if isinstance(organisation, str) and organisation:
            profile["organisation"] = organisation[:200]
            replies.append(
                Text(f"I have your organisation as {organisation}: you can change it at the end.")
            )
        state = {"step": Step.ANSWER.value, "profile": profile, "new": True}
        return self._next(ctx, state, replies)

    # -- asking ------------------------------------------------------------------------------

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        if step is Step.CONFIRM:
            return self._confirmation(state["profile"])
        if step is Step.WHICH:
            return [self._which(first=self._offers_nothing(state))]
        if step is Step.GUARD:
            findings = find_patient_data(state.get("pending", ""), self._pattern(ctx))
            return guard_question(findings, "your profile")
        if step is Step.SAFETY:
            return safety_check.prompt(state, SAFETY)
        return [_question(BY_KEY[state["key"]], ctx)]

    def _next(self, ctx: Context, state: dict[str, Any], replies: list[Part]) -> Turn:
        profile = state["profile"]
        missing = [k for k in NEW_ORDER if k not in profile]
        if missing and not state.get("editing"):
            new_state = {**state, "step": Step.ANSWER.value, "key": missing[0]}
            return Turn(replies=[*replies, _question(BY_KEY[missing[0]], ctx)], state=new_state)
        new_state = {"step": Step.CONFIRM.value, "profile": profile, "new": state.get("new")}
        return Turn(replies=[*replies, *self._confirmation(profile)], state=new_state)

    def _ask(self, ctx: Context, state: dict[str, Any], key: str) -> Turn:
        return Turn(
            replies=[
                Text(f"At the moment: {_shown(key, state['profile'])}"),
                _question(BY_KEY[key], ctx),
            ],
            state={**state, "step": Step.ANSWER.value, "key": key, "editing": True},
        )

    @staticmethod
    def _offers_nothing(state: dict[str, Any]) -> bool:
        """ "Nothing: it's all fine" ends the dialog only when a saved profile is just shown."""
        return not state.get("new") and not state.get("from_confirm")

    @staticmethod
    def _which(first: bool = False) -> Question:
        choices = [Choice(item.label, WHICH, item.key) for item in ITEMS]
        if first:
            choices.append(Choice("Nothing: it's all fine", WHICH, NOTHING))
        text = (
            "Would you like to change something?"
            if first
            else "Which part would you like to change?"
        )
        return Question(text, tuple(choices))

    @staticmethod
    def _confirmation(profile: dict[str, Any]) -> list[Part]:
        return [
            Text("Here's your mentor profile:\n" + summary(profile), private=True),
            Question("Shall I save it?", CONFIRM),
        ]

    @staticmethod
    def _pattern(ctx: Context) -> str | None:
        pattern = ctx.scheme_setting("hospital_number_pattern")
        return pattern if isinstance(pattern, str) else None

    # -- taking answers ----------------------------------------------------------------------

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        step = Step(state["step"])
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, msg)
        if step is Step.WHICH:
            return self._on_which(ctx, state, msg)
        if step is Step.GUARD:
            return self._on_guard(ctx, state, msg)
        if step is Step.SAFETY:
            return safety_check.step(
                ctx,
                state,
                msg,
                SAFETY,
                save=lambda kept: self._store(ctx, kept, kept["key"], kept["pending"]),
                leave_out=lambda kept, _texts: self._leave_out(ctx, kept),
            )
        return self._take(ctx, state, msg)

    @staticmethod
    def _leave_out(ctx: Context, state: dict[str, Any]) -> Turn:
        """After a concern went to the lead: ask for this answer again, without it."""
        asking = {k: v for k, v in state.items() if k != "pending"}
        asking["step"] = Step.ANSWER.value
        return Turn(
            replies=[
                Text("OK, I've left it out of your profile: it's with the project lead."),
                _question(BY_KEY[state["key"]], ctx),
            ],
            state=asking,
        )

    def _again(self, ctx: Context, state: dict[str, Any], problem: str) -> Turn:
        return Turn(
            replies=[Text(problem), _question(BY_KEY[state["key"]], ctx)],
            state=state,
            advanced=False,
        )

    def _take(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        item = BY_KEY[state["key"]]
        text = msg.text.strip()
        if not text and msg.action is None:
            return self._again(ctx, state, "I didn't get anything there.")
        if len(text) > item.limit and msg.action is None:
            return self._again(
                ctx,
                state,
                f"That's {len(text):,} characters, more than I can keep here ({item.limit:,}). "
                "Nothing was saved. Could you shorten it?",
            )
        value: Any
        if item.kind is Kind.WAYS:
            value = read_ways(msg)
            if value is None:
                return self._again(
                    ctx, state, "Please choose face to face, video or phone (or several)."
                )
        elif item.kind is Kind.NUMBER:
            value = read_number(text)
            maximum = _maximum(ctx)
            if value is None:
                return self._again(ctx, state, "Please give a number, like *2*.")
            if value < 1:
                return self._again(
                    ctx,
                    state,
                    "Your capacity is at least 1. If you can't take anyone new just now, keep it "
                    "and say *I'm at full capacity* once your profile is saved.",
                )
            if value > maximum:
                return self._again(
                    ctx, state, f"The scheme allows at most {maximum} mentees per mentor."
                )
        elif item.kind is Kind.NAMES:
            value = read_names(text)
            if isinstance(value, str):
                return self._again(ctx, state, value)
        elif item.kind is Kind.YES_NO:
            value = read_yes_no(msg)
            if value is None:
                return self._again(ctx, state, "Please answer *yes* or *no*.")
        else:
            value = text
            if item.kind is Kind.TEXT:
                findings = find_patient_data(text, self._pattern(ctx))
                if findings:
                    guard_state = {**state, "step": Step.GUARD.value, "pending": text}
                    return Turn(replies=guard_question(findings, "your profile"), state=guard_state)
        return self._store(ctx, state, item.key, value)

    def _store(self, ctx: Context, state: dict[str, Any], key: str, value: Any) -> Turn:
        if BY_KEY[key].kind is Kind.TEXT and isinstance(value, str):
            held = {**state, "pending": value}
            if (asking := safety_check.gate(ctx, held, [value], SAFETY)) is not None:
                return asking
        profile = {**state["profile"], key: value}
        new_state = {k: v for k, v in state.items() if k != "pending"}
        new_state["profile"] = profile
        return self._next(ctx, new_state, [])

    def _on_guard(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        pending = str(state.get("pending", ""))
        findings = find_patient_data(pending, self._pattern(ctx))
        choice = guard_choice(msg.action, msg.text)
        if choice == GUARD_REMOVE:
            return self._store(ctx, state, state["key"], remove_patient_data(pending, findings))
        if choice == GUARD_KEEP:
            return self._store(ctx, state, state["key"], pending)
        if choice == GUARD_EDIT:
            new_state = {k: v for k, v in state.items() if k != "pending"}
            new_state["step"] = Step.ANSWER.value
            return Turn(
                replies=[Text("OK, please write it again."), _question(BY_KEY[state["key"]], ctx)],
                state=new_state,
            )
        return Turn(
            replies=[
                Text("Please choose one of these."),
                *guard_question(findings, "your profile")[1:],
            ],
            state=state,
            advanced=False,
        )

    def _on_which(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        chosen = msg.values.get("value") if msg.action == WHICH else item_named(msg.text)
        reading = leading(msg.text) if msg.action is None else None
        said = reading.meaning if reading is not None and not reading.rest else None
        # "nothing", "no thanks", "all fine", "done": nothing to change.
        if chosen == NOTHING or said in (Meaning.NO, Meaning.NONE, Meaning.SKIP, Meaning.YES):
            if not self._offers_nothing(state):
                back = {k: v for k, v in state.items() if k != "from_confirm"}
                back["step"] = Step.CONFIRM.value
                return Turn(replies=self._confirmation(state["profile"]), state=back)
            return Turn(
                replies=[
                    Text(
                        "OK: your profile stays as it is. Type *my mentor profile* whenever "
                        "you'd like to change it."
                    )
                ]
            )
        if msg.action is None and (match := CHANGE_FIELD.match(msg.text)):
            key = item_named(match.group("field"))
            if key is not None and match.group("value") is not None:
                typed = Incoming(person_id=msg.person_id, text=match.group("value").strip())
                return self._take(
                    ctx, {**state, "step": Step.ANSWER.value, "key": key, "editing": True}, typed
                )
            chosen = key
        if chosen not in BY_KEY:
            return Turn(
                replies=[
                    Text("Please pick one of these."),
                    self._which(first=self._offers_nothing(state)),
                ],
                state=state,
                advanced=False,
            )
        return self._ask(ctx, state, str(chosen))

    def _on_confirm(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        match = CHANGE_FIELD.match(msg.text) if msg.action is None else None
        key = item_named(match.group("field")) if match else None
        picked = msg.action or answer(msg.text, CONFIRM, yes=SAVE, no=CHANGE)
        if picked == SAVE:
            return self._save(ctx, state["profile"])
        if picked == CHANGE and key is None:
            return Turn(
                replies=[self._which()],
                state={**state, "step": Step.WHICH.value, "from_confirm": True},
            )
        if match and key is not None:
            editing = {**state, "step": Step.ANSWER.value, "key": key, "editing": True}
            if match.group("value") is None:
                return self._ask(ctx, state, key)
            typed = Incoming(person_id=msg.person_id, text=match.group("value").strip())
            return self._take(ctx, editing, typed)
        return Turn(
            replies=[
                Text(
                    "Please choose *Save* or *Change something*, or type *cancel* to leave it unsaved."
                ),
                *self._confirmation(state["profile"])[1:],
            ],
            state=state,
            advanced=False,
        )

    def _save(self, ctx: Context, profile: dict[str, Any]) -> Turn:
        row = apps.mentor_profile(ctx.session, ctx.person_id)
        values: dict[str, Any] = {
            "bio": str(profile.get("bio", "")),
            "style": str(profile.get("style", "")),
            "ways_of_working": list(profile.get("ways_of_working", [])),
            "contact_preference": str(profile.get("contact_preference", "")),
            "organisation": str(profile.get("organisation", "")),
            "capacity": int(profile.get("capacity", 1)),
            "at_full_capacity": bool(profile.get("at_full_capacity", False)),
            "conflicts": list(profile.get("conflicts", [])),
        }
        now: datetime = ctx.now
        first = row is None or not row.bio.strip()
        if row is None:
            ctx.session.add(MentorProfile(person_id=ctx.person_id, updated_at=now, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
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
        return Turn(
            replies=[
                Text(
                    f"{done} Selected mentees see your name, organisation, bio, style and ways "
                    "of working when they choose their top three; your conflicts list is used "
                    f"only for matching.{full} Type *my mentor profile* to change it any time."
                )
            ]
        )


# -- "I'm at full capacity" / "taking mentees again" ------------------------------------------

_SET_CAPACITY = re.compile(
    r"\b(?:change|set|update|raise|lower|increase|reduce|make)\b.*\bcapacity\b.*?\bto\s+"
    r"(?P<n>\d+|one|two|three|four|five|six)\b",
    re.I,
)
_AGAIN = re.compile(r"\b(?:taking (?:new )?mentees again|available (?:for mentees )?again)\b", re.I)
_FULL = re.compile(
    r"\b(?:at full capacity|i'?m full|not taking (?:any )?(?:more|new) mentees)\b", re.I
)


def capacity_answer(ctx: Context, msg: Incoming, intent: Intent) -> Turn:
    """Set or clear the "at full capacity" flag at once, or say where things stand."""
    if (refusal := not_a_mentor(ctx, "Mentor capacity")) is not None:
        return refusal
    row = apps.mentor_profile(ctx.session, ctx.person_id)
    if row is None:
        return Turn(
            replies=[
                Text(
                    "You don't have a mentor profile yet, so there's no capacity to change. "
                    "Type *register as a mentor* to set one up."
                )
            ]
        )
    taken = apps.active_mentee_count(ctx.session, ctx.person_id)
    places = f"you have {taken} of {row.capacity} place{'s' if row.capacity != 1 else ''} taken"
    text = msg.text
    wanted = _SET_CAPACITY.search(text)
    number = read_number(wanted.group("n")) if wanted else None
    if number is not None:
        # A new capacity goes through the profile's review: offer it as one button.
        return Turn(
            replies=[
                Text(f"You can take {row.capacity} mentee{'s' if row.capacity != 1 else ''} now."),
                Question(
                    f"Shall I change your capacity to {number}?",
                    (
                        Choice(
                            f"Yes, change it to {number}",
                            INTENT_ACTION_PREFIX + IntentName.REGISTER_MENTOR.value,
                            f"capacity={number}",
                        ),
                    ),
                ),
            ]
        )
    if _AGAIN.search(text):
        if not row.at_full_capacity:
            return Turn(replies=[Text(f"You're already taking mentees ({places}).")])
        row.at_full_capacity = False
        row.updated_at = ctx.now
        ctx.session.add(row)
        free = (
            " Selected mentees can choose you while you have a free place."
            if taken < row.capacity
            else " All your places are taken, so you won't be offered to new mentees until one "
            "frees up or you raise your capacity (*my mentor profile*)."
        )
        return Turn(replies=[Text(f"Done: you're taking mentees again ({places}).{free}")])
    if _FULL.search(text):
        if row.at_full_capacity:
            return Turn(
                replies=[
                    Text(
                        "You're already marked *at full capacity*. Say *taking mentees again* "
                        "when you're ready."
                    )
                ]
            )
        row.at_full_capacity = True
        row.updated_at = ctx.now
        ctx.session.add(row)
        return Turn(
            replies=[
                Text(
                    "Done: you're marked *at full capacity*. You won't be offered to new mentees "
                    "until you say *taking mentees again*. Your current mentees aren't affected."
                )
            ]
        )
    flag = (
        "You're marked *at full capacity*: say *taking mentees again* when you're ready."
        if row.at_full_capacity
        else "Say *I'm at full capacity* if you can't take anyone new for now."
    )
    return Turn(
        replies=[
            Text(
                f"You can take {row.capacity} mentee{'s' if row.capacity != 1 else ''}; {places}. {flag}"
            )
        ]
    )


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(MentorProfileDialog(), IntentName.REGISTER_MENTOR)
    registry.answers[IntentName.MENTOR_CAPACITY] = capacity_answer
