"""What the authority pays and what the hosts pay for one of its funded nominees, from the
programme's cost rules (what each nominee is told too, once they hold a place)."""

from ..registration.funding import funding_statements
from ..registration.models import Funding, Registration, Status
from .models import Delegation


def authority_statement(delegation: Delegation):
    """The statement of a funded place of the delegation (None: no cost rules)."""
    example = Registration(
        id=0,
        event=delegation.event,
        event_id=delegation.event_id,
        country_code=delegation.organisation.country_code,
        status=Status.APPROVED,
        funding=Funding.FUNDED,
    )
    statement = funding_statements([example]).get(0)
    return statement
