"""Term lists used by the flagging rules (data only; one term per line, ``#`` comments).

A package so that the ``*.txt`` files are installed with ``config``.
"""
