"""decode_html: bytes to text, with charset detection and refusal of binary input."""

from __future__ import annotations

import codecs
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.decode import decode_html
from pipelines.errors import UndecodableContent

PAGE = "<html><head>{meta}</head><body><p>Café crème – “quoted” naïve façade, 10 €</p></body></html>"
TEXT = "Café crème – “quoted” naïve façade, 10 €"


@pytest.mark.parametrize("body", [b"", b"   \n\t "], ids=["empty", "whitespace"])
def test_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(UndecodableContent):
        decode_html(body)


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"<html>\x00\x00\x00\x01\x02binary</html>",
        bytes(range(256)) * 4,
    ],
    ids=["pdf", "png", "jpeg", "nul-bytes", "all-bytes"],
)
def test_binary_body_is_refused(body: bytes) -> None:
    with pytest.raises(UndecodableContent):
        decode_html(body)


def test_binary_content_type_is_refused() -> None:
    with pytest.raises(UndecodableContent):
        decode_html(b"<html>looks like text</html>", "image/png")


def test_plain_utf8() -> None:
    assert TEXT in decode_html(PAGE.format(meta="").encode("utf-8"))


def test_cp1252_without_any_charset_decodes_right() -> None:
    assert TEXT in decode_html(PAGE.format(meta="").encode("cp1252"))


def test_header_charset_is_used() -> None:
    body = "<p>Привет, как дела? Всё хорошо.</p>".encode("koi8-r")
    assert "Привет, как дела?" in decode_html(body, "text/html; charset=KOI8-R")


def test_meta_charset_is_used() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Добрый день, читатели</p></body></html>'
    assert "Добрый день" in decode_html(page.encode("cp1251"))


def test_header_says_utf8_but_body_is_cp1252() -> None:
    body = PAGE.format(meta="").encode("cp1252")
    assert TEXT in decode_html(body, "text/html; charset=utf-8")


def test_header_says_latin1_but_body_is_utf8() -> None:
    body = PAGE.format(meta='<meta charset="iso-8859-1">').encode("utf-8")
    assert TEXT in decode_html(body, "text/html; charset=ISO-8859-1")


def test_unknown_charset_label_falls_back_to_detection() -> None:
    body = PAGE.format(meta="").encode("utf-8")
    assert TEXT in decode_html(body, "text/html; charset=no-such-charset")


def test_mixed_utf8_and_cp1252_is_repaired() -> None:
    body = "<p>Crème brûlée — ".encode() + "“smart quotes” from a legacy snippet".encode("cp1252") + b"</p>"
    text = decode_html(body)
    assert "Crème brûlée —" in text
    assert "“smart quotes”" in text


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_mark_wins(bom: bytes, codec: str) -> None:
    text = decode_html(bom + PAGE.format(meta="").encode(codec))
    assert TEXT in text
    assert not text.startswith("\ufeff")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decode_or_raise_undecodable(body: bytes) -> None:
    try:
        text = decode_html(body)
    except UndecodableContent:
        return
    assert isinstance(text, str)


def test_latin1_label_means_windows_1252() -> None:
    body = "<p>“Quoted” – dashed</p>".encode("cp1252")
    assert "“Quoted” – dashed" in decode_html(body, "text/html; charset=ISO-8859-1")


def test_mixed_body_labelled_latin1_is_repaired() -> None:
    body = '<meta charset="iso-8859-1"><p>Crème brûlée — '.encode() + "“legacy”</p>".encode("cp1252")
    text = decode_html(body)
    assert "Crème brûlée — “legacy”" in text


def test_cp1252_page_with_a_chance_utf8_sequence_stays_cp1252() -> None:
    # "É’" (0xC9 0x92) happens to be valid UTF-8; the rest of the page is plainly Windows-1252.
    text = "PÉREZ’S café – “naïve” façade, déjà vu, résumé, crème brûlée."
    assert text in decode_html(f"<p>{text}</p>".encode("cp1252"))


@pytest.mark.parametrize(
    "text,codec",
    [
        ("<p>Привет, как дела? Всё хорошо, спасибо. Новости дня.</p>", "cp1251"),
        ("<p>中文新闻报道，今天天气很好。我们明天见。</p>", "gbk"),
        ("<p>Ελληνικά νέα σήμερα από την Αθήνα.</p>", "iso-8859-7"),
    ],
)
def test_undeclared_legacy_encodings_are_detected(text: str, codec: str) -> None:
    assert text in decode_html((text * 50).encode(codec))


def test_detection_on_a_large_undeclared_page_is_bounded() -> None:
    body = ("<p>café – “naïve” façade, déjà vu</p>" * 300_000).encode("cp1252")
    start = time.perf_counter()
    text = decode_html(body)
    assert time.perf_counter() - start < 1.0
    assert text.startswith("<p>café – “naïve” façade, déjà vu</p>")


def test_repair_of_a_large_densely_mixed_body_is_bounded() -> None:
    body = ("<p>Crème brûlée — ".encode() + "“legacy”</p>".encode("cp1252")) * 400_000
    start = time.perf_counter()
    text = decode_html(body)
    assert time.perf_counter() - start < 1.0
    assert text.startswith("<p>Crème brûlée — “legacy”</p>")
