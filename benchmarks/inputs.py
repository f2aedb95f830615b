"""Generated benchmark inputs, cached under ``benchmarks/.work/`` by their parameters."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from benchmarks import generate
from benchmarks.harness import WORK_DIR

#: Bump when a generator changes what it writes, so cached inputs are rebuilt.
GENERATOR_VERSION = 3


def load_reference(catalog_dir: str | None = None):
    """The real catalog (or one from ``catalog_dir``) and its commune set's regions."""
    from ntm_analysis.catalog import load_catalog

    catalog = load_catalog(catalog_dir=catalog_dir) if catalog_dir else load_catalog()
    return catalog


def _regions(catalog, years) -> list[str | None]:
    codes: list[str | None] = []
    for y in years:
        for r in catalog.set_for_year(y).regions:
            if r["code"] not in codes:
                codes.append(r["code"])
    return codes or [None]


def catalog_fingerprint(catalog, years) -> str:
    """A short hash of the criteria sets of ``years``: inputs made for another catalog are stale."""
    text = "\n".join(repr(catalog.set_for_year(y)) for y in years)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _cached(directory: Path, params: dict) -> bool:
    stamp = directory / "params.json"
    want = {**params, "generator_version": GENERATOR_VERSION}
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return True
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return False


def _stamp(directory: Path, params: dict) -> None:
    want = {**params, "generator_version": GENERATOR_VERSION}
    (directory / "params.json").write_text(json.dumps(want, sort_keys=True))


def _raw_facts(raw_dir: Path, registry_csv: Path, **extra) -> dict:
    """Where a generated raw folder and its registry are, with its file count and bytes."""
    files = sorted(p for p in raw_dir.iterdir() if p.is_file())
    return {
        "raw_dir": str(raw_dir),
        "registry_csv": str(registry_csv),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        **extra,
    }


def records_input(
    n_communes: int, n_years: int, *, seed: int = 0, catalog_dir: str | None = None
) -> dict:
    """Records parquet and registry CSV for ``n_communes`` x ``n_years`` (cached)."""
    catalog = load_reference(catalog_dir)
    years = generate.covered_years(catalog, n_years)
    params = {
        "kind": "records",
        "n": n_communes,
        "years": years,
        "seed": seed,
        "catalog": catalog_fingerprint(catalog, years),
    }
    directory = WORK_DIR / f"records-{n_communes}c-{len(years)}y-s{seed}"
    parquet = directory / "records.parquet"
    registry_csv = directory / "registry.csv"
    if not _cached(directory, params):
        registry = generate.make_registry(n_communes, regions=_regions(catalog, years), seed=seed)
        records = generate.make_records(registry, catalog, years, seed=seed)
        registry.to_csv(registry_csv, index=False)
        records.to_parquet(parquet, index=False)
        _stamp(directory, params)
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(parquet).metadata
    return {
        "parquet": str(parquet),
        "registry_csv": str(registry_csv),
        "rows": meta.num_rows,
        "years": years,
        "bytes": parquet.stat().st_size,
    }


def province_raw_input(
    n_communes: int,
    n_years: int,
    *,
    communes_per_district: int = 10,
    seed: int = 0,
    catalog_dir: str | None = None,
) -> dict:
    """A raw folder of commune reports and district matrices (cached)."""
    catalog = load_reference(catalog_dir)
    years = generate.covered_years(catalog, n_years, last_year=2024)
    params = {
        "kind": "province_raw",
        "n": n_communes,
        "years": years,
        "per_district": communes_per_district,
        "seed": seed,
        "catalog": catalog_fingerprint(catalog, years),
    }
    directory = WORK_DIR / f"province-{n_communes}c-{len(years)}y-s{seed}"
    raw_dir = directory / "raw"
    registry_csv = directory / "registry.csv"
    if not _cached(directory, params):
        registry = generate.make_registry(
            n_communes,
            communes_per_district=communes_per_district,
            regions=_regions(catalog, years),
            seed=seed,
        )
        records = generate.make_records(registry, catalog, years, seed=seed, missing_share=0.0)
        registry.to_csv(registry_csv, index=False)
        generate.write_province_raw(raw_dir, registry, records, catalog)
        _stamp(directory, params)
    return _raw_facts(raw_dir, registry_csv, years=years)


def province_after_arrangement_input(
    n_communes: int, *, year: int = 2026, seed: int = 0, catalog_dir: str | None = None
) -> dict:
    """Raw reports of ``n_communes`` invented communes of one province for ``year`` (after
    the arrangement of 01/07/2025: no districts, so no district matrices) and the registry
    that knows them, with a commune group each (cached)."""
    catalog = load_reference(catalog_dir)
    params = {
        "kind": "province_after_arrangement",
        "n": n_communes,
        "year": year,
        "seed": seed,
        "catalog": catalog_fingerprint(catalog, [year]),
    }
    directory = WORK_DIR / f"province-{year}-{n_communes}c-s{seed}"
    raw_dir = directory / "raw"
    registry_csv = directory / "registry.csv"
    if not _cached(directory, params):
        registry = generate.make_province_registry(n_communes, seed=seed)
        records = generate.make_records(registry, catalog, [year], seed=seed, missing_share=0.0)
        registry.to_csv(registry_csv, index=False)
        generate.write_province_raw(raw_dir, registry, records, catalog, matrices=False)
        _stamp(directory, params)
    return _raw_facts(raw_dir, registry_csv, year=year)
