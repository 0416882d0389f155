"""Small article pages made up for tests (no network, no ../shared data)."""

from __future__ import annotations

import html

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


def story(n: int) -> tuple[str, tuple[str, ...]]:
    """A distinct story number ``n``: different numbers and names, so no two are near duplicates."""
    cities = ("Arlen", "Brisk", "Corvo", "Dunmore", "Elmira", "Fallow", "Gresham", "Halden", "Iverly", "Jasper")
    topics = ("bridge", "school", "hospital", "stadium", "library", "airport", "museum", "market", "park", "tunnel")
    city, topic = cities[n % 10], topics[(n // 10) % 10]
    paragraphs = (
        f"Story {n}: officials in {city} approved plans for a new {topic} on Monday after a vote of {n % 37 + 5} "
        f"to {n % 11 + 1}, ending a debate that lasted {n % 9 + 2} years.",
        f"The {topic} will cost about {n * 7 % 900 + 100} million and employ {n * 13 % 500 + 50} people, "
        f"according to figures published by the {city} planning office, reference {n * 7919}.",
        f"Residents of {city} will be able to comment on the {topic} designs until the end of month {n % 12 + 1}, "
        f"and construction could begin in {2027 + n % 5} if no objections are upheld. Case file {n}-{n * 31}.",
    )
    return f"{city} approves new {topic} (case {n})", paragraphs
