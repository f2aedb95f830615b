"""Clean a raw folder into the processed tables, and read them back.

This is the I/O edge of the cleaning stage: it calls ingestion
(:mod:`ntm_analysis.ingest`), evaluation (:mod:`ntm_analysis.evaluation`),
validates each table against its pandera schema and writes it atomically.
``data/raw/`` is only ever read.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import config
from . import labels as lb
from . import schema as s
from .catalog import Catalog, load_catalog
from .columnar import as_categorical
from .errors import FindingCheck, NoDataError, UsageError
from .evaluation import (
    CATEGORICAL_RECORD_COLUMNS,
    Evaluation,
    evaluate,
    records_order,
)
from .folders import check_writable_folder
from .ingest import IngestResult, ingest_folder
from .parsing import neutralise_formula
from .provenance import is_sample_report
from .readers import SKIP_SAMPLE_BESIDE_REAL_DATA
from .registry import Registry, load_registry
from .schema import ProcessedData
from .validation import validate_table
from .writing import atomic_write

#: Parquet tables written by ``ntm clean``: attribute of Evaluation -> file name.
PARQUET_TABLES = {
    "indicators": config.INDICATORS_FILE,
    "criteria": config.CRITERIA_FILE,
    "communes": config.COMMUNES_FILE,
    "district": config.DISTRICT_FILE,
    "district_criteria": config.DISTRICT_CRITERIA_FILE,
}

EXIT_OK = 0
EXIT_WITH_ISSUES = 1
EXIT_USAGE = 2


@dataclass
class CleanSummary:
    """What a clean (or check) run found and wrote."""

    raw_dir: Path
    out_dir: Path | None
    ingest_report: dict
    evaluation: Evaluation | None
    rejects: pd.DataFrame
    findings: pd.DataFrame
    written: list[Path] = field(default_factory=list)
    #: The ingested records (``schema.RECORD_COLUMNS``) the evaluation was run on.
    records: pd.DataFrame | None = None

    @property
    def files_unreadable(self) -> int:
        return sum(1 for f in self.ingest_report["files"] if f.get("status") == "unreadable")

    @property
    def exit_code(self) -> int:
        """0 all clean; 1 finished with rejects, findings or unreadable files."""
        if self.files_unreadable or len(self.rejects) or len(self.findings):
            return EXIT_WITH_ISSUES
        return EXIT_OK

    def full_report(self) -> dict:
        """The ingest report with every finding and reject listed (``ntm check --json``)."""

        def rows(frame: pd.DataFrame) -> list[dict]:
            plain = frame.astype(object).where(frame.notna(), None)
            return plain.to_dict(orient="records")

        return self.ingest_report | {
            "counts": {"findings": len(self.findings), "rejects": len(self.rejects)},
            "findings": rows(self.findings),
            "rejects": rows(self.rejects),
        }

    def lines(self) -> list[str]:
        """A short plain-text summary for the terminal."""
        t = self.ingest_report["totals"]
        out = [
            lb.message(
                "cli_files",
                read=t["files_read"],
                unreadable=t["files_unreadable"],
                skipped=t["files_skipped"],
            ),
            lb.message(
                "cli_rows",
                read=t["rows_read"],
                records=t["records"],
                non_data=t["non_data_rows"],
                rejected=t["rejected_rows"],
                duplicates=t["duplicates_dropped"],
            ),
            lb.message(
                "cli_findings_rejects",
                findings=len(self.findings),
                rejects=len(self.rejects),
                rejected=t["rejected_rows"],
            ),
        ]
        set_aside = 0
        for f in self.ingest_report["files"]:
            if f.get("status") == "unreadable":
                text = f.get("message") or f.get("reason")
                out.append(lb.message("cli_unreadable_file", file=f["file"], text=text))
            elif f.get("reason") == SKIP_SAMPLE_BESIDE_REAL_DATA:
                set_aside += 1
                set_aside_message = f.get("message")
        if set_aside:
            out.append(lb.message("cli_sample_set_aside", n=set_aside, text=set_aside_message))
        if self.evaluation is not None and len(self.evaluation.communes):
            latest = self.evaluation.communes["year"].max()
            latest_rows = self.evaluation.communes.loc[self.evaluation.communes["year"] == latest]
            ntm = int((latest_rows["status"] == s.STATUS_NTM).sum())
            out.append(lb.message("cli_ntm_standard", year=latest, ntm=ntm, total=len(latest_rows)))
        if self.written:
            out.append(lb.message("cli_written", path=self.out_dir))
        return out


def _reference_data(
    province_file: str | Path | None, registry_file: str | Path | None
) -> tuple[Catalog, Registry]:
    return load_catalog(province_file), load_registry(registry_file)


def run_clean(
    raw_dir: str | Path | None = None,
    *,
    province_file: str | Path | None = None,
    registry_file: str | Path | None = None,
    progress: bool = False,
) -> CleanSummary:
    """Ingest and evaluate a raw folder (or one file) without writing anything."""
    raw_dir = Path(raw_dir) if raw_dir is not None else config.RAW_DATA_DIR
    only = None
    if raw_dir.is_file():  # one file: read it alone, named relative to its folder
        only, raw_dir = raw_dir, raw_dir.parent
    elif not raw_dir.is_dir():
        raise UsageError(lb.message("err_raw_not_found", path=raw_dir))
    catalog, registry = _reference_data(province_file, registry_file)
    ingested: IngestResult = ingest_folder(
        raw_dir, registry=registry, catalog=catalog, progress=progress, only=only
    )
    ingest_report = dict(ingested.ingest_report)
    files = ingest_report.get("files", [])
    if not any(f.get("status") == "read" for f in files):
        reasons = "; ".join(
            f"{f['file']}: {f.get('message') or f.get('reason')}"
            for f in files
            if f.get("status") == "unreadable"
        )
        detail = f" ({reasons})" if reasons else ""
        raise NoDataError(lb.message("err_no_readable_data", path=raw_dir, detail=detail))
    if ingested.records.empty:
        raise NoDataError(lb.message("err_read_but_empty", path=raw_dir))
    evaluation = evaluate(ingested.records, catalog=catalog, registry=registry)
    findings = pd.concat(
        [f for f in (ingested.findings, evaluation.findings) if len(f)] or [evaluation.findings],
        ignore_index=True,
    )
    if only is not None:
        findings = without_completeness(findings)
    ingest_report.update(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        raw_dir=str(raw_dir),
        sample=is_sample_report(ingest_report),
        criteria_sets=sorted(set(evaluation.communes["criteria_set"].astype(str))),
        province_set=catalog.province_set,
        registry=registry.path,
        years=sorted(int(y) for y in evaluation.communes["year"].unique()),
        findings=len(findings),
        rejects=len(ingested.rejects),
    )
    return CleanSummary(
        raw_dir,
        None,
        ingest_report,
        evaluation,
        ingested.rejects,
        findings,
        records=ingested.records,
    )


def without_completeness(findings: pd.DataFrame) -> pd.DataFrame:
    """``findings`` less the "no report from this commune" ones: one file checked alone
    says nothing of whether the district's other communes reported (pure)."""
    missing = findings["check"].astype("string") == FindingCheck.MISSING_COMMUNE_REPORT.value
    return findings.loc[~missing.fillna(False).to_numpy(bool)].reset_index(drop=True)


def safe_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise text cells that a spreadsheet would run as a formula (pure)."""
    text_cols = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame.assign(
        **{c: frame[c].map(neutralise_formula, na_action="ignore") for c in text_cols}
    )


def _refuse_raw_folder(raw_dir: Path, out_dir: Path) -> None:
    raw = Path(raw_dir).resolve()
    if out_dir.resolve() == raw or out_dir.resolve().is_relative_to(raw):
        raise UsageError(lb.message("err_write_into_raw", path=raw))


def write_processed(summary: CleanSummary, out_dir: str | Path) -> list[Path]:
    """Validate and write every processed table; returns the paths written.

    ``summary`` is not changed: :func:`clean_folder` returns a copy that
    names the folder and the files.
    """
    out_dir = Path(out_dir)
    _refuse_raw_folder(summary.raw_dir, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ev = summary.evaluation
    for attr, name in PARQUET_TABLES.items():
        table = validate_table(attr, getattr(ev, attr))
        path = out_dir / name
        atomic_write(path, lambda p, t=table: t.to_parquet(p, index=False))
        written.append(path)
    for name, attr, frame in (
        (config.FINDINGS_FILE, "findings", summary.findings),
        (config.REJECTS_FILE, "rejects", summary.rejects),
    ):
        table = safe_csv_frame(validate_table(attr, frame))
        path = out_dir / name
        atomic_write(path, lambda p, t=table: t.to_csv(p, index=False, encoding="utf-8-sig"))
        written.append(path)
    if summary.records is not None:
        path = out_dir / config.RECORDS_FILE
        records = summary.records.take(records_order(summary.records))
        atomic_write(path, lambda p: records.to_parquet(p, index=False))
        written.append(path)
    path = out_dir / config.INGEST_REPORT_FILE
    text = json.dumps(summary.ingest_report, ensure_ascii=False, indent=2, default=str)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    written.append(path)
    return written


def clean_folder(
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    province_file: str | Path | None = None,
    registry_file: str | Path | None = None,
    progress: bool = False,
) -> CleanSummary:
    """Read every file of ``raw_dir``, evaluate, and write ``out_dir`` (the ``ntm clean`` API).

    An ``out_dir`` that cannot be written is refused before anything is read.
    """
    out = Path(out_dir if out_dir is not None else config.PROCESSED_DATA_DIR)
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DATA_DIR
    if not raw.is_dir():
        raise UsageError(lb.message("err_raw_folder_not_found", path=raw))
    _refuse_raw_folder(raw, out)
    check_writable_folder(out, lb.message("what_processed_folder"))
    summary = run_clean(
        raw_dir, province_file=province_file, registry_file=registry_file, progress=progress
    )
    written = write_processed(summary, out)
    return dataclasses.replace(summary, out_dir=out, written=written)


def load_processed(processed_dir: str | Path | None = None) -> ProcessedData:
    """Read (and validate) the tables that ``ntm clean`` wrote.

    Raises :class:`NoDataError` with one clear line when the folder is
    missing or empty.
    """
    d = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    missing = [n for n in PARQUET_TABLES.values() if not (d / n).is_file()]
    if missing:
        raise NoDataError(lb.message("err_no_processed", path=d, missing=", ".join(missing)))
    tables = {
        attr: validate_table(attr, pd.read_parquet(d / name))
        for attr, name in PARQUET_TABLES.items()
    }
    if tables["communes"].empty:
        raise NoDataError(lb.message("err_processed_empty", path=d))

    def read_csv(name: str, attr: str) -> pd.DataFrame:
        path = d / name
        if not path.is_file():
            return validate_table(attr, pd.DataFrame(columns=list(_columns(attr))))
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame = frame.replace({"": pd.NA})
        if attr == "findings" and "source" in frame.columns:
            # written before the source was also split into file, sheet and row
            frame = frame.reindex(columns=list(_columns(attr)))
        return validate_table(attr, frame)

    ingest_report_path = d / config.INGEST_REPORT_FILE
    ingest_report = (
        json.loads(ingest_report_path.read_text(encoding="utf-8"))
        if ingest_report_path.is_file()
        else {}
    )
    return ProcessedData(
        **tables,
        findings=read_csv(config.FINDINGS_FILE, "findings"),
        rejects=read_csv(config.REJECTS_FILE, "rejects"),
        ingest_report=ingest_report,
        path=d,
    )


def read_records(path: str | Path | None = None) -> pd.DataFrame:
    """Read the records table that ``ntm clean`` wrote (``schema.RECORD_COLUMNS``).

    The repeated text columns (commune names, codes, file names, appraisal
    words) are read dictionary-encoded, as pandas categoricals: faster than
    reading them as strings, a few bytes per row in memory, and what
    :func:`ntm_analysis.evaluation.evaluate` works on. ``path`` defaults to
    ``records.parquet`` in the processed-data folder.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path) if path is not None else config.PROCESSED_DATA_DIR / config.RECORDS_FILE
    if not path.is_file():
        raise NoDataError(lb.message("err_no_records", path=path))
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise UsageError(lb.message("err_not_parquet", path=path, detail=exc)) from exc
    missing = [c for c in s.RECORD_COLUMNS if c not in schema.names]
    if missing:
        raise UsageError(lb.message("err_not_records_table", path=path, columns=", ".join(missing)))
    text = [
        c
        for c in CATEGORICAL_RECORD_COLUMNS
        if pa.types.is_string(schema.field(c).type)
        or pa.types.is_large_string(schema.field(c).type)
    ]
    # one contiguous chunk per column converts to pandas fastest
    table = pq.ParquetFile(path, read_dictionary=text).read(columns=list(s.RECORD_COLUMNS))
    frame = table.combine_chunks().to_pandas()
    del table
    pa.default_memory_pool().release_unused()  # the decode buffers, back to the system
    return as_categorical(frame, CATEGORICAL_RECORD_COLUMNS)


def _columns(attr: str) -> tuple[str, ...]:
    return {"findings": s.FINDING_COLUMNS, "rejects": s.REJECT_COLUMNS}[attr]
