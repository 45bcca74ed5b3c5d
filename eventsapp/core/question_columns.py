"""The columns every table of questions shares (registration questions, evaluation questions;
later knowledge tests and follow-up surveys), and what staff write into them: a question's label,
kind, choices, translations and whether it needs an answer, checked by one set of limits
(``questions.py``), and its position on its form, counted from 0."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import JSON, CheckConstraint, String, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import db
from .errors import InvalidInput
from .i18n import language_name
from .labels import sql_in
from .questions import (
    KINDS,
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_LABEL_LENGTH,
    MAX_QUESTIONS,
    TRANSLATED,
    Question,
)


class QuestionColumns(Question):
    """The columns of a table of questions (``registration_questions``,
    ``evaluation_questions``). Its model adds its ``id`` and what the questions belong to, and
    may narrow ``OFFERED``, the kinds it takes (its CHECK constraint says so too)."""

    OFFERED: tuple[str, ...] = tuple(KINDS)

    label: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list] = mapped_column(JSON, default=list)  # of a question with choices
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            CheckConstraint(f"kind IN ({sql_in(cls.OFFERED)})", name="kind"),
            CheckConstraint("length(label) > 0", name="label_not_empty"),
        )

    @property
    def key(self) -> str:
        return str(self.id)


def event_questions(model, event_id: int) -> list:
    """The questions of ``model`` (a table of questions) that an event asks, in their order."""
    return list(
        db.session.scalars(
            select(model).where(model.event_id == event_id).order_by(model.position, model.id)
        )
    )


def event_question(model, event_id: int, question_id: int):
    """A question of ``model``, if it is one the event asks; else None."""
    question = db.session.get(model, question_id)
    return question if question is not None and question.event_id == event_id else None


@dataclass
class QuestionInput:
    """A question as staff write it."""

    label: str
    kind: str
    required: bool = False
    choices: str = ""  # one a line
    # {language: (label, choices one a line)}; empty ones are left out.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _label(text: str, field_name: str) -> str:
    label = text.strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInput(
            field_name, _("Keep the question under %(num)d characters.", num=MAX_LABEL_LENGTH)
        )
    return label


def _choices(text: str, field_name: str) -> list[str]:
    choices = _lines(text)
    if len(choices) > MAX_CHOICES:
        raise InvalidInput(field_name, _("Give at most %(num)d choices.", num=MAX_CHOICES))
    if any(len(choice) > MAX_CHOICE_LENGTH for choice in choices):
        raise InvalidInput(
            field_name, _("Keep each choice under %(num)d characters.", num=MAX_CHOICE_LENGTH)
        )
    return choices


def _translation(data: QuestionInput, language: str, choices: list[str]) -> dict | None:
    """The question in ``language`` as given (None when not translated), or InvalidInput."""
    given_label, given_choices = data.translations.get(language, ("", ""))
    label = _label(given_label, f"label_{language}")
    shown = _choices(given_choices, f"choices_{language}") if choices else []
    if shown and len(shown) != len(choices):
        raise InvalidInput(
            f"choices_{language}",
            _(
                "Give the %(language)s choices in the order of the original ones, as many "
                "(%(num)d), one a line.",
                language=language_name(language),
                num=len(choices),
            ),
        )
    if shown and not label:
        raise InvalidInput(f"label_{language}", _("Translate the question too."))
    return {"label": label, "choices": shown} if label else None


def checked_input(data: QuestionInput, kind: str) -> tuple[str, list[str], dict]:
    """The label, choices and translations of a question of ``kind`` as staff wrote them, or
    InvalidInput naming the field."""
    label = _label(data.label, "label")
    if not label:
        raise InvalidInput("label", _("Write the question."))
    choices = _choices(data.choices, "choices") if KINDS[kind].has_choices else []
    if KINDS[kind].has_choices and len(choices) < 2:
        raise InvalidInput("choices", _("Give at least two choices, one a line."))
    translations = {}
    for language in TRANSLATED:
        if translated := _translation(data, language, choices):
            translations[language] = translated
    return label, choices, translations


def new_question(model, existing: list, data: QuestionInput, **columns):
    """A question of ``model`` (a table of questions) from what staff wrote, placed after the
    ``existing`` ones; not yet added to the session. InvalidInput naming the field."""
    if data.kind not in model.OFFERED:
        raise InvalidInput("kind", _("Choose a kind of question."))
    label, choices, translations = checked_input(data, data.kind)
    if len(existing) >= MAX_QUESTIONS:
        raise InvalidInput("label", _("A form asks at most %(num)d questions.", num=MAX_QUESTIONS))
    return model(
        label=label,
        kind=data.kind,
        choices=choices,
        translations=translations,
        required=data.required,
        position=max((q.position for q in existing), default=-1) + 1,
        **columns,
    )


def change_question(question: QuestionColumns, data: QuestionInput) -> None:
    """Its label, choices, translations and whether an answer is required; not its kind."""
    question.label, question.choices, question.translations = checked_input(data, question.kind)
    question.required = data.required


def move_question(ordered: list, question: QuestionColumns, steps: int) -> None:
    """Move a question up (-1) or down (+1) among the ``ordered`` questions of its form."""
    index = ordered.index(question)
    target = min(max(index + steps, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position
