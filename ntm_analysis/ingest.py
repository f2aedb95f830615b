"""Read a whole raw folder into records, rejects, findings and a reconciled report.

One bad file never stops the others: unreadable files get one line in the
report; bad rows become rejects. Duplicated year × commune × code records are
resolved by precedence:

1. layout, in the order of :data:`ntm_analysis.schema.LAYOUT_PRECEDENCE`
   (commune report, then tidy table, then district matrix);
2. a visible sheet before a hidden sheet;
3. file order (sorted relative path), then sheet order, then row order.

The first record wins. A loser with the same value (and appraisal) is counted
as a duplicate; when it comes from the same layout a ``duplicate_same`` finding
notes it (two layouts agreeing — a report and the district matrix — is simply
a passed cross-check). A loser with a different value gives a
``duplicate_conflict`` finding naming both sources and a reject line. A row all
of whose records were dropped is counted under ``duplicates_dropped``, so that
for every file ``rows_read == records + non_data_rows + rejected_rows +
duplicates_dropped`` (rows, not records).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema as s
from .errors import FindingCheck, RejectReason, UnreadableFileError
from .layouts import SheetResult, findings_frame, parse_sheet, records_frame, rejects_frame
from .readers import discover_inputs, read_sheets

#: Above this many files a progress bar is shown (when asked for).
PROGRESS_MIN_FILES = 20


@dataclass
class IngestResult:
    """Records of every readable file, with rejects, findings and the ingest report."""

    records: pd.DataFrame
    rejects: pd.DataFrame
    findings: pd.DataFrame
    report: dict = field(default_factory=dict)


def _sheet_entry(sheet_name: str, hidden: bool, res: SheetResult) -> dict:
    return {
        "sheet": sheet_name,
        "layout": res.layout,
        "hidden": hidden,
        "rows_read": res.rows_read,
        "records": res.records_rows,
        "record_count": len(res.records),
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
        records=records_frame([]),
        rejects=rejects_frame(rows),
        findings=findings_frame([]),
        rows_read=len(rows),
        rejected_rows=len(rows),
        notes=[f"parse error: {type(exc).__name__}"],
    )


def _iterate(paths: list[Path], progress: bool):
    if progress and len(paths) >= PROGRESS_MIN_FILES:
        from tqdm.auto import tqdm

        return tqdm(paths, desc="Reading", unit="file")
    return paths


def ingest_folder(raw_dir: Path, *, registry, catalog, progress: bool = False) -> IngestResult:
    """Read, parse, match and de-duplicate every input under ``raw_dir``.

    ``raw_dir`` is only read. Returns an :class:`IngestResult` whose ``report``
    is the content of ``ingest_report.json``.
    """
    raw_dir = Path(raw_dir)
    inputs, skipped = discover_inputs(raw_dir)
    files: list[dict] = []
    record_parts: list[pd.DataFrame] = []
    reject_parts: list[pd.DataFrame] = []
    finding_parts: list[pd.DataFrame] = []
    # (file index, sheet index, hidden) per (file, sheet) for precedence
    sheet_order: dict[tuple[str, str], tuple[int, int, bool]] = {}
    for file_index, path in enumerate(_iterate(inputs, progress)):
        rel = path.relative_to(raw_dir).as_posix()
        entry: dict = {"file": rel, "status": "read", "reason": None, "message": None}
        try:
            sheets = read_sheets(path, raw_dir=raw_dir)
        except UnreadableFileError as exc:
            entry.update(status="unreadable", reason=exc.reason, message=str(exc), sheets=[])
            files.append(entry)
            continue
        except Exception as exc:  # noqa: BLE001 - never stop the run on one file
            entry.update(
                status="unreadable",
                reason="corrupt",
                message=f"{rel}: the file cannot be read ({type(exc).__name__}: {exc}).",
                sheets=[],
            )
            files.append(entry)
            continue
        entry["sheets"] = []
        for sheet_index, sheet in enumerate(sheets):
            try:
                res = parse_sheet(sheet, registry=registry, catalog=catalog)
            except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the file
                res = _crash_result(sheet, exc)
            sheet_order[(rel, sheet.sheet)] = (file_index, sheet_index, sheet.hidden)
            entry["sheets"].append(_sheet_entry(sheet.sheet, sheet.hidden, res))
            if len(res.records):
                record_parts.append(res.records)
            if len(res.rejects):
                reject_parts.append(res.rejects)
            if len(res.findings):
                finding_parts.append(res.findings)
        files.append(entry)

    records = pd.concat(record_parts, ignore_index=True) if record_parts else records_frame([])
    rejects = pd.concat(reject_parts, ignore_index=True) if reject_parts else rejects_frame([])
    findings = pd.concat(finding_parts, ignore_index=True) if finding_parts else findings_frame([])

    records, dup_rejects, dup_findings, (dropped_rows, dropped_records) = deduplicate(
        records, sheet_order
    )
    if len(dup_rejects):
        rejects = pd.concat([rejects, dup_rejects], ignore_index=True)
    if len(dup_findings):
        findings = pd.concat([findings, dup_findings], ignore_index=True)

    for entry in files:
        for sh in entry.get("sheets", []):
            n = dropped_rows.get((entry["file"], sh["sheet"]), 0)
            sh["duplicates_dropped"] = n
            sh["records"] -= n
            sh["record_count"] -= dropped_records.get((entry["file"], sh["sheet"]), 0)
        _file_totals(entry)
    for sk in skipped:
        files.append(
            {
                "file": sk.file,
                "status": "skipped",
                "reason": sk.reason,
                "message": f"{sk.file}: {sk.message}",
                "sheets": [],
            }
        )
        _file_totals(files[-1])
    files.sort(key=lambda f: f["file"])
    report = {
        "files": files,
        "totals": _totals(files, records, rejects),
        "precedence": [
            *[f"layout: {layout}" for layout in s.LAYOUT_PRECEDENCE],
            "visible sheet before hidden sheet",
            "file order (sorted path), then sheet order, then row order",
        ],
    }
    return IngestResult(records=records, rejects=rejects, findings=findings, report=report)


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


def _same(a: object, b: object) -> bool:
    a_na, b_na = pd.isna(a), pd.isna(b)
    if a_na or b_na:
        return a_na and b_na
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _src(file, sheet, row) -> str:
    parts = [str(file)]
    if not pd.isna(sheet) and str(sheet):
        parts.append(str(sheet))
    if not pd.isna(row):
        parts.append(f"row {int(row)}")
    return " › ".join(parts)


def deduplicate(
    records: pd.DataFrame, sheet_order: dict[tuple[str, str], tuple[int, int, bool]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[dict, dict]]:
    """Keep one record per year × commune × level × code (pure).

    Returns (kept records, reject lines of conflicting losers, findings,
    (rows dropped per (file, sheet) — rows none of whose records were kept —,
    records dropped per (file, sheet))).
    """
    if records.empty:
        return records, rejects_frame([]), findings_frame([]), ({}, {})
    rank = {layout: k for k, layout in enumerate(s.LAYOUT_PRECEDENCE)}
    files = records[s.SOURCE_FILE].tolist()
    sheets = records[s.SOURCE_SHEET].tolist()
    order = [sheet_order.get((f, sh), (0, 0, False)) for f, sh in zip(files, sheets, strict=True)]
    keyed = records.assign(
        _layout_rank=records["layout"].map(rank).fillna(len(rank)).astype("int64"),
        _hidden=[o[2] for o in order],
        _file=[o[0] for o in order],
        _sheet=[o[1] for o in order],
        _pos=range(len(records)),
    )
    keyed = keyed.assign(
        _key=[
            f"{y}|{c}|{n}|{lv}|{ind}"
            for y, c, n, lv, ind in zip(
                keyed["year"], keyed["commune_code"], keyed["commune"], keyed["level"],
                keyed["indicator"], strict=True,
            )
        ]
    ).sort_values(["_layout_rank", "_hidden", "_file", "_sheet", s.SOURCE_ROW, "_pos"])  # fmt: skip
    dup_mask = keyed.duplicated(subset="_key", keep="first")
    if not dup_mask.any():
        return records, rejects_frame([]), findings_frame([]), ({}, {})
    winners = {k: pos for pos, k in enumerate(keyed.loc[~dup_mask, "_key"])}
    first_rows = keyed.loc[~dup_mask].reset_index(drop=True)
    losers = keyed.loc[dup_mask]
    rejects: list[tuple] = []
    findings: list[tuple] = []
    for row in losers.to_dict("records"):
        w = first_rows.iloc[winners[row["_key"]]]
        win_src = _src(w[s.SOURCE_FILE], w[s.SOURCE_SHEET], w[s.SOURCE_ROW])
        lose_src = _src(row["source_file"], row["source_sheet"], row["source_row"])
        if row["level"] == "criterion":
            same = _same(w["self_assessed"], row["self_assessed"])
            shown_w, shown_l = w["self_assessed"], row["self_assessed"]
        else:
            same = _same(w["value"], row["value"]) and (
                _same(w["self_assessed"], row["self_assessed"])
                or pd.isna(w["self_assessed"])
                or pd.isna(row["self_assessed"])
            )
            shown_w = w["value_text"] if not pd.isna(w["value_text"]) else w["self_assessed"]
            shown_l = row["value_text"] if not pd.isna(row["value_text"]) else row["self_assessed"]
        what = f"{row['level']} {row['indicator']} of {row['commune']} in {row['year']}"
        if same:
            if w["layout"] == row["layout"]:
                findings.append(
                    (
                        row["year"],
                        row["commune"],
                        row["level"],
                        row["indicator"],
                        str(FindingCheck.DUPLICATE_SAME),
                        f"The {what} appears twice with the same result ({_txt(shown_w)}): "
                        f"{win_src} and {lose_src}; kept {win_src}.",
                        win_src,
                    )
                )
            continue
        findings.append(
            (
                row["year"],
                row["commune"],
                row["level"],
                row["indicator"],
                str(FindingCheck.DUPLICATE_CONFLICT),
                f"The {what} differs between {win_src} ({_txt(shown_w)}) and {lose_src} "
                f"({_txt(shown_l)}); kept {win_src} by precedence.",
                win_src,
            )
        )
        rejects.append(
            (
                row["source_file"],
                row["source_sheet"],
                row["source_row"],
                None,
                None if pd.isna(row["value_text"]) else str(row["value_text"]),
                str(RejectReason.DUPLICATE_CONFLICT),
                f"Not used: the {what} is also in {win_src} with {_txt(shown_w)}, which takes "
                "precedence; correct the file that is wrong.",
            )
        )
    kept = keyed.loc[~dup_mask].sort_values("_pos")
    dropped_records: dict[tuple[str, str], int] = {}
    for f, sh in zip(losers[s.SOURCE_FILE], losers[s.SOURCE_SHEET], strict=True):
        dropped_records[(f, sh)] = dropped_records.get((f, sh), 0) + 1
    # rows none of whose records survived
    kept_rows = set(
        zip(kept[s.SOURCE_FILE], kept[s.SOURCE_SHEET], kept[s.SOURCE_ROW].tolist(), strict=True)
    )
    lost_rows = set(
        zip(
            losers[s.SOURCE_FILE], losers[s.SOURCE_SHEET], losers[s.SOURCE_ROW].tolist(),
            strict=True,
        )
    ) - kept_rows  # fmt: skip
    dropped: dict[tuple[str, str], int] = {}
    for f, sh, _r in lost_rows:
        dropped[(f, sh)] = dropped.get((f, sh), 0) + 1
    out = kept.drop(
        columns=["_layout_rank", "_hidden", "_file", "_sheet", "_pos", "_key"]
    ).reset_index(drop=True)
    return out, rejects_frame(rejects), findings_frame(findings), (dropped, dropped_records)


def _txt(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    return str(value)
