"""What the demo's outcomes are made of: the Georgia CEC's 2021 trainings of election commission
members and their people, and the knowledge test of CICIE's 2016 course on electronic voting from
abroad with what each participant answered."""

from ..core.questions import NUMBER, ONE_CHOICE, SEVERAL_CHOICES

# The CEC of Georgia's training centre trains commission members; the plan item is "Training of
# members of DEC's and PEC's" (3.1.1.2 of the 2021 action plan).
CEC = ("Central Election Commission of Georgia", "CEC", "electoral_management_body", "GE")
ITEM_REF = "3.1.1.2"
# The item's indicators as staff split them (the PDF's text ran them together), each with its
# target for 2021 and the measure that fills it, if one does.
INDICATORS = (
    ("The concept of trainings is updated", None, None, None),
    ("Number of trained trainers", 20, "people", "trained_trainers"),
    ("Number of trained DEC and PEC members", 150, "people", "participants"),
    ("Women among trained members", 50, "%", "women_share"),
    (
        "The results of the training evaluation are reflected in the report",
        4,
        "1–5",
        "evaluation_mean",
    ),
)
# key, title, date phrase, participants (women, men), trains trainers, evaluation scores given
TRAININGS = (
    (
        "cec-ge-2021-tot",
        "Training of trainers for district election commissions",
        "15-19 March 2021",
        (14, 10),
        True,
        (5, 4, 5, 4, 4, 5, 3, 4, 5, 4),
    ),
    (
        "cec-ge-2021-dec",
        "Training of district election commission members",
        "7-9 July 2021",
        (31, 29),
        False,
        (4, 4, 5, 3, 4, 4, 5, 4),
    ),
    (
        "cec-ge-2021-pec",
        "Training of precinct election commission members",
        "23-27 August 2021",
        (42, 38),
        False,
        (4, 3, 4, 5, 4, 4, 3, 4, 5),
    ),
)
WOMEN = ("Nino", "Tamar", "Ketevan", "Mariam", "Ana", "Eka", "Natia", "Salome", "Maia", "Lela")
MEN = ("Giorgi", "Davit", "Levan", "Irakli", "Zurab", "Nikoloz", "Lasha", "Otar", "Beka", "Zaza")
SURNAMES = (
    "Beridze",
    "Kapanadze",
    "Gelashvili",
    "Maisuradze",
    "Lomidze",
    "Tsiklauri",
    "Bolkvadze",
    "Kvaratskhelia",
    "Nozadze",
    "Abashidze",
    "Chkheidze",
    "Javakhishvili",
)

# The course's agenda: (day of the course, start, end, kind, title).
AGENDA = (
    (0, "09:00", "10:30", "presentation", "Opening: why citizens abroad vote, and how"),
    (0, "11:00", "13:00", "presentation", "Legal frameworks of voting from abroad"),
    (0, "15:00", "17:00", "country_presentations", "Country presentations: Mexico, Estonia"),
    (1, "09:00", "11:00", "presentation", "Internet voting: architectures and threats"),
    (1, "11:30", "13:30", "plenary_discussion", "Secrecy and verifiability"),
    (1, "15:00", "17:00", "visit", "Visit: the INE's overseas voting centre"),
    (2, "09:00", "11:00", "presentation", "Registering voters abroad"),
    (2, "11:30", "13:30", "team_work", "Team work: a registration plan for a diaspora"),
    (3, "09:00", "11:00", "panel", "Panel: audits, observers and the source code"),
    (3, "11:30", "13:30", "team_work", "Team work: an audit plan"),
    (4, "09:00", "11:00", "questions_answers", "Questions and answers with the experts"),
    (4, "11:30", "13:00", "recommendations_conclusions", "Recommendations and conclusions"),
)

# The course's test, the same before and after: (kind, question, choices, correct, points).
TEST = (
    (
        ONE_CHOICE,
        "Which voting method lets citizens abroad vote without travelling to a consulate?",
        ("In-person voting", "Internet voting", "Proxy voting"),
        ("Internet voting",),
        2,
    ),
    (
        SEVERAL_CHOICES,
        "Which of these protect the secrecy of an internet vote?",
        (
            "End-to-end encryption",
            "Publishing each voter's ballot",
            "Separating identity from ballot",
        ),
        ("End-to-end encryption", "Separating identity from ballot"),
        3,
    ),
    (
        NUMBER,
        "The electronic ballot box studied opens with 3 of its 5 trustees' keys: how many "
        "trustees must agree to open it?",
        (),
        ("3",),
        1,
    ),
    (
        ONE_CHOICE,
        "Who should audit the source code of an internet voting system?",
        ("Only the vendor", "Independent experts and observers", "Nobody: it is secret"),
        ("Independent experts and observers",),
        2,
    ),
    (
        ONE_CHOICE,
        "What is a voter-verifiable receipt for?",
        ("To sell the vote", "To check the vote was counted as cast", "To vote twice"),
        ("To check the vote was counted as cast",),
        2,
    ),
)

# What ten of the course's participants answered three months after it: what they applied, how
# useful it was (1–5), whether they shared it with colleagues.
FOLLOW_UP_ANSWERS = (
    ("We drafted the rules for postal voting from abroad for next year's election.", 5, "yes"),
    (
        "I presented the audit plan to our board; an audit of the voting system is budgeted.",
        5,
        "yes",
    ),
    ("Our registration form for citizens abroad now asks for a consular address.", 4, "yes"),
    ("Not yet: our law has not changed.", 2, "no"),
    ("I trained twelve colleagues of the registry with the course's materials.", 5, "yes"),
    ("We compared two internet voting vendors with the course's checklist.", 4, "yes"),
    ("I use the secrecy and verifiability criteria in our pilot's report.", 4, "no"),
    ("Little so far; the election calendar left no time.", 3, "no"),
    ("Our commission invited observers to the source-code review.", 5, "yes"),
    ("We set up a diaspora registration campaign with two consulates.", 4, "yes"),
)
