"""The year and the commune a sheet's title rows, sheet name or file name give (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from . import labels as lb
from .errors import RejectReason
from .parsing import (
    find_year,
    split_unit_prefix,
)
from .sheet_rows import fold_cell

#: How a registry match status becomes a reject reason.
MATCH_REASON = {
    "unknown": RejectReason.UNKNOWN_COMMUNE,
    "ambiguous": RejectReason.AMBIGUOUS_COMMUNE,
    "not_valid_in_year": RejectReason.COMMUNE_NOT_VALID_IN_YEAR,
    "not_a_commune": RejectReason.UNKNOWN_COMMUNE,
}


_REGISTRY_INDEX: dict[int, tuple[object, list[tuple[str, str]]]] = {}

_PREFIX_WORDS = (
    ("thi tran", "thị trấn"),
    ("thi xa", "thị xã"),
    ("thanh pho", "thành phố"),
    ("ubnd xa", "xã"),
    ("uy ban nhan dan xa", "xã"),
    ("xa", "xã"),
    ("tt", "thị trấn"),
    ("t t", "thị trấn"),
    ("x", "xã"),
    ("phuong", "phường"),
    ("p", "phường"),
    ("huyen", "huyện"),
    ("h", "huyện"),
    ("tinh", "tỉnh"),
    ("quan", "quận"),
    ("tp", "thành phố"),
)
_HIGHER = ("huyện", "tỉnh", "quận", "thành phố", "thị xã")


def _bare_names(registry) -> list[tuple[str, str]]:
    """(folded bare name, bare name as written) of every registry unit, longest first."""
    key = id(registry)
    hit = _REGISTRY_INDEX.get(key)
    if hit is not None and hit[0] is registry:
        return hit[1]
    seen: dict[str, str] = {}
    for name in registry.frame["name"].dropna():
        bare = split_unit_prefix(name)[1]
        folded = fold_cell(bare)
        if folded:
            seen.setdefault(folded, bare)
    names = sorted(seen.items(), key=lambda kv: -len(kv[0]))
    _REGISTRY_INDEX[key] = (registry, names)
    return names


_MATCH_CACHE: dict[int, tuple[object, dict]] = {}


class TitleMatcher:
    """Registry matching, cached per registry object (names repeat across sheets)."""

    def __init__(self, registry):
        self.registry = registry
        hit = _MATCH_CACHE.get(id(registry))
        if hit is None or hit[0] is not registry:
            if len(_MATCH_CACHE) > 8:
                _MATCH_CACHE.clear()
            hit = (registry, {})
            _MATCH_CACHE[id(registry)] = hit
        self.cache: dict[tuple[str, int | None, str], object] = hit[1]

    def match(self, text: str, year: int | None):
        key = (text, year, lb.current_lang())  # a match carries a message in the run's language
        found = self.cache.get(key)
        if found is None:
            found = self.registry.match(text, year=year)
            self.cache[key] = found
        return found

    def find_in_text(self, text: object, year: int | None, *, mode: str = "any"):
        """The commune named somewhere in free text (title, sheet or file name), or None.

        A name preceded by a district or province word ("huyện Đầm Hà") is
        never taken for a commune. ``mode="prefixed"`` only accepts names written
        with a unit word ("xã Quảng Tân"); ``mode="multiword"`` accepts bare names
        of two or more words (a one-word name is too likely to be an ordinary
        word of a title).
        """
        folded = f" {fold_cell(text)} "
        if not folded.strip():
            return None
        results = []
        taken: list[tuple[int, int]] = []
        for key, bare in _bare_names(self.registry):
            start = 0
            needle = f" {key} "
            while (pos := folded.find(needle, start)) >= 0:
                start = pos + 1
                span = (pos, pos + len(needle))
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                before = folded[: pos + 1].rstrip()
                prefix = None
                for word, canonical in _PREFIX_WORDS:
                    if before == word or before.endswith(" " + word):
                        prefix = canonical
                        break
                taken.append(span)
                if prefix in _HIGHER:
                    continue
                if prefix is None and (
                    mode == "prefixed" or (mode == "multiword" and " " not in key)
                ):
                    continue
                phrase = f"{prefix} {bare}" if prefix else bare
                results.append(self.match(phrase, year))
        if not results and mode == "any":  # file names written together: "BC_QuangTan_2023"
            compact = folded.replace(" ", "")
            for key, bare in _bare_names(self.registry):
                joined = key.replace(" ", "")
                if len(joined) >= 6 and " " in key and joined in compact:
                    results.append(self.match(bare, year))
                    break
        if not results:
            return None
        for r in results:
            if r.status == "ok":
                return r
        return results[0]


def title_year(texts: Iterable[str]) -> int | None:
    years: list[int] = []
    fallback: list[int] = []
    for t in texts:
        folded = fold_cell(t)
        for m in re.finditer(r"\bnam (\d{4})\b", folded):
            if re.search(r"thang \d{1,2}\s*$", folded[: m.start()]) or re.search(
                r"ngay\s*\d{0,2}\s*thang\s*\d{0,2}\s*$", folded[: m.start()]
            ):
                continue
            y = int(m.group(1))
            if 2000 <= y <= 2039:
                years.append(y)
        if not years and not any(w in folded for w in ("quyet dinh", " qd ", "ngay ", "giai doan")):
            y = find_year(t)
            if y is not None:
                fallback.append(y)
    distinct = list(dict.fromkeys(years or fallback))
    return distinct[0] if distinct else None


def title_commune(texts: Sequence[str], matcher: TitleMatcher, year: int | None):
    for mode in ("prefixed", "multiword"):
        for t in texts:
            found = matcher.find_in_text(t, year, mode=mode)
            if found is not None:
                return found, t
    # a prefixed name that is not in the registry ("UBND XÃ AN PHÚ")
    for t in texts:
        for part in re.split(r"[,;()–\-]", t):
            prefix, bare = split_unit_prefix(part.strip())
            folded = fold_cell(bare)
            if (
                prefix in ("xã", "thị trấn", "phường")
                and folded
                and not folded.startswith(("nong thon", "ntm", "dat chuan"))
                and len(folded.split()) <= 4
            ):
                return matcher.match(part.strip(), year), t
    return None, None


def strip_stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem
