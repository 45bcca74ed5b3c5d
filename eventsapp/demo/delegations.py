"""The demo's delegations: ten electoral authorities of the Americas invited to nominate officials
for the current programme year's first international workshop (``current_year``), which takes
officials by nomination of the authorities, and CICIE's aim of 40% women among those approved.

The authorities stand where a month of nominations leaves them: two invited who have not opened
their page yet, one that opened it and nominated no one, two that nominated more officials than
their places (the others wait as reserves), one that replaced a nominee, one whose nominee staff
declined (the reserve moved up), one whose nominees all completed their registration and two
that staff approved. It is done through the delegations' services, as staff, the focal points
and the nominees would have, over the last month: invitations 30 days ago, pages opened and
nominations over the next weeks, registrations completed and decisions in the last days.

The emails the services queue are dropped: nobody is to be told about demo data. Idempotent: an
event with delegations is left as staff left it.
"""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..accounts.models import STAFF_ROLES, User
from ..catalogue.models import Event
from ..core.clock import utcnow
from ..delegations import access, decisions, nominees, services
from ..delegations.models import Delegation, Nomination, Reason
from ..delegations.places import in_play, nominations_of
from ..extensions import db
from ..mail.models import OutboxEmail
from ..people.models import Organisation
from ..registration.models import Access
from ..registration.persons import give_people as give_registrations_people
from ..registration.seats import get_settings
from ..registration.services import TravelInput
from ..registration.settings import SettingsInput, save_settings
from .current_year import programme_year

WOMEN_TARGET = 40  # CICIE's aim: at least 40% women among those approved
# When each step was taken, in days before now.
INVITED, OPENED, NOMINATED, REPLACED, COMPLETED, DECIDED = 30, 27, 20, 15, 12, 10
DEADLINE_DAYS = 14  # the nominations close two weeks from now (the day before the event at most)
NOTE = (
    "Officials working in electoral training or in the organisation of elections. Funded places "
    "cover the air ticket, lodging and meals."
)
DECLINE_NOTE = "The nominee works in the civil registry; the workshop is for electoral trainers."


@dataclass(frozen=True)
class Nominee:
    name: str
    gender: str
    position: str
    email: str
    languages: tuple[str, ...] = ("es",)


@dataclass(frozen=True)
class Invited:
    """An authority invited, and how far it got."""

    acronym: str
    name: str  # for an authority the demo has no organisation of yet
    kind: str
    country: str
    focal_name: str
    focal_email: str
    funded: int
    self_funded: int = 0
    invited_days: int = INVITED
    opened: bool = True
    nominees: tuple[Nominee, ...] = ()
    substitute: Nominee | None = None  # replaces the second nominee
    completed: int = 0  # how many of those holding a place completed their registration
    approved: int = 0  # how many of those, staff approved
    declined: int | None = None  # which nominee staff declined (its index), for their profile
    letter_required: bool = False


EMB = "electoral_management_body"
INVITED_AUTHORITIES = (
    # Invited, not opened: a week after the invitation, and just invited.
    Invited(
        "SERVEL",
        "Electoral Service of Chile (Servicio Electoral)",
        EMB,
        "CL",
        "Valentina Sepúlveda Rojo",
        "relaciones.internacionales@servel.example.org",
        funded=2,
        opened=False,
        letter_required=True,
    ),
    Invited(
        "TSJE",
        "Superior Court of Electoral Justice of Paraguay (Tribunal Superior de Justicia Electoral)",
        "electoral_court",
        "PY",
        "Hugo Benítez Aquino",
        "cooperacion@tsje.example.org",
        funded=1,
        self_funded=1,
        invited_days=3,
        opened=False,
    ),
    # Opened, nobody nominated yet.
    Invited(
        "TE-PA",
        "Electoral Tribunal of Panama (Tribunal Electoral)",
        EMB,
        "PA",
        "Itzel Castrellón Batista",
        "itzel.castrellon@te-pa.example.org",
        funded=2,
    ),
    # More nominees than places: the last ones are reserves.
    Invited(
        "RNEC",
        "National Registry of Civil Status of Colombia (Registraduría Nacional del Estado Civil)",
        EMB,
        "CO",
        "Camilo Ospina Duque",
        "camilo.ospina@rnec.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Natalia Cárdenas Uribe",
                "female",
                "Head of electoral training",
                "natalia.cardenas@rnec.example.org",
                ("es", "en"),
            ),
            Nominee(
                "Andrés Felipe Quintero",
                "male",
                "Electoral logistics coordinator",
                "andres.quintero@rnec.example.org",
            ),
            Nominee(
                "Juliana Arango Mejía",
                "female",
                "Legal adviser",
                "juliana.arango@rnec.example.org",
            ),
            Nominee(
                "Sebastián Rincón Vélez",
                "male",
                "Voter registration officer",
                "sebastian.rincon@rnec.example.org",
            ),
        ),
        completed=1,
    ),
    Invited(
        "TSE-BO",
        "Supreme Electoral Tribunal of Bolivia (Tribunal Supremo Electoral)",
        EMB,
        "BO",
        "Wilfredo Arce Guzmán",
        "wilfredo.arce@oep.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Carla Vaca Suárez",
                "female",
                "Director of civic education",
                "carla.vaca@oep.example.org",
            ),
            Nominee(
                "Fernando Rocha Pinto",
                "male",
                "Electoral operations officer",
                "fernando.rocha@oep.example.org",
            ),
            Nominee(
                "Mónica Justiniano Roca",
                "female",
                "Electoral trainer",
                "monica.justiniano@oep.example.org",
            ),
        ),
    ),
    # A nominee replaced by another official.
    Invited(
        "TSE-CR",
        "Supreme Electoral Tribunal of Costa Rica (Tribunal Supremo de Elecciones)",
        EMB,
        "CR",
        "Adriana Solís Chacón",
        "adriana.solis@tse-cr.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Gabriela Araya Brenes",
                "female",
                "Head of the electoral training institute",
                "gabriela.araya@tse-cr.example.org",
            ),
            Nominee(
                "Esteban Villalobos Mora",
                "male",
                "Electoral programmes officer",
                "esteban.villalobos@tse-cr.example.org",
            ),
        ),
        substitute=Nominee(
            "Daniela Montero Ulate",
            "female",
            "Electoral programmes officer",
            "daniela.montero@tse-cr.example.org",
        ),
        completed=1,
    ),
    # A nominee declined for their profile: the reserve moved up.
    Invited(
        "CNE-EC",
        "National Electoral Council of Ecuador (Consejo Nacional Electoral)",
        EMB,
        "EC",
        "Patricio Cevallos Ortiz",
        "patricio.cevallos@cne-ec.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Verónica Salazar Ponce",
                "female",
                "Director of electoral training",
                "veronica.salazar@cne-ec.example.org",
            ),
            Nominee(
                "Galo Espinosa Terán",
                "male",
                "Civil registry analyst",
                "galo.espinosa@cne-ec.example.org",
            ),
            Nominee(
                "Lorena Paredes Cruz",
                "female",
                "Electoral trainer",
                "lorena.paredes@cne-ec.example.org",
            ),
        ),
        completed=1,
        approved=1,
        declined=1,
    ),
    # Every nominee completed their registration: waiting for staff.
    Invited(
        "JCE",
        "Central Electoral Board of the Dominican Republic (Junta Central Electoral)",
        EMB,
        "DO",
        "Yokasta Rosario Almonte",
        "cooperacion@jce.example.org",
        funded=1,
        self_funded=1,
        nominees=(
            Nominee(
                "Rafael Cabrera Polanco",
                "male",
                "Director of electoral training",
                "rafael.cabrera@jce.example.org",
            ),
            Nominee(
                "Altagracia Féliz Encarnación",
                "female",
                "Electoral training officer",
                "altagracia.feliz@jce.example.org",
            ),
        ),
        completed=2,
    ),
    # Approved.
    Invited(
        "ONPE",
        "National Office of Electoral Processes of Peru (Oficina Nacional de Procesos Electorales)",
        EMB,
        "PE",
        "Cecilia Zevallos Paz",
        "cecilia.zevallos@onpe.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Milagros Cáceres Valdivia",
                "female",
                "Head of electoral training",
                "milagros.caceres@onpe.example.org",
                ("es", "en"),
            ),
            Nominee(
                "Julio Tello Bazán",
                "male",
                "Electoral logistics manager",
                "julio.tello@onpe.example.org",
            ),
        ),
        completed=2,
        approved=2,
    ),
    Invited(
        "TSE-GT",
        "Supreme Electoral Tribunal of Guatemala (Tribunal Supremo Electoral)",
        EMB,
        "GT",
        "Otto Samayoa Chinchilla",
        "otto.samayoa@tse-gt.example.org",
        funded=2,
        nominees=(
            Nominee(
                "Héctor Barrios Orellana",
                "male",
                "Director of electoral training",
                "hector.barrios@tse-gt.example.org",
            ),
            Nominee(
                "Edgar Cifuentes Monroy",
                "male",
                "Electoral registry officer",
                "edgar.cifuentes@tse-gt.example.org",
            ),
            Nominee(
                "Ingrid Girón Batres",
                "female",
                "Electoral trainer",
                "ingrid.giron@tse-gt.example.org",
            ),
        ),
        completed=2,
        approved=2,
    ),
)


def load() -> int:
    """The delegations of the programme year's first workshop; returns how many were added."""
    event = db.session.scalar(
        select(Event)
        .where(Event.source_key.like(f"cicie-ws-{programme_year()}-%"))
        .order_by(Event.starts_on, Event.id)
        .limit(1)
    )
    if event is None or db.session.scalar(
        select(Delegation.id).where(Delegation.event_id == event.id).limit(1)
    ):
        return 0
    now = utcnow()
    staff = db.session.scalar(
        select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.id).limit(1)
    )  # the first staff account, if there is one yet; the site otherwise
    last_email = db.session.scalar(select(OutboxEmail.id).order_by(OutboxEmail.id.desc())) or 0
    _by_nomination(event, now - timedelta(days=INVITED + 1))
    if decisions.women_target(event) is None:  # else as staff set it
        decisions.set_women_target(event.programme_id, WOMEN_TARGET)
    deadline = min(now.date() + timedelta(days=DEADLINE_DAYS), event.starts_on - timedelta(days=1))
    for invited in INVITED_AUTHORITIES:
        _delegation(event, invited, deadline, now, staff)
    db.session.flush()
    # Nobody is told: the emails the services queued to the demo's addresses are dropped.
    db.session.execute(
        delete(OutboxEmail).where(OutboxEmail.id > last_email, OutboxEmail.to.in_(_addresses()))
    )
    return len(INVITED_AUTHORITIES)


def _by_nomination(event: Event, now: datetime) -> None:
    """The event takes officials by nomination of the authorities, not the public form."""
    data = SettingsInput(capacity=event.capacity, access=Access.NOMINATION)
    if (settings := get_settings(event.id)) is not None:  # the rest as it was
        for name in {f.name for f in fields(SettingsInput)} - {"capacity", "access"}:
            setattr(data, name, getattr(settings, name))
    save_settings(event, data, now)


def _organisation(invited: Invited) -> Organisation:
    """The demo's organisation of the acronym (in the authority's country), or a new one."""
    organisation = db.session.scalar(
        select(Organisation)
        .where(
            Organisation.acronym == invited.acronym, Organisation.country_code == invited.country
        )
        .order_by(Organisation.id)
        .limit(1)
    ) or db.session.scalar(select(Organisation).where(Organisation.name == invited.name))
    if organisation is None:
        organisation = Organisation(
            name=invited.name,
            acronym=invited.acronym,
            kind=invited.kind,
            country_code=invited.country,
        )
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _delegation(event: Event, invited: Invited, deadline, now: datetime, staff) -> None:
    def at(days: int, minutes: int = 0) -> datetime:
        return now - timedelta(days=days) + timedelta(minutes=minutes)

    delegation = services.invite(
        event,
        services.InvitationInput(
            organisation_id=_organisation(invited).id,
            focal_name=invited.focal_name,
            focal_email=invited.focal_email,
            focal_language="es",
            funded_places=invited.funded,
            self_funded_places=invited.self_funded,
            deadline=deadline,
            note=NOTE,
            letter_required=invited.letter_required,
        ),
        at(invited.invited_days),
        staff,
    )
    if not invited.opened:
        return
    access.open_page(delegation, at(OPENED))
    nominations = [
        services.nominate(delegation, _input(nominee), at(NOMINATED, minutes))
        for minutes, nominee in enumerate(invited.nominees)
    ]
    if invited.substitute is not None:
        services.substitute(nominations[1], _input(invited.substitute), at(REPLACED))
    placed = [n for n in nominations_of(delegation) if in_play(n) and n.registration is not None]
    travel = TravelInput(
        arrival_on=event.starts_on - timedelta(days=1),
        departure_on=min(event.ends_on, event.starts_on + timedelta(days=4)) + timedelta(days=1),
    )
    for minutes, nomination in enumerate(placed[: invited.completed]):
        languages = list(nomination.languages)
        nominees.complete(nomination, travel, languages, {}, at(COMPLETED, 60 * minutes))
    if invited.declined is not None:
        declined = nominations[invited.declined]
        decisions.decide(
            declined,
            "decline",
            Reason.PROFILE,
            DECLINE_NOTE,
            at(DECIDED),
            staff,
            despite_balance=True,
        )
    for minutes, nomination in enumerate(placed[: invited.approved], start=1):
        decisions.decide(
            nomination, "approve", None, "", at(DECIDED, minutes), staff, despite_balance=True
        )


def _input(nominee: Nominee) -> services.NomineeInput:
    return services.NomineeInput(
        name=nominee.name,
        email=nominee.email,
        gender=nominee.gender,
        position=nominee.position,
        languages=list(nominee.languages),
    )


def _addresses() -> list[str]:
    nominated = [
        n for i in INVITED_AUTHORITIES for n in (*i.nominees, i.substitute) if n is not None
    ]
    return [i.focal_email for i in INVITED_AUTHORITIES] + [n.email for n in nominated]


def give_people(now: datetime) -> int:
    """The people of the registrations the demo wrote, as confirming them would have made, but
    the nominees': a nominee's address is proven, and the registration theirs, when they complete
    it (``delegations.nominees``); until then it has none, however often the demo is loaded."""
    nominees = select(Nomination.registration_id).where(Nomination.registration_id.is_not(None))
    return give_registrations_people(now, leaving_out=nominees)
