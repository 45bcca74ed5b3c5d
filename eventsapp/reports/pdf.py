"""The annual report as a PDF, printed by WeasyPrint from the report's page.

WeasyPrint needs Pango (Debian's libpango-1.0-0 and libpangoft2-1.0-0: ``make test`` installs
them). The fonts are the vendored DejaVu ones (``static/vendor/dejavu``), named by the report's
stylesheet, so that the PDF looks the same wherever it is made. Only local files are read: any
other address in the page is refused, so that a report never fetches from the network.
"""

from pathlib import Path

STATIC = Path(__file__).parents[2] / "static"
STYLESHEET = STATIC / "css" / "reports.css"


class PdfUnavailable(RuntimeError):
    """This server cannot print PDFs (Pango is not installed)."""


def report_pdf(html: str) -> bytes:
    try:
        from weasyprint import CSS, HTML  # loads Pango: only when a PDF is asked for
        from weasyprint.urls import URLFetcher
    except OSError as error:  # "cannot load library 'libpango-1.0-0'"
        raise PdfUnavailable(str(error)) from error

    local_only = URLFetcher(allowed_protocols={"file", "data"})
    page = HTML(string=html, base_url=str(STATIC), url_fetcher=local_only)
    return page.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=local_only)])
