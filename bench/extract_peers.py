"""The extractors compared by bench/extract.py, each as ``html str -> text``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata

import lxml.html
import trafilatura
from readability import Document
from resiliparse.extract.html2text import extract_plain_text

from pipelines.extract import extract_article

Extractor = Callable[[str], str]


def newsdesk(html: str) -> str:
    return extract_article(html).text


def trafilatura_precision(html: str) -> str:
    return str(trafilatura.extract(html, favor_precision=True) or "")


def trafilatura_default(html: str) -> str:
    return str(trafilatura.extract(html, include_comments=False) or "")


def readability_lxml(html: str) -> str:
    summary = Document(html).summary(html_partial=True)
    if not summary.strip():
        return ""
    # Space-join text nodes so words in adjacent blocks do not fuse.
    return " ".join(lxml.html.fromstring(summary).itertext())


def resiliparse_main(html: str) -> str:
    return str(extract_plain_text(html, main_content=True))


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


PEERS: dict[str, tuple[Extractor, str]] = {
    "newsdesk": (newsdesk, "local"),
    "trafilatura (favor_precision)": (trafilatura_precision, _version("trafilatura")),
    "trafilatura (default, no comments)": (trafilatura_default, _version("trafilatura")),
    "readability-lxml": (readability_lxml, _version("readability-lxml")),
    "resiliparse (main content)": (resiliparse_main, _version("resiliparse")),
}
