"""Text normalisation shared by the exact key and the shingles.

Case, Unicode compatibility forms, whitespace and punctuation are erased, so two
texts that differ only there normalise to the same token sequence.  Scripts
written without spaces (Chinese, Japanese, Thai, ...) are tokenised one
character at a time, which makes their shingles character n-grams.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Scripts without word separators: each character is a token.
_UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
)
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\W_{_UNSPACED}]+")
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_WORD = re.compile(r"[^\W_]+")
# ASCII fast path: every ASCII character that is not a letter or digit separates tokens.
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def normalize(text: str) -> str:
    """Compatibility-fold and casefold ``text``; structure (newlines) is kept."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(normalized: str) -> list[str]:
    """Word tokens of already-normalised text (single characters for unspaced scripts)."""
    if normalized.isascii():
        return normalized.translate(_ASCII_SEPARATORS).split()
    if _HAS_UNSPACED.search(normalized) is None:
        return _WORD.findall(normalized)
    return _TOKEN.findall(normalized)


def content_hash(text: str) -> str:
    """Hex digest of the normalised token sequence: the exact-duplicate key of an article."""
    joined = " ".join(tokens(normalize(text)))
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
