"""Staff pages of an event's agenda: list, add, edit, publish and delete sessions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..catalogue.services import get_event
from ..core.errors import InvalidInput
from ..core.navigation import BAR, LIST, PAGE, event_tab
from ..core.validation import whole_numbers
from ..core.web import show_beside_field
from ..extensions import db
from .drafting import apply_template, save_as_template, template_choices
from .forms import ApplyTemplateForm, SaveTemplateForm, SessionForm, SpeakerForm
from .models import AgendaSession, Speaker
from .services import (
    agenda_by_day,
    default_timezone,
    delete_session,
    event_agenda,
    event_speakers,
    get_session,
    next_session_start,
    publish_sessions,
    save_session,
    save_speaker,
    time_zone_choices,
)

bp = Blueprint("agenda", __name__, url_prefix="/manage/events/<int:event_id>/agenda")
event_tab(
    "agenda.sessions",
    _l("Agenda"),
    14,
    (BAR, LIST, PAGE),
    also_current_on=(
        "agenda.session_form",
        "agenda.speakers",
        "agenda.speaker_form",
        "agenda.booklet",
    ),
)


def _saved(form: SessionForm, event, session: AgendaSession) -> bool:
    """Save the posted session; on a refusal put the message beside its field."""
    if not form.validate_on_submit():
        return False
    try:
        save_session(event, session, form.to_input(), current_user)
    except InvalidInput as error:
        show_beside_field(form, error)
        return False
    flash(_("Saved \u201c%(title)s\u201d.", title=session.title), "success")
    return True


@bp.route("/", methods=["GET", "POST"])
def sessions(event_id: int):
    """The agenda, day by day, with the form that adds a session below it."""
    event = get_event(event_id) or abort(404)
    sessions = event_agenda(event)
    form = SessionForm()
    if request.method == "GET":
        form.day.data, form.start_time.data = next_session_start(event, sessions)
        form.timezone.data = default_timezone(event)
    elif _saved(form, event, AgendaSession()):
        return redirect(url_for(".sessions", event_id=event.id))
    return _agenda_page(event, sessions, form=form)


def _agenda_page(event, sessions, **forms):
    """The agenda page; 400 when one of its forms was refused."""
    forms.setdefault("form", SessionForm(formdata=None))
    template_form = forms.setdefault("template_form", ApplyTemplateForm(prefix="t", formdata=None))
    template_form.template.choices = template_choices(event)
    if not template_form.timezone.data:
        template_form.timezone.data = default_timezone(event)
    forms.setdefault("save_form", SaveTemplateForm(prefix="s", formdata=None))
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render_template(
        "agenda/sessions.html",
        event=event,
        agenda=agenda_by_day(sessions),
        time_zones=time_zone_choices(),
        **forms,
    ), status


PUBLISHED_FLASH = {
    True: lambda num: ngettext("Published %(num)d session.", "Published %(num)d sessions.", num),
    False: lambda num: ngettext(
        "Unpublished %(num)d session.", "Unpublished %(num)d sessions.", num
    ),
}
UNCHANGED_FLASH = {
    True: _l("Nothing changed: the ticked sessions were published already."),
    False: _l("Nothing changed: the ticked sessions were unpublished already."),
}


@bp.route("/publish", methods=["POST"])
def publish(event_id: int):
    """Publish (``publish=1``) or unpublish (``publish=0``) the ticked sessions at once."""
    event = get_event(event_id) or abort(404)
    published = {"1": True, "0": False}.get(request.form.get("publish", ""))
    if published is None:
        abort(400)
    ids = whole_numbers(request.form.getlist("ids"))
    if not ids:
        flash(_("Tick the sessions first."), "error")
    elif changed := publish_sessions(event, ids, published, current_user):
        flash(PUBLISHED_FLASH[published](changed), "success")
    else:
        flash(str(UNCHANGED_FLASH[published]), "warning")
    return redirect(url_for(".sessions", event_id=event.id))


@bp.route("/from-template", methods=["POST"])
def from_template(event_id: int):
    """Draft the empty agenda from a template, in the time zone given."""
    event = get_event(event_id) or abort(404)
    form = ApplyTemplateForm(prefix="t")
    form.template.choices = template_choices(event)
    if form.validate_on_submit():
        try:
            drafted = apply_template(event, form.template.data, form.timezone.data.strip())
        except InvalidInput as error:
            show_beside_field(form, error, "timezone" if error.field == "timezone" else "template")
        else:
            flash(
                ngettext(
                    "Drafted %(num)d session. Check it, then publish it.",
                    "Drafted %(num)d sessions. Check them, then tick them and publish them.",
                    len(drafted),
                ),
                "success",
            )
            return redirect(url_for(".sessions", event_id=event.id))
    return _agenda_page(event, event_agenda(event), template_form=form)


@bp.route("/save-as-template", methods=["POST"])
def save_template(event_id: int):
    event = get_event(event_id) or abort(404)
    form = SaveTemplateForm(prefix="s")
    if form.validate_on_submit():
        try:
            template = save_as_template(event, event_agenda(event), form.name.data)
        except InvalidInput as error:
            show_beside_field(form, error, "name")
        else:
            flash(
                _("Saved the agenda as the template \u201c%(name)s\u201d.", name=template.name),
                "success",
            )
            return redirect(url_for(".sessions", event_id=event.id))
    return _agenda_page(event, event_agenda(event), save_form=form)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
def session_form(event_id: int, session_id: int):
    event = get_event(event_id) or abort(404)
    session = get_session(event.id, session_id) or abort(404)
    form = SessionForm()
    if request.method == "GET":
        form.fill_from(session)
    elif _saved(form, event, session):
        return redirect(url_for(".sessions", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template(
        "agenda/session_form.html",
        event=event,
        session=session,
        form=form,
        time_zones=time_zone_choices(),
    ), status


@bp.route("/<int:session_id>/delete", methods=["POST"])
def session_delete(event_id: int, session_id: int):
    session = get_session(event_id, session_id) or abort(404)
    title = session.title
    delete_session(session)
    flash(_("Deleted \u201c%(title)s\u201d.", title=title), "success")
    return redirect(url_for(".sessions", event_id=event_id))


@bp.route("/booklet")
def booklet(event_id: int):
    """The programme booklet, to print: the event, its published agenda by day, its speakers."""
    event = get_event(event_id) or abort(404)
    return render_template(
        "agenda/booklet.html",
        event=event,
        agenda=agenda_by_day(event_agenda(event, public=True)),
        speakers=event_speakers(event),
    )


@bp.route("/speakers/")
def speakers(event_id: int):
    event = get_event(event_id) or abort(404)
    return render_template("agenda/speakers.html", event=event, speakers=event_speakers(event))


@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
def speaker_form(event_id: int, speaker_id: int):
    """A speaker as a person: name, position, organisation, country (for every event)."""
    event = get_event(event_id) or abort(404)
    speaker = db.session.get(Speaker, speaker_id) or abort(404)
    form = SpeakerForm(obj=speaker if request.method == "GET" else None)
    form.set_choices()
    if form.validate_on_submit():
        try:
            save_speaker(
                speaker,
                form.name.data,
                form.role.data,
                form.organisation_id.data,
                form.country_code.data,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved %(name)s.", name=speaker.name), "success")
            return redirect(url_for(".speakers", event_id=event.id))
    return render_template(
        "agenda/speaker_form.html", event=event, speaker=speaker, form=form
    ), 400 if form.errors else 200
