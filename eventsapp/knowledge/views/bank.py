"""A programme's test bank: its questions, added, changed and removed."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...catalogue.models import Programme
from ...core.errors import InvalidInput
from ...core.web import edit_question_page, show_beside_field
from ...extensions import db
from .. import questions as tests
from ..forms import ActionForm, ScoredQuestionEditForm, ScoredQuestionForm
from . import bp


def _programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


@bp.route("/manage/programmes/<int:programme_id>/test-bank", methods=["GET", "POST"])
def bank_page(programme_id: int):
    programme = _programme(programme_id)
    form = ScoredQuestionForm(data={"kind": "one_choice", "required": True, "points": 1})
    if form.validate_on_submit():
        try:
            tests.add_to_bank(programme.id, form.to_input(form.kind.data))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question to the test bank."), "success")
            return redirect(url_for(".bank_page", programme_id=programme.id))
    page = render_template(
        "knowledge/bank.html",
        programme=programme,
        questions=tests.bank_of(programme.id),
        form=form,
        action_form=ActionForm(),
    )
    return page, 400 if form.errors else 200


def _bank_question(programme, question_id: int):
    return tests.bank_question(programme.id, question_id) or abort(404)


@bp.route(
    "/manage/programmes/<int:programme_id>/test-bank/<int:question_id>", methods=["GET", "POST"]
)
def bank_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _bank_question(programme, question_id)
    return edit_question_page(
        None,
        question,
        ScoredQuestionEditForm(),
        tests.update_question,
        url_for(".bank_page", programme_id=programme.id),
        meta=f"{programme.name} · {_('Test bank')} · {question.kind_label}",
        programme=programme,
    )


@bp.post("/manage/programmes/<int:programme_id>/test-bank/<int:question_id>/delete")
def delete_bank_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _bank_question(programme, question_id)
    if ActionForm().validate_on_submit():
        tests.remove_from_bank(question)
        flash(_("Removed the question from the test bank."), "success")
    return redirect(url_for(".bank_page", programme_id=programme.id))
