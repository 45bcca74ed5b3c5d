"""Hooks through which a lower capability reaches a higher one without importing it.

A capability sends a signal about its own rows; the capabilities above it connect receivers in
their ``hooks.py`` (imported when the app is assembled). Receivers run in the sender's transaction
and may raise ``InvalidInput`` to refuse the change, which then reaches the form as any refusal.
"""

from blinker import Namespace

_signals = Namespace()

organisations_merging = _signals.signal(
    "organisations-merging",
    doc="Sent with the organisation about to be merged (``sender``) into another (``into``) "
    "and ``now``, before its rows move.",
)

organisations_merged = _signals.signal(
    "organisations-merged",
    doc="Sent with the organisation kept (``sender``) after another was merged into it, and "
    "``now``: rows that counted per organisation are settled again.",
)

event_saving = _signals.signal(
    "event-saving",
    doc="Sent with the event (``sender``) and the ``capacity`` it is about to take, before it is "
    "saved; a receiver raises InvalidInput to refuse it.",
)

event_saved = _signals.signal(
    "event-saved",
    doc="Sent with the event (``sender``) and ``now`` once it is saved and flushed.",
)

event_deleting = _signals.signal(
    "event-deleting",
    doc="Sent with the event (``sender``) before it is deleted; a receiver raises InvalidInput "
    "to refuse (people registered for it, for instance).",
)

event_calendar_file = _signals.signal(
    "event-calendar-file",
    doc="Asks for an event's .ics file (``sender``: the event) with links to SITE_URL; the "
    "receiver returns its bytes.",
)

participant_email_attachments = _signals.signal(
    "participant-email-attachments",
    doc="Asks what files go with a participant email (``sender``: the registration, "
    "``template``: the email's name): each receiver returns a list of files the worker makes "
    "as it sends the email (``[{'maker': name, 'key': id}]``, see ``mail.attachments``), or "
    "None.",
)

registration_funding = _signals.signal(
    "registration-funding",
    doc="Asks what some delegates are told of their funding (``registrations``, a list): the "
    "receiver (costs) returns ``{registration id: statement}`` from the cost rules, leaving out "
    "those whose event has none.",
)

registration_certificates = _signals.signal(
    "registration-certificates",
    doc="Asks which of some registrations (``registration_ids``, a list) hold a certificate not "
    "revoked: the receiver (documents) returns their ids, a set.",
)


registration_status_changed = _signals.signal(
    "registration-status-changed",
    doc="A registration's status changed (``sender``: the registration, ``now``), under its "
    "event's lock: a delegation gives a place freed to its first reserve.",
)

delegation_places = _signals.signal(
    "delegation-places",
    doc="Asks how an organisation's funded places at an event are given (``sender``: the event, "
    "``organisation_id``): for an authority invited to nominate, the receiver (delegations) "
    "returns ``(funded places, {registration id: the nominee's rank})``; None otherwise.",
)

nominating_authorities = _signals.signal(
    "nominating-authorities",
    doc="Asks which authorities an event invited to nominate officials (``sender``: the event): "
    "the receiver (delegations) returns a list of organisations, or None.",
)

event_per_diem = _signals.signal(
    "event-per-diem",
    doc="Asks the per diem of some events' participants (``events``, a list; "
    "``registration_ids``: only these, or None for all): the receiver (travel) returns "
    "``{event id: answer}`` where the answer has ``lines`` (each with ``registration_id``, "
    "``organisation_id``, ``country_code``, ``self_funded``, ``amount`` (a Decimal) and "
    "``currency``) and ``missing`` (what stops an entitlement from being computed, as "
    "sentences).",
)

action_logged = _signals.signal(
    "action-logged",
    doc="A line was written to the action log (``sender``: the line, in the session's "
    "transaction; ``obj``: what it was done to, or None when lines are written together): "
    "webhooks queue the deliveries it announces, sent once the transaction commits.",
)

log_readers = _signals.signal(
    "log-readers",
    doc="Asks for an SQL expression, true when something reads the action log's lines as their "
    "transaction commits (webhooks: a subscription exists), for a request to read it along with "
    "a statement it sends anyway (``core.actions.readers_clause``).",
)


def ask(signal, sender, **kwargs):
    """The answer of the one receiver of a signal that asks for something, or None."""
    answers = [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]
    return answers[0] if answers else None
