"""Read a whole raw folder into records, rejects, findings and a reconciled report.

One bad file never stops the others: unreadable files get one line in the
report; bad rows become rejects. Duplicated year × commune × code records are
resolved by precedence:

1. layout, in the order of :data:`ntm_analysis.schema.LAYOUT_PRECEDENCE`
   (commune report, then tidy table, then district matrix);
2. a visible sheet before a hidden sheet;
3. the newer version of a file first (:mod:`ntm_analysis.versions`: the
   revision its name states, a date in its name, its modification time, its
   name), then sheet order, then row order.

The first record wins. Records a newer version of the same layout replaced
give one ``replaced_version`` finding per replaced file, naming the values
that changed (or one ``duplicate_same`` line when none did). Otherwise a loser
with the same value (and appraisal) is counted as a duplicate; when it comes
from the same layout one ``duplicate_same`` finding per sheet pair notes it
(two layouts agreeing — a report and the district matrix — is simply a passed
cross-check). A loser with a different value gives a ``duplicate_conflict``
finding naming both sources and a reject line. A row all
of whose records were dropped is counted under ``duplicates_dropped``, so that
for every file ``rows_read == records + non_data_rows + rejected_rows +
duplicates_dropped`` (rows, not records).

Large folders are read and parsed by a pool of worker processes (``jobs``;
default: the number of CPUs, or ``NTM_JOBS``); the result does not depend on
the number of workers.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import labels as lb
from . import schema as s
from .documents import parse_document
from .errors import FindingCheck, RejectReason, UnreadableFileError
from .labels import label
from .layouts import parse_sheet
from .readers import DOCUMENT_EXTENSIONS, NOT_DATA_EXTENSIONS, discover_inputs, read_sheets
from .sheet_records import SheetResult, findings_frame, records_frame, rejects_frame
from .versions import FileVersion, file_version, newest_first
from .word import read_document

#: Above this many files a progress bar is shown (when asked for).
PROGRESS_MIN_FILES = 20
#: Below this many files everything runs in this process (a pool costs more).
PARALLEL_MIN_FILES = 48

_COL = {name: k for k, name in enumerate(s.RECORD_COLUMNS)}


@dataclass
class IngestResult:
    """Records of every readable file, with rejects, findings and the ingest report."""

    records: pd.DataFrame
    rejects: pd.DataFrame
    findings: pd.DataFrame
    ingest_report: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- one file


def _sheet_entry(sheet_name: str, hidden: bool, res: SheetResult) -> dict:
    return {
        "sheet": sheet_name,
        "layout": res.layout,
        "hidden": hidden,
        "rows_read": res.rows_read,
        "records": res.records_rows,
        "record_count": len(res.record_rows),
        "non_data": dict(sorted(res.non_data_rows.items())),
        "non_data_rows": res.non_data_total,
        "rejected": res.rejected_rows,
        "duplicates_dropped": 0,
        "legacy_encoding": res.legacy_encoding,
        "notes": list(res.notes),
    }


def _crash_result(sheet, exc: Exception) -> SheetResult:
    """Every non-empty row rejected when parsing a sheet failed unexpectedly."""
    rows = [
        (
            sheet.file,
            sheet.sheet,
            sheet.first_row + i,
            None,
            None,
            str(RejectReason.UNRECOGNISED_ROW),
            f"The sheet could not be parsed ({type(exc).__name__}: {exc}); please report this "
            "file to the tool's maintainers.",
        )
        for i, row in enumerate(sheet.rows)
        if any(v not in ("", None) for v in row)
    ]
    return SheetResult(
        reject_rows=rows,
        rows_read=len(rows),
        rejected_rows=len(rows),
        notes=[f"parse error: {type(exc).__name__}"],
    )


@dataclass
class _FileOutcome:
    """What one file gave: its report entry and its rows (picklable, no frames)."""

    entry: dict
    sheets: list[tuple[str, bool]] = field(default_factory=list)
    records: list[tuple] = field(default_factory=list)
    rejects: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)


def _ingest_file(path: Path, raw_dir: Path, registry, catalog) -> _FileOutcome:
    rel = path.relative_to(raw_dir).as_posix()
    entry: dict = {"file": rel, "status": "read", "reason": None, "message": None, "sheets": []}
    out = _FileOutcome(entry)
    document = path.suffix.lower() in DOCUMENT_EXTENSIONS + NOT_DATA_EXTENSIONS
    try:
        if document:
            sheets = read_document(path, raw_dir=raw_dir)
        else:
            sheets = read_sheets(path, raw_dir=raw_dir)
    except UnreadableFileError as exc:
        entry.update(status="unreadable", reason=exc.reason, message=str(exc))
        return out
    except Exception as exc:  # noqa: BLE001 - never stop the run on one file
        entry.update(
            status="unreadable",
            reason="corrupt",
            message=lb.message("file_cannot_be_read", kind=type(exc).__name__, detail=exc),
        )
        return out
    for sheet, res in _parsed(sheets, document, registry, catalog):
        out.sheets.append((sheet.sheet, sheet.hidden))
        entry["sheets"].append(_sheet_entry(sheet.sheet, sheet.hidden, res))
        out.records.extend(res.record_rows)
        out.rejects.extend(res.reject_rows)
        out.findings.extend(_once_per_file(out.findings, res.finding_rows))
    return out


def _once_per_file(have: list[tuple], new: list[tuple]) -> list[tuple]:
    """``new`` findings without a second "indicators not in the catalog" note for the file."""
    check = str(FindingCheck.INDICATORS_NOT_IN_CATALOG)
    seen = any(f[4] == check for f in have)
    out = []
    for f in new:
        if f[4] == check:
            if seen:
                continue
            seen = True
        out.append(f)
    return out


def _parsed(sheets, document: bool, registry, catalog):
    """(sheet, SheetResult) of each sheet; a parser bug rejects rows instead of losing them."""
    if document:
        try:
            return parse_document(sheets, registry=registry, catalog=catalog)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the file
            return [(sheet, _crash_result(sheet, exc)) for sheet in sheets]
    out = []
    for sheet in sheets:
        try:
            res = parse_sheet(sheet, registry=registry, catalog=catalog)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the file
            res = _crash_result(sheet, exc)
        out.append((sheet, res))
    return out


# worker-process state (set once per worker by the pool initializer)
_WORKER: dict = {}


def _init_worker(raw_dir: Path, registry, catalog, lang: str) -> None:
    _WORKER.update(raw_dir=raw_dir, registry=registry, catalog=catalog)
    lb.set_lang(lang)  # the messages a worker writes follow the run's language


def _work(path: Path) -> _FileOutcome:
    return _ingest_file(path, _WORKER["raw_dir"], _WORKER["registry"], _WORKER["catalog"])


def _default_jobs() -> int:
    env = os.environ.get("NTM_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _progress_bar(n: int, progress: bool):
    if not progress or n < PROGRESS_MIN_FILES:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=n, desc=lb.message("progress_reading"), unit=lb.message("unit_file"))


def _outcomes(paths: list[Path], raw_dir: Path, registry, catalog, jobs: int, progress: bool):
    """One :class:`_FileOutcome` per path, in order (worker processes for large folders)."""
    parallel = (
        jobs > 1
        and len(paths) >= PARALLEL_MIN_FILES
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if parallel:
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(paths) // (jobs * 8))
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(raw_dir, registry, catalog, lb.current_lang()),
        ) as pool:
            results = pool.map(_work, paths, chunksize=chunk)  # workers forked here
            bar = _progress_bar(len(paths), progress)  # its thread starts after the fork
            try:
                for outcome in results:
                    if bar is not None:
                        bar.update(1)
                    yield outcome
            finally:
                if bar is not None:
                    bar.close()
        return
    bar = _progress_bar(len(paths), progress)
    try:
        for path in paths:
            outcome = _ingest_file(path, raw_dir, registry, catalog)
            if bar is not None:
                bar.update(1)
            yield outcome
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- the folder


def ingest_folder(
    raw_dir: Path,
    *,
    registry,
    catalog,
    progress: bool = False,
    jobs: int | None = None,
    only: Path | None = None,
) -> IngestResult:
    """Read, parse, match and de-duplicate every input under ``raw_dir``.

    ``only`` names one file under ``raw_dir`` to read instead of the folder.

    ``raw_dir`` is only read. ``jobs`` worker processes read large folders
    (default: ``NTM_JOBS`` or the number of CPUs; 1 = in this process).
    Returns an :class:`IngestResult` whose ``ingest_report`` is the content of
    ``ingest_report.json``.
    """
    raw_dir = Path(raw_dir)
    inputs, skipped = ([Path(only)], []) if only is not None else discover_inputs(raw_dir)
    jobs = _default_jobs() if jobs is None else max(1, int(jobs))
    files: list[dict] = []
    versions: dict[str, FileVersion] = {}
    records: list[tuple] = []
    reject_rows: list[tuple] = []
    finding_rows: list[tuple] = []
    sheets_of: dict[str, list[tuple[str, bool]]] = {}
    for path, outcome in zip(
        inputs, _outcomes(inputs, raw_dir, registry, catalog, jobs, progress), strict=True
    ):
        sheets_of[outcome.entry["file"]] = list(outcome.sheets)
        versions[outcome.entry["file"]] = file_version(outcome.entry["file"], _mtime(path))
        records.extend(outcome.records)
        reject_rows.extend(outcome.rejects)
        finding_rows.extend(outcome.findings)
        files.append(outcome.entry)
    # (file index, sheet index, hidden) per (file, sheet) for precedence: newest version first
    sheet_order: dict[tuple[str, str], tuple[int, int, bool]] = {}
    for file_index, version in enumerate(newest_first(list(versions.values()))):
        for sheet_index, (name, hidden) in enumerate(sheets_of[version.path]):
            sheet_order[(version.path, name)] = (file_index, sheet_index, hidden)

    kept, dup_rejects, dup_findings, dropped_rows, dropped_records = _deduplicate_rows(
        records, sheet_order, versions
    )
    for entry in files:
        for sh in entry.get("sheets", []):
            key = (entry["file"], sh["sheet"])
            sh["duplicates_dropped"] = dropped_rows.get(key, 0)
            sh["records"] -= dropped_rows.get(key, 0)
            sh["record_count"] -= dropped_records.get(key, 0)
        _file_totals(entry)
    for sk in skipped:
        files.append(
            {
                "file": sk.file,
                "status": "skipped",
                "reason": sk.reason,
                "message": sk.message,
                "sheets": [],
            }
        )
        _file_totals(files[-1])
    files.sort(key=lambda f: f["file"])
    records_df = records_frame(kept)
    rejects_df = rejects_frame(reject_rows + dup_rejects)
    findings_df = findings_frame(finding_rows + dup_findings)
    ingest_report = {
        "files": files,
        "totals": _totals(files, records_df, rejects_df),
        "precedence": [
            *[f"layout: {layout}" for layout in s.LAYOUT_PRECEDENCE],
            "visible sheet before hidden sheet",
            "newer version of a file first: the revision its name states ('bản sửa', "
            "'bổ sung', 'lần 2', 'v2'), then a date in its name, then its modification time, "
            "then its name (later first)",
            "then sheet order, then row order",
        ],
    }
    return IngestResult(
        records=records_df, rejects=rejects_df, findings=findings_df, ingest_report=ingest_report
    )


def _file_totals(entry: dict) -> None:
    sheets = entry.get("sheets", [])
    entry["rows_read"] = sum(sh["rows_read"] for sh in sheets)
    entry["records"] = sum(sh["records"] for sh in sheets)
    entry["record_count"] = sum(sh["record_count"] for sh in sheets)
    non_data: dict[str, int] = {}
    for sh in sheets:
        for kind, n in sh["non_data"].items():
            non_data[kind] = non_data.get(kind, 0) + n
    entry["non_data"] = dict(sorted(non_data.items()))
    entry["non_data_rows"] = sum(non_data.values())
    entry["rejected_rows"] = sum(sh["rejected"] for sh in sheets)
    entry["duplicates_dropped"] = sum(sh["duplicates_dropped"] for sh in sheets)
    entry["reconciled"] = entry["rows_read"] == (
        entry["records"]
        + entry["non_data_rows"]
        + entry["rejected_rows"]
        + entry["duplicates_dropped"]
    )


def _totals(files: list[dict], records: pd.DataFrame, rejects: pd.DataFrame) -> dict:
    read = [f for f in files if f["status"] == "read"]
    totals = {
        "files": len(files),
        "files_read": len(read),
        "files_unreadable": sum(f["status"] == "unreadable" for f in files),
        "files_skipped": sum(f["status"] == "skipped" for f in files),
        "sheets": sum(len(f["sheets"]) for f in read),
        "rows_read": sum(f["rows_read"] for f in read),
        "records": sum(f["records"] for f in read),
        "record_count": len(records),
        "non_data_rows": sum(f["non_data_rows"] for f in read),
        "rejected_rows": sum(f["rejected_rows"] for f in read),
        "duplicates_dropped": sum(f["duplicates_dropped"] for f in read),
        "reject_lines": len(rejects),
        "legacy_sheets": sum(1 for f in read for sh in f["sheets"] if sh["legacy_encoding"]),
    }
    totals["reconciled"] = all(f["reconciled"] for f in files)
    return totals


# --------------------------------------------------------------------------- duplicates


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _na(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _same(a: object, b: object) -> bool:
    if _na(a) or _na(b):
        return _na(a) and _na(b)
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _src(file, sheet, row) -> str:
    parts = [str(file)]
    if not _na(sheet) and str(sheet):
        parts.append(str(sheet))
    if not _na(row):
        parts.append(lb.message("where_row", row=int(row)))
    return " › ".join(parts)


def _txt(value: object) -> str:
    return lb.message("empty") if _na(value) else str(value)


def _deduplicate_rows(
    rows: list[tuple],
    sheet_order: dict[tuple[str, str], tuple[int, int, bool]],
    versions: dict[str, FileVersion] | None = None,
) -> tuple[list[tuple], list[tuple], list[tuple], dict, dict]:
    """Tuple-level de-duplication; see :func:`deduplicate`."""
    c = _COL
    rank = {layout: k for k, layout in enumerate(s.LAYOUT_PRECEDENCE)}
    f_file, f_sheet, f_row = c[s.SOURCE_FILE], c[s.SOURCE_SHEET], c[s.SOURCE_ROW]

    def order(k: int) -> tuple:
        r = rows[k]
        fi, si, hidden = sheet_order.get((r[f_file], r[f_sheet]), (0, 0, False))
        row = r[f_row] if not _na(r[f_row]) else 0
        return (rank.get(r[c["layout"]], len(rank)), hidden, fi, si, row, k)

    def hidden(r: tuple) -> bool:
        return sheet_order.get((r[f_file], r[f_sheet]), (0, 0, False))[2]

    winners: dict[tuple, int] = {}
    losers: list[int] = []
    for k in sorted(range(len(rows)), key=order):
        r = rows[k]
        key = (r[c["year"]], r[c["commune_code"]], r[c["commune"]], r[c["level"]],
               r[c["indicator"]])  # fmt: skip
        if key in winners:
            losers.append(k)
        else:
            winners[key] = k
    if not losers:
        return rows, [], [], {}, {}
    rejects: list[tuple] = []
    findings: list[tuple] = []
    # (older file, newer file) -> the records the newer version replaced, in row order
    replaced: dict[tuple[str, str], list[tuple[tuple, tuple, bool]]] = {}
    # (dropped file, sheet, kept file, sheet) -> identical records dropped
    repeated: dict[tuple, list[tuple[tuple, tuple]]] = {}
    lost = set(losers)
    for k in sorted(losers):
        r = rows[k]
        key = (r[c["year"]], r[c["commune_code"]], r[c["commune"]], r[c["level"]],
               r[c["indicator"]])  # fmt: skip
        w = rows[winners[key]]
        same = _same_result(w, r)
        if w[c["layout"]] == r[c["layout"]] and w[f_file] != r[f_file] and hidden(w) == hidden(r):
            replaced.setdefault((r[f_file], w[f_file]), []).append((r, w, same))
            continue
        if same:
            if w[c["layout"]] == r[c["layout"]]:
                pair = (r[f_file], r[f_sheet], w[f_file], w[f_sheet])
                repeated.setdefault(pair, []).append((r, w))
            continue
        win_src = _src(w[f_file], w[f_sheet], w[f_row])
        lose_src = _src(r[f_file], r[f_sheet], r[f_row])
        shown_w, shown_l = _shown(w), _shown(r)
        what = lb.message(
            "dup_what_criterion" if r[c["level"]] == "criterion" else "dup_what_indicator",
            code=r[c["indicator"]],
            commune=r[c["commune"]],
            year=r[c["year"]],
        )
        base = (r[c["year"]], r[c["commune"]], r[c["level"]], r[c["indicator"]])
        findings.append(
            (
                *base,
                str(FindingCheck.DUPLICATE_CONFLICT),
                lb.message(
                    "find_duplicate_conflict",
                    what=what,
                    win=win_src,
                    win_value=_txt(shown_w),
                    lose=lose_src,
                    lose_value=_txt(shown_l),
                ),
                win_src,
                w[f_file],
                w[f_sheet] or None,
                w[f_row],
            )
        )
        rejects.append(
            (
                r[f_file],
                r[f_sheet],
                r[f_row],
                None,
                None if _na(r[c["value_text"]]) else str(r[c["value_text"]]),
                str(RejectReason.DUPLICATE_CONFLICT),
                lb.message("rej_duplicate_conflict", what=what, win=win_src, value=_txt(shown_w)),
            )
        )
    for (old_file, new_file), items in replaced.items():
        findings.append(_replaced_finding(old_file, new_file, items, versions))
    for (old_file, old_sheet, new_file, new_sheet), items in repeated.items():
        findings.append(_repeated_finding(old_file, old_sheet, new_file, new_sheet, items))
    kept = [r for k, r in enumerate(rows) if k not in lost]
    kept_rows = {(r[f_file], r[f_sheet], r[f_row]) for r in kept}
    dropped_rows: dict[tuple[str, str], int] = {}
    dropped_records: dict[tuple[str, str], int] = {}
    seen_rows: set[tuple] = set()
    for k in losers:
        r = rows[k]
        sheet_key = (r[f_file], r[f_sheet])
        dropped_records[sheet_key] = dropped_records.get(sheet_key, 0) + 1
        row_key = (r[f_file], r[f_sheet], r[f_row])
        if row_key not in kept_rows and row_key not in seen_rows:
            seen_rows.add(row_key)
            dropped_rows[sheet_key] = dropped_rows.get(sheet_key, 0) + 1
    return kept, rejects, findings, dropped_rows, dropped_records


def _same_result(w: tuple, r: tuple) -> bool:
    c, sa = _COL, _COL["self_assessed"]
    if r[c["level"]] == "criterion":
        return _same(w[sa], r[sa])
    return _same(w[c["value"]], r[c["value"]]) and (_same(w[sa], r[sa]) or _na(w[sa]) or _na(r[sa]))


def _shown(r: tuple) -> object:
    """What a record says, as written: its value text, else its appraisal."""
    c = _COL
    if r[c["level"]] != "criterion" and not _na(r[c["value_text"]]):
        return r[c["value_text"]]
    return r[c["self_assessed"]]


def _written(r: tuple) -> str:
    """What a record says, as a person reads it ("95,5%", "Đạt")."""
    shown = _shown(r)
    if isinstance(shown, str) and shown in s.APPRAISALS:
        return label(shown)
    return _txt(shown)


def _changes(changed: list[tuple[tuple, tuple]]) -> list[str]:
    """ "code: old → new" per changed value; a criterion whose indicator row says it is left out."""
    c = _COL
    indicator_codes = {r[c["indicator"]] for r, _ in changed if r[c["level"]] != "criterion"}
    out = []
    for r, w in changed:
        code = r[c["indicator"]]
        if r[c["level"]] == "criterion":
            if code in indicator_codes:
                continue
            code = f"TC {code}"
        out.append(f"{code}: {_written(r)} → {_written(w)}")
    return out


#: Changed values named in one finding before "and N more".
CHANGES_SHOWN = 12


def _year_commune(items: list) -> tuple[object, object]:
    c = _COL
    years = {it[0][c["year"]] for it in items}
    communes = {it[0][c["commune"]] for it in items}
    return (
        next(iter(years)) if len(years) == 1 else None,
        next(iter(communes)) if len(communes) == 1 else None,
    )


def _replaced_finding(
    old_file: str,
    new_file: str,
    items: list[tuple[tuple, tuple, bool]],
    versions: dict[str, FileVersion] | None,
) -> tuple:
    """One finding for a file whose records a newer version of it replaced."""
    year, commune = _year_commune(items)
    changed = [(r, w) for r, w, same in items if not same]
    why = ""
    if versions and old_file in versions and new_file in versions:
        why = f" ({versions[new_file].newer_because(versions[old_file])})"
    if not changed:
        message = lb.message(
            "find_same_versions", old=old_file, new=new_file, n=len(items), why=why
        )
        return (year, commune, "file", old_file, str(FindingCheck.DUPLICATE_SAME), message,
                new_file, new_file, None, None)  # fmt: skip
    changes = _changes(changed)
    shown = changes[:CHANGES_SHOWN]
    more = len(changes) - len(shown)
    listed = "; ".join(shown) + (lb.message("and_more_semicolon", n=more) if more else "")
    message = lb.message(
        "find_replaced_version",
        old=old_file,
        new=new_file,
        why=why,
        changed=len(changed),
        n=len(items),
        listed=listed,
    )
    return (year, commune, "file", old_file, str(FindingCheck.REPLACED_VERSION), message,
            new_file, new_file, None, None)  # fmt: skip


def _repeated_finding(
    old_file: str, old_sheet: object, new_file: str, new_sheet: object, items: list
) -> tuple:
    """One finding for the identical records one sheet repeats from another."""
    c = _COL
    year, commune = _year_commune(items)
    kept = _src(new_file, new_sheet, None)
    dropped = _src(old_file, old_sheet, None)
    codes = [str(r[c["indicator"]]) for r, _ in items]
    listed = ", ".join(codes[:CHANGES_SHOWN]) + (
        lb.message("and_more", n=len(codes) - CHANGES_SHOWN) if len(codes) > CHANGES_SHOWN else ""
    )
    message = lb.message(
        "find_repeated_values", n=len(items), kept=kept, dropped=dropped, listed=listed
    )
    return (year, commune, "sheet", dropped, str(FindingCheck.DUPLICATE_SAME), message, kept,
            new_file, new_sheet or None, None)  # fmt: skip


def deduplicate(
    records: pd.DataFrame,
    sheet_order: dict[tuple[str, str], tuple[int, int, bool]],
    versions: dict[str, FileVersion] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[dict, dict]]:
    """Keep one record per year × commune × level × code (pure).

    ``sheet_order`` maps (file, sheet) to (file index, sheet index, hidden).
    Returns (kept records, reject lines of conflicting losers, findings,
    (rows dropped per (file, sheet) — rows none of whose records were kept —,
    records dropped per (file, sheet))).
    """
    rows = [
        tuple(None if _na(v) else v for v in r)
        for r in records.loc[:, list(s.RECORD_COLUMNS)].itertuples(index=False, name=None)
    ]
    kept, rejects, findings, dropped_rows, dropped_records = _deduplicate_rows(
        rows, sheet_order, versions
    )
    return (
        records_frame(kept),
        rejects_frame(rejects),
        findings_frame(findings),
        (dropped_rows, dropped_records),
    )
