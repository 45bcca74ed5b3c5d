"""Who pays a category of costs in an event: the event's override, else the programme's rule.

A role names the party: ``founder`` the programme's founders (by the rule's split when several
share it, else jointly), ``associate_partner`` the event's one associate partner of the
programme, ``host`` the programme's owner, ``organisation`` the one the rule names,
``visiting_authority`` each delegate's own authority (the event's requesting authority for costs
not per delegate). A category that resolves to no payer or to several without a split is
*unresolved* (``Unresolved``).
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from ..catalogue.models import Event
from ..people.models import Organisation
from .facts import BudgetFacts, ProgrammeCosts
from .models import Category, CostOverride, CostRule, PayerRole
from .pricing import ZERO


class Unresolved(Exception):
    """A category of an event that no single payer or full split pays."""


@dataclass(frozen=True)
class Payer:
    key: str  # "org:12", "org:12:self", "country:GT", "country:GT:self", "founders"
    party: str
    role: str
    self_funded: bool = False

    @property
    def role_label(self) -> str:
        return PayerRole(self.role).label if self.role else ""


# The payers of a category with their shares (adding to 1), or VISITING_AUTHORITY when each
# delegate's authority pays.
Shares = list[tuple[Payer, Decimal]] | str


def organisation_payer(organisation: Organisation, role: str) -> Payer:
    return Payer(f"org:{organisation.id}", organisation.display_name, role)


def authority_payer(facts: BudgetFacts, organisation_id: int | None, country: str, self_funded):
    """A delegate's own authority: their organisation, else their country's."""
    key = f"org:{organisation_id}" if organisation_id else f"country:{country}"
    return Payer(
        key + (":self" if self_funded else ""),
        facts.names.get(key, key),
        PayerRole.VISITING_AUTHORITY,
        self_funded,
    )


def payers_of(category: str, event: Event, facts: BudgetFacts) -> Shares:
    """The payers of a category in an event and their shares (adding to 1), or the role
    ``visiting_authority`` when each delegate's authority pays. Raises Unresolved."""
    programme = facts.programme_of(event)
    rule = programme.rules.get(category)
    choice = facts.overrides[event.id].get(category) or rule
    label = Category(category)._label  # lazy: translated only in a message
    if choice is None:
        raise Unresolved(_("%(category)s: no cost rule says who pays.", category=label))
    if choice.payer_role == PayerRole.VISITING_AUTHORITY:
        return PayerRole.VISITING_AUTHORITY
    resolve = _RESOLVERS.get(choice.payer_role, _founders)
    return resolve(choice, rule, programme, facts.partners[event.id], label)


# Each takes the category's choice (the override, else the rule), the programme's rule, the
# programme's costs, the event's partners and the category's label for messages.


def _named(choice: CostRule | CostOverride, _rule, _programme, _partners, _label) -> Shares:
    return [(organisation_payer(choice.payer_organisation, choice.payer_role), Decimal(1))]


def _host(choice, _rule, programme: ProgrammeCosts, _partners, label) -> Shares:
    if programme.owner is None:
        raise Unresolved(_("%(category)s: the programme has no owner to host.", category=label))
    return [(organisation_payer(programme.owner, choice.payer_role), Decimal(1))]


def _associate(choice, _rule, programme: ProgrammeCosts, partners, label) -> Shares:
    """The event's one partner that is an associate partner of the programme."""
    associates = [o for o in partners if o.id in programme.associates]
    if len(associates) != 1:
        raise Unresolved(
            _(
                "%(category)s: the event has %(count)d associate partners of the programme; "
                "it needs exactly one (add it to the event's partners, or override the payer).",
                category=label,
                count=len(associates),
            )
        )
    return [(organisation_payer(associates[0], choice.payer_role), Decimal(1))]


def _founders(choice, rule: CostRule | None, programme: ProgrammeCosts, _partners, label):
    """By the rule's split when it has one, else the one founder, else the founders jointly."""
    role = choice.payer_role
    shares = rule.shares if rule is not None and rule.payer_role == PayerRole.FOUNDER else []
    if shares:
        total = sum((s.percent for s in shares), ZERO)
        if total != 100:
            raise Unresolved(
                _(
                    "%(category)s: the founders' split adds to %(total)s %%, not 100 %%.",
                    category=label,
                    total=total,
                )
            )
        return [(organisation_payer(s.organisation, role), s.percent / 100) for s in shares]
    if not programme.founders:
        raise Unresolved(_("%(category)s: the programme has no founders.", category=label))
    if len(programme.founders) == 1:
        return [(organisation_payer(programme.founders[0], role), Decimal(1))]
    names = ", ".join(f.acronym or f.display_name for f in programme.founders)
    return [(Payer("founders", _("Founders (%(names)s)", names=names), role), Decimal(1))]


_RESOLVERS = {
    PayerRole.ORGANISATION: _named,
    PayerRole.HOST: _host,
    PayerRole.ASSOCIATE_PARTNER: _associate,
    PayerRole.FOUNDER: _founders,
}
