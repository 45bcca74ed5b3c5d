"""Results from counts kept up to date (``reports.counts``): per event, its participants
(registrations approved or attended) by country, gender, organisation kind and role, and the
countries it reached (named by it, or sending delegates); and the same added up over the held
events of each programme, year and kind of event, which the results summary reads. Kept by
triggers in the same transaction as the registrations, events, event countries and
organisations that change them, whatever writes them. Filled from them; going down drops them.

Revision ID: 0041_result_counts
Revises: 0040_job_runs
"""

import sqlalchemy as sa
from alembic import op

revision = "0041_result_counts"
down_revision = "0040_job_runs"
branch_labels = None
depends_on = None

TOOK_PART = "('approved', 'attended')"
NAMED = "('requesting', 'participant')"  # the roles of a country an event reaches
TOTALS_KEY = "programme_id, year, event_kind, dimension, item"
ADD_TO_COUNTS = """ON CONFLICT (event_id, dimension, item)
        DO UPDATE SET participants = result_counts.participants + excluded.participants"""
ADD_TO_TOTALS = f"""ON CONFLICT ({TOTALS_KEY})
        DO UPDATE SET participants = result_totals.participants + excluded.participants"""


def _key(event: str, year) -> str:
    """The totals' key of the ``event`` (a row of events): programme (0: none), year, kind."""
    return f"COALESCE({event}.programme_id, 0), {year(f'{event}.starts_on')}, {event}.kind"


def _reached(event_id: str, country: str, sign: str, year, condition: str) -> str:
    """The statement counting the country among those its held event reached (``sign`` 1), or
    no more (-1), when the count of its reasons (the event naming it, its delegates) just went
    from 0 to 1 or from 1 to 0."""
    now = "1" if sign == "1" else "0"
    return f"""INSERT INTO result_totals ({TOTALS_KEY}, participants)
        SELECT {_key("e", year)}, 'reached', {country}, {sign}
        FROM events e JOIN result_counts c
            ON c.event_id = e.id AND c.dimension = 'reached' AND c.item = {country}
        WHERE e.id = {event_id} AND e.status = 'held' AND c.participants = {now} AND {condition}
        {ADD_TO_TOTALS}"""


def _registration(row: str, sign: str, year) -> list[str]:
    """The statements adding ``sign`` (1 or -1) to the counts of the registration ``row`` (NEW
    or OLD) when it took part: its event's, and its held event's totals (an event being deleted
    is not there any more: it left the totals before). Written once for SQLite and PostgreSQL
    but for ``year`` (of a date)."""
    took_part = f"{row}.status IN {TOOK_PART}"
    items = f"""(
            SELECT 'country' AS dimension, {row}.country_code AS item
            UNION ALL SELECT 'gender', {row}.gender
            UNION ALL SELECT 'kind', COALESCE(
                (SELECT kind FROM organisations WHERE id = {row}.organisation_id), 'none')
            UNION ALL SELECT 'role', {row}.role
            UNION ALL SELECT 'reached', {row}.country_code WHERE {row}.role = 'delegate'
        ) AS d"""
    return [
        f"""INSERT INTO result_counts (event_id, dimension, item, participants)
        SELECT {row}.event_id, d.dimension, d.item, {sign} FROM {items}
        WHERE {took_part} {ADD_TO_COUNTS}""",
        f"""INSERT INTO result_totals ({TOTALS_KEY}, participants)
        SELECT {_key("e", year)}, d.dimension, d.item, {sign}
        FROM {items} JOIN events e ON e.id = {row}.event_id
        WHERE {took_part} AND e.status = 'held' AND d.dimension <> 'reached'
        {ADD_TO_TOTALS}""",
        _reached(
            f"{row}.event_id",
            f"{row}.country_code",
            sign,
            year,
            f"{took_part} AND {row}.role = 'delegate'",
        ),
    ]


def _event_country(row: str, sign: str, year) -> list[str]:
    """The statements adding ``sign`` to the reasons the event of ``row`` (a row of
    event_countries) reached its country, when it names it as requesting or taking part."""
    named = f"{row}.role IN {NAMED}"
    return [
        f"""INSERT INTO result_counts (event_id, dimension, item, participants)
        SELECT {row}.event_id, 'reached', {row}.country_code, {sign} WHERE {named}
        {ADD_TO_COUNTS}""",
        _reached(f"{row}.event_id", f"{row}.country_code", sign, year, named),
    ]


def _event(row: str, sign: str, year) -> str:
    """The statement adding ``sign`` × its counts to the totals of the event ``row`` (NEW or
    OLD) when it is held (a country it reached counting once): its status, date, programme or
    kind changing, or it being deleted."""
    return f"""INSERT INTO result_totals ({TOTALS_KEY}, participants)
        SELECT {_key(row, year)}, c.dimension, c.item,
            {sign} * CASE WHEN c.dimension = 'reached' THEN 1 ELSE c.participants END
        FROM result_counts c
        WHERE c.event_id = {row}.id AND {row}.status = 'held' AND c.participants <> 0
        {ADD_TO_TOTALS}"""


def _organisation(organisation: str, kind: str, sign: str, year) -> list[str]:
    """The statements adding ``sign`` × its participants to ``kind``, by event and in the held
    events' totals, for the organisation's registrations that took part (its kind changing, or
    it being deleted)."""
    of_theirs = f"r.organisation_id = {organisation}.id AND r.status IN {TOOK_PART}"
    return [
        f"""INSERT INTO result_counts (event_id, dimension, item, participants)
        SELECT r.event_id, 'kind', COALESCE({kind}, 'none'), {sign} * COUNT(*)
        FROM registrations r WHERE {of_theirs}
        GROUP BY r.event_id {ADD_TO_COUNTS}""",
        f"""INSERT INTO result_totals ({TOTALS_KEY}, participants)
        SELECT {_key("e", year)}, 'kind', COALESCE({kind}, 'none'), {sign} * COUNT(*)
        FROM registrations r JOIN events e ON e.id = r.event_id
        WHERE {of_theirs} AND e.status = 'held'
        GROUP BY 1, 2, 3 {ADD_TO_TOTALS}""",
    ]


def _sqlite_year(value: str) -> str:
    return f"CAST(strftime('%Y', {value}) AS INTEGER)"


def _postgresql_year(value: str) -> str:
    return f"CAST(EXTRACT(YEAR FROM {value}) AS INTEGER)"


def _changed(columns: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns) + ")"


# A registration counts again only when a counted column changed and it took part before or
# after: an address confirmed (unconfirmed to pending), a name or an answer edited fire nothing.
COUNTED = ("status", "event_id", "country_code", "gender", "organisation_id", "role")
REGISTRATION_CHANGED = (
    f"(OLD.status IN {TOOK_PART} OR NEW.status IN {TOOK_PART}) AND {_changed(COUNTED)}"
)
# An event moves its counts between totals when it is held before or after and its key changed.
MOVING = ("status", "starts_on", "programme_id", "kind")
EVENT_CHANGED = f"(OLD.status = 'held' OR NEW.status = 'held') AND {_changed(MOVING)}"
NAMING = ("event_id", "country_code", "role")


def _sqlite() -> list[str]:
    year = _sqlite_year

    def trigger(name: str, when: str, on: str, condition: str | None, *statements) -> str:
        condition = f"WHEN {condition}" if condition else ""
        body = "; ".join(statements)
        return f"CREATE TRIGGER result_counts_{name} {when} ON {on} {condition} BEGIN {body}; END"

    return [
        trigger(
            "registration_added",
            "AFTER INSERT",
            "registrations",
            f"NEW.status IN {TOOK_PART}",
            *_registration("NEW", "1", year),
        ),
        trigger(
            "registration_removed",
            "AFTER DELETE",
            "registrations",
            f"OLD.status IN {TOOK_PART}",
            *_registration("OLD", "-1", year),
        ),
        trigger(
            "registration_changed",
            f"AFTER UPDATE OF {', '.join(COUNTED)}",
            "registrations",
            REGISTRATION_CHANGED,
            *_registration("OLD", "-1", year),
            *_registration("NEW", "1", year),
        ),
        trigger(
            "event_country_added",
            "AFTER INSERT",
            "event_countries",
            None,
            *_event_country("NEW", "1", year),
        ),
        trigger(
            "event_country_removed",
            "AFTER DELETE",
            "event_countries",
            None,
            *_event_country("OLD", "-1", year),
        ),
        trigger(
            "event_country_changed",
            f"AFTER UPDATE OF {', '.join(NAMING)}",
            "event_countries",
            None,
            *_event_country("OLD", "-1", year),
            *_event_country("NEW", "1", year),
        ),
        trigger(
            "organisation_kind",
            "AFTER UPDATE OF kind",
            "organisations",
            "OLD.kind IS NOT NEW.kind",
            *_organisation("OLD", "OLD.kind", "-1", year),
            *_organisation("NEW", "NEW.kind", "1", year),
        ),
        # Before its registrations' organisation is set to NULL (their update then moves
        # 'none' to 'none').
        trigger(
            "organisation_deleted",
            "BEFORE DELETE",
            "organisations",
            None,
            *_organisation("OLD", "OLD.kind", "-1", year),
            *_organisation("OLD", "NULL", "1", year),
        ),
        trigger(
            "event_changed",
            f"AFTER UPDATE OF {', '.join(MOVING)}",
            "events",
            EVENT_CHANGED,
            _event("OLD", "-1", year),
            _event("NEW", "1", year),
        ),
        # Before its registrations and countries go (they then find no event to total).
        trigger(
            "event_deleted",
            "BEFORE DELETE",
            "events",
            "OLD.status = 'held'",
            _event("OLD", "-1", year),
        ),
    ]


def _postgresql() -> list[str]:
    year = _postgresql_year

    def run(statements) -> str:
        return "; ".join(statements)

    def function(name: str, body: str) -> str:
        return f"""CREATE OR REPLACE FUNCTION result_counts_of_{name}() RETURNS trigger AS $$
        BEGIN {body} END $$ LANGUAGE plpgsql"""

    def trigger(name: str, when: str, on: str, condition: str | None, of: str) -> str:
        condition = (
            f"WHEN ({condition.replace(' IS NOT ', ' IS DISTINCT FROM ')})" if condition else ""
        )
        return f"""CREATE TRIGGER result_counts_{name} {when} ON {on} FOR EACH ROW {condition}
        EXECUTE FUNCTION result_counts_of_{of}()"""

    return [
        function(
            "registration",
            f"""IF TG_OP <> 'INSERT' THEN {run(_registration("OLD", "-1", year))}; END IF;
            IF TG_OP <> 'DELETE' THEN {run(_registration("NEW", "1", year))}; END IF;
            RETURN NULL;""",
        ),
        function(
            "event_country",
            f"""IF TG_OP <> 'INSERT' THEN {run(_event_country("OLD", "-1", year))}; END IF;
            IF TG_OP <> 'DELETE' THEN {run(_event_country("NEW", "1", year))}; END IF;
            RETURN NULL;""",
        ),
        function(
            "organisation",
            f"""{run(_organisation("OLD", "OLD.kind", "-1", year))};
            IF TG_OP = 'DELETE' THEN
                {run(_organisation("OLD", "NULL", "1", year))};
                RETURN OLD;
            END IF;
            {run(_organisation("NEW", "NEW.kind", "1", year))};
            RETURN NULL;""",
        ),
        function(
            "event",
            f"""{_event("OLD", "-1", year)};
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            {_event("NEW", "1", year)};
            RETURN NULL;""",
        ),
        trigger(
            "registration_added",
            "AFTER INSERT",
            "registrations",
            f"NEW.status IN {TOOK_PART}",
            "registration",
        ),
        trigger(
            "registration_removed",
            "AFTER DELETE",
            "registrations",
            f"OLD.status IN {TOOK_PART}",
            "registration",
        ),
        trigger(
            "registration_changed",
            f"AFTER UPDATE OF {', '.join(COUNTED)}",
            "registrations",
            REGISTRATION_CHANGED,
            "registration",
        ),
        trigger(
            "event_country_changed",
            f"AFTER INSERT OR DELETE OR UPDATE OF {', '.join(NAMING)}",
            "event_countries",
            None,
            "event_country",
        ),
        trigger(
            "organisation_kind",
            "AFTER UPDATE OF kind",
            "organisations",
            "OLD.kind IS NOT NEW.kind",
            "organisation",
        ),
        trigger("organisation_deleted", "BEFORE DELETE", "organisations", None, "organisation"),
        trigger(
            "event_changed",
            f"AFTER UPDATE OF {', '.join(MOVING)}",
            "events",
            EVENT_CHANGED,
            "event",
        ),
        trigger("event_deleted", "BEFORE DELETE", "events", "OLD.status = 'held'", "event"),
    ]


FILL_COUNTS = f"""
    INSERT INTO result_counts (event_id, dimension, item, participants)
    SELECT event_id, dimension, item, COUNT(*) FROM (
        SELECT r.event_id, 'country' AS dimension, r.country_code AS item
        FROM registrations r WHERE r.status IN {TOOK_PART}
        UNION ALL SELECT r.event_id, 'gender', r.gender
        FROM registrations r WHERE r.status IN {TOOK_PART}
        UNION ALL SELECT r.event_id, 'kind', COALESCE(o.kind, 'none')
        FROM registrations r LEFT JOIN organisations o ON o.id = r.organisation_id
        WHERE r.status IN {TOOK_PART}
        UNION ALL SELECT r.event_id, 'role', r.role
        FROM registrations r WHERE r.status IN {TOOK_PART}
        UNION ALL SELECT r.event_id, 'reached', r.country_code
        FROM registrations r WHERE r.status IN {TOOK_PART} AND r.role = 'delegate'
        UNION ALL SELECT n.event_id, 'reached', n.country_code
        FROM event_countries n WHERE n.role IN {NAMED}
    ) AS counted
    GROUP BY event_id, dimension, item"""


def _fill_totals(year) -> str:
    return f"""
    INSERT INTO result_totals ({TOTALS_KEY}, participants)
    SELECT {_key("e", year)}, c.dimension, c.item,
        SUM(CASE WHEN c.dimension = 'reached' THEN 1 ELSE c.participants END)
    FROM result_counts c JOIN events e ON e.id = c.event_id
    WHERE e.status = 'held'
    GROUP BY 1, 2, 3, c.dimension, c.item"""


TRIGGERS = {
    "registrations": ("registration_added", "registration_removed", "registration_changed"),
    "event_countries": ("event_country_added", "event_country_removed", "event_country_changed"),
    "organisations": ("organisation_kind", "organisation_deleted"),
    "events": ("event_changed", "event_deleted"),
}
FUNCTIONS = ("registration", "event_country", "organisation", "event")


def upgrade():
    op.create_table(
        "result_counts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "dimension", "item", name=op.f("pk_result_counts")),
    )
    op.create_table(
        "result_totals",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_id", "year", "event_kind", "dimension", "item", name=op.f("pk_result_totals")
        ),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgresql else _sqlite():
        op.execute(statement)
    op.execute(FILL_COUNTS)
    op.execute(_fill_totals(_postgresql_year if postgresql else _sqlite_year))


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, names in TRIGGERS.items():
        for name in names:
            on = f" ON {table}" if postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS result_counts_{name}{on}")
    if postgresql:
        for function in FUNCTIONS:
            op.execute(f"DROP FUNCTION result_counts_of_{function}()")
    op.drop_table("result_totals")
    op.drop_table("result_counts")
