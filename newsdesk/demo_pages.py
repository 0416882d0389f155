"""Renders the bundled demo news sites (stories in ``demo_site/stories.yaml``) to bytes.

Three sites share one set of routes under path prefixes: ``/planet/`` (an RSS
feed; clean pages with heavy chrome), ``/autoblog/`` (a sitemap; WordPress
auto-blog residue and copies of planet stories, one reworded, each with a
"Source link" to its original) and ``/metro/`` (a site crawl; an index page, a
PDF, a page robots.txt disallows, and a too-short notice).  The auto-blog may
be served on another host than the others (``bases``), so that its Source links
name another site's articles, as a real auto-blog's do.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

Route = tuple[int, str, bytes]


@dataclass(frozen=True)
class Story:
    slug: str
    site: str
    title: str
    paragraphs: tuple[str, ...]
    template: str = "clean"
    author: str | None = None
    published: str | None = None
    category: str = "News"
    copy_of: tuple[str, str] | None = None  # the original's site and slug


# Where an auto-blog post that copies no demo story says it took it from (never fetched).
OUTSIDE_SOURCE = "https://example.org/original"


def load_stories() -> list[Story]:
    data = yaml.safe_load((resources.files("newsdesk.demo_site") / "stories.yaml").read_text(encoding="utf-8"))
    raw: list[dict[str, Any]] = data["stories"]
    by_slug = {entry["slug"]: entry for entry in raw}
    stories = []
    for entry in raw:
        original = by_slug[entry["copy_of"]] if "copy_of" in entry else None
        text = entry if "paragraphs" in entry or original is None else original
        stories.append(
            Story(
                slug=entry["slug"],
                site=entry["site"],
                title=text["title"],
                paragraphs=tuple(text["paragraphs"]),
                template=entry.get("template", "clean"),
                author=(original or entry).get("author"),
                published=entry.get("published"),
                category=entry.get("category", "News"),
                copy_of=None if original is None else (original["site"], original["slug"]),
            )
        )
    return stories


CHROME_TOP = """<header class="site-header"><a href="/{site}/">{site_name}</a>
<nav class="main-nav"><ul><li><a href="/{site}/">Home</a></li><li><a href="/{site}/world">World</a></li>
<li><a href="/{site}/business">Business</a></li><li><a href="/{site}/sport">Sport</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. By continuing to browse
you agree to our use of cookies. <button>Accept all cookies</button></div>"""

CHROME_BOTTOM = """<div class="ad-slot advertisement">Advertisement: Best mortgage rates, compare now</div>
<aside class="related-articles"><h3>Related stories</h3><ul>
<li><a href="/{site}/world">Markets rally as inflation cools</a></li>
<li><a href="/{site}/world">Five things to know this week</a></li></ul></aside>
<div class="newsletter-signup">Sign up for our daily newsletter. Enter your email address to subscribe.</div>
<section class="comments"><h3>Comments (2)</h3><p>Great article, thanks!</p><p>First!</p></section>
<footer class="site-footer">&copy; 2026 {site_name}. All rights reserved. Privacy policy. Terms of use.</footer>"""

SHARE_BAR = """<div class="share-bar social-share"><a href="#">Facebook</a> <a href="#">Twitter</a>
<a href="#">LinkedIn</a> <a href="#">Email</a></div>"""

SITE_NAMES = {"planet": "The Daily Planet", "autoblog": "World News Now 24", "metro": "Metro Wire"}


def _clean_body(story: Story) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    byline = f'<p class="byline">By <span class="author">{html.escape(story.author or "")}</span></p>'
    return f"""<article class="story"><h1>{html.escape(story.title)}</h1>{byline}
<time datetime="{story.published or ""}">{story.published or ""}</time>{SHARE_BAR}
<div class="story-body">{paragraphs}</div></article>"""


def _autoblog_body(story: Story, source_url: str) -> str:
    # The default post template of a WordPress auto-blogging plugin, residue and all.
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    posted = f'<time class="entry-date published" datetime="{story.published}">{story.published}</time>'
    return f"""<div class="post"><span class="cat-links">{html.escape(story.category)}</span>
<h1 class="entry-title">{html.escape(story.title)}</h1>{posted if story.published else ""}
<div class="entry-content"><p>{html.escape(story.title)}</p>
<p>Facebook</p><p>Twitter</p><p>LinkedIn</p>
<p>[ad_1]</p>
{paragraphs}
<p>[ad_2]</p>
<p><a href="{html.escape(source_url)}">Source link</a></p></div></div>"""


def render_story(story: Story, bases: Mapping[str, str] | None = None) -> bytes:
    """The page of ``story``; ``bases`` (site -> base URL) gives a copy's Source link its original's address."""
    site_name = SITE_NAMES[story.site]
    source_url = OUTSIDE_SOURCE
    if story.copy_of is not None and bases is not None:
        site, slug = story.copy_of
        source_url = f"{bases[site]}/{site}/{slug}"
    body = _autoblog_body(story, source_url) if story.template == "autoblog" else _clean_body(story)
    meta = f'<meta name="author" content="{html.escape(story.author)}">' if story.author else ""
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(story.title)} | {site_name}</title>{meta}
<link rel="canonical" href="/{story.site}/{story.slug}"></head><body>
{CHROME_TOP.format(site=story.site, site_name=site_name)}
<main>{body}</main>
{CHROME_BOTTOM.format(site=story.site, site_name=site_name)}</body></html>"""
    return page.encode("utf-8")


def _feed(base: str, stories: list[Story]) -> bytes:
    items = "".join(
        f"<item><title>{html.escape(s.title)}</title><link>{base}/{s.site}/{s.slug}</link></item>" for s in stories
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Planet</title>{items}</channel></rss>'.encode()


def _sitemap(base: str, stories: list[Story]) -> bytes:
    urls = "".join(f"<url><loc>{base}/{s.site}/{s.slug}</loc></url>" for s in stories)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def _index(stories: list[Story]) -> bytes:
    links = "".join(f'<li><a href="/metro/{s.slug}">{html.escape(s.title)}</a></li>' for s in stories)
    extra = (
        '<li><a href="/metro/report.pdf">Annual report (PDF)</a></li><li><a href="/metro/private/memo">Memo</a></li>'
    )
    return f"<html><body><h1>Metro Wire</h1><ul>{links}{extra}</ul></body></html>".encode()


HTML = "text/html; charset=utf-8"


def site_bases(base: str, autoblog_base: str | None = None) -> dict[str, str]:
    """Each demo site's base URL: all on ``base`` but the auto-blog, on ``autoblog_base`` when given."""
    return {"planet": base, "metro": base, "autoblog": autoblog_base or base}


def build_routes(base: str, autoblog_base: str | None = None) -> dict[str, Route]:
    """Every path of the demo site -> (status, content type, body)."""
    bases = site_bases(base, autoblog_base)
    stories = load_stories()
    routes: dict[str, Route] = {f"/{s.site}/{s.slug}": (200, HTML, render_story(s, bases)) for s in stories}
    routes["/planet/feed.xml"] = (200, "application/rss+xml", _feed(base, [s for s in stories if s.site == "planet"]))
    routes["/autoblog/sitemap.xml"] = (
        200,
        "application/xml",
        _sitemap(bases["autoblog"], [s for s in stories if s.site == "autoblog"]),
    )
    routes["/metro/"] = (200, HTML, _index([s for s in stories if s.site == "metro"]))
    routes["/metro/report.pdf"] = (200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF")
    routes["/metro/private/memo"] = (200, HTML, b"<html><body><p>Internal memo: never crawled.</p></body></html>")
    routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nDisallow: /metro/private/\n")
    return routes


def _host(base: str) -> str:
    return base.split("://", 1)[1].split(":", 1)[0]


def demo_sources(base: str, autoblog_base: str | None = None) -> dict[str, Any]:
    """The sources file for the demo site at ``base`` (the auto-blog at ``autoblog_base`` when given)."""
    autoblog = autoblog_base or base
    common = {"language": "en", "allow_private_hosts": True}
    polite = {"host_min_interval": 0.05}
    main_host = {"allowed_domains": [_host(base)], **common}
    return {
        "sources": [
            {"id": "planet", "name": "The Daily Planet", "kind": "feed", "start_urls": [f"{base}/planet/feed.xml"],
             "schedule": {"every": 900}, "politeness": polite, **main_host},
            {"id": "autoblog", "name": "World News Now 24", "kind": "sitemap",
             "start_urls": [f"{autoblog}/autoblog/sitemap.xml"], "schedule": {"every": 900}, "politeness": polite,
             "allowed_domains": [_host(autoblog)], **common},
            {"id": "metro", "name": "Metro Wire", "kind": "site", "start_urls": [f"{base}/metro/"],
             "schedule": {"cron": "*/30 * * * *"}, "politeness": {**polite, "max_depth": 1}, "allow": ["/metro/"],
             **main_host},
        ]
    }  # fmt: skip
