"""The question engine: the kinds of question staff ask on an event's registration form and in its
evaluation (and, later, in knowledge tests and follow-up surveys), one class per kind as Indico's
registration fields are. A kind gives a question's form field (label and choices in the
respondent's language, required or not, its bounds); reads a submitted value into the stored
answer (the one check, made by the form and by the service alike); shows an answer (escaped text)
and exports it (a CSV or XLSX cell); summarises the answers given (counts per choice, a mean,
texts listed); and scores an answer against correct ones.

Answers are JSON, keyed by question (``Question.key``) in the row that keeps them:

- short or long text, one choice, date: a text (a day in ISO, "2031-02-03"); a choice as staff
  wrote it in the original language, whatever language it was chosen in;
- several choices: a list of such choices, in the order of the question's choices;
- yes or no: ``"yes"`` or ``"no"``;
- number, scale: an integer (a scale's from 1 to 5);
- file: ``{"name": ..., "stored": ...}``. The engine checks the file sent; the capability keeps it
  (``registration/uploads.py``).

The limits below hold for every use; a choice too long is refused with a message, never cut.
The columns of a table of questions, and what staff write into them, are in
``question_columns.py``.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from werkzeug.datastructures import FileStorage
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from .errors import InvalidInput
from .fields import CheckboxesField, DayField
from .i18n import format_day
from .uploads import ACCEPT, megabytes, upload_problem

MAX_QUESTIONS = 30  # of one form
MAX_LABEL_LENGTH = 300
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 200
SHORT_TEXT_LENGTH = 500
LONG_TEXT_LENGTH = 5000
LARGEST_NUMBER = 10**9
SCORES = range(1, 6)
# The languages staff may translate a question into (the original is in any language).
TRANSLATED = ("es", "fr")
YES, NO = "yes", "no"

SHORT_TEXT, LONG_TEXT = "short_text", "long_text"
ONE_CHOICE, SEVERAL_CHOICES = "one_choice", "several_choices"
YES_NO, NUMBER, DATE, FILE, SCALE = "yes_no", "number", "date", "file", "scale"

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,10}")


@dataclass
class Summary:
    """The answers given to one question, summarised."""

    question: object
    answered: int
    counts: list[tuple[str, int]] = field(default_factory=list)  # per choice, score, yes or no
    mean: float | None = None  # of a scale or a number
    texts: list[tuple[object, str]] = field(default_factory=list)  # (who gave it, the answer)


class _Reads:
    """A field's validator: its kind's reading of the value, the very check services make."""

    def __init__(self, question):
        self.question = question

    def __call__(self, form, field):
        try:
            self.question.kind_rules.read(self.question, field.data)
        except InvalidInput as refused:
            raise ValidationError(refused.message) from None


# ---------------------------------------------------------------- the kinds


class QuestionKind:
    """A kind of question (the stored ``kind`` is its ``name``). Answers of a kind that is not
    ``scored`` are not marked right or wrong by the engine."""

    name = ""
    label = None  # lazy
    has_choices = False  # staff write its choices
    written = False  # its answers are texts typed (the participants list searches them)
    scored = False
    required_message = _l("Please answer this question.")

    # The form field

    def field(self, question, language: str | None):
        """An unbound form field asking ``question``, in ``language`` where staff translated it."""
        validators = [self._required()] if question.required else [Optional()]
        return self._field(question, language, [*validators, _Reads(question)])

    def _required(self):
        return InputRequired(self.required_message)

    def _field(self, question, language, validators):
        raise NotImplementedError

    # Reading a value into the stored answer

    def read(self, question, value):
        """The answer to keep from a value sent (as its field gives it, or as text); None for
        none; InvalidInput naming the question's field for a value that is no answer."""
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or value == []:
            return None
        return self._read(question, value)

    def _read(self, question, value):
        raise NotImplementedError

    @staticmethod
    def _refuse(question, message):
        raise InvalidInput(question.field_name, message)

    # Showing, exporting, summarising

    def text(self, answer) -> str:
        """An answer as people read it."""
        return str(answer)

    def show(self, answer) -> Markup:
        """An answer as a page shows it: escaped text, empty for none."""
        return escape(self.text(answer)) if _given(answer) else Markup("")

    def export(self, answer):
        """An answer as a CSV or XLSX cell."""
        return self.text(answer) if _given(answer) else ""

    def summarise(self, question, given: list[tuple[object, object]]) -> Summary:
        """``given``: (who, answer) pairs, who being anything to show beside a text (or None)."""
        answered = [(who, answer) for who, answer in given if _given(answer)]
        texts = [(who, self.text(answer)) for who, answer in answered]
        return Summary(question, len(answered), texts=texts)

    # Scoring (knowledge tests)

    def score(self, answer, correct: list) -> float | None:
        """1.0 for an answer right, 0.0 for one wrong or none, given the correct answers as
        stored (``mark_correct``); None for a kind that is not ``scored``."""
        return None

    def mark_correct(self, question, given: list) -> list:
        """The correct answers to ``question`` as stored, each checked as an answer would be."""
        if not self.scored:
            raise ValueError(f"answers to a {self.name} question are not scored")
        marked = [self.read(question, value) for value in given]
        return list(dict.fromkeys(m for m in marked if m is not None))


def _given(answer) -> bool:
    return answer is not None and answer != "" and answer != []


class ShortText(QuestionKind):
    name, label, written = SHORT_TEXT, _l("Short text"), True
    longest = SHORT_TEXT_LENGTH

    def _field(self, question, language, validators):
        label = question.label_in(language)
        return StringField(label, validators=validators, render_kw={"maxlength": self.longest})

    def _read(self, question, value):
        text = str(value)
        if len(text) > self.longest:
            self._refuse(question, _("At most %(num)d characters.", num=self.longest))
        return text


class LongText(ShortText):
    name, label = LONG_TEXT, _l("Long text")
    longest = LONG_TEXT_LENGTH

    def _field(self, question, language, validators):
        label = question.label_in(language)
        return TextAreaField(label, validators=validators, render_kw={"maxlength": self.longest})


class OneChoice(QuestionKind):
    name, label = ONE_CHOICE, _l("One choice")
    has_choices = scored = True

    def _field(self, question, language, validators):
        choices = question.choices_in(language)
        label = question.label_in(language)
        return RadioField(label, choices=choices, validators=validators, validate_choice=False)

    def _read(self, question, value):
        if value not in question.choices:
            self._refuse(question, _("Choose one of the answers."))
        return value

    def _ticked(self, answer) -> list:
        return [answer]

    def summarise(self, question, given):
        answered = [answer for _who, answer in given if _given(answer)]
        ticked = [choice for answer in answered for choice in self._ticked(answer)]
        # Choices renamed or removed since they were chosen are counted too, as they were.
        others = [c for c in dict.fromkeys(str(t) for t in ticked) if c not in question.choices]
        counts = [(c, ticked.count(c)) for c in [*question.choices, *others]]
        return Summary(question, len(answered), counts=counts)

    def score(self, answer, correct):
        return 1.0 if answer in correct else 0.0


class SeveralChoices(OneChoice):
    name, label = SEVERAL_CHOICES, _l("Several choices")
    required_message = _l("Tick at least one.")

    def _required(self):
        return DataRequired(self.required_message)

    def _field(self, question, language, validators):
        choices = question.choices_in(language)
        label = question.label_in(language)
        return CheckboxesField(label, choices=choices, validators=validators, validate_choice=False)

    def _read(self, question, value):
        ticked = set(value if isinstance(value, list | tuple) else [value])
        if not ticked <= set(question.choices):
            self._refuse(question, _("Tick only the answers offered."))
        return [choice for choice in question.choices if choice in ticked]

    def text(self, answer):
        return "; ".join(str(a) for a in answer) if isinstance(answer, list) else str(answer)

    def _ticked(self, answer):
        return answer if isinstance(answer, list) else [answer]

    def score(self, answer, correct):
        return 1.0 if isinstance(answer, list) and set(answer) == set(correct) else 0.0

    def mark_correct(self, question, given):
        return self.read(question, list(given)) or []


class YesNo(QuestionKind):
    name, label = YES_NO, _l("Yes or no")
    scored = True

    def _field(self, question, language, validators):
        label = question.label_in(language)
        choices = [(YES, _l("Yes")), (NO, _l("No"))]
        return RadioField(label, choices=choices, validators=validators, validate_choice=False)

    def _read(self, question, value):
        if value not in (YES, NO):
            self._refuse(question, _("Answer yes or no."))
        return value

    def text(self, answer):
        return {YES: _("yes"), NO: _("no")}.get(answer, str(answer))

    def summarise(self, question, given):
        answers = [answer for _who, answer in given if _given(answer)]
        counts = [(_("Yes"), answers.count(YES)), (_("No"), answers.count(NO))]
        return Summary(question, len(answers), counts=counts)

    def score(self, answer, correct):
        return 1.0 if answer in correct else 0.0


class Number(QuestionKind):
    name, label = NUMBER, _l("Number")
    scored = True

    def _field(self, question, language, validators):
        bounds = {"min": -LARGEST_NUMBER, "max": LARGEST_NUMBER}
        return IntegerField(question.label_in(language), validators=validators, render_kw=bounds)

    def _read(self, question, value):
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > LARGEST_NUMBER:
            self._refuse(
                question,
                _(
                    "Write a whole number from %(low)s to %(high)s.",
                    low=-LARGEST_NUMBER,
                    high=LARGEST_NUMBER,
                ),
            )
        return value

    def export(self, answer):
        return answer if isinstance(answer, int) else super().export(answer)

    def summarise(self, question, given):
        numbers = [a for _who, a in given if isinstance(a, int) and not isinstance(a, bool)]
        mean = round(sum(numbers) / len(numbers), 2) if numbers else None
        return Summary(question, len(numbers), mean=mean)

    def score(self, answer, correct):
        return 1.0 if answer in correct else 0.0


class Scale(Number):
    """A score from 1 (poor) to 5 (excellent)."""

    name, label = SCALE, _l("Scale from 1 to 5")
    scored = False  # an opinion

    def _field(self, question, language, validators):
        choices = [(str(n), str(n)) for n in SCORES]
        label = question.label_in(language)
        return RadioField(label, choices=choices, validators=validators, validate_choice=False)

    def _read(self, question, value):
        if str(value) not in {str(n) for n in SCORES}:
            self._refuse(question, _("Choose a score from 1 to 5."))
        return int(value)

    def summarise(self, question, given):
        summary = super().summarise(question, given)
        scores = [answer for _who, answer in given]
        summary.counts = [(str(n), scores.count(n)) for n in SCORES]
        return summary

    def score(self, answer, correct):
        return None


class Date(QuestionKind):
    name, label = DATE, _l("Date")

    def _field(self, question, language, validators):
        return DayField(question.label_in(language), validators=validators)

    def _read(self, question, value):
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self._refuse(question, _("Write one day, for example “5 March 2027”."))

    def text(self, answer):
        day = _day(answer)
        return format_day(day) if day else str(answer)

    def export(self, answer):
        return _day(answer) or super().export(answer)


def _day(answer) -> date | None:
    try:
        return date.fromisoformat(answer)
    except (TypeError, ValueError):
        return None


def upload_max_bytes() -> int:
    """The largest file a question takes."""
    return current_app.config["QUESTION_UPLOAD_MAX_BYTES"]


def upload_megabytes() -> str:
    return megabytes(upload_max_bytes())


class FileUpload(QuestionKind):
    name, label = FILE, _l("File upload (CV, letter…)")
    required_message = _l("Please send this file.")

    def _required(self):
        return FileRequired(self.required_message)

    def _field(self, question, language, validators):
        return FileField(
            question.label_in(language),
            validators=validators,
            render_kw={"accept": ACCEPT},
            description=_l(
                "PDF, Word (DOC, DOCX), OpenDocument text (ODT), JPEG or PNG, up to %(mb)s MB.",
                mb=upload_megabytes(),
            ),
        )

    def read(self, question, value):
        """The file sent, checked (the capability keeps it), or None when none was sent."""
        if not isinstance(value, FileStorage) or not value.filename:
            return None
        if problem := upload_problem(value, upload_max_bytes()):
            self._refuse(question, problem)
        return value

    def text(self, answer):
        return str(answer.get("name", "")) if isinstance(answer, dict) else str(answer)


KINDS: dict[str, QuestionKind] = {
    kind.name: kind
    for kind in (
        ShortText(),
        LongText(),
        OneChoice(),
        SeveralChoices(),
        YesNo(),
        Number(),
        Date(),
        FileUpload(),
        Scale(),
    )
}


def kind_choices(names) -> list[tuple[str, object]]:
    """``(name, label)`` of these kinds, for a select field (labels lazy)."""
    return [(name, KINDS[name].label) for name in names]


# ---------------------------------------------------------------- questions


class Question:
    """A question as the engine reads it, stored or not: it has a ``key`` (of its answer), a
    ``label``, a ``kind``, ``choices``, ``required`` and ``translations`` (``{"es": {"label":
    ..., "choices": [...]}}``)."""

    @property
    def kind_rules(self) -> QuestionKind:
        return KINDS[self.kind]

    @property
    def kind_label(self) -> str:
        return str(self.kind_rules.label)

    @property
    def has_choices(self) -> bool:
        return self.kind_rules.has_choices

    @property
    def field_name(self) -> str:
        """Its field on a form."""
        return f"question_{self.key}"

    def label_in(self, language: str | None) -> str:
        """The label in ``language`` if staff translated it, else as written."""
        return (self.translations or {}).get(language or "", {}).get("label") or str(self.label)

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


# ---------------------------------------------------------------- forms and answers


def with_questions(form_class, questions: list, language: str | None):
    """``form_class`` with a field for each question (``Question.field_name``), in ``language``
    where staff translated them."""
    if not questions:
        return form_class
    fields = {q.field_name: q.kind_rules.field(q, language) for q in questions}
    return type(form_class.__name__, (form_class,), fields)


def read_answers(questions: list, given) -> dict:
    """``{question key: answer}`` from ``{field name: value}`` (a form's ``data``, or text),
    blank ones left out; a required question left blank, or a value that is no answer, is
    refused (InvalidInput naming the field). A file sent stays the upload, for the capability
    to keep."""
    answers = {}
    for question in questions:
        answer = question.kind_rules.read(question, given.get(question.field_name))
        if answer is None:
            if question.required:
                raise InvalidInput(question.field_name, question.kind_rules.required_message)
            continue
        answers[question.key] = answer
    return answers
