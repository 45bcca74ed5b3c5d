"""Questions staff add to an event's registration form, and the delegates' answers.

The answers are kept on the registration (``Registration.answers``: ``{question id: answer}``), so
that lists and exports read them with the registration itself, in no further query. An answer is
a text (a number and a date as written in ISO, yes/no as ``yes``/``no``), a list of texts for
several choices, or ``{"name": ..., "stored": ...}`` for a file (``uploads.py``). Choices are
stored in the language staff wrote them in, whatever language the delegate saw them in.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..catalogue.models import LANGUAGES, Event
from ..core.errors import InvalidInput
from ..core.labels import Labelled, sql_in
from ..extensions import db
from .models import CONFIRMED, Registration
from .uploads import files_of, remove_after_commit

MAX_QUESTIONS = 30
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 200
# The languages staff may translate a question into (the original is in any language).
TRANSLATED = ("es", "fr")


class QuestionKind(Labelled):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    ONE_CHOICE = "one_choice", _l("One choice")
    SEVERAL_CHOICES = "several_choices", _l("Several choices")
    YES_NO = "yes_no", _l("Yes or no")
    NUMBER = "number", _l("Number")
    DATE = "date", _l("Date")
    FILE = "file", _l("File upload (CV, letter…)")


WITH_CHOICES = (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)
WRITTEN = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class RegistrationQuestion(db.Model):
    __tablename__ = "registration_questions"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(QuestionKind)})", name="kind"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list] = mapped_column(JSON, default=list)  # of a question with choices
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # The label and choices in other languages: {"es": {"label": ..., "choices": [...]}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label

    @property
    def field_name(self) -> str:
        return f"question_{self.id}"

    @property
    def has_choices(self) -> bool:
        return self.kind in WITH_CHOICES

    def label_in(self, language: str | None) -> str:
        """The label in ``language`` if staff translated it, else as written."""
        return (self.translations or {}).get(language or "", {}).get("label") or self.label

    def choices_in(self, language: str | None) -> list[tuple[str, str]]:
        """``(stored, shown)`` pairs: each choice as stored, and as shown in ``language``."""
        shown = (self.translations or {}).get(language or "", {}).get("choices") or []
        if len(shown) != len(self.choices):
            shown = self.choices
        return list(zip(self.choices, shown, strict=True))

    def translation(self, language: str) -> tuple[str, str]:
        """The label and the choices (one a line) in ``language``, as the form shows them."""
        given = (self.translations or {}).get(language, {})
        return given.get("label", ""), "\n".join(given.get("choices", []))


@dataclass
class QuestionInput:
    label: str
    kind: str
    required: bool = False
    choices: str = ""  # one a line
    # {language: (label, choices one a line)}; empty ones are left out.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)


def questions_of(event_id: int) -> list[RegistrationQuestion]:
    return list(
        db.session.scalars(
            select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event_id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


def get_question(event: Event, question_id: int) -> RegistrationQuestion | None:
    question = db.session.get(RegistrationQuestion, question_id)
    return question if question is not None and question.event_id == event.id else None


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _checked(data: QuestionInput, kind: str) -> tuple[str, list[str], dict]:
    """The label, choices and translations of a question as given, or InvalidInput."""
    label = data.label.strip()
    if not label:
        raise InvalidInput("label", _("Write the question."))
    choices = _lines(data.choices) if kind in WITH_CHOICES else []
    if kind in WITH_CHOICES and len(choices) < 2:
        raise InvalidInput("choices", _("Give at least two choices, one a line."))
    if len(choices) > MAX_CHOICES:
        raise InvalidInput("choices", _("Give at most %(num)d choices.", num=MAX_CHOICES))
    if any(len(choice) > MAX_CHOICE_LENGTH for choice in choices):
        raise InvalidInput(
            "choices", _("Keep each choice under %(num)d characters.", num=MAX_CHOICE_LENGTH)
        )
    translations = {}
    for language in TRANSLATED:
        translated_label, translated_choices = data.translations.get(language, ("", ""))
        translated_label = translated_label.strip()
        shown = _lines(translated_choices) if choices else []
        if shown and len(shown) != len(choices):
            raise InvalidInput(
                f"choices_{language}",
                _(
                    "Give the %(language)s choices in the order of the original ones, as many "
                    "(%(num)d), one a line.",
                    language=LANGUAGES[language],
                    num=len(choices),
                ),
            )
        if any(len(choice) > MAX_CHOICE_LENGTH for choice in shown):
            raise InvalidInput(
                f"choices_{language}",
                _("Keep each choice under %(num)d characters.", num=MAX_CHOICE_LENGTH),
            )
        if shown and not translated_label:
            raise InvalidInput(f"label_{language}", _("Translate the question too."))
        if translated_label:
            translations[language] = {"label": translated_label, "choices": shown}
    return label, choices, translations


def add_question(event: Event, data: QuestionInput) -> RegistrationQuestion:
    if data.kind not in QuestionKind.__members__.values():
        raise InvalidInput("kind", _("Choose a kind of question."))
    label, choices, translations = _checked(data, data.kind)
    existing = questions_of(event.id)
    if len(existing) >= MAX_QUESTIONS:
        raise InvalidInput("label", _("An event has at most %(num)d questions.", num=MAX_QUESTIONS))
    question = RegistrationQuestion(
        event_id=event.id,
        label=label,
        kind=data.kind,
        required=data.required,
        choices=choices,
        translations=translations,
        position=max((q.position for q in existing), default=-1) + 1,
    )
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: RegistrationQuestion, data: QuestionInput) -> None:
    """Its label, choices, translations and whether an answer is required; not its kind.
    Answers given already keep their text, even to a choice renamed or removed."""
    question.label, question.choices, question.translations = _checked(data, question.kind)
    question.required = data.required


def move_question(event: Event, question: RegistrationQuestion, steps: int) -> None:
    """Move a question up (-1) or down (+1) on the form."""
    ordered = questions_of(event.id)
    index = ordered.index(question)
    target = min(max(index + steps, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position


def delete_question(event: Event, question_id: int) -> bool:
    """Delete a question; the files sent in answer to it go with it."""
    question = get_question(event, question_id)
    if question is None:
        return False
    if question.kind == QuestionKind.FILE:
        answers = db.session.scalars(
            select(Registration.answers).where(Registration.event_id == event.id)
        )
        sent = [a.get(str(question.id)) for a in answers if a]
        remove_after_commit(db.session(), files_of(event.id, sent))
    db.session.delete(question)
    return True


def answer_counts(event_id: int) -> dict[int, int]:
    """How many registrations answered each question of the event (in one query)."""
    counts: dict[int, int] = {}
    rows = db.session.scalars(
        select(Registration.answers).where(
            Registration.event_id == event_id, Registration.status.in_(CONFIRMED)
        )
    )
    for answers in rows:
        for key in answers or {}:
            if key.isdigit():
                counts[int(key)] = counts.get(int(key), 0) + 1
    return counts


def answer_of(registration: Registration, question: RegistrationQuestion):
    """The stored answer (text, list or file), or None."""
    return (registration.answers or {}).get(str(question.id))


def answer_text(registration: Registration, question: RegistrationQuestion) -> str:
    """An answer as people read it: several choices joined, a file by its name."""
    value = answer_of(registration, question)
    if not value:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("yes") if value == "yes" else _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value)
