"""Sentence grammar of the synthetic news generator (data only).

A sentence is one of FORMS; its parts come from the lists below.  Slots:
{P}/{P2} a person of the story, {R} a role, {PL}/{PL2} places, {O} the
story's organisation, {N}/{N2} topic nouns, {V} a topic verb, {A} a topic
adjective, {G} a generic noun, {NUM}/{NUM2}, {PCT}, {DAY}, {MONTH}, {YEAR},
and {~word} any member of word's synonym group.  Parts are short so that
3-word shingles nearly always include a slot value, as in real text where
distinct stories share few exact phrases.
"""


def _w(text: str) -> list[str]:
    return text.split()


FORMS = [
    "{SUBJ} {REPORT} that {SUBJ2} {PRED} {ADJ}.",
    "{SUBJ2} {PRED} {ADJ}, {SUBJ} {REPORT}.",
    "{ADJ_CAP}, {SUBJ2} {PRED}.",
    "{SUBJ2} {PRED} {ADJ} and {PRED2}.",
    "{SUBJ} {REPORT} {SUBJ2} {PRED} {ADJ}.",
    "{SUBJ2} {PRED}, {LINK} {SUBJ} {REPORT} {PRED2}.",
    "{SUBJ2} {PRED} {ADJ}.",
]

SUBJECTS = [
    "{P}",
    "{R} {P}",
    "{P}, {R} of the {O},",
    "the {O}",
    "{~officials} at the {O}",
    "a {R} for the {O}",
    "{P2}, a {R} in {PL},",
    "{~leaders} in {PL}",
    "{NUM} {~residents} of {PL}",
    "{P} and {P2}",
    "an {R} close to {P}",
    "{~analysts} in {PL2}",
]

SUBJECTS2 = [
    "the {N}",
    "the {A} {N}",
    "the {O}",
    "{P}",
    "the {N} in {PL}",
    "{NUM} {N2}",
    "the {G} over the {N}",
    "the {N2} {G}",
    "{PL}",
    "the {~latest} {N}",
    "{P2}'s {G}",
    "a {A} {N2}",
]

REPORTS = [
    "{~said}",
    "{~told} {PL} reporters",
    "{~warned}",
    "{~insisted}",
    "{~announced}",
    "{~confirmed}",
    "{~added}",
    "{~claimed}",
    "{~believed}",
    "{~said} on {DAY}",
    "{~stated} in {MONTH}",
    "{~denied}",
]

PREDICATES = [
    "{V} the {N2}",
    "would {~need} {~more} {G} for the {N2}",
    "had {V} {NUM} {N2}",
    "was {A}",
    "could {~affect} {N2} in {PL}",
    "{~expects} the {N} to {~increase} by {PCT} percent",
    "{V} {~several} {G}s",
    "{~caused} {A} {~problems} for {PL}",
    "{~increased} the {G} to {NUM}",
    "{~reduced} {N2} by {PCT} percent",
    "{V} a {A} {N2} {G}",
    "{~showed} {~clear} {~evidence} of {A} {N2}",
    "{~continued} to {~support} the {N}",
    "{~prevented} a {~new} {N2}",
    "{~asked} {P2} to {~review} the {G}",
    "cost {~about} {NUM} million",
    "{~included} {NUM2} {N2} and {NUM} {G}s",
    "was {~likely} to {~continue} until {MONTH}",
    "{~criticised} {P} over the {N}",
    "{~praised} the {O} for its {G}",
    "{V} the {N} {~despite} {A} {G}",
    "{~described} the {N2} as {A}",
]

ADJUNCTS = [
    "on {DAY}",
    "in {PL}",
    "since {MONTH}",
    "after the {A} {N2}",
    "{~despite} the {G}",
    "by {MONTH}",
    "{~during} the {N2}",
    "for the first time since {YEAR}",
    "in {MONTH} {YEAR}",
    "at the {O} in {PL}",
    "{~following} {NUM} {G}s",
    "{~before} the {A} {N}",
    "across {PL} and {PL2}",
    "on {DAY} {~evening}",
    "",
    "",
    "",
]

LINKS = ["but", "and", "while", "although", "as", "yet"]

GENERIC_NOUNS = _w("""
dispute programme deadline proposal contract inquiry review budget statement shortfall backlog
schedule strategy consultation audit deal timetable framework initiative protest petition warning
overhaul pilot bid shortage surplus target estimate complaint guideline
""")

ROLES = _w("""
spokesperson director chairman chairwoman president secretary analyst economist professor adviser
commissioner inspector manager coordinator researcher representative deputy treasurer
""")
