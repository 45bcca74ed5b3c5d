"""The annual report as a PDF, printed from the report's page by ``core.pdf`` with the report's
stylesheet."""

from ..core.pdf import STATIC, PdfUnavailable, html_to_pdf

STYLESHEET = STATIC / "css" / "reports.css"

__all__ = ["PdfUnavailable", "report_pdf"]


def report_pdf(html: str) -> bytes:
    return html_to_pdf(html, STYLESHEET)
