"""Word lists for the synthetic news generator of bench/dedupe_stream.py (data only)."""


def _w(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _w("""
Anna Maria Elena Sofia Laura Clara Julia Nina Eva Lea Hannah Emma Olivia Amelia Grace Chloe Zoe Mia Ava Ruth
Priya Aisha Fatima Mei Yuki Sara Ingrid Astrid Marta Lucia Ines Carmen Rosa Irene Helen Diana Paula Vera Alice
James John Robert Michael David William Richard Thomas Daniel Paul Mark George Peter Henry Samuel Oscar Victor
Luca Marco Pablo Diego Jonas Lars Erik Omar Ahmed Rahul Kenji Hiroshi Chen Wei Ivan Pavel Tomas Andre Felix Hugo
""")

LAST_NAMES = _w("""
Smith Johnson Brown Taylor Wilson Davies Evans Thomas Roberts Walker Wright Hughes Edwards Green Hall Wood Clarke
Jackson Turner Hill Moore Cooper Ward Morris King Baker Harris Lewis Young Allen Scott Mitchell Carter Phillips
Garcia Martinez Lopez Gonzalez Rodriguez Fernandez Romero Navarro Moreno Alvarez Rossi Russo Ferrari Esposito
Bianchi Romano Colombo Ricci Marino Greco Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann
Schulz Dubois Moreau Laurent Lefebvre Bernard Petit Durand Leroy Nakamura Tanaka Suzuki Sato Kim Park Lee Nguyen
Khan Patel Singh Sharma Ali Hassan Novak Kowalski Nowak Horvat Jensen Hansen Nielsen Larsen Berg Lindqvist Okafor
""")

PLACES = _w("""
Lisbon Porto Madrid Seville Valencia Barcelona Lyon Marseille Toulouse Bordeaux Hamburg Munich Cologne Leipzig
Dresden Vienna Graz Zurich Geneva Basel Milan Turin Naples Florence Bologna Genoa Rotterdam Utrecht Antwerp Ghent
Copenhagen Aarhus Oslo Bergen Stockholm Gothenburg Helsinki Tampere Tallinn Riga Vilnius Warsaw Krakow Gdansk
Prague Brno Bratislava Budapest Zagreb Ljubljana Athens Thessaloniki Sofia Bucharest Dublin Cork Glasgow Edinburgh
Cardiff Bristol Leeds Manchester Liverpool Nairobi Lagos Accra Dakar Cairo Tunis Casablanca Toronto Montreal
Calgary Denver Austin Seattle Portland Boston Chicago Houston Phoenix Osaka Kyoto Busan Manila Jakarta Hanoi
Mumbai Chennai Karachi Dhaka Lima Bogota Quito Santiago Montevideo Brisbane Perth Adelaide Auckland Wellington
""")

ORG_HEADS = _w("""
National Federal Regional Central United Northern Southern Eastern Western Metropolitan Coastal Royal Public
Independent Global Continental Municipal Provincial Allied Modern Civic
""")

ORG_TAILS = _w("""
Bank Authority Council Agency Institute Foundation Union Commission Corporation Group Alliance Association
Ministry Board Office Court Hospital University Airline Railway Utility Federation Party League Tribunal
""")

# Per topic: nouns, verbs (past tense), adjectives. Distinct stories on one topic share these.
TOPICS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "politics": (
        _w(
            "election vote parliament minister coalition reform bill law budget campaign opposition senator "
            "mayor referendum cabinet policy debate ballot majority amendment constitution mandate scandal "
            "inquiry resignation candidate governor spokesperson legislation treaty"
        ),
        _w(
            "approved rejected proposed debated vetoed announced postponed passed blocked endorsed criticised "
            "defended signed amended"
        ),
        _w("controversial bipartisan narrow sweeping fragile provisional divisive landmark contested"),
    ),
    "economy": (
        _w(
            "inflation interest rate market investor share profit revenue debt loan tariff export import "
            "growth recession unemployment wage pension currency deficit surplus forecast factory merger "
            "acquisition dividend bond index shipment supply"
        ),
        _w("rose fell surged slumped climbed dropped stabilised rebounded doubled halved recovered stalled"),
        _w("quarterly annual sluggish robust volatile modest steep unexpected record"),
    ),
    "sports": (
        _w(
            "match tournament championship league season coach striker goalkeeper goal final semifinal "
            "transfer stadium fans title medal record injury referee penalty squad captain victory defeat "
            "draw fixture playoff relay sprint marathon"
        ),
        _w("won lost beat drew scored defended qualified retired signed clinched equalised celebrated"),
        _w("dramatic decisive stunning narrow historic thrilling dominant disappointing late"),
    ),
    "technology": (
        _w(
            "software chip smartphone network startup platform data privacy breach algorithm robot satellite "
            "battery device update server cloud encryption app users outage patent launch prototype "
            "semiconductor sensor browser infrastructure"
        ),
        _w("launched unveiled released hacked patched acquired developed tested deployed upgraded banned"),
        _w("innovative experimental secure vulnerable proprietary autonomous wireless digital faster"),
    ),
    "health": (
        _w(
            "hospital patient vaccine virus outbreak doctor nurse treatment trial drug clinic disease "
            "infection symptoms surgery diagnosis therapy epidemic screening prescription ward ambulance "
            "research study dose immunity shortage waiting"
        ),
        _w("treated diagnosed vaccinated recovered admitted discharged confirmed warned recommended tested"),
        _w("chronic contagious severe mild experimental preventive critical rare effective"),
    ),
    "weather": (
        _w(
            "storm flood rain snow heatwave drought wildfire wind temperature forecast warning evacuation "
            "hurricane typhoon landslide power outage river coast damage rescue shelter frost hail "
            "thunderstorm tide blizzard"
        ),
        _w("hit struck flooded battered swept destroyed damaged evacuated rescued warned cleared"),
        _w("heavy torrential extreme severe unprecedented freezing scorching unusual strong"),
    ),
    "crime": (
        _w(
            "police suspect arrest court trial judge jury verdict sentence prison robbery fraud theft "
            "investigation witness prosecutor lawyer evidence charge raid smuggling burglary bail appeal "
            "detective warrant conviction hearing ransom"
        ),
        _w("arrested charged convicted acquitted sentenced questioned detained released searched seized"),
        _w("alleged suspected violent organised fraudulent armed undercover lengthy unprecedented"),
    ),
    "science": (
        _w(
            "researchers study telescope planet species fossil genome experiment laboratory climate ocean "
            "glacier mission probe discovery particle molecule cell protein galaxy asteroid volcano "
            "expedition sample dataset observation specimen"
        ),
        _w("discovered observed measured identified mapped sequenced detected analysed confirmed recorded"),
        _w("ancient remote microscopic distant rare unexpected novel significant detailed"),
    ),
}

DAYS = _w("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _w("January February March April May June July August September October November December")

# Synonym groups: the spinner and the translation-noise model swap a word for another of its group.
SYNONYMS: list[list[str]] = [
    _w(g)
    for g in """
said stated noted remarked explained
told informed
announced declared revealed disclosed
expects anticipates predicts foresees
big large huge major substantial
small minor modest slight
important significant key crucial vital
new fresh recent latest
old former previous earlier
quickly rapidly swiftly fast
slowly gradually steadily
increase rise growth gain
decrease drop decline fall
help support assist aid
problem issue difficulty concern
plan proposal scheme strategy
people residents citizens locals
officials authorities administrators
government administration executive
company firm business enterprise
country nation state
city town municipality
area region zone district
began started commenced launched
ended finished concluded completed
show reveal indicate suggest
shows reveals indicates suggests
showed revealed indicated suggested
expected anticipated predicted projected
need require demand
needs requires demands
meeting session gathering conference
report study analysis review
move step measure action
moves steps measures actions
week period stretch
decision ruling judgement verdict
agreement deal accord pact
talks negotiations discussions
statement comment remark
leader head chief
leaders heads chiefs
worker employee staffer
workers employees staff
money funds cash capital
price cost fee
prices costs fees
high elevated steep
low reduced depressed
strong robust powerful solid
weak fragile feeble poor
clear obvious evident plain
likely probable expected
unlikely improbable doubtful
early initial first
final last closing
several various numerous many
warned cautioned alerted
criticised condemned attacked slammed
praised applauded commended lauded
asked requested urged
tried attempted sought
allowed permitted enabled
prevented stopped blocked halted
continued persisted proceeded
increased raised boosted lifted
reduced cut lowered trimmed
believed thought considered reckoned
described characterised portrayed
included contained comprised
happened occurred took
caused triggered sparked prompted
recently lately newly
however nevertheless nonetheless
also additionally likewise
about roughly approximately around
nearly almost virtually
despite notwithstanding
because since
during throughout
following after
before prior
according pursuant
confirmed verified affirmed
denied rejected refuted
claimed alleged asserted
insisted maintained contended
added continued went
response reaction reply
effort attempt bid
efforts attempts bids
risk danger threat
risks dangers threats
impact effect consequence
future outlook prospects
crisis emergency disaster
damage harm destruction
result outcome consequence
results outcomes findings
evidence proof data
election vote poll ballot
minister secretary official
law legislation statute
policy rule regulation
market marketplace exchange
profit earnings gain
debt liabilities borrowing
growth expansion
match game fixture
victory win triumph
defeat loss setback
coach manager trainer
fans supporters spectators
season campaign term
software program application
device gadget unit
users customers clients
patient sufferer
doctor physician medic
hospital clinic infirmary
treatment therapy care
disease illness condition
outbreak epidemic surge
storm tempest gale
flood deluge inundation
rain rainfall downpour
police officers constabulary
suspect accused defendant
court tribunal bench
prison jail penitentiary
researchers scientists scholars
study research investigation
discovery finding breakthrough
hit struck battered
rose climbed increased
fell dropped declined
won secured clinched
lost forfeited dropped
arrested detained apprehended
released freed discharged
controversial contentious disputed
sweeping broad extensive
dramatic spectacular striking
historic momentous landmark
severe serious grave
heavy intense torrential
unexpected surprising unforeseen
significant notable considerable
""".strip().splitlines()
]

# Function words the machine-translation noise model substitutes for one another.
PREPOSITIONS = _w("in on at for with from by to into onto over under about")
ARTICLES = _w("the a an")

SITE_NAMES = """
Daily Courier|Evening Herald|Morning Post|City Gazette|Valley Times|Coastal News|Metro Observer|
Northern Echo|Weekly Ledger|Harbour Tribune|Capital Chronicle|Riverside Journal|Union Dispatch|
Central Bulletin|Highland Record|Bay Sentinel|Lakeside Register|Frontier Press|Plains Monitor|Summit Star
""".replace("\n", "").split("|")

BOILERPLATE = [
    "Copyright {year} {site}. All rights reserved.",
    "Sign up for the {site} newsletter to get the day's top stories in your inbox.",
    "This article originally appeared on {site}.",
    "Follow {site} on social media for the latest updates.",
    "Read more: {site} coverage of {topic}.",
    "Advertisement",
    "Share this article",
    "Reporting by {site} staff; editing by the {site} desk.",
    "Subscribe to {site} for unlimited access to our journalism.",
    "Comments are closed for this story.",
    "Related: more {topic} news from {site}.",
    "Photo: {site} archive.",
]
