"""A seeded, labelled set of auto-blog copies, pages with leftover boilerplate, and clean articles.

Everything is generated here from our own sentence templates (no scraped
text), so the set can be regenerated anywhere:

    .venv/bin/python -m bench.flags_autoblog            # prints the set's make-up

Labels:
* ``autoblog`` - the page came out of an auto-blog template (the WordPress
  ``[ad_1]``/``[ad_2]`` + "Source link" plugin layout, RSS "The post ... appeared
  first on ..." republishers, scrapers that print the title twice, feed excerpts,
  auto-generated notices).  Some signatures are randomly dropped or moved to the
  stripped blocks, as extraction would, so a few positives keep one visible
  signature only (the detector needs two: those are honest misses).
* ``boilerplate`` - page furniture is still in the text (share bars, ad
  shortcodes or labels, cookie/newsletter text, "Related"/"Read more" lines).
* clean pages include hard negatives: prose that mentions sharing, cookies,
  advertisements, newsletters, sources and links.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from pipelines.models import StrippedBlock

SUBJECTS = [
    "The prime minister",
    "The city council",
    "Health officials",
    "The central bank",
    "Local farmers",
    "The opposition leader",
    "Researchers at the university",
    "The transport minister",
    "Union leaders",
    "The football club",
    "Firefighters",
    "The regional governor",
    "Energy regulators",
    "Teachers",
]
VERBS = [
    "announced",
    "rejected",
    "approved",
    "criticised",
    "welcomed",
    "delayed",
    "defended",
    "proposed",
    "questioned",
    "postponed",
    "unveiled",
    "debated",
]
OBJECTS = [
    "a new budget for public transport",
    "plans to withdraw troops",
    "a rise in interest rates",
    "the proposed water tariff",
    "a reform of the pension system",
    "new rules for rental housing",
    "the timetable for road repairs",
    "a ban on single-use plastics",
    "the hospital merger",
    "funding for rural schools",
    "a review of the energy grid",
    "the stadium expansion",
]
WHEN = [
    "on Monday",
    "on Tuesday",
    "late on Wednesday",
    "on Thursday",
    "this week",
    "after a long meeting",
    "in a statement",
    "at a press conference",
]
FOLLOW = [
    "Officials said the changes would take effect next spring.",
    "Critics argued that the plan relied too heavily on one-off funding.",
    "The decision follows months of negotiations between the main parties.",
    "A spokesperson said further details would be published next month.",
    "Residents will be able to comment on the proposal at public meetings.",
    "Analysts expect the measure to be debated again before the end of the year.",
    "The announcement was welcomed by business groups but criticised by unions.",
    "Previous attempts at a similar reform failed in parliament.",
]
QUOTES = [
    '"We have listened to people and this is the result," {who} told reporters.',
    '"This is not the end of the discussion," {who} said.',
    '"Our priority is to get this right, not to do it quickly," {who} added.',
]
WHO = ["a senior official", "the mayor", "the minister", "a spokeswoman", "the committee chair"]
# Hard negatives: prose that uses the words the signature patterns look for.
HARD = [
    "The minister shared a link to the full report on social media and urged readers to check the source.",
    "Bakers at the market handed out cookies to commuters waiting for the delayed trains.",
    "An advertisement for the new bus routes will run on local radio from next week.",
    "The council's newsletter, sent to residents every month, will carry the timetable.",
    "The post office on Main Street will close for renovation, the company said.",
    "Her speech, shared widely on Facebook and Twitter, appeared first on a local radio programme.",
    "Read more about the history of the bridge in the museum's new exhibition, organisers said.",
    "The source of the leak has not been identified, according to the water company.",
    "Officials said the link between the two projects was a matter for the courts.",
    "The study [1] found a modest effect, and a second paper [2] confirmed it.",
]
SITES = ["dailynewsfeed.example", "worldwire24.example", "breakingtoday.example", "newsnow-hub.example"]

SHARE_BARS = [
    "Facebook Twitter LinkedIn",
    "Facebook Twitter Pinterest Email",
    "Share this:",
    "Share on Facebook",
    "Facebook | Twitter | WhatsApp | Email",
    "Click to share on Twitter",
]
# The last one or two variants of each kind were written after the patterns and never
# tuned against ("Share via Email", "Advertisements", "Like this:" ...): they measure
# how the patterns generalise rather than whether they match their own examples.
FURNITURE = {
    "share_bar": [*SHARE_BARS, "Share via Email", "Share this article on: Facebook, Twitter"],
    "ad_label": [
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Sponsored content",
        "Advertisements",
        "- Advertisement -",
    ],
    "ad_shortcode": ["[adsense]", "[ads]", "[ad]", "[ad id=3]"],
    "cookie": [
        "We use cookies to give you the best experience on our website.",
        "This site uses cookies. By continuing you accept cookies.",
        "Manage cookie settings",
        "By using this site you agree to our use of cookies.",
    ],
    "newsletter": [
        "Sign up for our daily newsletter",
        "Subscribe to our newsletter for the latest updates",
        "Get the latest news delivered to your inbox",
        "Join our mailing list",
    ],
    "related": [
        "Read more:",
        "Related articles",
        "You may also like",
        "ALSO READ",
        "Like this:",
        "More from this section",
    ],
    "wp_shortcode": [
        '[caption id="attachment_512" align="aligncenter" width="800"]',
        "[ssba]",
        "[addtoany]",
        "[contact-form-7 id=12]",
    ],
}


@dataclass(frozen=True)
class LabelledDoc:
    doc_id: str
    title: str
    text: str
    autoblog: bool
    boilerplate: bool
    kind: str
    stripped: tuple[StrippedBlock, ...] = field(default=())


def _body(rng: random.Random, hard: bool) -> tuple[str, str]:
    subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    title = f"{subject.removeprefix('The ')} {verb} {obj}"
    title = title[0].upper() + title[1:]
    paragraphs = [f"{subject} {verb} {obj} {rng.choice(WHEN)}, saying the country could not wait any longer."]
    for _ in range(rng.randint(3, 7)):
        sentences = rng.sample(FOLLOW, 2)
        if rng.random() < 0.5:
            sentences.append(rng.choice(QUOTES).format(who=rng.choice(WHO)))
        if hard and rng.random() < 0.5:
            sentences.append(rng.choice(HARD))
        rng.shuffle(sentences)
        paragraphs.append(" ".join(sentences))
    return title, "\n".join(paragraphs)


def _vary(rng: random.Random, text: str) -> str:
    """Case and spacing variants auto-blog themes produce."""
    choice = rng.random()
    if choice < 0.2:
        return text.upper()
    if choice < 0.35:
        return text.title()
    if choice < 0.5:
        return "  " + text + " "
    return text


def _furniture(rng: random.Random, paragraphs: list[str], count: int) -> None:
    for kind in rng.sample(sorted(FURNITURE), count):
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(FURNITURE[kind]))


def _autoblog(rng: random.Random, title: str, body: str) -> tuple[str, tuple[StrippedBlock, ...], bool]:
    """An auto-blog page; returns (text, stripped blocks, furniture left in text)."""
    site = rng.choice(SITES)
    template = rng.choice(["wp_plugin", "rss_republisher", "scraper", "feed_excerpt", "autogen"])
    head: list[tuple[str, str]] = []  # (signature, line) before the body
    tail: list[tuple[str, str]] = []
    if template == "wp_plugin":
        head = [("title", title), ("title", title), ("share", rng.choice(SHARE_BARS)), ("ad", "[ad_1]")]
        tail = [("ad", "[ad_2]"), ("source", _vary(rng, "Source link"))]
    elif template == "rss_republisher":
        tail = [("post", f"The post {title} appeared first on {site}."), ("source", _vary(rng, "Source link"))]
    elif template == "scraper":
        head = [("title", title), ("title", title)]
        tail = [
            (
                "more",
                _vary(
                    rng, rng.choice(["Read the full article", f"Continue reading at {site}", f"Read more at {site}"])
                ),
            )
        ]  # the last one never tuned
    elif template == "feed_excerpt":
        body = body[: rng.randint(300, 600)].rstrip() + " […]"
        tail = [("post", f"The post {title} appeared first on {site}.")]
    else:
        tail = [
            ("gen", f"This article was automatically generated from a syndicated feed by {site}."),
            ("source", _vary(rng, "Source link")),
        ]
    lines = [*head, ("body", body), *tail]
    stripped: list[StrippedBlock] = []
    kept: list[str] = []
    for sig, line in lines:
        if sig in ("body", "title"):
            kept.append(line)
        elif rng.random() < 0.15:
            continue  # the theme left it out
        elif sig in ("ad", "source", "share") and rng.random() < 0.3:
            stripped.append(StrippedBlock("text_residue" if sig != "share" else "share_bar", line))
        else:
            kept.append(line)
    furniture_left = any(line in SHARE_BARS or line in ("[ad_1]", "[ad_2]") for line in kept)
    return "\n".join(kept), tuple(stripped), furniture_left


def generate(seed: int = 20261128, n: int = 1500) -> list[LabelledDoc]:
    """``n`` documents: ~30% auto-blog, ~30% leftover boilerplate, ~40% clean (half with hard negatives)."""
    rng = random.Random(seed)
    docs: list[LabelledDoc] = []
    for i in range(n):
        roll = rng.random()
        title, body = _body(rng, hard=roll >= 0.6 and rng.random() < 0.5)
        if roll < 0.3:
            text, stripped, furniture = _autoblog(rng, title, body)
            docs.append(LabelledDoc(f"ab-{i}", title, text, True, furniture, "autoblog", stripped))
        elif roll < 0.6:
            paragraphs = body.split("\n")
            _furniture(rng, paragraphs, rng.randint(1, 3))
            docs.append(LabelledDoc(f"bp-{i}", title, "\n".join(paragraphs), False, True, "boilerplate"))
        else:
            docs.append(LabelledDoc(f"cl-{i}", title, body, False, False, "clean"))
    return docs


if __name__ == "__main__":
    sample = generate()
    print(
        Counter(d.kind for d in sample),
        "autoblog:",
        sum(d.autoblog for d in sample),
        "boilerplate:",
        sum(d.boilerplate for d in sample),
    )
    print(sample[0].text[:600])
