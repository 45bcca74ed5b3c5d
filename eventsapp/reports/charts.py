"""Charts of a summary, drawn on the server by pygal as SVG.

Each chart is an image with a title and a text alternative, shown beside the table of its data
(which is what a screen reader reads). The SVG is given as a ``data:`` URL: the page's Content
Security Policy allows those images, the SVG's own styles apply inside it only, and WeasyPrint
draws it in the PDF as well (core/charts.py: no script in it).
"""

from dataclasses import dataclass

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from ..core.charts import chart_style, svg_data_url
from .services import Results
from .tables import region_label

# Colour-blind-safe (Okabe–Ito), one per region whatever the regions a chart shows.
REGION_COLOURS = {
    "Africa": "#E69F00",
    "Americas": "#0072B2",
    "Asia": "#009E73",
    "Europe": "#CC79A7",
    "Oceania": "#56B4E9",
}
OTHER_COLOURS = ("#999999", "#D55E00", "#F0E442", "#000000")


def _style(colours) -> Style:
    return chart_style(colours, title_font_size=18, legend_font_size=13)


CONFIG = {
    "js": [],  # no script, and nothing from a CDN
    "width": 720,
    "height": 360,
    "explicit_size": True,
    "legend_at_bottom": True,
    "print_values": False,
    "margin": 12,
}


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # the image's text alternative: what the table beside it says in short
    src: str  # a data: URL of the SVG


def events_by_year_chart(results: Results) -> Chart | None:
    """Bars of the events held each year, stacked by region (side by side for one year)."""
    if not results.rows:
        return None
    title = _("Events by year and region, %(period)s", period=results.query.period_label)
    regions = [r for r in results.regions if results.totals["counts"][r]]
    colours = [REGION_COLOURS.get(r, OTHER_COLOURS[0]) for r in regions]
    stacked = len(results.rows) > 1
    kind = pygal.StackedBar if stacked else pygal.Bar
    chart = kind(title=title, y_title=_("Events"), style=_style(colours), **CONFIG)
    chart.x_labels = [str(row["year"]) for row in results.rows]
    tallest = max(row["total"] if stacked else max(row["counts"].values()) for row in results.rows)
    step = max(1, -(-tallest // 10))  # whole events: at most about ten labels
    chart.y_labels = list(range(0, tallest + step, step))
    for region in regions:
        chart.add(region_label(region), [row["counts"][region] or None for row in results.rows])
    description = _(
        "%(total)s events: %(regions)s. The table beside gives each year.",
        total=results.totals["total"],
        regions=", ".join(f"{region_label(r)} {results.totals['counts'][r]}" for r in regions),
    )
    return Chart(title, description, svg_data_url(chart))


def gender_chart(results: Results) -> Chart | None:
    """A ring of the participants by gender (registered ones: reported totals have no details)."""
    genders = results.participants["by_gender"]
    if not genders:
        return None
    title = _("Participants by gender, %(period)s", period=results.query.period_label)
    style = _style(OTHER_COLOURS[1:] + OTHER_COLOURS[:1])
    chart = pygal.Pie(title=title, inner_radius=0.45, style=style, **{**CONFIG, "width": 480})
    for entry in genders:
        chart.add(entry["label"], entry["count"])
    description = ", ".join(f"{entry['label']}: {entry['count']}" for entry in genders)
    return Chart(title, description, svg_data_url(chart))


def summary_charts(results: Results) -> dict[str, Chart | None]:
    return {
        "by_year": events_by_year_chart(results),
        "by_gender": gender_chart(results),
    }
