"""Writing output files safely, the one way the package does it.

Every file is written to a temporary file beside its target (same file system)
and renamed over it, so a reader never sees a half-written table or page and a
failed write leaves the previous file in place. The temporary file is created
with the usual permissions (umask).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> None:
    """Have ``write(tmp)`` write a temporary file, then rename it to ``path``.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a" / "x.txt"
    >>> atomic_write(target, lambda p: p.write_text("one", encoding="utf-8"))
    >>> target.read_text(encoding="utf-8"), [p.name for p in target.parent.iterdir()]
    ('one', ['x.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8) through a temporary file and a rename."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
