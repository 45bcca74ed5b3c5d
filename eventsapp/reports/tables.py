"""A summary's tables, as (title, header, rows): what the page, the report, the CSV and the
spreadsheet show, so that they always agree."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from ..catalogue.models import REGIONS, Region
from ..core.i18n import decimals_of
from .services import NOT_ASSIGNED, EventLine, Results


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    total_row: bool = False  # the last row is a total, shown apart
    # Too wide for A4 portrait: printed as these tables instead, each (caption, column indexes)
    # with the row's label; the screen and the downloads keep the whole table.
    printed_as: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def as_sheet(self) -> tuple[str, list[str], list[list]]:
        return self.title, self.header, self.rows

    def column_decimals(self) -> list[int | None]:
        """The decimals each column's figures are shown with: the most any of them was rounded
        to, so that a column reads "4,00" above "4,25" (None: a column without decimals)."""
        found: list[int | None] = [None] * len(self.header)
        for row in self.rows:
            for i, cell in enumerate(row):
                if isinstance(cell, float | Decimal):
                    found[i] = max(found[i] or 0, decimals_of(cell))
        return found


def region_label(region: str | None) -> str:
    """A region's name in the visitor's language (the data keeps the English one)."""
    if region in REGIONS:
        return str(Region(region).label)
    return _("Not assigned") if region == NOT_ASSIGNED else (region or "—")


def year_region_table(results: Results) -> Table:
    """Rows years, columns regions, a total column and a total row (CICIE's results table)."""
    rows = [
        [row["year"], *(row["counts"][r] for r in results.regions), row["total"]]
        for row in results.rows
    ]
    totals = results.totals
    rows.append([_("Total"), *(totals["counts"][r] for r in results.regions), totals["total"]])
    header = [_("Year"), *map(region_label, results.regions), _("Total")]
    return Table("by_year", _("Events by year and region"), header, rows, total_row=True)


def _counts(key: str, title: str, label: str, entries: list[dict]) -> Table:
    rows = [[entry["label"], entry["count"]] for entry in entries]
    rows.append([_("Total"), sum(entry["count"] for entry in entries)])
    return Table(key, title, [label, _("Participants")], rows, total_row=True)


def summary_tables(results: Results) -> list[Table]:
    """Every table of a summary, the events by year and region first."""
    participants = results.participants
    return [
        year_region_table(results),
        Table(
            "by_kind",
            _("Events by kind"),
            [_("Kind"), _("Events")],
            [[entry["label"], entry["count"]] for entry in results.by_kind],
        ),
        Table(
            "countries",
            _("Countries reached"),
            [_("Country"), _("ISO code"), _("Region"), _("Events")],
            [
                [c["name"], c["code"], region_label(c["region"]), c["events"]]
                for c in results.countries
            ],
        ),
        Table(
            "participants_by_country",
            _("Participants by country"),
            [_("Country"), _("Participants")],
            [[c["name"], c["count"]] for c in participants["by_country"]],
        ),
        _counts(
            "participants_by_region",
            _("Participants by region"),
            _("Region"),
            participants["by_region"],
        ),
        _counts(
            "participants_by_gender",
            _("Participants by gender"),
            _("Gender"),
            participants["by_gender"],
        ),
        _counts(
            "participants_by_organisation_kind",
            _("Participants by kind of organisation"),
            _("Kind of organisation"),
            participants["by_organisation_kind"],
        ),
        _counts(
            "participants_by_role",
            _("Participants by role"),
            _("Role"),
            participants["by_role"],
        ),
        Table(
            "blocks",
            _("Theme blocks (CICIE)"),
            [_("Block"), _("Events")],
            [[b["block"], b["count"]] for b in results.topics["blocks"]],
        ),
        Table(
            "themes",
            _("Themes most asked for"),
            [_("Theme"), _("Events")],
            [[t["theme"], t["count"]] for t in results.topics["themes"]],
        ),
        *satisfaction_tables(results),
        *outcome_tables(results),
    ]


def satisfaction_tables(results: Results) -> list[Table]:
    """The evaluations' overall satisfaction (mean of 1–5, answers) by year, then by event."""
    satisfaction = results.satisfaction
    header = [_("Mean (1–5)"), _("Answers")]
    by_year = [[row["year"], row["mean"], row["answers"]] for row in satisfaction["by_year"]]
    if by_year:
        overall = satisfaction["overall"]
        by_year.append([_("All years"), overall["mean"], overall["answers"]])
    return [
        Table(
            "satisfaction_by_year",
            _("Satisfaction by year"),
            [_("Year"), *header],
            by_year,
            total_row=bool(by_year),
        ),
        Table(
            "satisfaction_by_event",
            _("Satisfaction by event"),
            [_("Event"), _("Starts"), *header],
            [
                [row["title"], date.fromisoformat(row["starts_on"]), row["mean"], row["answers"]]
                for row in satisfaction["by_event"]
            ],
        ),
    ]


def _figures(row: dict) -> list:
    """A group's completion, learning gain and follow-up, as the outcome tables' columns."""
    completion, gain, follow_up = row["completion"], row["learning_gain"], row["follow_up"]
    return [
        completion["completed"],
        completion["participants"],
        completion["rate"],
        gain["pre_mean"],
        gain["post_mean"],
        gain["gain"],
        follow_up["sent"],
        follow_up["answered"],
        follow_up["rate"],
    ]


def _figures_header() -> list[str]:
    return [
        _("Completed"),
        _("Participants"),
        _("Completion rate (%)"),
        _("Pre-test mean (%)"),
        _("Post-test mean (%)"),
        _("Learning gain"),
        _("Follow-up surveys sent"),
        _("Answered"),
        _("Response rate (%)"),
    ]


def _printed_in_two(title: str, leading: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """An outcome table printed as its completion and tests, then its follow-up, each after
    its ``leading`` columns (the year, region or event)."""
    first, figures = tuple(range(leading)), leading + len(_figures_header())
    return (
        (
            _("%(table)s: completion and tests", table=title),
            first + tuple(range(leading, figures - 3)),
        ),
        (_("%(table)s: follow-up", table=title), first + tuple(range(figures - 3, figures))),
    )


def outcome_tables(results: Results) -> list[Table]:
    """Completion, learning gain and follow-up by year (with all years), by region and by
    event, by gender; each of the wide ones printed in two (completion and tests, follow-up) to
    fit a portrait page."""
    outcomes = results.outcomes
    by_year = [[row["year"], *_figures(row)] for row in outcomes["by_year"]]
    if by_year:
        by_year.append([_("All years"), *_figures(outcomes["overall"])])
    gain_header = [_("Took both tests"), _("Pre-test mean (%)"), _("Post-test mean (%)")]
    return [
        Table(
            "outcomes_by_year",
            _("Outcomes by year"),
            [_("Year"), *_figures_header()],
            by_year,
            total_row=bool(by_year),
            printed_as=_printed_in_two(_("Outcomes by year"), 1),
        ),
        Table(
            "outcomes_by_region",
            _("Outcomes by region"),
            [_("Region"), *_figures_header()],
            [[region_label(row["region"]), *_figures(row)] for row in outcomes["by_region"]],
            printed_as=_printed_in_two(_("Outcomes by region"), 1),
        ),
        Table(
            "gain_by_gender",
            _("Learning gain by gender"),
            [_("Gender"), *gain_header, _("Learning gain")],
            [
                [row["label"], row["participants"], row["pre_mean"], row["post_mean"], row["gain"]]
                for row in outcomes["gain_by_gender"]
            ],
        ),
        Table(
            "outcomes_by_gender",
            _("Completion and follow-up by gender"),
            [
                _("Gender"),
                _("Completed"),
                _("Participants"),
                _("Completion rate (%)"),
                _("Follow-up surveys sent"),
                _("Answered"),
                _("Response rate (%)"),
            ],
            [
                [
                    row["label"],
                    row["completion"]["completed"],
                    row["completion"]["participants"],
                    row["completion"]["rate"],
                    row["follow_up"]["sent"],
                    row["follow_up"]["answered"],
                    row["follow_up"]["rate"],
                ]
                for row in outcomes["by_gender"]
            ],
        ),
        Table(
            "outcomes_by_event",
            _("Outcomes by event"),
            [_("Event"), _("Starts"), *_figures_header()],
            [
                [row["title"], date.fromisoformat(row["starts_on"]), *_figures(row)]
                for row in outcomes["by_event"]
            ],
            printed_as=_printed_in_two(_("Outcomes by event"), 2),
        ),
    ]


def events_table(lines: list[EventLine]) -> Table:
    """The events counted, one a row, with the countries that requested them."""
    return Table(
        "events",
        _("Events held"),
        [
            _("Starts"),
            _("Ends"),
            _("Event"),
            _("Kind"),
            _("Region"),
            _("Requesting countries"),
            _("Participants"),
        ],
        [
            [
                line.starts_on,
                line.ends_on,
                line.title,
                line.kind,
                region_label(line.region),
                line.countries,
                line.participants,
            ]
            for line in lines
        ],
    )
