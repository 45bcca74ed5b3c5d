"""Task templates per event kind: the standard tasks of an international training event, and
those the seeds' work programmes (seeds/000) give their meetings, launches and consultations.

Each is ``(title, days, anchor)``: due ``days`` from the event's start or end (negative: before).
"""

from flask_babel import lazy_gettext as _l

from ..catalogue.models import EventKind

K = EventKind

TRAINING_EVENT = [
    (_l("Book the venue and the meeting rooms"), -90, "start"),
    (_l("Send the invitation letters"), -60, "start"),
    (_l("Send the visa letters"), -45, "start"),
    (_l("Book the flights of delegates and experts"), -30, "start"),
    (_l("Book the hotel block"), -30, "start"),
    (_l("Hire the interpreters and the interpretation booths"), -30, "start"),
    (_l("Prepare and print the materials"), -10, "start"),
    (_l("Order the catering"), -10, "start"),
    (_l("Arrange local transport"), -7, "start"),
    (_l("Print the badges"), -3, "start"),
    (_l("Issue the certificates of participation"), 0, "end"),
    (_l("Write the final report"), 30, "end"),
]

MEETING = [
    (_l("Prepare the draft work programme"), -30, "start"),
    (_l("Undertake the necessary research"), -30, "start"),
    (_l("Facilitate logistical arrangements for the meeting"), -21, "start"),
    (_l("Prepare the meeting report"), 14, "end"),
]

CHECKLISTS: dict[str, list[tuple]] = {
    K.WORKSHOP: TRAINING_EVENT,
    K.INTERNSHIP: TRAINING_EVENT,
    K.SPECIALIZATION_COURSE: TRAINING_EVENT,
    K.PILOT_TRAINING: TRAINING_EVENT,
    K.SEMINAR: TRAINING_EVENT,
    K.CONFERENCE: TRAINING_EVENT,
    K.ADVISORY_GROUP_MEETING: MEETING,
    K.COMMISSION_MEETING: [*MEETING, (_l("Develop media strategy"), -14, "start")],
    K.CURRICULUM_MEETING: [
        (_l("Identify curriculum writers and secure their participation"), -45, "start"),
        (_l("Facilitate logistical arrangements for the meeting"), -21, "start"),
    ],
    K.LAUNCH: [
        (_l("Develop the launch message and press release"), -30, "start"),
        (_l("Ensure the participation of Commission member(s)"), -30, "start"),
        (_l("Facilitate media participation"), -7, "start"),
        (_l("Facilitate logistical arrangements for the launch"), -21, "start"),
    ],
    K.CONSULTATION: [
        (_l("Advocacy and facilitate participation"), -30, "start"),
        (_l("Facilitate logistical arrangements for the meetings"), -21, "start"),
    ],
    K.EVALUATION: [(_l("Write the evaluation report"), 30, "end")],
}
