"""Output folders: refuse one that cannot be written before any work is done."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from . import labels as lb
from .errors import UsageError


def check_writable_folder(path: str | Path, what: str | None = None) -> Path:
    """Prove that ``path`` can be created (if missing) and written, without creating it.

    A file is written and removed in the folder, or in its nearest existing
    parent when the folder does not exist yet. Raises :class:`UsageError` with
    one line naming the folder (never a temporary file) when that fails, so
    ``ntm clean`` and ``ntm render`` stop before reading or rendering anything.
    """
    folder = Path(path)
    what = what or lb.message("what_output_folder")
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            lb.message("err_not_writable_file", what=what, folder=folder, existing=existing)
        )
    probe = existing / f".ntm-write-test-{uuid.uuid4().hex}"
    try:
        with open(probe, "x", encoding="utf-8"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            lb.message("err_not_writable", what=what, folder=folder, reason=reason)
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)
    return folder
