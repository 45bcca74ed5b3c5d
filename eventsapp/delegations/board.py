"""The delegations board of an event: each authority invited, where it stands, its places used
and its balance of women and men; the event's balance against the programme's aim. Read in a
fixed number of queries, however many authorities and nominees."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..catalogue.models import Event
from ..core.labels import Labelled
from ..extensions import db
from ..people.models import Gender, Organisation
from ..registration.models import Funding, Status
from .decisions import APPROVED, women_target
from .models import Delegation, Nomination, NominationState
from .places import in_play


class DelegationStatus(Labelled):
    INVITED = "invited", _l("Invited")
    OPENED = "opened", _l("Opened")
    NOMINATED = "nominated", _l("Nominated")
    COMPLETE = "complete", _l("Complete")
    APPROVED = "approved", _l("Approved")


@dataclass
class Row:
    delegation: Delegation
    nominations: list[Nomination]  # in order, all (the ended ones too)
    placed: list[Nomination] = field(default_factory=list)
    reserves: list[Nomination] = field(default_factory=list)

    def __post_init__(self):
        playing = [n for n in self.nominations if in_play(n)]
        self.placed = [n for n in playing if n.registration is not None]
        self.reserves = [n for n in playing if n.registration is None]

    def _funded(self, funding: str) -> int:
        return sum(1 for n in self.placed if n.registration.funding == funding)

    @property
    def funded_used(self) -> int:
        return self._funded(Funding.FUNDED)

    @property
    def self_funded_used(self) -> int:
        return self._funded(Funding.SELF_FUNDED)

    @property
    def approved(self) -> list[Nomination]:
        return [n for n in self.placed if n.registration.status in APPROVED]

    @property
    def flagged(self) -> list[Nomination]:
        return [n for n in self.placed if n.flagged_at is not None and n.completed_at is None]

    def count(self, gender: str) -> int:
        return sum(1 for n in self.placed if n.gender == gender)

    @property
    def women(self) -> int:
        return self.count(Gender.FEMALE)

    @property
    def men(self) -> int:
        return self.count(Gender.MALE)

    @property
    def complete(self) -> bool:
        d = self.delegation
        return (
            len(self.placed) == d.places
            and all(n.completed_at for n in self.placed)
            and (not d.letter_required or d.letter_stored is not None)
        )

    @property
    def status(self) -> DelegationStatus:
        decided = [n for n in self.placed if n.registration.status != Status.PENDING]
        if self.approved and len(decided) == len(self.placed):
            return DelegationStatus.APPROVED
        if self.placed and self.complete:
            return DelegationStatus.COMPLETE
        if any(n.state == NominationState.NOMINATED for n in self.nominations):
            return DelegationStatus.NOMINATED
        if self.delegation.opened_at is not None:
            return DelegationStatus.OPENED
        return DelegationStatus.INVITED


@dataclass
class Board:
    event: Event
    rows: list[Row]
    women_target: int | None

    def total(self, attribute: str) -> int:
        return sum(getattr(row, attribute) for row in self.rows)

    @property
    def approved_women(self) -> int:
        return sum(1 for r in self.rows for n in r.approved if n.gender == Gender.FEMALE)

    @property
    def approved_count(self) -> int:
        return sum(len(r.approved) for r in self.rows)

    @property
    def women_share(self) -> int | None:
        """Women among the delegations' nominees approved, in percent (None: none approved)."""
        count = self.approved_count
        return round(100 * self.approved_women / count) if count else None

    @property
    def below_target(self) -> bool:
        share = self.women_share
        return self.women_target is not None and share is not None and share < self.women_target

    def by_status(self) -> dict[DelegationStatus, int]:
        counts = dict.fromkeys(DelegationStatus, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts


def board_of(event: Event) -> Board:
    """The board, in three queries."""
    delegations = db.session.scalars(
        select(Delegation)
        .where(Delegation.event_id == event.id)
        .options(
            joinedload(Delegation.organisation).joinedload(Organisation.country),
            selectinload(Delegation.nominations).joinedload(Nomination.registration),
        )
        .order_by(Delegation.id)
    ).unique()
    rows = [Row(d, list(d.nominations)) for d in delegations]
    rows.sort(key=lambda row: (row.delegation.organisation.country_code or "", row.delegation.id))
    return Board(event, rows, women_target(event))


def api_rows(board: Board) -> list[dict]:
    """The board as ``GET /api/v1/events/<id>/delegations`` answers it."""
    return [
        {
            "id": row.delegation.id,
            "organisation": row.delegation.organisation.name,
            "country": row.delegation.organisation.country_code,
            "focal_point": row.delegation.focal_name,
            "quota": {
                "funded": row.delegation.funded_places,
                "self_funded": row.delegation.self_funded_places,
            },
            "nominated": len(row.placed),
            "approved": len(row.approved),
            "reserves": len(row.reserves),
            "women": row.women,
            "men": row.men,
            "status": row.status.value,
        }
        for row in board.rows
    ]


def export_rows(board: Board) -> tuple[list[str], list[list]]:
    """The board as a spreadsheet: one line per authority."""
    header = [
        str(_l("Organisation")),
        str(_l("Country")),
        str(_l("Focal point")),
        str(_l("Focal point's email")),
        str(_l("Status")),
        str(_l("Funded places")),
        str(_l("Funded places used")),
        str(_l("Self-funded places")),
        str(_l("Self-funded places used")),
        str(_l("Approved")),
        str(_l("Reserves")),
        str(_l("Women")),
        str(_l("Men")),
        str(_l("Deadline")),
        str(_l("Nomination letter")),
    ]
    rows = [
        [
            r.delegation.organisation.name,
            r.delegation.organisation.country_code or "",
            r.delegation.focal_name,
            r.delegation.focal_email,
            str(r.status.label),
            r.delegation.funded_places,
            r.funded_used,
            r.delegation.self_funded_places,
            r.self_funded_used,
            len(r.approved),
            len(r.reserves),
            r.women,
            r.men,
            r.delegation.deadline,
            r.delegation.letter_name or "",
        ]
        for r in board.rows
    ]
    return header, rows
