"""A bar chart of each counted question of an evaluation, drawn on the server by pygal (an
image with no script: core/charts.py)."""

import pygal

from ..core.charts import chart_style, svg_data_url
from ..core.questions import Summary

STYLE = chart_style(("#0072B2",))
WIDTH, HEIGHT = 480, 240


def answers_chart(result: Summary) -> str | None:
    """The counts of each score or choice as bars (a data: URL), or None for a text question
    or one nobody answered."""
    if not result.counts or not result.answered:
        return None
    chart = pygal.Bar(
        js=[],
        width=WIDTH,
        height=HEIGHT,
        explicit_size=True,
        show_legend=False,
        print_values=True,
        margin=8,
        style=STYLE,
    )
    chart.x_labels = [label for label, _count in result.counts]
    tallest = max(count for _label, count in result.counts)
    step = max(1, -(-tallest // 8))
    chart.y_labels = list(range(0, tallest + step, step))
    chart.add(str(result.question.label), [count for _label, count in result.counts])
    return svg_data_url(chart)
