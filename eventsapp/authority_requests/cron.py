"""The worker's daily reminder to authorities whose internship's final report has not arrived."""

from datetime import datetime, timedelta

from ..core.jobs import periodic
from .services import remind_final_reports


@periodic("final-report-reminders", every=timedelta(hours=24))
def final_report_reminders(now: datetime) -> dict[str, int]:
    return {"reminded": remind_final_reports(now)}
