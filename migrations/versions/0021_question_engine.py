"""One question engine for registration questions and evaluations: evaluation questions get the
registration questions' translations, their kinds (but a file upload) and their positions from 0;
registration questions get the 1–5 scale. Answers take one shape per kind: a yes/no answer of an
evaluation (true or false) becomes "yes" or "no", as a registration's; a number answered on a
registration form (its text, "12") becomes the number.

Going down, the questions of kinds the older tables do not take are deleted (their answers stay
in the answers' JSON, unread).

Revision ID: 0021_question_engine
Revises: 0020_message_calendar_file
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0021_question_engine"
down_revision = "0020_message_calendar_file"
branch_labels = None
depends_on = None

REGISTRATION_KINDS = (
    "'short_text', 'long_text', 'one_choice', 'several_choices', 'yes_no', 'number', 'date', "
    "'file'"
)
EVALUATION_KINDS = "'scale', 'short_text', 'long_text', 'one_choice', 'yes_no'"
NEW_EVALUATION_KINDS = "'several_choices', 'number', 'date'"
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,10}")

registrations = sa.table(
    "registrations",
    sa.column("id", sa.Integer()),
    sa.column("event_id", sa.Integer()),
    sa.column("answers", sa.JSON()),
)
responses = sa.table(
    "evaluation_responses",
    sa.column("id", sa.Integer()),
    sa.column("event_id", sa.Integer()),
    sa.column("answers", sa.JSON()),
)


def _allow(table: str, kinds: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
        batch.create_check_constraint(op.f(f"ck_{table}_kind"), f"kind IN ({kinds})")


def _rewrite(answers_table, questions_table: str, kind: str, convert) -> None:
    """Each answer to a question of ``kind`` in ``answers_table`` as ``convert`` gives it."""
    connection = op.get_bind()
    keys: dict[int, set[str]] = {}
    for question_id, event_id in connection.execute(
        sa.text(f"SELECT id, event_id FROM {questions_table} WHERE kind = :kind"), {"kind": kind}
    ):
        keys.setdefault(event_id, set()).add(str(question_id))
    if not keys:
        return
    rows = connection.execute(
        sa.select(answers_table.c.id, answers_table.c.event_id, answers_table.c.answers).where(
            answers_table.c.event_id.in_(keys)
        )
    )
    for row_id, event_id, answers in rows.all():
        if not answers:
            continue
        changed = {
            key: convert(value) if key in keys[event_id] else value
            for key, value in answers.items()
        }
        if changed != answers:
            connection.execute(
                answers_table.update()
                .where(answers_table.c.id == row_id)
                .values(answers=changed)
            )


def _yes_no_text(value):
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


def _yes_no_flag(value):
    return {"yes": True, "no": False}.get(value, value) if isinstance(value, str) else value


def _number(value):
    return int(value) if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value) else value


def _number_text(value):
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def upgrade():
    with op.batch_alter_table("evaluation_questions") as batch:
        batch.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("evaluation_questions") as batch:
        batch.alter_column("translations", server_default=None)
    op.execute("UPDATE evaluation_questions SET position = position - 1")
    _allow("evaluation_questions", f"{EVALUATION_KINDS}, {NEW_EVALUATION_KINDS}")
    _allow("registration_questions", f"{REGISTRATION_KINDS}, 'scale'")
    _rewrite(responses, "evaluation_questions", "yes_no", _yes_no_text)
    _rewrite(registrations, "registration_questions", "number", _number)


def downgrade():
    _rewrite(registrations, "registration_questions", "number", _number_text)
    _rewrite(responses, "evaluation_questions", "yes_no", _yes_no_flag)
    op.execute("DELETE FROM registration_questions WHERE kind = 'scale'")
    op.execute(f"DELETE FROM evaluation_questions WHERE kind IN ({NEW_EVALUATION_KINDS})")
    _allow("registration_questions", REGISTRATION_KINDS)
    _allow("evaluation_questions", EVALUATION_KINDS)
    op.execute("UPDATE evaluation_questions SET position = position + 1")
    with op.batch_alter_table("evaluation_questions") as batch:
        batch.drop_column("translations")
