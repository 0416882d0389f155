"""Small article pages made up for tests (no network, no ../shared data)."""

from __future__ import annotations

import html
import random

PARAGRAPHS = (
    "The harbour authority said on Tuesday that the new container terminal would open in the spring, "
    "two years later than first planned, after delays caused by a shortage of steel and skilled workers.",
    "Officials expect the terminal to handle about 1.5 million containers a year once it runs at full "
    "capacity, which would make the port the third busiest on the coast.",
    "Local businesses welcomed the news but warned that roads leading to the docks are already congested, "
    "and asked the regional government to speed up plans for a rail link to the industrial zone.",
    "The project has cost 420 million euros so far. An independent review of the budget is due to be "
    "published at the end of the month, the authority's spokesperson said.",
)


def article_html(title: str, paragraphs: tuple[str, ...] = PARAGRAPHS, extra_body: str = "") -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><nav class='menu'><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}{extra_body}</article>"
        f"<footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"
    )


VOCABULARY = tuple(
    """
    council budget minister harbour railway school teachers nurses hospital patients farmers harvest drought flood
    storm coast village city mayor election voters campaign parliament senate court judge ruling appeal police
    investigation witness museum exhibition painting concert orchestra festival stadium football league season
    coach players injury transfer market shares investors bank inflation interest rates housing rents tenants
    landlords factory workers union strike wages pension retirement energy prices solar wind turbines grid
    electricity water supply pipeline bridge tunnel airport flights passengers tourism hotels restaurants chef
    menu science researchers laboratory vaccine trial climate emissions forest wildlife river pollution recycling
    waste software startup engineers smartphone privacy data network satellite launch rocket telescope planet
    library books students university exams scholarship ministry report survey census population migration border
    customs trade exports imports tariffs shipping containers port fishing boats quota ferry island mountain snow
    avalanche rescue volunteers charity donations auction heritage castle cathedral restoration architects design
    traffic cyclists pedestrians buses trams metro timetable delays repairs contractor tender contract audit
    """.split()
)
LINKS = ("said on", "announced after", "warned before", "confirmed during", "explained at", "denied after")


def story(n: int) -> tuple[str, tuple[str, ...]]:
    """A distinct made-up story number ``n``: its own words, names and numbers (seeded, so repeatable)."""
    rng = random.Random(n)

    def sentence() -> str:
        words = rng.sample(VOCABULARY, 9)
        return (
            f"The {words[0]} {rng.choice(LINKS)} the {words[1]} that {words[2]} and {words[3]} in the {words[4]} "
            f"would affect {rng.randint(2, 999)} {words[5]}, while the {words[6]} and {words[7]} near the "
            f"{words[8]} remained uncertain."
        )

    paragraphs = tuple(" ".join(sentence() for _ in range(3)) for _ in range(4))
    topic = rng.sample(VOCABULARY, 2)
    return f"Story {n}: {topic[0]} and {topic[1]}", paragraphs


def sitemap_site(base: str, pages: int) -> dict[str, tuple[int, str, bytes]]:
    """A sitemap listing ``/a/0`` .. ``/a/<pages-1>``, the articles, and a robots.txt that allows all."""
    locs = "".join(f"<url><loc>{base}/a/{n}</loc></url>" for n in range(pages))
    routes = {
        "/sitemap.xml": (200, "application/xml", f"<?xml version='1.0'?><urlset>{locs}</urlset>".encode()),
        "/robots.txt": (200, "text/plain", b"User-agent: *\nAllow: /\n"),
    }
    for n in range(pages):
        title, paragraphs = story(n)
        routes[f"/a/{n}"] = (200, "text/html; charset=utf-8", article_html(title, paragraphs).encode())
    return routes
