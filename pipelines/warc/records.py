"""One WARC response record to a :class:`~pipelines.models.Page`, or the reason it is skipped.

Pure: the reader (:mod:`pipelines.warc.reader`) hands over what FastWARC
parsed; nothing here touches a file.  The checks run cheapest first: the
WARC headers (record type, target URI, date, length) before the HTTP headers,
and those before the body is decoded or its language looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import urlsplit

from pipelines.flagging.detectors.language import base_language, identifier
from pipelines.models import Page, Provenance
from pipelines.warc.job import WarcFilters, WarcJob
from pipelines.warc.payload import decode_body

# Common Crawl tags records with ISO 639-3 codes (WARC-Identified-Content-Language: eng,deu); newsdesk and
# HTML use ISO 639-1.  The languages of most news sites; a code not listed is compared as it is.
ISO639_3_TO_1 = {
    "eng": "en", "deu": "de", "fra": "fr", "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "rus": "ru",
    "pol": "pl", "ukr": "uk", "ces": "cs", "slk": "sk", "hun": "hu", "ron": "ro", "bul": "bg", "ell": "el",
    "tur": "tr", "ara": "ar", "heb": "he", "fas": "fa", "hin": "hi", "ben": "bn", "urd": "ur", "zho": "zh",
    "jpn": "ja", "kor": "ko", "vie": "vi", "tha": "th", "ind": "id", "msa": "ms", "swe": "sv", "dan": "da",
    "nor": "no", "nob": "nb", "fin": "fi", "est": "et", "lav": "lv", "lit": "lt", "hrv": "hr", "srp": "sr",
    "slv": "sl", "cat": "ca", "eus": "eu", "glg": "gl", "tam": "ta", "tel": "te", "mar": "mr", "swa": "sw",
}  # fmt: skip
# An http(s) URI with a host (urlsplit on every record cost more than the rest of these checks).
_HTTP_HOST = re.compile(r"https?://[^/?#@\s]*?[^/?#:@\s\[\]]", re.IGNORECASE)
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_TAG = re.compile(rb"<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.IGNORECASE | re.DOTALL)
LANG_SNIFF_BYTES = 4096  # where <html lang> is, on any page
LANG_SAMPLE_BYTES = 32768  # the text py3langid looks at when nothing is declared
MIN_SAMPLE_CHARS = 80


@dataclass(frozen=True)
class HttpResponse:
    """What the HTTP part of a response record says; ``headers`` keep their order and repeats."""

    status: int
    headers: tuple[tuple[str, str], ...]
    payload: bytes  # the body as archived (maybe chunked or compressed)

    @cached_property
    def _by_name(self) -> dict[str, str]:
        """Lower-cased name -> the first value (one pass; a page's headers are looked up several times)."""
        return {key.lower(): value for key, value in reversed(self.headers)}

    def header(self, name: str) -> str:
        return self._by_name.get(name.lower(), "")


@dataclass(frozen=True)
class RecordHead:
    """The WARC headers of one record and where it starts in its file."""

    offset: int
    record_id: str
    warc_type: str
    target_uri: str
    date: datetime | None
    content_length: int
    identified_language: str = ""  # WARC-Identified-Content-Language, if the archiver set it


def head_skip(head: RecordHead, filters: WarcFilters, max_bytes: int) -> str | None:
    """Why the record is skipped on its WARC headers alone, or None to read it."""
    if head.warc_type != "response":
        return f"type_{head.warc_type or 'unknown'}"
    host = _HTTP_HOST.match(head.target_uri)
    if host is None:
        return "not_http_uri"
    if (filters.allow_hosts or filters.deny_hosts) and not filters.host_allowed(
        urlsplit(head.target_uri).hostname or ""
    ):
        return "host_filtered"
    if head.date is None:
        return "no_date"
    if not filters.date_allowed(head.date):
        return "date_filtered"
    if head.content_length > max_bytes:
        return "over_size_cap"
    return None


def mime_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def declared_languages(head: RecordHead, response: HttpResponse, body: bytes) -> set[str]:
    """Languages the archive, the server or the page itself declare (primary subtags)."""
    archived = (code.strip().lower() for code in head.identified_language.split(","))
    found = {ISO639_3_TO_1.get(code, code) for code in archived}
    found |= {base_language(code) for code in response.header("Content-Language").split(",")}
    match = _HTML_LANG.search(body[:LANG_SNIFF_BYTES])
    if match:
        found.add(base_language(match.group(1).decode("ascii")))
    return {code for code in found if code}


def detected_language(body: bytes) -> str:
    """py3langid's call on the visible text of the page's opening (a sample: enough for a confident call)."""
    text = _TAG.sub(b" ", body[:LANG_SAMPLE_BYTES]).decode("utf-8", "replace")
    text = " ".join(text.split())
    if len(text) < MIN_SAMPLE_CHARS:
        return ""
    language, _ = identifier().classify(text[:2000])
    return str(language)


def language_allowed(head: RecordHead, response: HttpResponse, body: bytes, languages: frozenset[str]) -> bool:
    if not languages:
        return True
    declared = declared_languages(head, response, body)
    if declared:
        return bool(declared & languages)
    return detected_language(body) in languages


def to_page(head: RecordHead, response: HttpResponse, job: WarcJob, max_bytes: int) -> Page | str:
    """The page of a response record that passed :func:`head_skip`, or why it is skipped."""
    if not 200 <= response.status < 300:
        return "http_status"
    content_type = response.header("Content-Type")
    if job.filters.mime_types and mime_type(content_type) not in job.filters.mime_types:
        return "mime_filtered"
    body = decode_body(
        response.payload, response.header("Transfer-Encoding"), response.header("Content-Encoding"), max_bytes
    )
    if body.problem is not None:
        return "undecodable_body"
    if not body.data or body.data.isspace():  # (no strip: it would copy the body)
        return "empty_body"
    if not language_allowed(head, response, body.data, job.filters.languages):
        return "language_filtered"
    assert head.date is not None  # head_skip refused records without one
    return Page(
        url=head.target_uri,
        final_url=head.target_uri,
        status=response.status,
        body=body.data,
        source_id=job.source_id,
        fetched_at=head.date,
        content_type=content_type or None,
        etag=response.header("ETag") or None,
        last_modified=response.header("Last-Modified") or None,
        provenance=Provenance(job.location, head.offset, head.record_id),
    )
