"""Legacy Vietnamese 8-bit font encodings (TCVN3 / VNI-Windows) read back as Latin-1 text.

Placeholder: the conversion tables land in the next commit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

LEGACY_ENCODINGS = ("tcvn3", "vni")


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode Vietnamese -> legacy-as-cp1252 string."""
    return unicodedata.normalize("NFC", text)


def decode_legacy(text: str, encoding: str) -> str:
    """Legacy-as-cp1252 string -> NFC Unicode."""
    return unicodedata.normalize("NFC", text)


def detect_legacy(text: str) -> str | None:
    """ "tcvn3" | "vni" | None."""
    return None


def repair_text(text: str) -> tuple[str, str | None]:
    """(converted text, encoding) or (text, None) when the text is not legacy."""
    return text, None


def detect_legacy_in_cells(cells: Iterable[object]) -> str | None:
    """Per-sheet detection over many cells."""
    return None
