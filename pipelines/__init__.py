"""The pure processing core: decode, extract, strip, dedupe, flag, and the stage order."""
