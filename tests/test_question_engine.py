"""The question engine (core/questions.py), kind by kind: the form field that asks a question,
the reading of what is sent into the stored answer, how an answer is shown, exported, summarised
and scored; and the one set of limits that registration questions and evaluations share."""

import io
from datetime import date

import pytest
from markupsafe import Markup
from werkzeug.datastructures import FileStorage, MultiDict

from eventsapp.attendance.models import EvaluationQuestion
from eventsapp.core.errors import InvalidInput
from eventsapp.core.forms import Form
from eventsapp.core.question_columns import QuestionInput, checked_input
from eventsapp.core.questions import (
    KINDS,
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    read_answers,
    with_questions,
)
from eventsapp.registration.questions import RegistrationQuestion

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def question(kind, choices=(), required=False, model=RegistrationQuestion, **columns):
    return model(
        id=7,
        label="The question",
        kind=kind,
        choices=list(choices),
        required=required,
        translations={},
        **columns,
    )


def posted(app, asked, value, language="en"):
    """The form asking ``asked`` posted with ``value``: (its errors, the answers it gives)."""
    data = MultiDict()
    for each in value if isinstance(value, list) else [value]:
        data.add(asked.field_name, each)
    with app.test_request_context(method="POST", data=data):
        form = with_questions(Form, [asked], language)()
        if not form.validate():
            return form.errors.get(asked.field_name), None
        return None, read_answers([asked], form.data)


# (kind, choices, what a delegate sends, what is kept, how it is shown, its cell)
ANSWERED = [
    ("short_text", (), "  Training unit ", "Training unit", "Training unit", "Training unit"),
    ("long_text", (), "To teach\nvoter lists", "To teach\nvoter lists", None, None),
    ("one_choice", ("Voter lists", "=Audit"), "=Audit", "=Audit", "=Audit", "=Audit"),
    (
        "several_choices",
        ("Voter lists", "Disputes", "Gender"),
        ["Gender", "Voter lists"],
        ["Voter lists", "Gender"],  # in the order of the choices
        "Voter lists; Gender",
        "Voter lists; Gender",
    ),
    ("yes_no", (), "no", "no", "no", "no"),
    ("number", (), "-12", -12, "-12", -12),
    ("date", (), "5 March 2027", "2027-03-05", "5 March 2027", date(2027, 3, 5)),
    ("scale", (), "4", 4, "4", 4),
]


@pytest.mark.parametrize(("kind", "choices", "sent", "kept", "shown", "cell"), ANSWERED)
def test_each_kind_reads_shows_and_exports_its_answer(app, kind, choices, sent, kept, shown, cell):
    asked = question(kind, choices)
    errors, answers = posted(app, asked, sent)
    assert errors is None and answers == {"7": kept}
    rules = KINDS[kind]
    with app.test_request_context():
        assert rules.show(kept) == (kept if shown is None else shown)
        assert rules.export(kept) == (kept if cell is None else cell)
        assert rules.show(None) == "" and rules.export(None) == ""
    # Nothing sent to a question not required: no answer kept.
    assert posted(app, asked, "" if kind != "several_choices" else []) == (None, {})


@pytest.mark.parametrize(
    ("kind", "choices", "sent", "message"),
    [
        ("short_text", (), "x" * 501, "At most 500 characters."),
        ("long_text", (), "x" * 5001, "At most 5000 characters."),
        ("one_choice", ("A", "B"), "C", "Choose one of the answers."),
        ("several_choices", ("A", "B"), ["A", "C"], "Tick only the answers offered."),
        ("yes_no", (), "maybe", "Answer yes or no."),
        ("number", (), str(10**9 + 1), "Write a whole number from -1000000000 to 1000000000."),
        ("date", (), "2027-03-05 to 2027-03-09", "Write one day"),
        ("scale", (), "6", "Choose a score from 1 to 5."),
        ("scale", (), "0", "Choose a score from 1 to 5."),
    ],
)
def test_each_kind_refuses_what_is_no_answer_beside_its_field(app, kind, choices, sent, message):
    asked = question(kind, choices)
    errors, answers = posted(app, asked, sent)
    assert answers is None and any(message in e for e in errors)
    # The service reads the same rule without a form.
    with app.test_request_context(), pytest.raises(InvalidInput) as refused:
        read_answers([asked], {asked.field_name: sent})
    assert refused.value.field == asked.field_name
    if kind != "date":  # (the form's day field reads phrases: the service, ISO days)
        assert message in refused.value.message


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("short_text", "Please answer this question."),
        ("one_choice", "Please answer this question."),
        ("several_choices", "Tick at least one."),
        ("scale", "Please answer this question."),
        ("file", "Please send this file."),
    ],
)
def test_a_required_question_left_blank_says_so(app, kind, message):
    asked = question(kind, ("A", "B"), required=True)
    assert posted(app, asked, []) == ([message], None)
    with app.test_request_context(), pytest.raises(InvalidInput, match=message):
        read_answers([asked], {})


def test_a_file_is_checked_by_its_content_and_size(app, monkeypatch):
    asked = question("file")
    with app.test_request_context():
        upload = FileStorage(io.BytesIO(PDF), "Carta de nominación.pdf")
        assert read_answers([asked], {asked.field_name: upload}) == {"7": upload}
        disguised = FileStorage(io.BytesIO(b"MZ\x90\x00"), "letter.pdf")
        with pytest.raises(InvalidInput, match="Send a PDF"):
            read_answers([asked], {asked.field_name: disguised})
        monkeypatch.setitem(app.config, "QUESTION_UPLOAD_MAX_BYTES", 10)
        with pytest.raises(InvalidInput, match="This file is larger than"):
            read_answers([asked], {asked.field_name: FileStorage(io.BytesIO(PDF), "a.pdf")})
        # Kept by the capability as a name and a stored file: shown and exported by its name.
        kept = {"name": "Carta <1>.pdf", "stored": "0" * 32 + ".pdf"}
        assert KINDS["file"].show(kept) == Markup("Carta &lt;1&gt;.pdf")
        assert KINDS["file"].export(kept) == "Carta <1>.pdf"


def test_answers_are_shown_escaped(app):
    with app.test_request_context():
        shown = KINDS["short_text"].show('<script>alert("x")</script>')
        assert isinstance(shown, Markup) and "<script>" not in shown
        assert KINDS["several_choices"].show(["<b>", "&"]) == Markup("&lt;b&gt;; &amp;")


def test_fields_ask_in_the_respondents_language_and_keep_the_original_choices(app):
    asked = question("one_choice", ("Voter registration", "Audit"))
    asked.translations = {
        "es": {"label": "Módulo", "choices": ["Registro de electores", "Auditoría"]}
    }
    with app.test_request_context():
        spanish = with_questions(Form, [asked], "es")()[asked.field_name]
        assert spanish.label.text == "Módulo"
        assert [(o.data, o.label.text) for o in spanish] == [
            ("Voter registration", "Registro de electores"),
            ("Audit", "Auditoría"),
        ]
        french = with_questions(Form, [asked], "fr")()[asked.field_name]
        assert french.label.text == "The question"  # not translated: as written
    assert posted(app, asked, "Audit", "es") == (None, {"7": "Audit"})


def test_summaries_count_choices_average_scales_and_list_texts(app):
    with app.test_request_context():
        several = question("several_choices", ("Lists", "Disputes", "Gender"))
        summary = KINDS["several_choices"].summarise(
            several,
            [("A", ["Lists", "Gender"]), ("B", ["Gender"]), ("C", ["Renamed since"])],
        )
        assert summary.answered == 3
        assert summary.counts == [
            ("Lists", 1),
            ("Disputes", 0),
            ("Gender", 2),
            ("Renamed since", 1),
        ]

        scale = question("scale")
        summary = KINDS["scale"].summarise(scale, [(None, 5), (None, 4), (None, 4)])
        assert summary.counts == [("1", 0), ("2", 0), ("3", 0), ("4", 2), ("5", 1)]
        assert summary.mean == 4.33

        yes_no = KINDS["yes_no"].summarise(question("yes_no"), [(None, "yes"), (None, "no")] * 2)
        assert (yes_no.answered, yes_no.counts) == (4, [("Yes", 2), ("No", 2)])

        number = KINDS["number"].summarise(question("number"), [(None, 3), (None, 12)])
        assert (number.answered, number.mean, number.counts) == (2, 7.5, [])

        texts = KINDS["long_text"].summarise(question("long_text"), [("Ana", "More"), ("Bo", "")])
        assert (texts.answered, texts.texts) == (1, [("Ana", "More")])

        days = KINDS["date"].summarise(question("date"), [(None, "2027-03-05")])
        assert days.texts == [(None, "5 March 2027")]


def test_choice_kinds_score_against_the_correct_answers(app):
    with app.test_request_context():
        one = question("one_choice", ("Paper", "Electronic", "Mixed"))
        correct = KINDS["one_choice"].mark_correct(one, ["Mixed"])
        assert correct == ["Mixed"]
        assert KINDS["one_choice"].score("Mixed", correct) == 1.0
        assert KINDS["one_choice"].score("Paper", correct) == 0.0
        assert KINDS["one_choice"].score(None, correct) == 0.0

        several = question("several_choices", ("Lists", "Disputes", "Gender"))
        correct = KINDS["several_choices"].mark_correct(several, ["Gender", "Lists"])
        assert correct == ["Lists", "Gender"]
        assert KINDS["several_choices"].score(["Lists", "Gender"], correct) == 1.0
        assert KINDS["several_choices"].score(["Lists"], correct) == 0.0  # all or nothing
        assert KINDS["several_choices"].score(["Lists", "Gender", "Disputes"], correct) == 0.0

        assert (
            KINDS["yes_no"].score("no", KINDS["yes_no"].mark_correct(question("yes_no"), ["no"]))
            == 1.0
        )
        assert (
            KINDS["number"].score(30, KINDS["number"].mark_correct(question("number"), ["30"]))
            == 1.0
        )

        # A correct answer must be one the question offers; opinions and texts are not scored.
        with pytest.raises(InvalidInput, match="Choose one of the answers"):
            KINDS["one_choice"].mark_correct(one, ["Postal"])
        assert (
            KINDS["scale"].score(5, [5]) is None and KINDS["short_text"].score("x", ["x"]) is None
        )
        with pytest.raises(ValueError):
            KINDS["scale"].mark_correct(question("scale"), [5])


# ---------------------------------------------------------------- one set of limits for both uses


def test_registration_questions_and_evaluations_take_the_same_limits(app):
    """What staff may write is checked by one rule, whatever form the question is on: at most
    50 choices, each under 200 characters (refused, never cut), at least two."""
    many = "\n".join(f"Choice {n}" for n in range(MAX_CHOICES))
    too_long = "A\n" + "x" * (MAX_CHOICE_LENGTH + 1)
    with app.test_request_context():
        assert (
            len(checked_input(QuestionInput("Module", "one_choice", choices=many), "one_choice")[1])
            == 50
        )
        for choices, message in (
            (many + "\nOne more", "Give at most 50 choices."),
            (too_long, "Keep each choice under 200 characters."),
            ("Only one", "Give at least two choices"),
        ):
            with pytest.raises(InvalidInput, match=message):
                checked_input(QuestionInput("Module", "one_choice", choices=choices), "one_choice")


def test_both_uses_offer_every_kind_but_evaluations_no_file(app):
    assert set(RegistrationQuestion.OFFERED) == set(KINDS)
    assert set(EvaluationQuestion.OFFERED) == set(KINDS) - {"file"}
    registration = question("several_choices", ("A", "B"))
    evaluation = question("several_choices", ("A", "B"), model=EvaluationQuestion)
    assert posted(app, registration, ["B", "A"]) == posted(app, evaluation, ["B", "A"])


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/manage/events/{id}/questions/", RegistrationQuestion),
        ("/manage/events/{id}/evaluation", EvaluationQuestion),
    ],
)
def test_staff_meet_the_same_limits_on_both_forms(staff_client, make, db, url, model):
    event = make.event()
    url = url.format(id=event.id)
    many = "\n".join(f"Choice {n}" for n in range(MAX_CHOICES + 1))
    refused = staff_client.post(
        url, data={"label": "Module", "kind": "one_choice", "choices": many}
    )
    assert "Give at most 50 choices." in refused.text
    long_choice = "A\n" + "x" * 201
    refused = staff_client.post(
        url, data={"label": "Module", "kind": "one_choice", "choices": long_choice}
    )
    assert "Keep each choice under 200 characters." in refused.text
    assert db.session.query(model).count() == 0
    for label in ("First", "Second"):
        staff_client.post(url, data={"label": label, "kind": "yes_no"})
    positions = db.session.query(model.label, model.position).order_by(model.position).all()
    assert positions == [("First", 0), ("Second", 1)]  # from 0, on both
