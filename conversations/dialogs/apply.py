"""Applying to a cohort (mentee), and choosing the top three mentors once selected.

Map:
- :class:`ApplyDialog` ("apply"): the eligibility questions and supporting information of
  SCHEME.md, one at a time, while the cohort's applications window is open (dates in the
  person's time zone; the closing day itself still counts). Answers are written to a *draft*
  ``Application`` row as they are given, so the draft outlives ``cancel``, a restart or a pause:
  "apply" resumes at the first unanswered question. A review lets the person correct any answer
  ("change my workplace to ...") before *submit*, which gives the application a per-cohort
  reference ("A-07"), sends the applicant a receipt and tells the lead channel (reference, cohort
  and name; never the answers). One application per cohort; "my application" shows it.
- :class:`PreferencesDialog` ("choose my mentor"): once the steering group has *selected* the
  application, the mentee ranks three mentors from the bios of mentors with a free place;
  stored in ``Application.preferences`` (person ids, ranked) and changeable until the pairing.
See ``apply.mmd`` for the states of both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy.exc import IntegrityError

from conversations.corrections import CHANGE_FIELD, FieldNames
from conversations.dates import format_day, format_duration
from conversations.dialogs.base import Context, Outgoing, Registry, Turn
from conversations.intents import IntentName
from conversations.language import Meaning, meaning
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
from storage import queries
from storage.models import Application, ApplicationStatus, Cohort, Person, Role, Scheme
from storage.queries import Enrolment

MAX_ANSWER = 3000
MAX_SHORT = 200

ANSWER = "dialog:apply:answer"
SUBMIT = "dialog:apply:submit"
CHANGE = "dialog:apply:change"
CONFIRM = (Choice("Submit", SUBMIT), Choice("Change something", CHANGE))
WHICH = "dialog:apply:which"
VIEW = "application:view"


class Kind(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"
    SHORT = "short"
    TRAVEL = "travel"


@dataclass(frozen=True)
class Item:
    """One question of the application form."""

    key: str
    label: str
    ask: str
    kind: Kind
    words: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    # For a yes/no the scheme requires: why "no" cannot be sent.
    needs_yes: str = ""


LEADERSHIP = (
    ("Leading a team", "team"),
    ("Delivering a service", "service"),
    ("Managing a high-level project", "project"),
)

ITEMS: tuple[Item, ...] = (
    Item(
        "job_role",
        "Job role and grade",
        "What's your current job role and grade? (For example: 'Radiography service manager, "
        "Band 8a'.)",
        Kind.SHORT,
        ("job role", "job title", "role", "job", "grade", "band"),
    ),
    Item(
        "workplace",
        "Place of work",
        "Where do you work? (Your hospital or organisation.)",
        Kind.SHORT,
        ("place of work", "workplace", "work place", "where i work", "hospital", "organisation"),
    ),
    Item(
        "professional_body",
        "Member of your professional body",
        "Are you a member of your professional body (for example, the Society of Radiographers)?",
        Kind.YES_NO,
        ("professional body", "membership", "member"),
        needs_yes="Membership of your professional body is one of the scheme's eligibility "
        "criteria, so I can't send an application without it.",
    ),
    Item(
        "leadership",
        "Leadership position",
        "Which best describes your leadership position?",
        Kind.CHOICE,
        ("leadership position", "leadership", "position"),
        choices=LEADERSHIP,
    ),
    Item(
        "leadership_detail",
        "About your leadership role",
        "Tell me a little about it: the team, service or project, and your part in it.",
        Kind.TEXT,
        ("leadership detail", "about my leadership role", "leadership role", "detail", "details"),
    ),
    Item(
        "autonomy",
        "Autonomy",
        "How much autonomy do you have in your role? An example of a decision you make on your "
        "own helps.",
        Kind.TEXT,
        ("autonomy",),
    ),
    Item(
        "responsibilities",
        "Responsibilities and accountabilities",
        "What are your responsibilities and accountabilities, including any budget you hold?",
        Kind.TEXT,
        ("responsibilities and accountabilities", "responsibilities", "accountabilities", "budget"),
    ),
    Item(
        "commitment",
        "Commitment to the full scheme",
        "The scheme runs for twelve months. Can you commit to all of it, including the training "
        "and the launch event?",
        Kind.YES_NO,
        ("commitment", "commit"),
        needs_yes="Every mentee commits to the full scheme, including the training and the "
        "launch event, so I can't send an application without it.",
    ),
    Item(
        "head_of_service_support",
        "Head of service supports it",
        "Does your head of service support your application?",
        Kind.YES_NO,
        ("head of service support", "head of service", "support"),
        needs_yes="The scheme needs your head of service's support, with a short supporting "
        "statement from them, so I can't send an application without it.",
    ),
    Item(
        "supporting_statement",
        "Head of service's statement",
        "Please paste your head of service's supporting statement (a few lines from them). "
        "If you don't have it yet, type *later*: I'll ask again before you submit.",
        Kind.TEXT,
        ("supporting statement", "statement"),
    ),
    Item(
        "travel",
        "Furthest you'd travel",
        "What's the furthest you'd travel to meet your mentor? For example '20 miles', "
        "'30 km', 'an hour', or 'online only'.",
        Kind.TRAVEL,
        ("travel distance", "maximum travel", "distance", "travel"),
    ),
    Item(
        "why",
        "Why you want to take part",
        "Why do you want to take part in the mentoring scheme?",
        Kind.TEXT,
        ("why", "reason", "reasons"),
    ),
    Item(
        "professional_interests",
        "Professional interests",
        "What are your professional interests?",
        Kind.TEXT,
        ("professional interests",),
    ),
    Item(
        "personal_interests",
        "Personal interests",
        "And your personal interests and hobbies? (They help us find a mentor you'll get on with.)",
        Kind.TEXT,
        ("personal interests", "hobbies"),
    ),
    Item(
        "line_manager_told",
        "Line manager told",
        "Last one: have you told your line manager that you're applying? (It helps us avoid "
        "conflicts of interest when we match you with a mentor.)",
        Kind.YES_NO,
        ("line manager",),
        needs_yes="Please tell your line manager before you apply: it helps us avoid conflicts "
        "of interest when we match you with a mentor.",
    ),
)
BY_KEY = {item.key: item for item in ITEMS}
STATEMENT = "supporting_statement"


class Step(StrEnum):
    ANSWER = "answer"
    GUARD = "guard"
    CONFIRM = "confirm"
    WHICH = "which"


# -- small readers ---------------------------------------------------------------------------


def read_yes_no(msg: Incoming) -> str | None:
    """ "yes" or "no" from a button or typed words, else None."""
    if msg.action == ANSWER and msg.values.get("value") in ("yes", "no"):
        return str(msg.values["value"])
    return {Meaning.YES: "yes", Meaning.NO: "no"}.get(meaning(msg.text) or Meaning.UNSURE)


_LEADERSHIP_WORDS = {
    "team": r"\bteams?\b",
    "service": r"\bservices?\b",
    "project": r"\bprojects?\b",
}


def read_leadership(msg: Incoming) -> str | None:
    if msg.action == ANSWER and msg.values.get("value") in _LEADERSHIP_WORDS:
        return str(msg.values["value"])
    found = [
        (m.start(), kind)
        for kind, pattern in _LEADERSHIP_WORDS.items()
        if (m := re.search(pattern, msg.text, re.I))
    ]
    return min(found)[1] if found else None


_NUMBER_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "half an": 0.5,
                 "half a": 0.5}  # fmt: skip
_TRAVEL = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|half an?|an?|one|two|three)\s*"
    r"(?P<unit>miles?|mi\b|kms?\b|kilomet(?:re|er)s?|hours?|hrs?\b|minutes?|mins?\b)",
    re.I,
)
_NO_TRAVEL = re.compile(
    r"\b(?:online only|video only|virtual only|remote(?:ly)? only|only online|"
    r"not (?:willing|able) to travel|can'?t travel|no travel|none|nowhere)\b|^\s*0\s*$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")


def read_travel(text: str) -> dict[str, Any] | str:
    """ "20 miles", "30 km", "an hour", "online only" as ``{travel, travel_number, travel_unit}``;
    a problem to say back when it can't be read."""
    if _NO_TRAVEL.search(text):
        return {"travel": "Online only (no travel)", "travel_number": 0, "travel_unit": "miles"}
    bare = _BARE_NUMBER.match(text)
    if bare:
        number, unit = float(bare.group(1)), "miles"
    elif match := _TRAVEL.search(text):
        said = match.group("n").lower()
        number = _NUMBER_WORDS[said] if said in _NUMBER_WORDS else float(said)
        word = match.group("unit").lower()
        if word.startswith(("mi",)) and not word.startswith("min"):
            unit = "miles"
        elif word.startswith("k"):
            unit = "km"
        elif word.startswith("h"):
            unit, number = "minutes", number * 60
        else:
            unit = "minutes"
    else:
        return (
            "Sorry, I couldn't read a distance or a travel time in that. "
            "Try '20 miles', '30 km', 'an hour' or 'online only'."
        )
    limit = 600 if unit == "minutes" else 500
    if number <= 0 or number > limit:
        return (
            "That doesn't look like a distance I can record. Please give a number of miles or "
            "km up to 500, a time up to 10 hours, or say 'online only'."
        )
    if unit == "minutes":
        shown = format_duration(timedelta(minutes=round(number)))
        value: float = round(number)
    else:
        value = round(number, 1)
        shown = (
            f"{value:g} {'mile' if value == 1 else 'miles'}" if unit == "miles" else f"{value:g} km"
        )
    return {
        "travel": shown,
        "travel_number": int(value) if value == int(value) else value,
        "travel_unit": unit,
    }


_APPLY_LEAD = re.compile(
    r"^\s*(?:please\s+)?(?:i'?d like to\s+|i want to\s+|can i\s+)?apply\b[^:\-–]*?[:\-–]?\s*",
    re.I,
)
_ROLE_AT = re.compile(
    r"\bI(?:'m|’m| am)\s+(?:an?\s+|the\s+)(?P<role>[^,.;!?]+?)\s+(?:at|in|with|for)\s+"
    r"(?P<place>[^,.;!?]+)",
    re.I,
)
_WORK_AS = re.compile(
    r"\b(?:my (?:job|role) is|I work as)\s+(?:an?\s+|the\s+)?(?P<role>[^,.;!?]+?)"
    r"(?:\s+(?:at|in|for)\s+(?P<place>[^,.;!?]+))?(?=[,.;!?]|$)",
    re.I,
)
_WORK_AT = re.compile(r"\bI work (?:at|in|for)\s+(?P<place>[^,.;!?]+)", re.I)
_TRAVEL_SAID = re.compile(
    r"\btravel\w*\s+(?:up to\s+|as far as\s+|about\s+)?(?P<d>[^,.;!?]+)", re.I
)
_MEMBER_SAID = re.compile(
    r"\bI(?:'m|’m| am)\s+(?:a\s+)?member of (?:the\s+)?(?:SoR|Society of Radiographers|"
    r"(?:my\s+)?professional body)\b",
    re.I,
)
_LATER = re.compile(
    r"(?:i'?ll (?:add|send|paste) it |add it )?later[.!]?|not yet[.!]?|i don'?t have it yet[.!]?",
    re.I,
)
_JOB_WORDS = re.compile(
    r"\b(?:manager|lead|leader|head|director|radiographer|sonographer|practitioner|"
    r"superintendent|specialist|consultant|officer|co-?ordinator|supervisor|therapist|"
    r"technologist|physicist|scientist|nurse|educator|tutor|band)s?\b",
    re.I,
)
_CLAUSE_END = re.compile(r"\s+(?:and|but|so|because|where)\s+.*$", re.I)


def _clean(value: str) -> str:
    return _CLAUSE_END.sub("", value).strip()[:MAX_SHORT]


def prefill(text: str) -> dict[str, Any]:
    """Facts a one-shot "apply: I'm a ... at ..." message already gives."""
    body = _APPLY_LEAD.sub("", text, count=1)
    found: dict[str, Any] = {}
    for pattern in (_ROLE_AT, _WORK_AS):
        match = pattern.search(body)
        role = _clean(match.group("role")) if match else ""
        if match and _JOB_WORDS.search(role):
            found["job_role"] = role
            if match.group("place"):
                found["workplace"] = _clean(match.group("place"))
            break
    if "workplace" not in found and (match := _WORK_AT.search(body)):
        found["workplace"] = _clean(match.group("place"))
    band = re.search(r"\bband\s*\d[a-d]?\b", body, re.I)
    if "job_role" in found and band and band.group(0).lower() not in found["job_role"].lower():
        found["job_role"] = f"{found['job_role']}, {band.group(0).capitalize()}"
    if match := _TRAVEL_SAID.search(body):
        travel = read_travel(match.group("d"))
        if isinstance(travel, dict):
            found.update(travel)
    if _MEMBER_SAID.search(body):
        found["professional_body"] = "yes"
    return {k: v for k, v in found.items() if v != ""}


# -- the cohort, its window and its people ---------------------------------------------------


def lead_contact(ctx: Context, cohort_id: int | None) -> str:
    """ "your project lead, Morgan Ellis (lead@example.org)" for the cohort, or a plain fallback."""
    ids = [cohort_id] if cohort_id is not None else []
    ids += [e.cohort.id for e in ctx.enrolments if e.cohort.id is not None]
    for cid in ids:
        for lead in queries.people_with_role(ctx.session, cid, Role.LEAD.value):
            return f"your project lead, {lead.display_name} ({lead.email})"
    return "your project lead"


def window_problem(cohort: Cohort, today: date, ctx: Context) -> str | None:
    """Why applications to ``cohort`` can't be made ``today`` (the person's own date), if so."""
    if cohort.applications_open is not None and today < cohort.applications_open:
        return (
            f"Applications for *{cohort.name}* open on "
            f"{format_day(cohort.applications_open, today)}"
            + (
                f" and close on {format_day(cohort.applications_close, today)}"
                if cohort.applications_close
                else ""
            )
            + ". Type *apply* then and I'll take you through it."
        )
    if cohort.applications_close is not None and today > cohort.applications_close:
        return (
            f"Applications for *{cohort.name}* closed on "
            f"{format_day(cohort.applications_close, today)}, so I can't take an application "
            f"now. If you think that's a mistake, or you'd like to join a later round, please "
            f"contact {lead_contact(ctx, cohort.id)}."
        )
    return None


def mentee_enrolments(ctx: Context) -> list[Enrolment]:
    return [e for e in ctx.enrolments if e.role == Role.MENTEE.value]


def not_a_mentee(ctx: Context, what: str) -> Turn | None:
    if mentee_enrolments(ctx):
        return None
    if Role.MENTOR.value in ctx.roles:
        extra = " As a mentor, you can set up or update your profile: type *my mentor profile*."
    else:
        extra = f" The scheme's project lead decides who takes part: please contact {lead_contact(ctx, None)}."
    return Turn(replies=[Text(f"{what} is for mentees, and you're not taking part as one.{extra}")])


def _target(ctx: Context) -> Enrolment:
    """The cohort to apply to: the newest whose window is open, else the newest."""
    enrolled = mentee_enrolments(ctx)
    for enrolment in enrolled:
        if window_problem(enrolment.cohort, ctx.today, ctx) is None:
            return enrolment
    return enrolled[0]


def _value_shown(key: str, answers: dict[str, Any]) -> str:
    value = answers.get(key)
    if value is None or value == "":
        return "(still needed)" if key == STATEMENT else "(not answered yet)"
    item = BY_KEY[key]
    if item.kind is Kind.YES_NO:
        return "Yes" if value == "yes" else "No"
    if item.kind is Kind.CHOICE:
        return next((label for label, v in item.choices if v == value), str(value))
    return str(value)


def summary(answers: dict[str, Any]) -> str:
    return "\n".join(f"*{item.label}:* {_value_shown(item.key, answers)}" for item in ITEMS)


def _missing(answers: dict[str, Any], later: list[str]) -> list[str]:
    return [i.key for i in ITEMS if answers.get(i.key) in (None, "") and i.key not in later]


def _still_needed(answers: dict[str, Any]) -> list[str]:
    return [i.key for i in ITEMS if answers.get(i.key) in (None, "")]


def show_application(ctx: Context) -> Turn:
    """The person's newest application, whatever its status (only their own)."""
    rows = apps.applications_of(ctx.session, ctx.person_id)
    rows = [(a, c) for a, c in rows if a.answers or a.status != ApplicationStatus.DRAFT.value]
    if not rows:
        return Turn(
            replies=[Text("You haven't started an application yet. Type *apply* to begin.")]
        )
    application, cohort = rows[0]
    if application.status == ApplicationStatus.DRAFT.value:
        head = f"Your draft application to *{cohort.name}* (not sent yet; only you can see it):"
        tail = "Type *apply* to carry on where you left off."
    else:
        assert application.submitted_at is not None
        head = (
            f"Your application to *{cohort.name}*, reference *{application.reference}*, sent "
            f"{format_day(ctx.local(application.submitted_at).date(), ctx.today)} "
            f"(status: {application.status}):"
        )
        tail = (
            f"If you need to change something now, please contact {lead_contact(ctx, cohort.id)}."
        )
    return Turn(
        replies=[Text(head + "\n" + summary(application.answers), private=True), Text(tail)]
    )


_VIEW_WORDS = re.compile(
    r"\b(?:my application|show|view|see|read|check)\b.*\bapplication\b|^my application\b", re.I
)
_RESUME = re.compile(r"^\s*(?:apply|apply again|resume|carry on|continue)\s*[.!]?\s*$", re.I)
_VIEW_ONLY = re.compile(r"^\s*(?:(?:show|view|see)\s+(?:me\s+)?)?my application\s*[.!?]?\s*$", re.I)
_FIELDS = FieldNames((words, item.key) for item in ITEMS for words in (item.label, *item.words))


def item_named(phrase: str) -> str | None:
    """The question a phrase like "workplace" or "place of work" names."""
    return _FIELDS.find(phrase)


def _question(item: Item, final: bool = False) -> Part:
    if item.kind is Kind.YES_NO:
        return Question(item.ask, (Choice("Yes", ANSWER, "yes"), Choice("No", ANSWER, "no")))
    if item.kind is Kind.CHOICE:
        return Question(
            item.ask, tuple(Choice(label, ANSWER, value) for label, value in item.choices)
        )
    if final and item.key == STATEMENT:
        return Text(
            "Everything else is ready, but I can't send the application without your head of "
            "service's supporting statement. Please paste it here. (Or type *cancel*: your draft "
            "is kept, and *apply* brings you back here.)"
        )
    return Text(item.ask)


class ApplyDialog:
    """The application form, one question at a time, with a kept draft and a review."""

    name: ClassVar[str] = "apply"
    title: ClassVar[str] = "Your application"
    schema_version: ClassVar[int] = 1

    def cancel_note(self, ctx: Context, state: dict[str, Any]) -> str:
        """Every answer is already in the draft, so cancelling keeps it."""
        return "your answers so far are kept as a draft; type *apply* to carry on."

    # -- start -------------------------------------------------------------------------------

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentee(ctx, "Applying")) is not None:
            return refusal
        if msg.action == VIEW or _VIEW_WORDS.search(msg.text):
            return show_application(ctx)
        enrolment = _target(ctx)
        cohort = enrolment.cohort
        assert cohort.id is not None
        application = apps.application_for(ctx.session, ctx.person_id, cohort.id)
        if application is not None and application.status != ApplicationStatus.DRAFT.value:
            return self._already_sent(ctx, application, cohort)
        if (problem := window_problem(cohort, ctx.today, ctx)) is not None:
            kept = (
                " Your draft answers are still kept."
                if application is not None and application.answers
                else ""
            )
            return Turn(replies=[Text(problem + kept)])
        matched = apps.active_mentor_of(ctx.session, ctx.person_id, cohort.id)
        if matched is not None and application is None:
            return Turn(
                replies=[
                    Text(
                        f"You're already paired with {ctx.name_of(matched)} in *{cohort.name}*, "
                        "so there's no need to apply. Type *what's next* to see what's due."
                    )
                ]
            )
        replies: list[Part] = []
        if application is None:
            application = Application(
                cohort_id=cohort.id, person_id=ctx.person_id, answers={}, created_at=ctx.now
            )
            ctx.session.add(application)
            ctx.session.flush()
        assert application.id is not None
        answers = dict(application.answers)
        resuming = bool(answers)
        given = prefill(msg.text)
        if given:
            answers.update(given)
            application.answers = answers
            ctx.session.add(application)
        close = (
            f" Applications close on {format_day(cohort.applications_close, ctx.today)}."
            if cohort.applications_close
            else ""
        )
        if resuming:
            done = len(ITEMS) - len(_still_needed(answers))
            replies.append(
                Text(
                    f"Welcome back, {ctx.first_name}. You've answered {done} of {len(ITEMS)} "
                    f"questions for *{cohort.name}*, and I've kept them. Let's carry on.{close}"
                )
            )
        else:
            replies.append(
                Text(
                    f"Let's apply to *{cohort.name}*. I'll ask {len(ITEMS)} short questions, one "
                    "at a time. I keep your answers as a draft as we go: you can stop any time "
                    "and type *apply* later to carry on. Nothing is sent until you've checked it "
                    f"and said *submit*.{close}"
                )
            )
        if given:
            facts = [
                f"{BY_KEY[k].label.lower()} ({_value_shown(k, answers)})"
                for k in BY_KEY
                if k in given
            ]
            noted = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " and " + facts[-1]
            replies.append(Text(f"I've noted your {noted}. You can change anything at the end."))
        state = {"step": Step.ANSWER.value, "application_id": application.id, "later": []}
        return self._next(ctx, state, answers, replies)

    def _already_sent(self, ctx: Context, application: Application, cohort: Cohort) -> Turn:
        assert application.submitted_at is not None
        sent = format_day(ctx.local(application.submitted_at).date(), ctx.today)
        return Turn(
            replies=[
                Text(
                    f"You've already applied to *{cohort.name}*: reference "
                    f"*{application.reference}*, sent {sent}. There's one application per "
                    "person for each cohort."
                ),
                Question("Would you like to see it?", (Choice("Show my application", VIEW),)),
            ]
        )

    # -- the questions -----------------------------------------------------------------------

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        step = Step(state["step"])
        application = self._draft(ctx, state)
        answers = dict(application.answers) if application is not None else {}
        if step is Step.CONFIRM:
            return self._confirmation(answers)
        if step is Step.WHICH:
            return [self._which()]
        item = BY_KEY[state["key"]]
        if step is Step.GUARD:
            findings = find_patient_data(state.get("pending", ""), self._pattern(ctx))
            return guard_question(findings, "your application")
        return [_question(item, final=bool(state.get("final")))]

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        application = self._draft(ctx, state)
        if application is None:
            return Turn(
                replies=[
                    Text(
                        "This application has already been sent or is no longer open. "
                        "Type *my application* to see it."
                    )
                ]
            )
        cohort = ctx.session.get(Cohort, application.cohort_id)
        if cohort is not None and (problem := window_problem(cohort, ctx.today, ctx)):
            return Turn(replies=[Text(problem + " Your draft answers are still kept.")])
        if msg.action is None and _RESUME.match(msg.text):
            # "apply" again mid-way (after a pause, say) is not an answer: show where we were.
            return Turn(
                replies=[
                    Text("We're in the middle of your application. Here's where we were:"),
                    *self.prompt(ctx, state),
                ],
                state=state,
                advanced=False,
            )
        if msg.action is None and _VIEW_ONLY.match(msg.text):
            return Turn(
                replies=[
                    Text(
                        "Your draft application (not sent yet; only you can see it):\n"
                        + summary(application.answers),
                        private=True,
                    ),
                    Text("Let's carry on where we were:"),
                    *self.prompt(ctx, state),
                ],
                state=state,
                advanced=False,
            )
        step = Step(state["step"])
        if step is Step.CONFIRM:
            return self._on_confirm(ctx, state, application, msg)
        if step is Step.WHICH:
            return self._on_which(ctx, state, application, msg)
        if step is Step.GUARD:
            return self._on_guard(ctx, state, application, msg)
        return self._take(ctx, state, application, BY_KEY[state["key"]], msg)

    def _draft(self, ctx: Context, state: dict[str, Any]) -> Application | None:
        application = ctx.session.get(Application, state.get("application_id"))
        if (
            application is None
            or application.person_id != ctx.person_id
            or application.status != ApplicationStatus.DRAFT.value
        ):
            return None
        return application

    @staticmethod
    def _pattern(ctx: Context) -> str | None:
        pattern = ctx.settings().hospital_number_pattern
        return pattern if isinstance(pattern, str) else None

    def _again(self, state: dict[str, Any], problem: str, item: Item) -> Turn:
        return Turn(
            replies=[Text(problem), _question(item, final=bool(state.get("final")))],
            state=state,
            advanced=False,
        )

    def _take(
        self,
        ctx: Context,
        state: dict[str, Any],
        application: Application,
        item: Item,
        msg: Incoming,
    ) -> Turn:
        text = msg.text.strip()
        if not text and msg.action is None:
            return self._again(state, "I didn't get anything there.", item)
        limit = MAX_SHORT if item.kind in (Kind.SHORT, Kind.TRAVEL) else MAX_ANSWER
        if len(text) > limit and msg.action is None:
            return self._again(
                state,
                f"That's {len(text):,} characters, more than I can keep for this answer "
                f"({limit:,}). Nothing was saved. Could you shorten it?",
                item,
            )
        values: dict[str, Any]
        if item.kind is Kind.YES_NO:
            said = read_yes_no(msg)
            if said is None:
                return self._again(state, "Please answer *yes* or *no*.", item)
            if said == "no" and item.needs_yes:
                return self._refuse_no(ctx, application, item)
            values = {item.key: said}
        elif item.kind is Kind.CHOICE:
            kind = read_leadership(msg)
            if kind is None:
                return self._again(state, "Please pick the one that fits best.", item)
            values = {item.key: kind}
            if msg.action is None and len(text.split()) >= 5:
                # "Leading a team of 12 radiographers in CT" also answers the next question.
                values["leadership_detail"] = text
        elif item.kind is Kind.TRAVEL:
            travel = read_travel(text)
            if isinstance(travel, str):
                return self._again(state, travel, item)
            values = travel
        else:
            if item.key == STATEMENT and _LATER.fullmatch(text):
                if state.get("final"):
                    return self._again(
                        state,
                        "I can't send the application without the statement, I'm afraid.",
                        item,
                    )
                later = [*state.get("later", []), STATEMENT]
                new_state = {**state, "later": later}
                return self._next(
                    ctx,
                    new_state,
                    dict(application.answers),
                    [Text("No problem: I'll ask for it again before you submit.")],
                )
            findings = find_patient_data(text, self._pattern(ctx))
            if findings:
                guard_state = {**state, "step": Step.GUARD.value, "pending": text}
                return Turn(replies=guard_question(findings, "your application"), state=guard_state)
            values = {item.key: text}
        return self._store(ctx, state, application, values)

    def _store(
        self, ctx: Context, state: dict[str, Any], application: Application, values: dict[str, Any]
    ) -> Turn:
        answers = {**application.answers, **values}
        application.answers = answers
        ctx.session.add(application)
        new_state = {k: v for k, v in state.items() if k != "pending"}
        new_state["step"] = Step.ANSWER.value
        new_state["later"] = [k for k in state.get("later", []) if k not in values]
        if state.get("editing"):
            return self._to_confirm(new_state, answers)
        return self._next(ctx, new_state, answers, [])

    def _next(
        self, ctx: Context, state: dict[str, Any], answers: dict[str, Any], replies: list[Part]
    ) -> Turn:
        missing = _missing(answers, state.get("later", []))
        if missing:
            key = missing[0]
            new_state = {**state, "step": Step.ANSWER.value, "key": key, "final": False}
            return Turn(replies=[*replies, _question(BY_KEY[key])], state=new_state)
        needed = _still_needed(answers)
        if needed:
            key = needed[0]
            new_state = {**state, "step": Step.ANSWER.value, "key": key, "final": True}
            return Turn(replies=[*replies, _question(BY_KEY[key], final=True)], state=new_state)
        return self._to_confirm(state, answers, replies)

    def _refuse_no(self, ctx: Context, application: Application, item: Item) -> Turn:
        answers = {k: v for k, v in application.answers.items() if k != item.key}
        application.answers = answers
        ctx.session.add(application)
        return Turn(
            replies=[
                Text(
                    f"{item.needs_yes} I've kept your draft with your other answers: if things "
                    "change, type *apply* and we'll carry on from this question. If you'd like "
                    f"to talk it through, contact {lead_contact(ctx, application.cohort_id)}."
                )
            ]
        )

    # -- the patient data guard --------------------------------------------------------------

    def _on_guard(
        self, ctx: Context, state: dict[str, Any], application: Application, msg: Incoming
    ) -> Turn:
        item = BY_KEY[state["key"]]
        pending = str(state.get("pending", ""))
        findings = find_patient_data(pending, self._pattern(ctx))
        choice = guard_choice(msg.action, msg.text)
        if choice == GUARD_REMOVE:
            return self._store(
                ctx, state, application, {item.key: remove_patient_data(pending, findings)}
            )
        if choice == GUARD_KEEP:
            return self._store(ctx, state, application, {item.key: pending})
        if choice == GUARD_EDIT:
            new_state = {k: v for k, v in state.items() if k != "pending"}
            new_state["step"] = Step.ANSWER.value
            return Turn(
                replies=[
                    Text("OK, please write it again without the patient details."),
                    _question(item),
                ],
                state=new_state,
            )
        return Turn(
            replies=[
                Text("Please choose one of these."),
                *guard_question(findings, "your application")[1:],
            ],
            state=state,
            advanced=False,
        )

    # -- review, corrections and submitting --------------------------------------------------

    def _to_confirm(
        self, state: dict[str, Any], answers: dict[str, Any], replies: list[Part] | None = None
    ) -> Turn:
        new_state = {
            "step": Step.CONFIRM.value,
            "application_id": state["application_id"],
            "later": state.get("later", []),
        }
        return Turn(replies=[*(replies or []), *self._confirmation(answers)], state=new_state)

    @staticmethod
    def _confirmation(answers: dict[str, Any]) -> list[Part]:
        return [
            Text("Here's your application:\n" + summary(answers), private=True),
            Question(
                "Shall I send it? (You can also type, say, *change my workplace to ...*.)",
                CONFIRM,
            ),
        ]

    @staticmethod
    def _which() -> Question:
        return Question(
            "Which answer would you like to change?",
            tuple(Choice(item.label, WHICH, item.key) for item in ITEMS),
        )

    def _on_confirm(
        self, ctx: Context, state: dict[str, Any], application: Application, msg: Incoming
    ) -> Turn:
        match = CHANGE_FIELD.match(msg.text) if msg.action is None else None
        key = item_named(match.group("field")) if match else None
        if match and key is not None:
            value = match.group("value")
            editing = {**state, "step": Step.ANSWER.value, "key": key, "editing": True}
            if value is None:
                return Turn(replies=[_question(BY_KEY[key])], state=editing)
            typed = Incoming(person_id=msg.person_id, text=value.strip())
            return self._take(ctx, editing, application, BY_KEY[key], typed)
        picked = msg.action or answer(msg.text, CONFIRM, yes=SUBMIT, no=CHANGE)
        if picked == SUBMIT:
            return self._submit(ctx, state, application)
        if picked == CHANGE:
            return Turn(replies=[self._which()], state={**state, "step": Step.WHICH.value})
        if match:
            return Turn(
                replies=[Text("I'm not sure which answer you mean."), self._which()],
                state={**state, "step": Step.WHICH.value},
            )
        return Turn(
            replies=[
                Text(
                    "Please choose *Submit* or *Change something*, or type *cancel* to stop for "
                    "now (your draft is kept)."
                ),
                *self._confirmation(dict(application.answers))[1:],
            ],
            state=state,
            advanced=False,
        )

    def _on_which(
        self, ctx: Context, state: dict[str, Any], application: Application, msg: Incoming
    ) -> Turn:
        key = msg.values.get("value") if msg.action == WHICH else item_named(msg.text)
        if key not in BY_KEY:
            return Turn(
                replies=[Text("Please pick one of these."), self._which()],
                state=state,
                advanced=False,
            )
        item = BY_KEY[str(key)]
        current = _value_shown(item.key, application.answers)
        return Turn(
            replies=[Text(f"At the moment: {current}", private=True), _question(item)],
            state={**state, "step": Step.ANSWER.value, "key": item.key, "editing": True},
        )

    def _submit(self, ctx: Context, state: dict[str, Any], application: Application) -> Turn:
        cohort = ctx.session.get(Cohort, application.cohort_id)
        assert cohort is not None
        assert cohort.id is not None
        if (problem := window_problem(cohort, ctx.today, ctx)) is not None:
            return Turn(replies=[Text(problem + " Your draft answers are still kept.")])
        answers = dict(application.answers)
        needed = _still_needed(answers)
        if needed:
            new_state = {**state, "step": Step.ANSWER.value, "key": needed[0], "final": True}
            return Turn(replies=[_question(BY_KEY[needed[0]], final=True)], state=new_state)
        reference = self._file(ctx, application, cohort.id)
        scheme = ctx.session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        outgoing = [
            Outgoing(
                parts=(
                    # No name: the steering group reads this channel and reviews anonymously.
                    Text(
                        f"New application {reference} received for {cohort.name} "
                        f"({apps.submitted_count(ctx.session, cohort.id)} so far)."
                    ),
                ),
                channel=scheme.lead_channel,
                scheme_id=scheme.id,
            )
        ]
        when = ""
        decision = cohort.settings.get("decisions_by")  # an ISO date, when the scheme gives one
        if isinstance(decision, str):
            try:
                by = format_day(date.fromisoformat(decision), ctx.today)
            except ValueError:
                by = ""
            when = f" You'll hear the decision by {by}." if by else ""
        after_close = (
            f" on {format_day(cohort.applications_close, ctx.today)}"
            if cohort.applications_close
            else ""
        )
        receipt = Text(
            f"Thank you, {ctx.first_name}: your application to *{cohort.name}* has been sent. "
            f"Your reference is *{reference}*.\n"
            f"What happens next: once applications close{after_close}, the steering group "
            "reviews them anonymised (without names) against the scheme's criteria."
            f"{when} If you're selected, I'll ask you to choose your top three mentors from "
            "their bios. Type *my application* any time to see what you sent."
        )
        return Turn(replies=[receipt], outgoing=outgoing)

    @staticmethod
    def _file(ctx: Context, application: Application, cohort_id: int) -> str:
        """Mark the application sent under the next free reference (unique per cohort)."""
        for _attempt in range(5):
            reference = apps.next_reference(ctx.session, cohort_id)
            try:
                with ctx.session.begin_nested():
                    application.reference = reference
                    application.status = ApplicationStatus.SUBMITTED.value
                    application.submitted_at = ctx.now
                    ctx.session.add(application)
                    ctx.session.flush()
            except IntegrityError:
                continue
            return reference
        raise RuntimeError("could not give the application a unique reference")


# -- top-3 preferences ------------------------------------------------------------------------

PICK = "dialog:preferences:pick"
MAX_PICKS = 3
SAVE = "dialog:preferences:save"
REPICK = "dialog:preferences:change"
SAVE_OR_REPICK = (Choice("Save", SAVE), Choice("Choose again", REPICK))
WAYS = {"in_person": "face to face", "video": "video", "phone": "phone"}


class PrefStep(StrEnum):
    CHOOSE = "choose"
    CONFIRM = "confirm"


def _selected_application(ctx: Context) -> tuple[Application | None, Cohort | None]:
    """The person's application that matters for choosing mentors: a selected one first."""
    rows = apps.applications_of(ctx.session, ctx.person_id)
    mine = {e.cohort.id for e in mentee_enrolments(ctx)}
    rows = [(a, c) for a, c in rows if c.id in mine]
    for application, cohort in rows:
        if application.status == ApplicationStatus.SELECTED.value:
            return application, cohort
    return rows[0] if rows else (None, None)


def _bio_line(number: int, mentor: apps.MentorBio) -> str:
    ways = ", ".join(WAYS.get(w, w) for w in mentor.ways_of_working) or "not given"
    organisation = f" ({mentor.organisation})" if mentor.organisation else ""
    style = f"\n   Style: {mentor.style}" if mentor.style else ""
    return f"{number}. *{mentor.name}*{organisation}\n   {mentor.bio or '(no bio yet)'}{style}\n   Meets: {ways}"


def read_picks(text: str, offered: list[apps.MentorBio], need: int) -> list[int] | str:
    """Person ids, ranked, from "2, 5, 1" or names; or a problem to say back."""
    tokens = [
        t.strip() for t in re.split(r",|;|\n|\bthen\b|\band\b|&|>|\s(?=\d)", text) if t.strip()
    ]
    tokens = [
        re.sub(
            r"^(?:\d+(?:st|nd|rd|th)[:.)]?\s+|first:?\s+|second:?\s+|third:?\s+)", "", t, flags=re.I
        )
        for t in tokens
    ]
    picks: list[int] = []
    for token in tokens:
        token = token.strip(" .!:)(#")
        if not token:
            continue
        if token.isdigit():
            number = int(token)
            if not 1 <= number <= len(offered):
                return f"There's no mentor number {number}: please use the numbers 1 to {len(offered)}."
            picks.append(offered[number - 1].person_id)
            continue
        folded = token.casefold()
        matches = [
            m for m in offered if folded == m.name.casefold() or folded in m.name.casefold().split()
        ]
        if len(matches) != 1:
            if len(matches) > 1:
                return f"More than one mentor is called {token}: please use their numbers."
            return f"I couldn't find a mentor called {token[:60]} in the list: please use their numbers."
        picks.append(matches[0].person_id)
    if len(set(picks)) != len(picks):
        return "Please choose different mentors: each one once."
    if not picks or len(picks) > need:
        word = {1: "one", 2: "two", 3: "three"}[need]
        return (
            f"Please choose up to {word} mentor{'s' if need > 1 else ''}, in order of preference "
            "(for example '2, 1, 3')."
            if need > 1
            else "Please choose one mentor: reply with the number or name."
        )
    # Fewer than ``need`` is the mentee's choice (only one or two may suit them).
    return picks


class PreferencesDialog:
    """A selected mentee's top three mentors, from the bios of mentors with a free place."""

    name: ClassVar[str] = "preferences"
    title: ClassVar[str] = "Your mentor preferences"
    schema_version: ClassVar[int] = 1

    def start(self, ctx: Context, msg: Incoming) -> Turn:
        if (refusal := not_a_mentee(ctx, "Choosing mentors")) is not None:
            return refusal
        application, cohort = _selected_application(ctx)
        if (
            application is None
            or cohort is None
            or application.status
            in (
                ApplicationStatus.DRAFT.value,
                ApplicationStatus.SUBMITTED.value,
            )
        ):
            first = (
                "You haven't sent an application yet: type *apply* to start. "
                if application is None or application.status == ApplicationStatus.DRAFT.value
                else "The steering group is still reviewing applications. "
            )
            return Turn(
                replies=[
                    Text(
                        "Choosing your mentors comes after selection. "
                        + first
                        + "Once your application is selected, I'll show you the bios of the "
                        "mentors with a free place and you'll pick your top three."
                    )
                ]
            )
        assert cohort.id is not None
        assert application.id is not None
        if application.status != ApplicationStatus.SELECTED.value:
            return Turn(
                replies=[
                    Text(
                        f"Your application to *{cohort.name}* wasn't taken forward this time, so "
                        f"there are no mentors to choose. Please contact {lead_contact(ctx, cohort.id)} "
                        "if you'd like to talk about it."
                    )
                ]
            )
        matched = apps.active_mentor_of(ctx.session, ctx.person_id, cohort.id)
        if matched is not None:
            return Turn(
                replies=[
                    Text(
                        f"You've been matched with {ctx.name_of(matched)}, so your preferences "
                        "are closed. Type *what's next* to see what's due."
                    )
                ]
            )
        offered = apps.mentors_with_free_capacity(ctx.session, ctx.person_id, cohort.id)
        if not offered:
            return Turn(
                replies=[
                    Text(
                        "No mentors have a free place just now, so there's nobody to choose from "
                        f"yet. Please contact {lead_contact(ctx, cohort.id)}: they'll help."
                    )
                ]
            )
        state: dict[str, Any] = {
            "step": PrefStep.CHOOSE.value,
            "application_id": application.id,
            "offered": [m.person_id for m in offered],
            "need": min(MAX_PICKS, len(offered)),
        }
        replies = self._listing(ctx, state, offered, application)
        rest = re.sub(
            r"^.*?\b(?:mentor preferences|my preferences|choose (?:a|my) mentors?|top (?:3|three))\b\s*(?:is|are)?\s*[:\-–]?",
            "",
            msg.text,
            count=1,
            flags=re.I | re.DOTALL,
        ).strip()
        if rest:
            picks = read_picks(rest, offered, state["need"])
            if isinstance(picks, list):
                return self._to_confirm(ctx, state, picks)
        return Turn(replies=replies, state=state)

    def _offered(self, ctx: Context, state: dict[str, Any]) -> list[apps.MentorBio]:
        application = ctx.session.get(Application, state["application_id"])
        if application is None:
            return []
        by_id = {
            m.person_id: m
            for m in apps.mentors_with_free_capacity(
                ctx.session, ctx.person_id, application.cohort_id
            )
        }
        # Keep the numbers the person saw; a mentor who filled up meanwhile keeps their number.
        return [by_id[i] for i in state["offered"] if i in by_id] if by_id else []

    def _listing(
        self,
        ctx: Context,
        state: dict[str, Any],
        offered: list[apps.MentorBio],
        application: Application,
    ) -> list[Part]:
        need = state["need"]
        word = {1: "one", 2: "two", 3: "three"}[need]
        lines = [f"Mentors with a free place ({len(offered)}):"]
        lines += [_bio_line(n, m) for n, m in enumerate(offered, start=1)]
        replies: list[Part] = [Text("\n".join(lines))]
        # Earlier choices still on offer (a former mentor, or one now full, is not).
        still = [pid for pid in application.preferences if pid in {m.person_id for m in offered}]
        if still and still == list(application.preferences):
            current = ", ".join(f"{n}. {ctx.name_of(pid)}" for n, pid in enumerate(still, start=1))
            replies.append(
                Text(
                    f"Your current choices: {current}. Reply with new ones to change them, or "
                    "type *cancel* to keep them."
                )
            )
        replies.append(
            Text(
                f"Which {word} would you like, in order of preference? Reply with their numbers "
                "(for example '2, 1, 3') or names. Fewer is fine if only one or two suit you."
                if need > 1
                else "Which one would you like? Reply with the number or name."
            )
        )
        return replies

    def prompt(self, ctx: Context, state: dict[str, Any]) -> list[Part]:
        if PrefStep(state["step"]) is PrefStep.CONFIRM:
            return self._confirmation(ctx, state["picks"])
        application = ctx.session.get(Application, state["application_id"])
        offered = self._offered(ctx, state)
        if application is None or not offered:
            return [Text("Type *choose my mentor* to see the mentors again.")]
        return self._listing(ctx, state, offered, application)

    def step(self, ctx: Context, state: dict[str, Any], msg: Incoming) -> Turn:
        application = ctx.session.get(Application, state["application_id"])
        if application is None or application.person_id != ctx.person_id:
            return Turn(
                replies=[
                    Text(
                        "I can't find your application any more. Type *choose my mentor* to start again."
                    )
                ]
            )
        if PrefStep(state["step"]) is PrefStep.CONFIRM:
            return self._on_confirm(ctx, state, application, msg)
        text = msg.text.strip()
        if not text:
            return Turn(
                replies=[Text("I didn't get anything there."), *self.prompt(ctx, state)[-1:]],
                state=state,
                advanced=False,
            )
        if len(text) > 500:
            return Turn(
                replies=[
                    Text(
                        "That's longer than I expected: please reply with just the numbers or names, for example '2, 1, 3'."
                    )
                ],
                state=state,
                advanced=False,
            )
        offered_all = self._numbered(ctx, state)
        picks = read_picks(text, offered_all, state["need"])
        if isinstance(picks, str):
            return Turn(replies=[Text(picks)], state=state, advanced=False)
        return self._to_confirm(ctx, state, picks)

    def _numbered(self, ctx: Context, state: dict[str, Any]) -> list[apps.MentorBio]:
        """The mentors in the order shown (numbers stay stable), full or not."""
        known = {m.person_id: m for m in self._offered(ctx, state)}
        result: list[apps.MentorBio] = []
        for pid in state["offered"]:
            person = ctx.session.get(Person, pid)
            result.append(
                known.get(pid)
                or apps.MentorBio(pid, person.display_name if person else "", "", "", "", ())
            )
        return result

    def _to_confirm(self, ctx: Context, state: dict[str, Any], picks: list[int]) -> Turn:
        new_state = {**state, "step": PrefStep.CONFIRM.value, "picks": picks}
        return Turn(replies=self._confirmation(ctx, picks), state=new_state)

    @staticmethod
    def _confirmation(ctx: Context, picks: list[int]) -> list[Part]:
        lines = "\n".join(f"{n}. {ctx.name_of(pid)}" for n, pid in enumerate(picks, start=1))
        fewer = (
            "\nIf none of them can take you, the steering group may suggest another mentor "
            "with a free place."
            if len(picks) < MAX_PICKS
            else ""
        )
        return [
            Text("Your choices, in order of preference:\n" + lines + fewer),
            Question("Shall I save them?", SAVE_OR_REPICK),
        ]

    def _on_confirm(
        self, ctx: Context, state: dict[str, Any], application: Application, msg: Incoming
    ) -> Turn:
        picked = msg.action or answer(msg.text, SAVE_OR_REPICK, yes=SAVE, no=REPICK)
        if picked == SAVE:
            if apps.active_mentor_of(ctx.session, ctx.person_id, application.cohort_id) is not None:
                return Turn(
                    replies=[
                        Text(
                            "You've been matched with a mentor meanwhile, so your preferences are closed. Type *what's next* to see what's due."
                        )
                    ]
                )
            free = {
                m.person_id
                for m in apps.mentors_with_free_capacity(
                    ctx.session, ctx.person_id, application.cohort_id
                )
            }
            gone = [pid for pid in state["picks"] if pid not in free]
            if gone:
                names = ", ".join(ctx.name_of(pid) for pid in gone)
                return Turn(
                    replies=[
                        Text(
                            f"Sorry: {names} no longer has a free place. Type *choose my mentor* to see who does."
                        )
                    ]
                )
            application.preferences = list(state["picks"])
            ctx.session.add(application)
            return Turn(
                replies=[
                    Text(
                        "Saved your choices. The steering group matches mentees and mentors by "
                        "comparing applications with mentor profiles; it can't always give "
                        "everyone their first choice. You can change your choices until you're "
                        "matched: type *choose my mentor*."
                    )
                ]
            )
        if picked == REPICK:
            new_state = {k: v for k, v in state.items() if k != "picks"}
            new_state["step"] = PrefStep.CHOOSE.value
            return Turn(replies=self.prompt(ctx, new_state), state=new_state)
        picks = (
            read_picks(msg.text, self._numbered(ctx, state), state["need"])
            if msg.action is None
            else None
        )
        if isinstance(picks, list):
            return self._to_confirm(ctx, state, picks)
        return Turn(
            replies=[
                Text("Please choose *Save* or *Choose again*."),
                *self._confirmation(ctx, state["picks"])[1:],
            ],
            state=state,
            advanced=False,
        )


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ApplyDialog(), IntentName.APPLY)
    registry.add_dialog(PreferencesDialog(), IntentName.PREFERENCES)
    # "Show my application" on a reply given outside the dialog.
    registry.action_routes["application"] = IntentName.APPLY
