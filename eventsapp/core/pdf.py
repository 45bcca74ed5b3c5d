"""Printing a page to PDF with WeasyPrint, reading local files only.

WeasyPrint needs Pango (Debian's libpango-1.0-0 and libpangoft2-1.0-0). Fonts are the vendored
DejaVu ones (``static/vendor/dejavu``), named by the stylesheet, so that a PDF looks the same
wherever it is made; any address other than a local file or a ``data:`` URI is refused.
"""

from pathlib import Path

STATIC = Path(__file__).parents[2] / "static"


class PdfUnavailable(RuntimeError):
    """This server cannot print PDFs (Pango is not installed)."""


def html_to_pdf(html: str, stylesheet: Path, more_css: str = "") -> bytes:
    """The page as a PDF, with the stylesheet and ``more_css`` (rules made by the caller: a
    programme's colours and paper)."""
    try:
        from weasyprint import CSS, HTML  # loads Pango: only when a PDF is asked for
        from weasyprint.urls import URLFetcher
    except OSError as error:  # "cannot load library 'libpango-1.0-0'"
        raise PdfUnavailable(str(error)) from error

    local_only = URLFetcher(allowed_protocols={"file", "data"})
    page = HTML(string=html, base_url=str(STATIC), url_fetcher=local_only)
    stylesheets = [CSS(filename=str(stylesheet), url_fetcher=local_only)]
    if more_css:
        stylesheets.append(CSS(string=more_css, url_fetcher=local_only))
    return page.write_pdf(stylesheets=stylesheets)
