"""Where the data came from: the one rule for "this data is the synthetic sample".

``ntm sample`` writes into ``<raw>/sample/`` and starts every file name with
:data:`SAMPLE_FILE_PREFIX`. Cleaning sets those files aside when real files sit
beside them; the processed data is the sample only when every file actually
read was a sample file. Clean, render, the index and the notebooks all ask
these two functions, so a page never carries the sample banner over real data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import PurePath, PurePosixPath

#: The folder (directly under the raw folder) that ``ntm sample`` writes to.
SAMPLE_FOLDER = "sample"

#: Every file ``ntm sample`` writes starts with this (and the benchmark data carries it).
SAMPLE_FILE_PREFIX = "MAU-synthetic"

#: Status of a file that was read in the ingest report.
_READ = "read"


def is_sample_file(path: str | PurePath) -> bool:
    """True for a file of the synthetic sample, given its path relative to the raw folder.

    >>> is_sample_file("sample/MAU-synthetic_xa-tan-lap_2024.xlsx")
    True
    >>> is_sample_file("2024/bao-cao-xa-tan-lap.xlsx")
    False
    """
    parts = PurePosixPath(PurePath(path).as_posix()).parts
    if not parts:
        return False
    return parts[0] == SAMPLE_FOLDER or SAMPLE_FILE_PREFIX.lower() in parts[-1].lower()


def files_read(ingest_report: Mapping) -> list[str]:
    """The relative paths of the files an ingest report says were read."""
    return [
        str(f.get("file", "")) for f in ingest_report.get("files", []) if f.get("status") == _READ
    ]


def is_sample_report(ingest_report: Mapping) -> bool:
    """True when the processed data was made from the synthetic sample alone.

    Only files that were read count: sample files set aside beside real data
    do not make the data a sample. A report that lists no files read (an old
    or hand-made one) falls back to its ``sample`` flag, which ``ntm clean``
    writes from this same rule.

    >>> is_sample_report({"files": [{"file": "sample/MAU-synthetic_a.xlsx", "status": "read"}]})
    True
    >>> is_sample_report({"sample": True, "files": [
    ...     {"file": "sample/MAU-synthetic_a.xlsx", "status": "skipped"},
    ...     {"file": "thuc/bao-cao.xlsx", "status": "read"}]})
    False
    """
    read = files_read(ingest_report)
    if not read:
        return bool(ingest_report.get("sample"))
    return all(is_sample_file(f) for f in read)


def dataset_fingerprint(ingest_report: Mapping) -> str:
    """A short id of the data a processed folder was built from.

    Two cleanings of the same files (same paths, rows and records) give the
    same id; another dataset (the sample, another district) gives another.
    Rendered pages carry it, so the index can tell pages of the data in use
    from pages left over from other data.
    """
    files = sorted(
        (str(f.get("file", "")), f.get("rows_read"), f.get("records"))
        for f in ingest_report.get("files", [])
        if f.get("status") == _READ
    )
    text = json.dumps([files, bool(is_sample_report(ingest_report))], default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
