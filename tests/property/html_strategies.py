"""Hypothesis strategies for hostile input: random and malformed HTML, mutated real pages, rule-bait text.

Kept apart from the tests so that the property tests and the bounded fuzz run share one vocabulary.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SEED_PAGES = sorted((REPO / "tests" / "fixtures" / "html").glob("*.html"))
WORDLISTS = sorted((REPO / "config" / "wordlists").glob("*.txt"))
# A token that must never reach the extracted text: it only ever sits inside script or style.
HIDDEN_TOKEN = "zqxhiddenzqx"

TAGS = ("div", "p", "span", "article", "main", "section", "nav", "header", "footer", "aside", "ul", "li",
        "table", "tr", "td", "h1", "h2", "a", "b", "i", "br", "img", "figure", "figcaption", "blockquote", "pre",
        "form")  # fmt: skip
ATTRIBUTES = ('class="content"', 'id="main"', 'class="share social"', 'hidden', 'style="display:none"',
              'itemprop="articleBody"', 'role="navigation"', 'lang="de"', 'href="javascript:alert(1)"',
              'class="' + "x " * 200 + '"', 'data-x="<p>"')  # fmt: skip
JUNK = ("<", ">", "</", "<!--", "-->", "<![CDATA[", "]]>", "&", "&amp;", "&#0;", "&#x110000;", "&nbsp;", "\x00",
        "\ufffd", "\u202e", "<html>", "</body>", "<meta charset='utf-16'>", "<meta charset='bogus'>", "<?xml?>",
        "<!DOCTYPE html>", "<script>", "</script>", "<title>", "\r\n", "\t", '"', "'", "=")  # fmt: skip
# Junk that leaves the tokenizer's state alone: "</<script>" or "<!--" before a script would make its text
# visible text by the HTML rules, so documents checked for leaks only get these.
INERT_JUNK = tuple(piece for piece in JUNK if not piece.startswith(("<", "&#x1")) or piece in ("<html>", "</body>"))
MUTATION_BYTES = (*(piece.encode("utf-8") for piece in JUNK), b"\xff\xfe", b"\xef\xbb\xbf", b"\x80\x81", b"\xc3")


def _words() -> list[str]:
    words: list[str] = []
    for path in WORDLISTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.append(line.strip())
    return words


RULE_WORDS = _words()
text_pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(RULE_WORDS),
    st.sampled_from(("the council said", "on Monday", "Share this", "Advertisement", "[ad_1]", "Source link",
                     "Read more", "Copyright 2026", "Click here", "Subscribe", "\n", ".", "!!!", "http://x.test/a")),
)  # fmt: skip
rule_bait_text = st.lists(text_pieces, max_size=60).map(" ".join)


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested elements with random attributes and text, closed or not."""
    tag = draw(st.sampled_from(TAGS))
    attrs = " ".join(draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=2)))
    children = []
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        kind = draw(st.integers(0, 9))
        if kind < 5:
            children.append(draw(html_trees(depth + 1)))
        elif kind < 8:
            children.append(draw(rule_bait_text))
        elif kind == 8:
            children.append(f"<script>var t='{HIDDEN_TOKEN}';</script><style>.a{{content:'{HIDDEN_TOKEN}'}}</style>")
        else:
            children.append(draw(st.sampled_from(INERT_JUNK)))
    close = draw(st.booleans())
    return f"<{tag} {attrs}>{''.join(children)}{f'</{tag}>' if close else ''}"


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    title = draw(rule_bait_text)
    body = "".join(draw(st.lists(html_trees(), min_size=1, max_size=4)))
    head = draw(st.sampled_from(("<!DOCTYPE html>", "", "<?xml version='1.0'?>", "<html><head>")))
    return f"{head}<html><head><title>{title}</title></head><body>{body}</body></html>"


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    """A real page with bytes inserted, deleted, replaced or the tail cut off."""
    page = bytearray(draw(st.sampled_from(SEED_PAGES)).read_bytes())
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(page)))
        op = draw(st.integers(0, 3))
        if op == 0:
            page[at:at] = draw(st.sampled_from(MUTATION_BYTES))
        elif op == 1:
            del page[at : at + draw(st.integers(1, 200))]
        elif op == 2:
            page[at : at + 1] = draw(st.binary(min_size=1, max_size=8))
        else:
            del page[at:]
    return bytes(page)


any_html_bytes = st.one_of(
    html_documents().map(lambda doc: doc.encode("utf-8")),
    mutated_pages(),
    st.binary(max_size=2000),
    html_documents().map(lambda doc: doc.encode("utf-16")),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8")),
)
