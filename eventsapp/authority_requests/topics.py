"""CICIE's vocabulary for requests (seeds/003): the four aspects, the five thematic blocks and
their themes, the national scenarios and the internships' criteria a, b and c."""

from flask_babel import lazy_gettext as _l

ASPECTS = {
    "aspect.ethical": _l("Ethical and institutional"),
    "aspect.administrative": _l("Administrative and managerial"),
    "aspect.legal": _l("Legal and political"),
    "aspect.technical": _l("Technical and technological"),
}

BLOCKS = {
    "I": (
        _l("I. Institutionalization"),
        {
            "representation_systems": _l("Representation systems"),
            "electoral_legislation": _l("Electoral legislation"),
            "electoral_justice": _l("Electoral justice"),
            "polling_officials_training": _l("Polling officials' training"),
            "civic_education": _l("Civic education and voters' participation"),
        },
    ),
    "II": (
        _l("II. Institutional strengthening"),
        {
            "civil_registry": _l("Civil and electoral record"),
            "electoral_training": _l("Electoral training"),
            "electoral_justice": _l("Electoral justice"),
            "organising_elections": _l("Organising the electoral process"),
            "civic_education": _l("Civic education and voters' participation"),
        },
    ),
    "III": (
        _l("III. The cycle of the electoral process"),
        {
            "voter_register": _l("A precise and reliable voter register"),
            "electoral_calendar": _l("Electoral calendar"),
            "candidacies": _l("Registration of parties and candidacies"),
            "observers": _l("Accreditation of observers"),
            "voting_and_counting": _l("Polling stations, voting and counting"),
            "results": _l("Preliminary and official results"),
            "audits": _l("Audits and evaluation"),
        },
    ),
    "IV": (
        _l("IV. Institutional consolidation"),
        {
            "financing": _l("Public and private financing"),
            "media_access": _l("Access to mass media"),
            "party_audit": _l("Financing and audit of parties' resources"),
            "electoral_justice": _l("Electoral justice"),
            "voting_from_abroad": _l("Voting from abroad"),
        },
    ),
    "V": (
        _l("V. Specialization"),
        {
            "electronic_voting": _l("Electronic voting"),
            "electronic_accountability": _l("Financing and accountability by electronic means"),
            "electronic_register": _l("Electoral record by electronic means"),
            "online_registration": _l("Registration of parties and candidates online"),
        },
    ),
}

# Every topic a request can tick: "aspect.legal", "IV.voting_from_abroad", ...
TOPICS = {
    **ASPECTS,
    **{
        f"{block}.{key}": label
        for block, (_t, themes) in BLOCKS.items()
        for key, label in themes.items()
    },
}

SCENARIOS = {
    "before_elections": _l("Before elections are held"),
    "before_reform": _l("Before a political-electoral reform"),
    "new_authorities": _l("After a change of electoral authorities"),
    "other": _l("Another moment of the electoral cycle"),
}

INTERNSHIP_CRITERIA = {
    "a": _l("a. Incorporating new functions or attributions (e.g. voting from abroad)"),
    "b": _l("b. Preparing a programme, working project or reform on specific topics"),
    "c": _l("c. Developing new mechanisms or instruments (e.g. electronic voting)"),
}


def topic_block(key: str) -> str | None:
    """The thematic block of a theme ("IV" for "IV.voting_from_abroad"), None for an aspect."""
    block = key.partition(".")[0]
    return block if block in BLOCKS else None
