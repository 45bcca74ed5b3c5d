"""What every pygal chart of the site shares: its look, and its SVG as a ``data:`` URL for an
``<img>`` (the Content Security Policy allows those images) with no script inside: pygal's
tooltip script (from a CDN by default) is left out with ``js=[]``, and the configuration script
it writes even then is taken out here."""

import base64

from pygal.style import Style


def chart_style(colours, **sizes) -> Style:
    return Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#666",
        font_family="DejaVu Sans, Arial, sans-serif",
        colors=tuple(colours),
        **{"label_font_size": 12, "major_label_font_size": 12, **sizes},
    )


def _without_scripts(root):
    """An XML filter of pygal: the SVG's ``<script>`` elements removed."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def svg_data_url(chart) -> str:
    chart.add_xml_filter(_without_scripts)
    return "data:image/svg+xml;base64," + base64.b64encode(chart.render()).decode("ascii")
