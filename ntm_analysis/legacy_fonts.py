"""Legacy Vietnamese 8-bit font encodings, read back as Latin-1 / cp1252 text.

Before Unicode, Vietnamese offices typed in fonts whose 8-bit codes reuse the
Latin-1 positions. A spreadsheet reader hands those cells back as odd Latin-1
text; this module detects and converts them.

* **TCVN3** (TCVN 5712:1993 "VN3", the ABC fonts ".VnTime", ".VnArial"...):
  one byte per letter. The normal font holds the lower-case letters with their
  tones and the seven capitals Ă Â Ê Ô Ơ Ư Đ, e.g. "§¹t" = "Đạt",
  "Ch\\u00ada ®¹t" = "Chưa đạt" (U+00AD, the soft hyphen, is "ư"), "Tû lÖ" =
  "Tỷ lệ". *Limitation:* capitals with tone marks ("Ạ", "Ấ") exist only in
  the companion ".VnTimeH" font, which draws the lower-case codes as capitals.
  The cell text does not say which font it was set in, so such text decodes
  to lower case ("§¹T" set in .VnTimeH decodes to "ĐạT", not "ĐẠT"). Pass
  ``h_font=True`` to :func:`decode_legacy` when the font is known to be an
  "H" font (the reader sees the font name), to get capitals.
* **VNI-Windows** ("VNI-Times"): a base letter followed by a separate mark
  byte, e.g. "Ñaït" = "Đạt", "Chöa ñaït" = "Chưa đạt". Upper-case letters use
  upper-case mark bytes ("AÙ" = "Á").

The TCVN3 table is the upper half of TCVN 5712:1993 restricted to the VN3
repertoire; the VNI table is built from the VNI-Windows composition rules
(tone marks ù ø û õ ï; circumflex-and-tone â á à å ã ä; breve-and-tone
ê é è ú ü ë; standalone ô = ơ, ö = ư, ñ = đ, î = ỵ, and í ì æ ó ò for i).

Detection never converts ordinary text: it requires characters (or, for VNI,
vowel + mark pairs such as "oâ") that do not occur in Vietnamese Unicode text,
*and* that the converted words read as valid Vietnamese syllables more often
than the input did, with at least one converted word of two letters or more.
A cell holding any character an 8-bit cell cannot (such as "ư" or "ạ") is
Unicode and never converted. Words that read the same in both encodings, and
VNI words made only of ordinary Latin letters ("Nghóa" = "Nghĩa"), are left to
sheet-level detection (:func:`detect_legacy_in_cells`) and
``repair_text(cell, encoding)``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "LEGACY_ENCODINGS",
    "decode_legacy",
    "detect_legacy",
    "detect_legacy_in_cells",
    "encode_legacy",
    "is_vietnamese_syllable",
    "repair_text",
]

LEGACY_ENCODINGS = ("tcvn3", "vni")

# ------------------------------------------------------------------ Vietnamese letters

_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_TONE_MARKS = frozenset(_TONES[1:])
_BASE_VOWELS = "aăâeêioôơuưy"


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


#: Every lower-case Vietnamese letter that is not plain ASCII (NFC).
_VIET_LOWER = frozenset({_with_tone(v, t) for v in _BASE_VOWELS for t in _TONES} | {"đ"}) - set(
    "abcdefghijklmnopqrstuvwxyz"
)
_VIET_LETTERS = _VIET_LOWER | {c.upper() for c in _VIET_LOWER}

# ------------------------------------------------------------------------------ TCVN3

# Upper half of TCVN 5712:1993, VN3 repertoire (codes U+00A1..U+00FE as Latin-1).
_TCVN3_CODES = "¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ"
_TCVN3_LETTERS = "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_TCVN3_DECODE = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))
_TCVN3_ENCODE = {v: k for k, v in _TCVN3_DECODE.items()}

# ------------------------------------------------------------------------------- VNI

_VNI_TONE = {
    False: dict(zip(_TONES[1:], "ùøûõï", strict=True)),
    True: dict(zip(_TONES[1:], "ÙØÛÕÏ", strict=True)),
}
_VNI_CIRCUMFLEX = {
    False: dict(zip(_TONES, "âáàåãä", strict=True)),
    True: dict(zip(_TONES, "ÂÁÀÅÃÄ", strict=True)),
}
_VNI_BREVE = {
    False: dict(zip(_TONES, "êéèúüë", strict=True)),
    True: dict(zip(_TONES, "ÊÉÈÚÜË", strict=True)),
}
_VNI_I = {
    False: dict(zip(_TONES, "iíìæóò", strict=True)),
    True: dict(zip(_TONES, "IÍÌÆÓÒ", strict=True)),
}
_VNI_HORN = {"o": ("ô", "Ô"), "u": ("ö", "Ö")}


def _vni_letter(letter: str) -> str:
    """The VNI-Windows spelling of one Unicode letter (unchanged if not Vietnamese)."""
    if letter in ("đ", "Đ"):
        return "ñ" if letter == "đ" else "Ñ"
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], decomposed[1:]
    lower = base.lower()
    if lower not in "aeiouy" or not marks:
        return letter
    upper = base != lower
    tone = next((m for m in marks if m in _TONE_MARKS), "")
    if lower == "i":
        return _VNI_I[upper][tone]
    if lower == "y" and tone == "\u0323":
        return "Î" if upper else "î"
    if "\u031b" in marks and lower in _VNI_HORN:  # ơ ư
        return _VNI_HORN[lower][upper] + (_VNI_TONE[upper][tone] if tone else "")
    if "\u0306" in marks and lower == "a":  # ă
        return base + _VNI_BREVE[upper][tone]
    if "\u0302" in marks and lower in "aeo":  # â ê ô
        return base + _VNI_CIRCUMFLEX[upper][tone]
    return base + (_VNI_TONE[upper][tone] if tone else "")


_VNI_ENCODE = {c: _vni_letter(c) for c in _VIET_LETTERS}
_VNI_DECODE: dict[str, str] = {}
for _letter, _code in _VNI_ENCODE.items():
    _VNI_DECODE[_code] = _letter
    if len(_code) == 2:
        # a mark of the other case after the base still means the same letter
        _other = _code[0] + (_code[1].lower() if _code[1].isupper() else _code[1].upper())
        _VNI_DECODE.setdefault(_other, _letter)
_VNI_DECODE.setdefault("yï", "ỵ")
_VNI_DECODE.setdefault("YÏ", "Ỵ")
_VNI_DECODE.setdefault("Yï", "Ỵ")
_VNI_DECODE.setdefault("yÏ", "ỵ")
_VNI_CODE_CHARS = frozenset(ch for code in _VNI_DECODE for ch in code if ord(ch) > 127)

# ------------------------------------------------------------------------ encode/decode


def _check_encoding(encoding: str) -> str:
    key = str(encoding).strip().lower().replace("-", "").replace("_", "")
    aliases = {"tcvn3": "tcvn3", "tcvn": "tcvn3", "abc": "tcvn3", "vn3": "tcvn3"}
    aliases |= {"vni": "vni", "vniwindows": "vni", "vniwin": "vni"}
    if key not in aliases:
        raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {LEGACY_ENCODINGS}")
    return aliases[key]


def encode_legacy(text: str, encoding: str, *, errors: str = "strict") -> str:
    """Unicode Vietnamese -> the Latin-1 text a legacy font would store.

    Meant for tests and synthetic samples. A character the encoding cannot
    hold (a toned capital in TCVN3, or a Latin-1 character that is itself a
    code of the encoding) raises ``ValueError`` with ``errors="strict"``; with
    ``errors="lower"`` TCVN3 writes toned capitals in lower case.

    >>> encode_legacy("Chưa đạt", "tcvn3"), encode_legacy("Chưa đạt", "vni")
    ('Ch\\xada ®¹t', 'Chöa ñaït')
    """
    enc = _check_encoding(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if enc == "tcvn3":
            code = _TCVN3_ENCODE.get(ch)
            if code is None and ch in _VIET_LETTERS and errors == "lower":
                code = _TCVN3_ENCODE.get(ch.lower())
            if code is None and (ch in _VIET_LETTERS or ch in _TCVN3_DECODE):
                if errors in ("strict", "lower"):
                    raise ValueError(f"TCVN3 cannot hold {ch!r} (toned capitals need .VnTimeH)")
                code = "?"
            out.append(code if code is not None else ch)
        else:
            code = _VNI_ENCODE.get(ch)
            if code is None and ch in _VNI_CODE_CHARS:
                if errors in ("strict", "lower"):
                    raise ValueError(f"VNI cannot hold {ch!r}: it is a VNI code")
                code = "?"
            out.append(code if code is not None else ch)
    return "".join(out)


def decode_legacy(text: str, encoding: str, *, h_font: bool = False) -> str:
    """Legacy-font text (as Latin-1 characters) -> NFC Unicode Vietnamese.

    ``h_font=True`` (TCVN3 only) upper-cases the result, for text known to be
    set in a ".VnTimeH"-style capitals font.

    >>> decode_legacy("§¹t", "tcvn3"), decode_legacy("Tû lÖ", "tcvn3"), decode_legacy("Ñaït", "vni")
    ('Đạt', 'Tỷ lệ', 'Đạt')
    """
    enc = _check_encoding(encoding)
    text = unicodedata.normalize("NFC", str(text))
    if enc == "tcvn3":
        result = "".join(_TCVN3_DECODE.get(ch, ch) for ch in text)
        if h_font:
            result = result.upper()
    else:
        out = []
        i, n = 0, len(text)
        while i < n:
            pair = text[i : i + 2]
            if len(pair) == 2 and pair in _VNI_DECODE:
                out.append(_VNI_DECODE[pair])
                i += 2
                continue
            out.append(_VNI_DECODE.get(text[i], text[i]))
            i += 1
        result = "".join(out)
    return unicodedata.normalize("NFC", result)


# ------------------------------------------------------------------ syllable validity

_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
_NUCLEI = sorted(
    (
        *("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
        *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe"),
        *("oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ"),
        *("ưu", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya"),
        *("uyê", "uyu"),
    ),
    key=len,
    reverse=True,
)
_SYLLABLE = re.compile(
    "(?P<onset>" + _ONSET + ")(?P<nucleus>" + "|".join(_NUCLEI) + r")(?P<coda>ch|nh|ng|[cmnpt])?"
)
_QUALITY_VOWELS = frozenset("ăâêôơư")
_NEEDS_CODA = frozenset({"iê", "yê", "uô", "ươ", "uyê", "uâ", "oă"})


@functools.lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is spelled like one Vietnamese syllable.

    Checks the onset (and the k/c, gh/g, ngh/ng spelling rule), the vowel
    cluster and the final consonant, at most one tone
    mark, and where the tone sits: on a vowel with a quality mark (â, ơ...)
    when there is one, never on a closing glide ("ai", "ay", "ao" take it on
    the "a"). Old and new placements in "oa", "oe", "uy" are both accepted.

    >>> [is_vietnamese_syllable(w) for w in ("Nghiêng", "hoá", "Tû", "café", "aỷ")]
    [True, True, False, False, False]
    """
    bare_chars = []
    tone_at = None
    for index, char in enumerate(unicodedata.normalize("NFC", word.lower())):
        decomposed = unicodedata.normalize("NFD", char)
        tone = [c for c in decomposed if c in _TONE_MARKS]
        if tone:
            if tone_at is not None or len(tone) > 1:
                return False
            tone_at = index
        bare_chars.append(
            unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        )
    bare = "".join(bare_chars)
    if len(bare) != len(bare_chars):
        return False
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    onset, first = match["onset"], match["nucleus"][0]
    if match["nucleus"] in _NEEDS_CODA and not match["coda"]:
        return False  # "tiên", never "tiê"
    if onset in ("k", "gh", "ngh") and first not in "ieêy":
        return False  # "k", "gh", "ngh" only before i, e, ê, y
    if onset in ("c", "ng") and first in "ieêy":
        return False  # ... where "c" and "ng" are never written
    if tone_at is None:
        return True
    start, end = match.span("nucleus")
    nucleus = match["nucleus"]
    if not start <= tone_at < end:
        # "gi" + vowel: the tone may sit on the "i" only when it is the nucleus
        return False
    position = tone_at - start
    if any(c in _QUALITY_VOWELS for c in nucleus):
        return nucleus[position] in _QUALITY_VOWELS
    last = len(nucleus) - 1
    return not (last > 0 and position == last and nucleus[last] in "iyou" and nucleus != "uy")


# ------------------------------------------------------------------------- detection

_RARE = {
    "tcvn3": frozenset(c for c in _TCVN3_CODES if c not in _VIET_LETTERS),
    "vni": frozenset(c for c in _VNI_CODE_CHARS if c not in _VIET_LETTERS),
}
_TOKEN_SPLIT = re.compile(r"[\s,;:!?\"'()\[\]{}<>/\\|=+*&^$#@~`_–—-]+")
_EDGE_JUNK = "0123456789.%“”‘’„‚…•†‡‹›"


def _tokens(text: str) -> list[str]:
    return [t.strip(_EDGE_JUNK) for t in _TOKEN_SPLIT.split(text) if t.strip(_EDGE_JUNK)]


# A vowel followed by a VNI mark that is itself a Vietnamese letter ("thoâng", "coù"):
# such pairs never occur in Vietnamese Unicode text, whatever the tone placement.
_MID_WORD_CAPITAL = re.compile(r"(?<=[a-zß-ÿ])[À-Þ]")  # "ngÖ": TCVN3 letters in caps positions
_RARE_VNI_PAIR = re.compile(r"[aeoAEO][âÂ]|[aA][êÊ]|[aeiouyAEIOUYôöÔÖ][ùÙõÕ]")


# What a legacy 8-bit cell can hold once read back: Latin-1 and cp1252's extra punctuation.
_CP1252_EXTRAS = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))


def _legacy_repertoire(text: str) -> bool:
    """False when ``text`` holds a character no 8-bit legacy cell can (e.g. "ư", "ạ")."""
    return all(ord(c) <= 0xFF or c in _CP1252_EXTRAS for c in text)


def _rare_count(text: str, encoding: str) -> int:
    """Characters and pairs of ``text`` that Vietnamese Unicode text never contains."""
    rare = sum(1 for c in text if c in _RARE[encoding])
    if encoding == "vni":
        return rare + len(_RARE_VNI_PAIR.findall(text))
    return rare + len(_MID_WORD_CAPITAL.findall(text))


def _evidence(text: str, encoding: str) -> tuple[int, int, int, int]:
    """(changed tokens, changed tokens valid before, valid after, multi-letter evidence)."""
    changed = valid_in = valid_out = 0
    long_word = False
    for token in _tokens(text):
        decoded = decode_legacy(token, encoding)
        if decoded == token:
            continue
        changed += 1
        valid_in += is_vietnamese_syllable(token)
        if is_vietnamese_syllable(decoded):
            valid_out += 1
            long_word = long_word or len(token) >= 2
    return changed, valid_in, valid_out, long_word


def _score(text: str, encoding: str, *, strict: bool) -> float:
    """How strongly ``text`` looks like ``encoding``; 0 when it does not."""
    if strict and _rare_count(text, encoding) == 0:
        return 0.0
    changed, valid_in, valid_out, long_word = _evidence(text, encoding)
    if changed == 0 or valid_out <= valid_in:
        return 0.0
    ratio = valid_out / changed
    if strict:
        if ratio < 0.75 or not long_word:
            return 0.0
    elif ratio < 0.5:
        return 0.0
    return ratio + min(valid_out, 20) / 100


def detect_legacy(text: str) -> str | None:
    """ "tcvn3" or "vni" when ``text`` was typed in that legacy font, else None.

    Ordinary text (ASCII, Vietnamese Unicode, English, French, German, numbers)
    is never flagged.

    >>> detect_legacy("Ch\\u00ada ®¹t"), detect_legacy("Chöa ñaït"), detect_legacy("Chưa đạt")
    ('tcvn3', 'vni', None)
    """
    if not isinstance(text, str) or text.isascii() or not _legacy_repertoire(text):
        return None
    text = unicodedata.normalize("NFC", text)
    scores = {enc: _score(text, enc, strict=True) for enc in LEGACY_ENCODINGS}
    best, other = sorted(scores, key=scores.get, reverse=True)
    if scores[best] <= 0 or scores[best] == scores[other]:
        return None  # nothing, or a tie such as "ña" (VNI "đa" / TCVN3 "ủa")
    return best


def repair_text(text: str, encoding: str | None = None) -> tuple[str, str | None]:
    """Convert legacy-font text; returns (text, encoding) or (text, None) if unchanged.

    With ``encoding`` (a sheet-level verdict from :func:`detect_legacy_in_cells`)
    a cell is converted on weaker evidence: its changed words must read as
    more valid Vietnamese after conversion. Cells already in Unicode stay.

    >>> repair_text("Tû lÖ hé nghÌo")
    ('Tỷ lệ hộ nghèo', 'tcvn3')
    >>> repair_text("Quảng Tân")
    ('Quảng Tân', None)
    """
    if not isinstance(text, str) or text.isascii():
        return text, None
    found = detect_legacy(text)
    if found is None and encoding is not None and _legacy_repertoire(text):
        enc = _check_encoding(encoding)
        if _score(unicodedata.normalize("NFC", text), enc, strict=False) > 0:
            found = enc
    if found is None:
        return text, None
    return decode_legacy(text, found), found


def detect_legacy_in_cells(cells: Iterable[object], *, limit: int = 5000) -> str | None:
    """The legacy encoding of a sheet, judged over many cells, or None.

    A sheet is legacy when at least one cell is clearly so (see
    :func:`detect_legacy`) and that encoding has at least twice the votes of
    the other; or, without any clear cell, when three or more cells and at
    least half of the non-ASCII text cells read better after conversion.
    Apply the verdict per cell with ``repair_text(cell, encoding)``.

    >>> detect_legacy_in_cells(["TT", "Tªn tiªu chÝ", "§¹t", 95.5, None])
    'tcvn3'
    """
    strong = dict.fromkeys(LEGACY_ENCODINGS, 0)
    weak = dict.fromkeys(LEGACY_ENCODINGS, 0)
    non_ascii = 0
    for index, cell in enumerate(cells):
        if index >= limit:
            break
        if not isinstance(cell, str) or cell.isascii():
            continue
        non_ascii += 1
        found = detect_legacy(cell)
        if found:
            strong[found] += 1
            continue
        text = unicodedata.normalize("NFC", cell)
        for enc in LEGACY_ENCODINGS:
            if _score(text, enc, strict=False) > 0:
                weak[enc] += 1
    first, second = sorted(LEGACY_ENCODINGS, key=lambda e: (strong[e], weak[e]), reverse=True)
    if strong[first] >= 1 and strong[first] >= 2 * strong[second]:
        return first
    best = max(LEGACY_ENCODINGS, key=weak.get)
    if strong[first] == 0 and weak[best] >= 3 and weak[best] * 2 >= non_ascii:
        return best
    return None
