"""Built-in detectors: checks that are code rather than term lists or regexes.

Each module exposes a factory ``make(params) -> Detector``; :mod:`pipelines.flagging.registry`
maps the names used in the rules file to them.
"""
