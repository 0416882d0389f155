"""The pages the end-to-end bench serves: generated news articles, or the Zyte benchmark pages.

Generated pages are 30-120 KB like real ones: the article (headline, byline, time,
10-20 paragraphs) sits among a mega-menu, a cookie banner, share bars, ad slots
with their inline state script, related and most-read lists, a newsletter box,
comments and a link-heavy footer.  A share of the pages republish an earlier
story unchanged on the other site (exact duplicates) or lightly reworded (near
duplicates), and a few quote a reader's swear word (the profanity model's path).
"""

from __future__ import annotations

import gzip
import html
import random
from dataclasses import dataclass
from pathlib import Path

from bench import e2e_words as w

ZYTE_HTML = Path("/work/shared/data/article-extraction-benchmark/html")
HTML_TYPE = "text/html; charset=utf-8"
KB = 1024


@dataclass(frozen=True)
class Story:
    title: str
    author: str
    section: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class BenchPage:
    path: str
    body: bytes
    kind: str  # original, exact, near, zyte or warmup
    url: str


def _sentence(rng: random.Random) -> str:
    if rng.random() < 0.3:
        subject = rng.choice(w.SUBJECTS)
        clause = f" {rng.choice(w.CLAUSES)}" if rng.random() < 0.5 else ""
        text = f"{rng.choice(w.FILLERS)} {subject} {rng.choice(w.VERBS)} {rng.choice(w.OBJECTS)}{clause}"
        return f"{text}, and {rng.choice(w.OUTCOMES)}."
    vocab = w.VOCABULARY
    words = [vocab[min(int(rng.paretovariate(0.9)) - 1 + rng.randrange(40), len(vocab) - 1)] for _ in range(8)]
    words += [rng.choice(vocab) for _ in range(rng.randrange(4, 16))]
    rng.shuffle(words)
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), f"{rng.randrange(2, 980)}")
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(w.PLACES))
    return " ".join(words).capitalize() + "."


def headline(rng: random.Random) -> str:
    subject = rng.choice(w.SUBJECTS)
    return rng.choice(w.HEADLINES).format(
        place=rng.choice(w.PLACES), subject=subject, subject_cap=subject.capitalize(), verb=rng.choice(w.VERBS),
        object=rng.choice(w.OBJECTS), clause=rng.choice(w.CLAUSES),
    )  # fmt: skip


def make_story(rng: random.Random, salty: bool) -> Story:
    title = headline(rng)
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randrange(3, 7))) for _ in range(rng.randrange(10, 21))]
    if salty:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), w.SALTY_QUOTE)
    return Story(title, rng.choice(w.PEOPLE), rng.choice(w.SECTIONS), tuple(paragraphs))


def reword(story: Story, rng: random.Random) -> Story:
    """A near copy: about one word in twenty replaced and the last paragraph dropped."""
    paragraphs = []
    for paragraph in story.paragraphs[:-1]:
        words = paragraph.split()
        for i in range(len(words)):
            if rng.random() < 0.05:
                words[i] = rng.choice(w.VOCABULARY)
        paragraphs.append(" ".join(words))
    return Story(story.title, story.author, story.section, tuple(paragraphs))


def _nav(site_slug: str) -> str:
    menus = "".join(
        f'<li class="menu-item"><a href="/{site_slug}/{s.lower()}">{s}</a><ul class="sub-menu">'
        + "".join(f'<li><a href="/{site_slug}/{s.lower()}/{sub.lower()}">{s} {sub}</a></li>' for sub in w.SUBSECTIONS)
        + "</ul></li>"
        for s in w.SECTIONS
    )
    return f'<nav class="main-navigation" role="navigation"><ul class="menu">{menus}</ul></nav>'


def _teasers(css: str, heading: str, rng: random.Random, site_slug: str) -> str:
    items = "".join(
        f'<li><a href="/{site_slug}/story/{rng.randrange(10**6)}">{html.escape(headline(rng))}</a>'
        f'<span class="teaser-time">{rng.randrange(1, 59)} min ago</span></li>'
        for _ in range(10)
    )
    return f'<aside class="{css}"><h3>{heading}</h3><ul>{items}</ul></aside>'


def _padding(rng: random.Random, target_bytes: int, section: str) -> tuple[str, str]:
    """A stylesheet and an ad-state script that bring the page to ``target_bytes``, as real pages carry."""
    css_rules, state, size, n = [], [], 0, 0
    while size < target_bytes:
        n += 1
        css = w.CSS_RULE.format(cls=rng.choice(("c", "g", "ad", "nav")), n=n, m=rng.randrange(10, 30))
        entry = w.STATE_ENTRY.format(n=n, sec=section.lower(), word=rng.choice(w.VOCABULARY))
        css_rules.append(css)
        state.append(entry)
        size += len(css) + len(entry)
    return "".join(css_rules), "window.__AD_STATE__=[" + "".join(state).rstrip(",") + "];"


def render(story: Story, path: str, site: int, base: str, rng: random.Random, target_kb: int) -> bytes:
    site_name_tpl, site_slug, body_cls, header_cls = w.SITE_STYLES[site]
    site_name = site_name_tpl.format(place=w.PLACES[site])
    title = html.escape(story.title)
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    share = "".join(f'<a class="share-{t.lower()}" href="#">{t}</a>' for t in w.SHARE_TARGETS)
    comments = "".join(f'<div class="comment"><p>{_sentence(rng)}</p></div>' for _ in range(rng.randrange(0, 6)))
    footer = "".join(f'<li><a href="/{site_slug}/{t.lower().replace(" ", "-")}">{t}</a></li>' for t in w.FOOTER_LINKS)
    logo = f'<a class="logo" href="/{site_slug}/">{site_name}</a>'
    chrome = f"""<header class="site-header">{logo}{_nav(site_slug)}</header>
<div id="cookie-consent" class="cookie-banner">{w.COOKIE_TEXT}<button>Accept all</button></div>
<div class="ad-slot advertisement" id="ad-top">Advertisement</div>"""
    article = f"""<article class="story"><header class="{header_cls}"><span class="kicker">{story.section}</span>
<h1>{title}</h1><p class="byline">By <a rel="author" href="/{site_slug}/author">{story.author}</a></p>
<time datetime="2026-11-{1 + rng.randrange(27):02d}T{rng.randrange(24):02d}:00:00Z">November 2026</time></header>
<div class="share-bar social-share">{share}</div>
<div class="{body_cls}">{paragraphs}</div>
<div class="share-bar social-share bottom">{share}</div></article>"""
    bottom = f"""{_teasers("related-articles", "Related stories", rng, site_slug)}
<div class="ad-slot advertisement" id="ad-mid">Advertisement</div>
{_teasers("most-read popular", "Most read", rng, site_slug)}
<div class="newsletter-signup">{w.NEWSLETTER_TEXT}<input type="email"><button>Sign up</button></div>
<section class="comments" id="comments"><h3>Comments</h3>{comments}</section>
<footer class="site-footer"><ul>{footer}</ul><p>&copy; 2026 {site_name}</p></footer>"""
    skeleton = len(chrome) + len(article) + len(bottom) + 600
    css, state = _padding(rng, max(0, target_kb * KB - skeleton), story.section)
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site_name}</title>
<meta name="author" content="{story.author}"><meta property="og:title" content="{title}">
<link rel="canonical" href="{base}{path}"><style>{css}</style></head><body>
{chrome}<main id="main">{article}</main>{bottom}<script>{state}</script></body></html>"""
    return page.encode("utf-8")


def synthetic_pages(
    count: int, bases: list[str], *, seed: int = 7, exact_share: float = 0.05, near_share: float = 0.05,
    salty_share: float = 0.02,
) -> list[BenchPage]:  # fmt: skip
    """``count`` pages spread over the sites at ``bases``; copies always follow their original."""
    rng = random.Random(seed)
    originals: list[Story] = []
    pages = []
    for n in range(count):
        roll = rng.random()
        kind = "original"
        if originals and roll < exact_share:
            story, kind = rng.choice(originals), "exact"
        elif originals and roll < exact_share + near_share:
            story, kind = reword(rng.choice(originals), rng), "near"
        else:
            story = make_story(rng, rng.random() < salty_share)
            originals.append(story)
        site = n % 2 if kind == "original" else 1 - (n % 2)
        path = f"/{w.SITE_STYLES[site][1]}/{story.section.lower()}/{n:06d}"
        base = bases[n % len(bases)]
        pages.append(BenchPage(path, render(story, path, site, base, rng, rng.randrange(30, 121)), kind, base + path))
    return pages


def zyte_pages(count: int, bases: list[str], html_dir: Path = ZYTE_HTML) -> list[BenchPage]:
    """The Zyte article-extraction benchmark pages, cycled (a second round is exact copies) up to ``count``."""
    files = sorted(html_dir.glob("*.html.gz"))
    if not files:
        raise SystemExit(f"no Zyte pages under {html_dir}")
    bodies = [gzip.decompress(f.read_bytes()) for f in files]
    pages = []
    for n in range(count):
        path = f"/zyte/{n // len(files)}/{files[n % len(files)].name.removesuffix('.html.gz')}"
        kind = "zyte" if n < len(files) else "exact"
        pages.append(BenchPage(path, bodies[n % len(files)], kind, bases[n % len(bases)] + path))
    return pages


def _sitemap(pages: list[BenchPage]) -> bytes:
    urls = "".join(f"<url><loc>{p.url}</loc></url>" for p in pages)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def site_routes(pages: list[BenchPage], crawlers: int) -> dict[str, tuple[int, str, bytes]]:
    """Every page, ``/sitemap-<i>.xml`` listing crawler i's slice of them, and a permissive robots.txt."""
    routes = {p.path: (200, HTML_TYPE, p.body) for p in pages}
    for i in range(crawlers):
        routes[f"/sitemap-{i}.xml"] = (200, "application/xml", _sitemap(pages[i::crawlers]))
    routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nAllow: /\n")
    return routes
