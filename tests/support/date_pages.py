"""Small hand-made article pages for the publication-date tests, and the date newsdesk reads from one."""

from __future__ import annotations

from pipelines.extract import extract_article
from pipelines.models import MetadataField

PROSE = "<p>" + "The council met on a quiet evening to weigh the plans for the river path and its lights. " * 4 + "</p>"


def published(html: str, url: str = "https://news.test/story") -> MetadataField[str]:
    return extract_article(html, url).metadata.published


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    """An article page: ``head`` in its head, ``body`` before enough prose to be an article."""
    return f'<html lang="{lang}"><head><title>River path</title>{head}</head><body>{body}{PROSE}</body></html>'
