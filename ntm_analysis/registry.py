"""The commune registry: which administrative units exist, when, and where.

The registry is a plain CSV that users edit (``ntm_analysis/data/registry/
communes.csv`` by default). Each row is one unit for one validity period, so a
code that was reused after a merger (06895 was the town of Đầm Hà, then the
merged commune) stays unambiguous: a unit is a code *and* a period.

>>> reg = load_registry()
>>> reg.match("QUANG TAN", year=2023).name
'Xã Quảng Tân'
>>> reg.match("Đầm Hà", year=2023).status
'ambiguous'

A lineage file beside the registry (``lineage.csv``, see
:mod:`ntm_analysis.lineage`) says which units were merged into which; the
queries go through the unit and its validity period, never the code alone:

>>> [link.successor.name for link in reg.successors("06895", on=date(2024, 1, 1))]
['Xã Đầm Hà']
>>> len(reg.predecessors("06895", on=date(2026, 1, 1)))
5
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from . import labels as lb
from .errors import CatalogError
from .lineage import LINEAGE_FILE_NAME, LineageLink, Unit, empty_lineage, read_lineage
from .parsing import fold_text, normalize_text, split_unit_prefix

REGISTRY_COLUMNS = (
    "code",
    "name",
    "unit_type",
    "district",
    "province",
    "threshold_region",
    "valid_from",
    "valid_to",
    "note",
)
#: Columns a registry may leave out (older files): the QĐ 51 commune group and its
#: own validity period (empty dates: the unit's period).
OPTIONAL_REGISTRY_COLUMNS = ("commune_group", "group_valid_from", "group_valid_to")
#: The commune groups of QĐ 51/2025 (2026–2030), in place of the seven regions.
COMMUNE_GROUPS = ("1", "2", "3")
UNIT_TYPES = ("xã", "thị trấn", "phường")
#: Units assessed under the commune NTM criteria set (towns and wards are not).
ASSESSED_UNIT_TYPES = ("xã",)
#: Prefixes that name something above the commune level.
HIGHER_LEVEL_PREFIXES = ("huyện", "tỉnh", "quận", "thành phố", "thị xã")

MATCH_OK = "ok"
MATCH_UNKNOWN = "unknown"
MATCH_AMBIGUOUS = "ambiguous"
MATCH_NOT_VALID_IN_YEAR = "not_valid_in_year"
MATCH_NOT_A_COMMUNE = "not_a_commune"


@dataclass(frozen=True)
class UnitMatch:
    """The outcome of matching a written name against the registry."""

    status: str
    code: str | None = None
    name: str | None = None
    unit_type: str | None = None
    threshold_region: str | None = None
    candidates: tuple[str, ...] = ()
    message: str = ""
    #: For a unit not valid in the year: the units it became part of ("Xã Đầm Hà (06895)").
    successors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == MATCH_OK


def _year_span(valid_from: object, valid_to: object) -> tuple[date, date]:
    start = date.fromisoformat(str(valid_from)) if _present(valid_from) else date.min
    end = date.fromisoformat(str(valid_to)) if _present(valid_to) else date.max
    return start, end


def _present(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and value != value)
        and (str(value).strip() != "" and str(value) != "<NA>")
    )


class Registry:
    """Administrative units with validity periods, and name matching."""

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        path: str = "<registry>",
        lineage: pd.DataFrame | None = None,
        lineage_path: str = "<lineage>",
    ):
        missing = [c for c in REGISTRY_COLUMNS if c not in frame.columns]
        if missing:
            raise CatalogError(
                lb.message("err_registry_columns", path=path, columns=", ".join(missing)), path=path
            )
        frame = frame.assign(
            **{c: pd.NA for c in OPTIONAL_REGISTRY_COLUMNS if c not in frame.columns}
        )
        frame = frame.loc[:, [*REGISTRY_COLUMNS, *OPTIONAL_REGISTRY_COLUMNS]].astype("string")
        frame = frame.apply(lambda col: col.map(normalize_text, na_action="ignore")).astype(
            "string"
        )
        bad_types = sorted(set(frame["unit_type"].dropna()) - set(UNIT_TYPES))
        if bad_types:
            raise CatalogError(
                lb.message(
                    "err_registry_unit_types",
                    path=path,
                    bad=", ".join(bad_types),
                    known=", ".join(UNIT_TYPES),
                ),
                path=path,
            )
        bad_groups = sorted(set(frame["commune_group"].dropna()) - set(COMMUNE_GROUPS))
        if bad_groups:
            raise CatalogError(
                lb.message(
                    "err_registry_groups",
                    path=path,
                    bad=", ".join(bad_groups),
                    known=", ".join(COMMUNE_GROUPS),
                ),
                path=path,
            )
        spans, group_spans = [], []
        for row in frame.itertuples(index=False):
            try:
                spans.append(_year_span(row.valid_from, row.valid_to))
                group_spans.append(_year_span(row.group_valid_from, row.group_valid_to))
            except ValueError as exc:
                raise CatalogError(
                    lb.message("err_registry_date", path=path, name=row.name, detail=exc),
                    path=path,
                ) from exc
        self._group_spans = group_spans
        self.frame = frame
        self.path = path
        self._spans = spans
        self._starts = np.array([start.toordinal() for start, _ in spans], dtype=np.int64)
        self._ends = np.array([end.toordinal() for _, end in spans], dtype=np.int64)
        self._bare = [fold_text(split_unit_prefix(n)[1]) for n in frame["name"]]
        self._districts = {
            fold_text(split_unit_prefix(d)[1]) for d in frame["district"].dropna()
        } | {fold_text(d) for d in frame["district"].dropna()}
        self.links = self._resolve_lineage(
            lineage if lineage is not None else empty_lineage(), lineage_path
        )

    # ------------------------------------------------------------------ units and lineage

    def _unit(self, index: int) -> Unit:
        row = self.frame.iloc[index]
        start, end = self._spans[index]

        def text(column: str) -> str | None:
            return None if pd.isna(row[column]) else str(row[column])

        return Unit(
            code=text("code"),
            name=str(row["name"]),
            unit_type=str(row["unit_type"]),
            district=text("district"),
            province=text("province"),
            valid_from=None if start == date.min else start,
            valid_to=None if end == date.max else end,
        )

    def _indices_on(self, code: str | None, name: str | None, day: date) -> list[int]:
        """Rows valid on ``day`` with this code (and name, when given; codeless: by name)."""
        codes = self.frame["code"]
        names = self.frame["name"]
        out = []
        for i, (start, end) in enumerate(self._spans):
            if not start <= day <= end:
                continue
            if code is not None and codes.iloc[i] != code:
                continue
            if code is None and not pd.isna(codes.iloc[i]):
                continue
            if name is not None and fold_text(names.iloc[i]) != fold_text(name):
                continue
            out.append(i)
        return out

    def unit(self, code: str | None, *, on: date, name: str | None = None) -> Unit | None:
        """The unit that held ``code`` on the day ``on`` (``name`` decides a codeless unit).

        >>> load_registry().unit("06895", on=date(2024, 1, 1)).name
        'Thị trấn Đầm Hà'
        >>> load_registry().unit("06895", on=date(2026, 1, 1)).name
        'Xã Đầm Hà'
        """
        if code is None and name is None:
            return None
        hits = self._indices_on(code, name, on)
        return self._unit(hits[0]) if len(hits) == 1 else None

    def _resolve_lineage(self, lineage: pd.DataFrame, path: str) -> tuple[LineageLink, ...]:
        links = []
        for row_number, row in enumerate(lineage.itertuples(index=False), start=2):
            where = f"{path}, {lb.message('where_row', row=row_number)}"

            def cell(value: object) -> str | None:
                return None if pd.isna(value) else str(value)

            try:
                effective = date.fromisoformat(str(row.effective_date))
            except ValueError as exc:
                raise CatalogError(
                    lb.message("err_lineage_date", where=where, value=row.effective_date),
                    path=path,
                ) from exc
            ends = effective - timedelta(days=1)
            pred = self.unit(cell(row.predecessor_code), on=ends, name=cell(row.predecessor_name))
            succ = self.unit(cell(row.successor_code), on=effective, name=cell(row.successor_name))
            for unit, role, code, name, day in (
                (pred, "role_predecessor", row.predecessor_code, row.predecessor_name, ends),
                (succ, "role_successor", row.successor_code, row.successor_name, effective),
            ):
                if unit is None:
                    raise CatalogError(
                        lb.message(
                            "err_lineage_unit",
                            where=where,
                            role=lb.message(role),
                            name=cell(name) or "",
                            code=cell(code) or lb.message("no_code"),
                            day=day.isoformat(),
                        ),
                        path=path,
                    )
            links.append(LineageLink(pred, succ, effective, cell(row.legal_basis), cell(row.note)))
        return tuple(links)

    def predecessors(
        self, code: str | None, *, on: date, name: str | None = None
    ) -> tuple[LineageLink, ...]:
        """The links into the unit that held ``code`` on ``on``: what it was formed from."""
        unit = self.unit(code, on=on, name=name)
        return tuple(link for link in self.links if unit is not None and link.successor == unit)

    def successors(
        self, code: str | None, *, on: date, name: str | None = None
    ) -> tuple[LineageLink, ...]:
        """The links out of the unit that held ``code`` on ``on``: what it became part of."""
        unit = self.unit(code, on=on, name=name)
        return tuple(link for link in self.links if unit is not None and link.predecessor == unit)

    def all_units(self) -> tuple[Unit, ...]:
        """Every unit of the registry, one per validity period, in file order."""
        return tuple(self._unit(i) for i in range(len(self.frame)))

    def unit_in_year(self, code: str | None, year: int, *, name: str | None = None) -> Unit | None:
        """The unit that held ``code`` (and ``name``, when given) during ``year``; of two in
        the year (a code reused on 01/07/2025), the one standing on 31 December.

        >>> load_registry().unit_in_year("06895", 2024).name
        'Thị trấn Đầm Hà'
        >>> load_registry().unit_in_year("06895", 2025, name="Thị trấn Đầm Hà").valid_to
        datetime.date(2025, 6, 30)
        """
        if code is None and name is None:
            return None
        codes = self.frame["code"].to_numpy(dtype=object, na_value=None)
        names = self.frame["name"].tolist()
        wanted = fold_text(name) if name is not None else None
        hits = [
            i
            for i in range(len(self.frame))
            if self._valid(i, year)
            and (code is None or codes[i] == code)
            and (wanted is None or fold_text(names[i]) == wanted)
        ]
        last = [i for i in hits if self._spans[i][1] >= date(year, 12, 31)]
        picked = last if len(last) == 1 else hits
        return self._unit(picked[0]) if len(picked) == 1 else None

    def _successors_of_index(self, index: int) -> tuple[LineageLink, ...]:
        unit = self._unit(index)
        return tuple(link for link in self.links if link.predecessor == unit)

    # ------------------------------------------------------------------ queries

    def _valid(self, index: int, year: int) -> bool:
        start, end = self._spans[index]
        return start <= date(year, 12, 31) and end >= date(year, 1, 1)

    def units(self, year: int | None = None, *, assessed_only: bool = False) -> pd.DataFrame:
        """Units valid in ``year`` (all units when ``year`` is None)."""
        keep = np.ones(len(self.frame), dtype=bool)
        frame = self.frame
        if year is not None:
            keep &= (self._starts <= date(year, 12, 31).toordinal()) & (
                self._ends >= date(year, 1, 1).toordinal()
            )
            in_force = np.array(
                [
                    start <= date(year, 12, 31) and end >= date(year, 1, 1)
                    for start, end in self._group_spans
                ],
                dtype=bool,
            )
            frame = frame.assign(commune_group=frame["commune_group"].where(in_force, pd.NA))
        if assessed_only:
            keep &= (
                self.frame["unit_type"]
                .isin(ASSESSED_UNIT_TYPES)
                .to_numpy(dtype=bool, na_value=False)
            )
        return frame.loc[keep].reset_index(drop=True)

    def is_district_name(self, text: object) -> bool:
        """True when ``text`` names a district of the registry ("huyện Đầm Hà")."""
        prefix, bare = split_unit_prefix(text)
        if prefix is not None and prefix not in HIGHER_LEVEL_PREFIXES:
            return False
        return fold_text(bare) in self._districts or fold_text(text) in self._districts

    def region_of(self, code: str, year: int) -> str | None:
        """The threshold region of unit ``code`` in ``year``, or None when unset."""
        for i, row in enumerate(self.frame.itertuples(index=False)):
            if row.code == code and self._valid(i, year):
                return None if pd.isna(row.threshold_region) else str(row.threshold_region)
        return None

    def group_of(self, code: str, year: int, *, name: str | None = None) -> str | None:
        """The QĐ 51 commune group ("1", "2", "3") of unit ``code`` in ``year``, or None.

        The group counts only within its own validity period.
        """
        units = self.units(year)
        hit = units.loc[
            (units["code"] == code).to_numpy(dtype=bool, na_value=False)
            & (
                (units["name"] == name).to_numpy(dtype=bool, na_value=False)
                if name is not None
                else True
            )
        ]
        groups = hit["commune_group"].dropna()
        return str(groups.iloc[-1]) if len(groups) else None

    def match(self, text: object, *, year: int | None = None) -> UnitMatch:
        """Match a name as written to one registry unit.

        Case, diacritics, spacing and prefixes ("xã", "X.", "thị trấn", "TT")
        are ignored, except that a prefix decides between units that share a
        bare name. A name not valid in ``year`` is not matched to its successor.
        """
        written = normalize_text(text) or ""
        prefix, bare = split_unit_prefix(written)
        folded = fold_text(bare)
        if not folded:
            return UnitMatch(MATCH_UNKNOWN, message=lb.message("match_empty"))
        if prefix in HIGHER_LEVEL_PREFIXES:
            return UnitMatch(
                MATCH_NOT_A_COMMUNE,
                message=lb.message("match_not_a_commune", written=written, prefix=prefix),
            )
        hits = [
            i
            for i, b in enumerate(self._bare)
            if b == folded and (prefix is None or self.frame["unit_type"].iloc[i] == prefix)
        ]
        if not hits:
            close = difflib.get_close_matches(folded, sorted(set(self._bare)), n=2, cutoff=0.8)
            names = [self.frame["name"].iloc[self._bare.index(c)] for c in close]
            hint = (
                lb.message("match_did_you_mean", names=lb.message("or").join(names))
                if names
                else ""
            )
            return UnitMatch(
                MATCH_UNKNOWN,
                candidates=tuple(names),
                message=lb.message("match_unknown", written=written, hint=hint),
            )
        if year is not None:
            valid = [i for i in hits if self._valid(i, year)]
            if not valid:
                i = max(hits, key=lambda h: self._spans[h][1])  # the latest before the year
                links = self._successors_of_index(i)
                note = self.frame["note"].iloc[i]
                if links:
                    became = lb.message("and").join(link.successor.label() for link in links)
                    extra = lb.message(
                        "match_became", date=f"{links[0].effective:%d/%m/%Y}", became=became
                    )
                else:
                    extra = f" ({note})" if not pd.isna(note) else ""
                return UnitMatch(
                    MATCH_NOT_VALID_IN_YEAR,
                    name=self.frame["name"].iloc[i],
                    candidates=tuple(self.frame["name"].iloc[hits]),
                    message=lb.message(
                        "match_not_valid", name=self.frame["name"].iloc[i], year=year, extra=extra
                    ),
                    successors=tuple(link.successor.label() for link in links),
                )
            hits = valid
        names = list(dict.fromkeys(self.frame["name"].iloc[hits]))
        keys = list(dict.fromkeys((self.frame["code"].iloc[i], self._spans[i]) for i in hits))
        if len(names) > 1 or (year is not None and len(keys) > 1):
            labels = tuple(
                f"{self.frame['name'].iloc[i]} ({self.frame['code'].iloc[i]})" for i in hits
            )
            return UnitMatch(
                MATCH_AMBIGUOUS,
                candidates=labels,
                message=lb.message(
                    "match_ambiguous", written=written, labels=lb.message("or").join(labels)
                ),
            )
        i = hits[-1]
        row = self.frame.iloc[i]
        return UnitMatch(
            MATCH_OK,
            code=None if pd.isna(row["code"]) else str(row["code"]),
            name=str(row["name"]),
            unit_type=str(row["unit_type"]),
            threshold_region=None if pd.isna(row["threshold_region"]) else row["threshold_region"],
        )


def load_registry(path: str | Path | None = None) -> Registry:
    """Read the registry CSV (codes stay text: "06895" keeps its leading zero).

    A ``lineage.csv`` in the same folder is read with it (no file: no lineage).
    """
    path = Path(path) if path is not None else config.REGISTRY_FILE
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CatalogError(
            lb.message("err_registry_unreadable", path=path, detail=exc), path=str(path)
        ) from exc
    frame = frame.replace({"": pd.NA})
    lineage_path = path.with_name(LINEAGE_FILE_NAME)
    lineage = read_lineage(lineage_path) if lineage_path.is_file() else None
    return Registry(frame, path=str(path), lineage=lineage, lineage_path=str(lineage_path))
