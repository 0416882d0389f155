"""Word lists and page templates for the end-to-end bench's generated news sites (data only)."""

from __future__ import annotations

SUBJECTS = (
    "the council", "the minister", "the central bank", "local residents", "the union", "the company",
    "investigators", "the mayor", "scientists", "the committee", "the court", "health officials",
    "the opposition", "farmers", "teachers", "the regulator", "the airline", "city planners",
    "the hospital trust", "police", "the school board", "economists", "the governor", "voters",
)  # fmt: skip
VERBS = (
    "announced", "rejected", "approved", "criticised", "delayed", "defended", "reviewed", "proposed",
    "questioned", "confirmed", "welcomed", "warned about", "agreed on", "published", "postponed",
    "challenged", "expanded", "cut", "extended", "funded",
)  # fmt: skip
OBJECTS = (
    "a new budget", "the housing plan", "the interest rate decision", "plans for a bypass",
    "the water contract", "a pay offer", "the school closures", "a flood defence scheme",
    "the bus timetable", "an inquiry into spending", "the energy tariff", "the hospital expansion",
    "a ban on night flights", "the recycling programme", "new speed limits", "the stadium deal",
    "a tax on second homes", "the train strike", "the library funding", "the harbour redevelopment",
)  # fmt: skip
CLAUSES = (
    "after months of talks", "despite strong objections", "on Tuesday evening", "in a narrow vote",
    "according to documents seen by reporters", "following a public consultation",
    "amid rising costs", "for the second time this year", "ahead of the winter", "without a vote",
    "after a review by independent auditors", "as campaigners gathered outside",
    "in a statement released late on Friday", "while negotiations continue",
)  # fmt: skip
FILLERS = (
    "The figures suggest that", "Critics argue that", "Supporters say that", "Officials insist that",
    "It is understood that", "Residents fear that", "Analysts expect that", "Documents show that",
    "A spokesperson said that", "Many believe that",
)  # fmt: skip
OUTCOMES = (
    "costs will rise by several million over the next decade",
    "the change will affect thousands of households in the region",
    "the timetable could slip well into next year",
    "the decision reflects pressure from national government",
    "further consultation is needed before any work begins",
    "the plan will be revisited once the audit is complete",
    "smaller businesses will bear most of the burden",
    "the final bill remains uncertain until tenders close",
    "the scheme could be copied by neighbouring districts",
    "the vote exposes deep divisions within the coalition",
)  # fmt: skip
PLACES = (
    "Northfield", "Eastbrook", "Harrowgate", "Millbridge", "Southport", "Kingsmere", "Ashford Vale",
    "Riverton", "Westhaven", "Oakley", "Stonebury", "Lakeside", "Brookfield", "Greywater",
)  # fmt: skip
PEOPLE = (
    "Maria Lopez", "James Whitfield", "Priya Natarajan", "Tom Becker", "Aisha Khan", "Daniel Novak",
    "Sofia Rossi", "Owen Price", "Lena Fischer", "Samuel Okafor", "Hannah Cole", "Marek Zielinski",
)  # fmt: skip
SECTIONS = ("News", "Politics", "Business", "Sport", "Culture", "Science", "Health", "Opinion", "Travel", "Tech")
SUBSECTIONS = ("Local", "National", "World", "Analysis", "Live", "Video", "Podcasts", "Photos")
# A reader's quote some pages carry: its pre-filter hit sends the sentence to the profanity model,
# as real comment quotes do.
SALTY_QUOTE = "One resident told the meeting the whole consultation was bullshit and a waste of money."
HEADLINES = (
    "{place} {subject_cap} {verb} {object}",
    "{subject_cap} {verb} {object} in {place}",
    "Why {place} {subject} {verb} {object}",
    "{place}: {subject} {verb} {object} {clause}",
)
SITE_STYLES = (
    ("The {place} Courier", "courier", "article-body", "story-header"),
    ("{place} Evening Post", "post", "entry-content", "entry-header"),
)

CSS_RULE = ".{cls}-{n}{{margin:{n}px 0;padding:0 {n}px;color:#{n:03d};font-size:{m}px;line-height:1.{m}}}\n"
STATE_ENTRY = '{{"id":{n},"slot":"ad-{n}","sizes":[[300,250],[728,90]],"targeting":{{"s":"{sec}","k":"{word}{n}"}}}},'
COOKIE_TEXT = (
    "We and our partners use cookies to personalise content and ads, to provide social media features and to "
    "analyse our traffic. You can change your choices at any time. Accept all cookies or manage preferences."
)
NEWSLETTER_TEXT = "Get the morning briefing: the day's top stories in your inbox. Sign up now, it's free."
FOOTER_LINKS = (
    "About us", "Contact", "Advertise", "Careers", "Privacy policy", "Cookie settings", "Terms of use",
    "Accessibility", "Corrections", "Complaints", "Subscribe", "Archive", "Sitemap", "RSS feeds",
)  # fmt: skip
SHARE_TARGETS = ("Facebook", "X", "LinkedIn", "WhatsApp", "Email", "Copy link")
# Running prose is drawn from this vocabulary (Zipf-weighted by position), so unrelated
# articles share few word shingles, as real ones do.
_VOCABULARY_TEXT = """
    the of and to in a is that for it as was with be by on not he this are or his from at which but have an
    they you were her she there been one all we their has would when if so no will more said can who out them
    about into than its up other some could time these two may first then do any like my now over such our
    man me even most made after also did many before must through back years where much your way well down
    should because each just those people how too little state good very make world still own see men work
    long get here between both life being under never day same another know while last might us great old
    year off come since against go came right used take three states himself few house use during without
    again place american around however home small found thought went say part once general high upon school
    every does got united left number course war until always away something fact though water less public
    put think almost hand enough far took head yet government system better set told nothing night end why
    called didn eyes find going look asked later knew point next city business give group toward young days
    let room president side social given present several order national possible rather second face per among
    form important often things looking early white case john become large big need four within felt along
    children saw best church ever least power development light thing seemed family interest want members
    mind country area others done turned although open god service certain kind problem began different door
    thus help sense means whole matter perhaps itself york times law human line above name example action
    company local show whether five history gave today either act feet across taken past quite anything seen
    having death experience body word half really week field car words already information tell together
    college shall money period held keep sure probably free seems real behind cannot miss political air
    question making office brought whose special heard major problems ago became federal moment study
    available known result street economic boy position reason change south board individual job society west
    close turn love community true court force full seem wife age policy voice center woman control common
    necessary front sometimes six land themselves minutes evidence tax river budget council harbour station
    bridge tender contract deficit surplus inflation pension rail airport clinic ward museum festival league
"""
VOCABULARY = tuple(_VOCABULARY_TEXT.split())
