"""Sentence templates of the synthetic news generator (data only).

Slots: {P} a person of the story, {R} a role, {PL} a place, {O} an organisation,
{N}/{N2} topic nouns, {V} a topic verb, {A} a topic adjective, {NUM} a number,
{PCT} a percentage, {DAY}, {MONTH}, and {~word} any member of word's synonym group.
"""

TEMPLATES = [
    "{P}, the {R} of the {O}, {~said} on {DAY} that the {N} {~showed} a {~clear} need for {~new} {N2}.",
    "The {O} {V} the {N} in {PL} after {NUM} {~people} {~asked} for a {~decision} on the {N2}.",
    "{~officials} in {PL} {~said} the {A} {N} was {~likely} to {~continue} until {MONTH}.",
    "According to {P}, the {N} {~caused} {~several} {~problems} for {~workers} across the {~area}.",
    "In a {~statement} on {DAY}, the {O} {~said} it {~expected} the {N} to {~increase} by {PCT} percent.",
    "{P} {~told} reporters in {PL} that the {~plan} would {~help} {NUM} {~people} affected by the {N}.",
    "The {A} {N} {~happened} {~during} a {~meeting} of the {O} in {PL} on {DAY}.",
    "{~however}, {P} {~warned} that the {N2} could {~need} {~more} time and {~money} than {~expected}.",
    "Figures {~released} by the {O} {~showed} that the {N} {V} by {PCT} percent in {MONTH}.",
    "{P} and {P2} {~met} in {PL} to {~discuss} the {N} and the {~future} of the {N2}.",
    "Critics {~said} the {~decision} to {~continue} the {N} was {~clear} evidence of a {A} {N2}.",
    "The {N} in {PL} is the {~latest} in a {~series} of {A} {~moves} by the {O}.",
    "{~local} {~people} in {PL} {~said} they had {~waited} {NUM} days for {~news} about the {N}.",
    "{P}, who {~leads} the {O}, {~described} the {N} as {A} but {~important} for {PL}.",
    "The {O} {~said} {NUM} {~workers} had been {~involved} in the {N} since {MONTH}.",
    "A {~report} {~published} on {DAY} {~suggested} the {N2} had {~reduced} the {~risk} of a {A} {N}.",
    "{~officials} {~declined} to {~comment} on {~whether} the {N} would {~affect} {~prices} in {PL}.",
    "Speaking in {PL}, {P} {~said} the {N} {~showed} the {O} had {~learned} from the {N2}.",
    "The {~decision} {~followed} {~weeks} of {~talks} between the {O} and {~leaders} in {PL}.",
    "{P} {~insisted} the {N} was {~not} a {A} {~problem} and {~urged} {~calm}.",
    "{~about} {NUM} {~people} {~gathered} outside the {O} offices in {PL} on {DAY} evening.",
    "The {N} {~cost} {~about} {NUM} million, {~according} to {~estimates} from the {O}.",
    "{~earlier} this year, the {O} {V} a {~similar} {N} in {PL2}, {P} {~added}.",
    "Analysts {~said} the {A} {N} {~raised} {~questions} about the {N2} in {PL}.",
    "It was not {~clear} when the {N} would {~end}, {~but} {P} {~said} {~talks} would {~continue}.",
    "The {O} {~confirmed} that the {N2} had been {V} {~after} a {A} {~review}.",
    "{P2}, a {R} in {PL}, {~said} the {N} had {~changed} how {~people} {~think} about the {N2}.",
    "{~residents} of {PL2} {~reported} {A} {~damage} to the {N2} on {DAY} morning.",
    "The {~latest} {~figures} put the {N} at {NUM}, {~up} from {NUM2} a year {~earlier}.",
    "{P} {~declined} to say {~whether} the {O} would {~support} the {N} in {MONTH}.",
    "{~supporters} of the {N} {~argue} it will {~help} the {N2} in {PL} and {PL2}.",
    "The {N} {~comes} {~after} the {O} {V} the {N2} {~earlier} this {~month}.",
    "In {PL}, {~officials} {~said} {NUM} {N2} had been {V} since {DAY}.",
    "{P} {~called} the {N} a {A} {~step} and {~promised} {~more} {~action} in {MONTH}.",
    "The {O} {~said} it would {~publish} a {~full} {~report} on the {N} by {MONTH}.",
    "Questions {~remain} about the {N2}, {P2} {~said}, {~adding} that the {O} must {~act}.",
]

ROLES = """
spokesperson director chairman chairwoman president secretary analyst economist professor adviser
commissioner inspector manager coordinator researcher representative deputy treasurer
""".split()

# Synonym groups for the {~word} slots that are not in dedupe_words.SYNONYMS (kept single-valued).
EXTRA_WORDS = """
met discuss series local news waited leads involved published declined comment whether affect
learned calm gathered cost estimates similar added raised questions end but changed think residents
reported up remain adding act called step promised action publish full month supporters argue comes
not more earlier latest figures
""".split()
