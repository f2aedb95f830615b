"""Output folders: refuse one that cannot be written before any work is done."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from .errors import UsageError


def check_writable_folder(path: str | Path, what: str = "output folder") -> Path:
    """Prove that ``path`` can be created (if missing) and written, without creating it.

    A file is written and removed in the folder, or in its nearest existing
    parent when the folder does not exist yet. Raises :class:`UsageError` with
    one line naming the folder (never a temporary file) when that fails, so
    ``ntm clean`` and ``ntm render`` stop before reading or rendering anything.
    """
    folder = Path(path)
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"Cannot write to the {what} {folder}: {existing} is a file, not a folder; "
            "choose another with --out."
        )
    probe = existing / f".ntm-write-test-{uuid.uuid4().hex}"
    try:
        with open(probe, "x", encoding="utf-8"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"Cannot write to the {what} {folder} ({reason}); choose another with --out "
            "or fix its permissions."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)
    return folder
