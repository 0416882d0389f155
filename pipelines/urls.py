"""Canonical URLs and the article id derived from them (the article's business key)."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract

# Query parameters that track a click rather than name a page.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "cmpid", "ocid"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def article_id(canonical_url: str) -> str:
    """A stable 32-hex-digit id for the article at ``canonical_url``."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


@cache
def _suffixes() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot tldextract ships, private domains (github.io, blogspot.com) included;
    # never fetched over the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registrable_domain(host: str) -> str:
    """The part of ``host`` one owner registers: ``www.bbc.co.uk`` -> ``bbc.co.uk``, ``a.github.io`` -> itself.

    An address is its own site; a name under a suffix the list does not know (``.test``) is taken as one label
    under a one-label suffix, as the list's default rule ``*`` says.
    """
    host = host.lower().strip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    parts = _suffixes()(host)
    registered = parts.top_domain_under_public_suffix
    if registered:
        return str(registered)
    return ".".join(host.split(".")[-2:])


def _within(host: str, domain: str) -> bool:
    domain = domain.lower().strip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


@dataclass(frozen=True)
class Identity:
    """The URL an article is known by, and a declared canonical URL refused as its identity (kept as evidence)."""

    canonical_url: str
    foreign_canonical: str | None = None


def article_identity(declared: str | None, final_url: str, allowed_domains: Sequence[str] = ()) -> Identity:
    """The page's declared canonical URL when it is on the page's own site or one of its source's domains.

    A page may name any URL as its canonical one; taken at its word, a page on ``evil.test`` declaring
    ``legit.test/story`` would get (and overwrite) that article's identity.  Outside the page's registrable
    domain and the source's allowed domains, the declaration is only evidence that the page is a copy.
    """
    own = canonicalize(final_url)
    if not declared:
        return Identity(own)
    claimed = canonicalize(declared)
    parts = urlsplit(claimed)
    host, own_host = parts.hostname or "", urlsplit(own).hostname or ""
    if parts.scheme in ("http", "https") and host:
        if registrable_domain(host) == registrable_domain(own_host):
            return Identity(claimed)
        if any(_within(host, domain) for domain in allowed_domains):
            return Identity(claimed)
    return Identity(own, claimed if claimed != own else None)
