"""Slugs and the name matching of pages: one ``slugify`` for the whole package.

A slug is the ASCII form of a Vietnamese name used in file names ("Xã Quảng
Tân" -> ``xa-quang-tan``). Pages and ``ntm render`` also use slugs to match
what a user typed ("quang-tan", "QUẢNG TÂN", "Quảng Tân") to a name in the data.
Commune names in *input files* are matched to the registry by
:mod:`ntm_analysis.registry`, which knows the units' validity periods.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from . import labels as lb
from .errors import UsageError

#: Longest slug; longer names are cut (file names stay short on every system).
MAX_SLUG_LENGTH = 60

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in "123456789"
}
#: Unit and office prefixes a user may leave out when naming a commune or department.
_NAME_PREFIX = re.compile(r"^(xa|thi-tran|phuong|phong|ban)-")
#: Prefixes of a district-level unit's name.
_DISTRICT_PREFIX = re.compile(r"^(huyen|thi-xa|thanh-pho|quan)-")


def slugify(text: object, *, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A safe ASCII file-name slug of a Vietnamese name.

    Only ``a-z``, ``0-9`` and ``-`` survive, so no slug can climb out of its
    folder, whatever the input holds.

    >>> slugify("Xã Quảng Tân")
    'xa-quang-tan'
    >>> slugify("Phòng Tài nguyên – Môi trường")
    'phong-tai-nguyen-moi-truong'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    """
    value = "" if text is None else str(text)
    value = value.replace("đ", "d").replace("Đ", "D")
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    value = value[:max_length].strip("-")
    if not value:
        return "x"
    return f"{value}-x" if value in _WINDOWS_RESERVED else value


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map each name to a slug, numbering names whose slugs collide.

    >>> unique_slugs(["Xã A", "Xa A", "Xã B"])
    {'Xã A': 'xa-a', 'Xa A': 'xa-a-2', 'Xã B': 'xa-b'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in out:
            continue
        base = slugify(name)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        out[name] = slug
    return out


def _forms(name: str) -> set[str]:
    """The slug of ``name`` with and without its unit or office prefix."""
    slug = slugify(name)
    return {slug, _NAME_PREFIX.sub("", slug)}


def match_names(
    wanted: Sequence[str] | None,
    available: Sequence[str],
    what: str,
    *,
    unmatched: list[str] | None = None,
) -> list[str]:
    """Pick the ``available`` names that ``wanted`` names, by slug, prefix optional.

    No ``wanted`` picks them all. Raises :class:`UsageError` for a name that
    matches several, and for one that matches nothing unless an ``unmatched``
    list is given to collect it (a name may exist in one year and not another).

    >>> match_names(["quang-tan", "QUẢNG LÂM"], ["Xã Quảng Lâm", "Xã Quảng Tân"], "commune")
    ['Xã Quảng Tân', 'Xã Quảng Lâm']
    """
    if not wanted:
        return list(available)
    picked: list[str] = []
    for w in wanted:
        ws = slugify(w)
        hits = [a for a in available if ws in _forms(a)]
        if not hits:
            if unmatched is None:
                raise UsageError(_unknown(what, w, available))
            unmatched.append(w)
            continue
        if len(hits) > 1:
            raise UsageError(
                lb.message("err_several_names", what=_what(what), name=w, hits=", ".join(hits))
            )
        if hits[0] not in picked:
            picked.append(hits[0])
    return picked


def resolve_name(name: str, choices: Sequence[str], what: str) -> str:
    """The first of ``choices`` that ``name`` names, by slug, prefix optional.

    Raises :class:`UsageError` naming the known choices when none matches.

    >>> resolve_name("Quảng Tân", ["Xã Quảng Lâm", "Xã Quảng Tân"], "commune")
    'Xã Quảng Tân'
    """
    wanted = slugify(name)
    for c in choices:
        slug = slugify(c)
        if wanted in (slug, slug.split("-", 1)[-1]) or (
            slug.startswith("thi-tran-") and wanted == slug[len("thi-tran-") :]
        ):
            return c
    raise UsageError(_unknown(what, name, choices))


def _what(what: str) -> str:
    """ "commune" -> "xã" in the language of the run (other words unchanged)."""
    return lb.message(f"what_{what}") if f"what_{what}" in lb.MESSAGES else what


def unknown_name(what: str, name: str, known: Sequence[str]) -> UsageError:
    """The error for ``name`` naming no ``what`` (commune, department) among ``known``."""
    return UsageError(_unknown(what, name, known))


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    return lb.message("err_unknown_name", what=_what(what), name=name, known=", ".join(known))


def names_district(wanted: str, known: str) -> bool:
    """True when ``wanted`` names the district ``known``, with or without "Huyện".

    >>> names_district("dam ha", "Huyện Đầm Hà"), names_district("Tiên Yên", "Huyện Đầm Hà")
    (True, False)
    """
    slug = slugify(known)
    return slugify(wanted) in (slug, _DISTRICT_PREFIX.sub("", slug))
