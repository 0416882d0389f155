"""Selectors and word lists the extractor matches against: data only, no logic.

Patterns are generic page-chrome vocabulary (class/id words used across CMSes),
never keyed to a particular site.
"""

from __future__ import annotations

import re

from pipelines.models import StripCategory

# Dropped with their content before anything else: never article text.
JUNK_TAGS: frozenset[str] = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
        "canvas", "video", "audio", "source", "picture", "map", "button", "select", "option",
        "input", "textarea", "label", "link", "meta", "head", "title", "dialog", "menu",
        "rt", "rp",  # ruby annotations: the reading of a word, not more words
    }
)  # fmt: skip

# Structural chrome, by tag name.
CHROME_TAGS: dict[str, StripCategory] = {
    "nav": "navigation",
    "aside": "related_links",
    "footer": "navigation",
    "header": "navigation",
}

# Chrome tags that belong to the article when inside sectioning content (HTML's banner/contentinfo scoping).
SCOPED_CHROME_TAGS: frozenset[str] = frozenset({"header"})
SECTIONING_TAGS: frozenset[str] = frozenset({"article", "main", "section"})

# ARIA roles that mark chrome.
CHROME_ROLES: dict[str, StripCategory] = {
    "navigation": "navigation",
    "banner": "navigation",
    "contentinfo": "navigation",
    "complementary": "related_links",
    "menu": "navigation",
    "menubar": "navigation",
    "dialog": "other",
    "alertdialog": "other",
    "search": "navigation",
}

# Class/id words per category.  A word matches at the start of a class/id token
# (tokens split on space, "-" and "_"), so "share" hits "share-bar" and "sharebar"
# but not "timeshare".
_CATEGORY_WORDS: dict[StripCategory, tuple[str, ...]] = {
    "cookie_banner": ("cookie", "consent", "gdpr", "cmp-", "onetrust", "privacy-banner"),
    "newsletter_box": ("newsletter", "subscribe", "subscription", "signup", "sign-up", "optin", "mailing"),
    "share_bar": ("share", "sharing", "social", "sociable", "addthis", "sharethis", "shareaholic", "follow-us"),
    "comments": ("comment", "disqus", "discussion", "respond", "reply", "replies"),
    "ad_slot": (
        "ad", "ads", "advert", "adslot", "ad-slot", "adunit", "ad-unit", "adsense", "adsbygoogle", "dfp",
        "adcontainer", "adbox", "adwrap", "adholder", "adzone", "ad-container", "ad-wrapper",
        "gpt-ad", "sponsor", "promo", "taboola", "outbrain", "banner", "dfp-ad", "advertisement",
    ),
    "related_links": (
        "related", "recommend", "more-stories", "morestories", "more-from", "read-more", "readmore",
        "read-next", "readnext", "also-read", "trending", "popular", "most-read", "mostread", "sidebar",
        "widget", "teaser", "recirc", "up-next", "upnext", "you-may", "you-might", "further-reading",
        "suggest", "jump-link", "breadcrumb", "tags", "tag-list", "taglist", "keywords", "topics",
    ),
    "navigation": (
        "nav", "navbar", "menu", "masthead", "site-header", "header", "footer", "skip-link", "skiplink",
        "toolbar", "pagination", "pager", "prev-next", "next-prev", "prevnext", "nextprev", "post-nav",
        "byline", "author-bio", "authorbio", "author-info", "about-author",
        "dateline", "timestamp", "published", "meta", "post-meta", "entry-meta", "article-meta", "print",
        "caption", "credit", "figcaption", "modal", "overlay", "popup", "visually-hidden", "sr-only",
        "screen-reader", "offscreen", "login", "paywall", "toc", "table-of-contents",
    ),
}  # fmt: skip

# Class/id names many CMSes give the article body: such an element is never chrome,
# whatever its other classes say ("article-body share-enabled").
BODY_NAMES: frozenset[str] = frozenset(
    {
        "article-body", "article__body", "articlebody", "post-body", "entry-content", "story-body",
        "article-content", "article__content", "story-content", "post-content", "article-text", "story-text",
        "body-text", "main-content", "article-main", "content-body", "post-text", "entry-body", "news-text",
    }
)  # fmt: skip
# Generic names that say nothing about chrome.
SAFE_NAMES: frozenset[str] = frozenset({"content", "main", "article", "story", "post", "entry", "body", "text"})
# Name parts that merely start like a chrome word ("commentary" is not "comment").
SAFE_PREFIXES: tuple[str, ...] = (
    "commentar", "address", "additional", "advantage", "adventure", "shareholder", "navigator", "tagline",
    "headline", "header-title", "printable", "metadata-body", "social-body", "comments-body",
)  # fmt: skip
# CMS taxonomy classes describe the content, not chrome ("category-social-media", "tag-ads").
TAXONOMY_PREFIXES: tuple[str, ...] = ("category-", "tag-", "section-", "format-", "type-", "status-", "topic-")


def _prefixes(words: tuple[str, ...]) -> tuple[str, ...]:
    # Short words ("ad", "nav", "toc") must end their token; longer ones may prefix it.
    out: list[str] = []
    for word in words:
        out.extend((word + "-", word + "_") if len(word) <= 3 else (word,))
    return tuple(out)


# Class/id name (or its tail after "-"/"_") prefixes per category, checked in this order.
CATEGORY_PREFIXES: tuple[tuple[StripCategory, tuple[str, ...]], ...] = tuple(
    (category, _prefixes(words)) for category, words in _CATEGORY_WORDS.items()
)
# Short words that match a whole class/id name or tail.
CATEGORY_EXACT: dict[str, StripCategory] = {
    word: category for category, words in _CATEGORY_WORDS.items() for word in words if len(word) <= 3
}
ALL_PREFIXES: tuple[str, ...] = tuple(p for _, prefixes in CATEGORY_PREFIXES for p in prefixes)


# Class/id words that mark the article body: boost in scoring, and tried first as containers.
POSITIVE_HINT = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|prose|rich-?text|paragraph",
    re.IGNORECASE,
)
NEGATIVE_HINT = re.compile(
    r"comment|footer|footnote|sidebar|widget|related|promo|sponsor|share|social|nav|menu|"
    r"byline|author|meta|caption|teaser|card|list|tags|rail|banner|masthead|shopping|ad-",
    re.IGNORECASE,
)

# Block-level tags: a text run ends at these.
BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "tbody", "thead", "tfoot",
        "figure", "figcaption", "br", "hr", "address", "center", "form", "fieldset", "details",
        "summary", "body", "html", "header", "footer", "nav", "aside",
    }
)  # fmt: skip

HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Tags whose text is never body text even inside the chosen container (and small <figure>s, see body.py).
SKIP_IN_BODY: frozenset[str] = frozenset({"figcaption", "h1"})

# Metadata sources, most trusted first.  Keys are lower-cased meta name/property values;
# OpenGraph (og:, article:) before the rest.  Evidence: the names the development sets' pages use.
TITLE_META: tuple[str, ...] = ("og:title", "twitter:title", "dc.title", "dcterms.title", "title", "headline")
PUBLISHED_META: tuple[str, ...] = (
    "article:published_time", "og:published_time", "og:article:published_time", "article:published",
    "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "date", "dc.date",
    "dc.date.issued", "dc.date.created", "dcterms.created", "dcterms.date", "dcterms.issued", "sailthru.date",
    "parsely-pub-date", "article.published", "published_time", "published-date", "cxenseparse:recs:publishtime",
    "citation_publication_date", "citation_date", "originalpublicationdate", "article_date_original",
    "date_published", "release_date", "creation_date", "created", "dc.created", "pub_date", "displaydate",
    # Less common spellings of the same: the vocabularies' colon forms (RDFa "dc:date"), CMS and
    # search-appliance names ("publication_date"), video and Q&A OpenGraph types.
    "publication_date", "published_date", "publisheddate", "publish_time", "dateposted", "datecreated",
    "date_created", "content_create_date", "doc_date", "dc:date", "dc:created", "dc:date.created", "dc:date.issued",
    "dc.date.publication", "dcterms:created", "dcterms:issued", "article:published_date", "article:post_date",
    "article:publicationdate", "og:datepublished", "og:pubdate", "og:publish_date", "og:article:published",
    "og:question:published_time", "rnews:datepublished", "shareaholic:article_published_time", "video:release_date",
    "vr:published_time", "twt-published-at", "mediator_published_time",
)  # fmt: skip
MODIFIED_META: tuple[str, ...] = (
    "article:modified_time", "og:updated_time", "og:modified_time", "article:modified", "datemodified",
    "dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "modified", "revised", "updated",
)  # fmt: skip
AUTHOR_META: tuple[str, ...] = (
    "author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author", "parsely-author",
    "byl", "citation_author", "creator", "article:author_name", "author_name", "dc.contributor",
)  # fmt: skip
LANGUAGE_META: tuple[str, ...] = ("content-language", "language", "dc.language", "dcterms.language", "og:locale")
CANONICAL_META: tuple[str, ...] = ("og:url",)
SITE_NAME_META: tuple[str, ...] = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
SECTION_META: tuple[str, ...] = ("article:section", "section", "parsely-section", "sailthru.section", "category")
TAGS_META: tuple[str, ...] = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")
DESCRIPTION_META: tuple[str, ...] = ("og:description", "description", "twitter:description", "dc.description")
IMAGE_META: tuple[str, ...] = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
ARTICLE_LD_TYPES: frozenset[str] = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
        "scholarlyarticle", "techarticle", "webpage", "liveblogposting", "report",
    }
)  # fmt: skip
