"""The review desk: a FastAPI service where reviewers judge flagged articles.

Processing writes ``review_items``; this package hands them out as leases,
records decisions in the append-only ``decisions`` and ``audit_log`` tables,
and serves both a JSON API and server-rendered pages.
"""
