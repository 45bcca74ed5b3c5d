"""The demo's travellers to the current year's CICIE course and its hotels: who they are, how
they travel, where they sleep (``travel``'s data)."""

from dataclasses import dataclass

from ..travel.models import RoomKind

# acronym: (name, kind, country): the authorities of the officials the demo adds.
EMB, COURT = "electoral_management_body", "electoral_court"
AUTHORITIES = {
    "ONPE": (
        "National Office of Electoral Processes (Oficina Nacional de Procesos Electorales)",
        EMB,
        "PE",
    ),
    "RNEC": (
        "National Registry of Civil Status of Colombia (Registraduría Nacional del Estado Civil)",
        EMB,
        "CO",
    ),
    "SERVEL": ("Electoral Service of Chile (Servicio Electoral)", EMB, "CL"),
    "CE-UY": ("Electoral Court of Uruguay (Corte Electoral)", EMB, "UY"),
    "TE-PA": ("Electoral Tribunal of Panama (Tribunal Electoral)", EMB, "PA"),
    "CNE-AR": ("National Electoral Chamber of Argentina (Cámara Nacional Electoral)", COURT, "AR"),
    "TSJE": (
        "Superior Court of Electoral Justice of Paraguay (Tribunal Superior de Justicia Electoral)",
        COURT,
        "PY",
    ),
    "EC-CA": ("Elections Canada", EMB, "CA"),
    "JEC": ("Central Electoral Board of Spain (Junta Electoral Central)", EMB, "ES"),
}


@dataclass(frozen=True)
class Trip:
    """A flight: days from the course's first day (arrival) or last day (departure), the local
    time, the flight and the airport's terminal."""

    days: int
    at: str
    flight: str
    airport: str


@dataclass(frozen=True)
class Traveller:
    name: str
    gender: str
    position: str
    country: str
    authority: str | None  # an acronym of AUTHORITIES; None for ``current_year``'s delegates
    email: str
    passport_name: str = ""
    arrival: Trip | None = None  # None: the travel file is still missing
    departure: Trip | None = None
    phone: str = ""
    language: str = "es"  # interpretation
    passport: str = ""  # the number, for those who need a visa
    dietary: str = ""
    accessibility: str = ""

    @property
    def visa(self) -> bool:
        return bool(self.passport)


T1, T2 = "MEX T1", "MEX T2"
TRAVELLERS = (
    # ``current_year``'s delegates approved for the course: three need a visa.
    Traveller(
        "Ana Lucía Pérez",
        "female",
        "Director of electoral training",
        "PE",
        None,
        "delegate1@example.org",
        "Ana Lucía Pérez Salinas",
        Trip(-2, "07:15", "AM 697", T2),
        Trip(1, "09:30", "AM 696", T2),
        "+51 987 654 321",
        passport="121834567",
    ),
    Traveller(
        "Tamar Beridze",
        "female",
        "Head of international relations",
        "GE",
        None,
        "delegate2@example.org",
        "Tamar Beridze",
        Trip(-3, "14:35", "TK 183", T1),
        Trip(1, "16:20", "TK 184", T1),
        "+995 555 12 34 56",
        "en",
        passport="17AB20458",
        dietary="Vegetarian",
    ),
    Traveller(
        "Thabo Mokoena",
        "male",
        "Electoral officer",
        "LS",
        None,
        "delegate3@example.org",
        "Thabo Daniel Mokoena",
        Trip(-3, "15:45", "LH 498", T1),
        Trip(1, "20:05", "LH 499", T1),
        "+266 5812 3456",
        "en",
        passport="RA0482913",
    ),
    Traveller(
        "Sofía Herrera",
        "female",
        "Legal adviser",
        "CR",
        None,
        "delegate4@example.org",
        "Sofía Herrera Quesada",
        Trip(-1, "21:15", "AM 653", T2),
        Trip(1, "15:00", "AM 652", T2),
        "+506 8812 4470",
        dietary="No shellfish (allergy)",
        accessibility="Step-free access: walks with a cane",
    ),
    # The officials the authorities sent.
    Traveller(
        "Rocío Valdivia Huerta",
        "female",
        "Specialist in electoral training",
        "PE",
        "ONPE",
        "rocio.valdivia@onpe.example.org",
        "Rocío del Pilar Valdivia Huerta",
        Trip(-2, "07:15", "AM 697", T2),
        Trip(1, "09:30", "AM 696", T2),
        "+51 945 210 378",
        passport="118273645",
        dietary="Gluten-free",
    ),
    Traveller(
        "Javier Martín Ortega",
        "male",
        "Technical adviser",
        "ES",
        "JEC",
        "javier.martin@jec.example.org",
        "Javier Martín Ortega",
        Trip(-2, "16:40", "IB 6401", T1),
        Trip(1, "18:25", "IB 6402", T1),
        "+34 612 345 678",
        dietary="Vegetarian",
    ),
    Traveller(
        "Martín Pereira Suárez",
        "male",
        "Electoral systems analyst",
        "UY",
        "CE-UY",
        "martin.pereira@corte.example.org",
        "Martín Pereira Suárez",
        Trip(-2, "18:05", "CM 218", T1),
        Trip(1, "12:10", "CM 219", T1),
        "+598 99 123 456",
    ),
    Traveller(
        "Mauricio Londoño Gaviria",
        "male",
        "Electoral logistics officer",
        "CO",
        "RNEC",
        "mauricio.londono@rnec.example.org",
        "Mauricio Londoño Gaviria",
        Trip(-1, "09:20", "AV 204", T1),
        Trip(0, "19:45", "AV 205", T1),
        "+57 310 555 0142",
    ),
    Traveller(
        "Abdiel Quintero Ábrego",
        "male",
        "Electoral training coordinator",
        "PA",
        "TE-PA",
        "abdiel.quintero@te-pa.example.org",
        "Abdiel Quintero Ábrego",
        Trip(-1, "10:05", "CM 118", T1),
        Trip(1, "13:50", "CM 119", T1),
        "+507 6612 3344",
    ),
    Traveller(
        "Ricardo Him Espinosa",
        "male",
        "Civic education officer",
        "PA",
        "TE-PA",
        "ricardo.him@te-pa.example.org",
        "Ricardo Him Espinosa",
        Trip(-1, "10:05", "CM 118", T1),
        Trip(1, "13:50", "CM 119", T1),
        "+507 6698 2210",
    ),
    Traveller(
        "Francisca Muñoz Contreras",
        "female",
        "Head of the electoral registry",
        "CL",
        "SERVEL",
        "francisca.munoz@servel.example.org",
        "Francisca Andrea Muñoz Contreras",
        Trip(-1, "13:30", "LA 530", T1),
        Trip(0, "23:55", "LA 531", T1),
        "+56 9 8765 4321",
    ),
    Traveller(
        "Liz Acosta Villalba",
        "female",
        "Electoral education officer",
        "PY",
        "TSJE",
        "liz.acosta@tsje.example.org",
        "Liz Carolina Acosta Villalba",
        Trip(-1, "15:10", "CM 226", T1),
        Trip(1, "07:40", "CM 227", T1),
        "+595 981 456 789",
    ),
    # Approved, their travel files not written yet.
    Traveller(
        "Gustavo Ferreyra Ledesma",
        "male",
        "Secretary of electoral affairs",
        "AR",
        "CNE-AR",
        "gustavo.ferreyra@cne-ar.example.org",
    ),
    Traveller(
        "Jennifer Tremblay",
        "female",
        "Senior policy analyst, international affairs",
        "CA",
        "EC-CA",
        "jennifer.tremblay@elections-ca.example.org",
        language="en",
    ),
)
# The two who share a twin room, the staff's choice.
SHARING = ("abdiel.quintero@te-pa.example.org", "ricardo.him@te-pa.example.org")


@dataclass(frozen=True)
class Block:
    kind: str
    rooms: int
    rate: str
    first: int  # days from the course's first day
    last: int  # days from its last day


@dataclass(frozen=True)
class HotelEntry:
    name: str
    address: str
    contact: str
    blocks: tuple[Block, ...]


HOTELS = (
    HotelEntry(
        "Hotel Casa Tlalpan",
        "Calzada de Tlalpan 4020, Coyoacán, 04910 Mexico City",
        "Mariana Lozano (group reservations), +52 55 5550 1840, grupos@casatlalpan.example.com",
        (Block(RoomKind.SINGLE, 6, "1850.00", -3, 0),),
    ),
    HotelEntry(
        "Hotel Parque Insurgentes",
        "Avenida Insurgentes Sur 3500, Tlalpan, 14020 Mexico City",
        "Rodrigo Treviño (front office), +52 55 5550 7722, reservas@parqueinsurgentes.example.com",
        (
            Block(RoomKind.SINGLE, 4, "1600.00", -1, 0),
            Block(RoomKind.TWIN, 1, "2100.00", -1, 0),
        ),
    ),
)
