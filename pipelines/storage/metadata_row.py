"""An article's metadata as stored (one JSON column) and read back.

``{"title": {"value": "...", "source": "json-ld"}, "authors": {"value": ["..."], ...}, ...}``:
every field of :class:`ArticleMetadata` with the evidence it came from; absent fields
are left out.  Reading tolerates rows written before a field existed and values of the
wrong shape (they read as absent), so an old or hand-edited row never breaks the desk.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pipelines.models import ArticleMetadata, MetadataField, MetadataSource

_LIST_FIELDS = frozenset({"authors", "tags"})
_FIELDS = tuple(f.name for f in dataclasses.fields(ArticleMetadata))
_SOURCES = {s.value: s for s in MetadataSource}


def metadata_row(meta: ArticleMetadata) -> dict[str, Any]:
    """The JSON-ready form of ``meta``."""
    row: dict[str, Any] = {}
    for name in _FIELDS:
        found: MetadataField[Any] = getattr(meta, name)
        if found.value is None or found.value == ():
            continue
        value = list(found.value) if name in _LIST_FIELDS else found.value
        row[name] = {"value": value, "source": found.source.value if found.source else None}
    return row


def metadata_from_row(row: object) -> ArticleMetadata:
    """``ArticleMetadata`` from a stored value; anything unreadable is absent."""
    if not isinstance(row, dict):
        return ArticleMetadata()
    values: dict[str, MetadataField[Any]] = {}
    for name in _FIELDS:
        entry = row.get(name)
        if not isinstance(entry, dict):
            continue
        value, source = entry.get("value"), _SOURCES.get(str(entry.get("source")))
        if name in _LIST_FIELDS:
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                values[name] = MetadataField(tuple(value), source)
        elif isinstance(value, str):
            values[name] = MetadataField(value, source)
    return ArticleMetadata(**values)
