"""Legacy Vietnamese font encodings (TCVN3, VNI-Windows): tables, round trips, detection."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis.legacy_fonts import (
    LEGACY_ENCODINGS,
    decode_legacy,
    detect_legacy,
    detect_legacy_in_cells,
    encode_legacy,
    is_vietnamese_syllable,
    repair_text,
)

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
VIET_LOWER = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ"})
VIET_UPPER = [c.upper() for c in VIET_LOWER]
TCVN3_CAPITALS = list("ĂÂÊÔƠƯĐ")  # the only non-ASCII capitals of the normal .VnTime font
PLAIN = list(string.ascii_letters + string.digits + " .,;:%()-/")

#: Text TCVN3 can hold: every lower-case letter with every tone, ASCII, seven capitals.
TCVN3_TEXT = st.text(alphabet=VIET_LOWER + TCVN3_CAPITALS + PLAIN, max_size=40)
#: Text VNI can hold: every letter in both cases.
VNI_TEXT = st.text(alphabet=VIET_LOWER + VIET_UPPER + PLAIN, max_size=40)

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng"]
ONSETS += ["ngh", "nh", "ph", "qu", "s", "t", "th", "tr", "v", "x"]
NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "oa", "ươ", "uyê"]
NUCLEI += ["iê", "ưu", "ay", "âu", "oi", "uô", "oe", "uy", "oai", "ao", "ươi", "iêu"]
SPLIT_ONSETS = ("k", "gh", "ngh", "c", "g", "ng")
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
#: Nuclei that end in a glide (-i, -y, -o, -u): Vietnamese writes no final consonant after them.
GLIDE_ENDED = ("y", "ai", "ay", "âu", "oi", "ưu", "oai", "ao", "ươi", "iêu")


def _tone_position(nucleus: str, draw) -> int:
    """Index (in ``nucleus``) of the vowel that carries the tone, as writers place it."""
    marked = [i for i, c in enumerate(nucleus) if c in "ăâêôơư"]
    if marked:
        return marked[-1]
    if nucleus in ("oa", "oe", "uy"):
        return draw(st.integers(0, 1))  # old ("hóa") and new ("hoá") placement
    if len(nucleus) == 3:
        return 1
    return 0


@st.composite
def syllables(draw, *, capitalise: bool = True) -> str:
    """One spelled Vietnamese syllable with its tone where writers put it."""
    nucleus = bare = draw(st.sampled_from(NUCLEI))
    front = nucleus[0] in "ieêy"  # k, gh, ngh before these; c, g, ng before the others
    tone = draw(st.sampled_from(TONES))
    at = _tone_position(nucleus, draw) + 1
    nucleus = unicodedata.normalize("NFC", nucleus[:at] + tone + nucleus[at:])
    onsets = [o for o in ONSETS if (o in ("k", "gh", "ngh")) == front or o not in SPLIT_ONSETS]
    codas = CODAS[1:] if bare in ("iê", "yê", "uô", "ươ", "uyê") else CODAS
    if bare in GLIDE_ENDED:  # a syllable ending in a glide takes no final consonant
        codas = [""]
    word = draw(st.sampled_from(onsets)) + nucleus + draw(st.sampled_from(codas))
    if capitalise and draw(st.booleans()):
        word = word[0].upper() + word[1:]
    return unicodedata.normalize("NFC", word)


VIETNAMESE_PROSE = st.lists(syllables(), min_size=1, max_size=12).map(" ".join)

SENTENCES = [
    "Đạt",
    "Chưa đạt",
    "Cơ bản đạt",
    "Tỷ lệ hộ nghèo đa chiều",
    "Trường học",
    "Giao thông",
    "Thủy lợi và phòng, chống thiên tai",
    "Nhà ở dân cư",
    "Thu nhập bình quân đầu người",
    "Môi trường và an toàn thực phẩm",
    "Quốc phòng và an ninh",
    "Hệ thống chính trị và tiếp cận pháp luật",
    "Không có số liệu",
    "Xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh",
    "Báo cáo kết quả thực hiện bộ tiêu chí quốc gia về xã nông thôn mới năm 2023",
    "Tỷ lệ người dân tham gia bảo hiểm y tế",
    "45,3 triệu đồng/người/năm",
]


# ---------------------------------------------------------------- published examples


@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("§¹t", "tcvn3", "Đạt"),
        ("Ch\u00ada ®¹t", "tcvn3", "Chưa đạt"),
        ("Tû lÖ", "tcvn3", "Tỷ lệ"),
        ("C¬ b¶n ®¹t", "tcvn3", "Cơ bản đạt"),
        ("Tr\u00adêng häc", "tcvn3", "Trường học"),
        ("UBND x· Qu¶ng T©n", "tcvn3", "UBND xã Quảng Tân"),
        ("Ñaït", "vni", "Đạt"),
        ("Chöa ñaït", "vni", "Chưa đạt"),
        ("Tyû leä hoä ngheøo", "vni", "Tỷ lệ hộ nghèo"),
        ("Tröôøng hoïc", "vni", "Trường học"),
        ("ÑAÏT", "vni", "ĐẠT"),
        ("TRÖÔØNG", "vni", "TRƯỜNG"),
        ("Khoâng coù soá lieäu", "vni", "Không có số liệu"),
    ],
)
def test_known_examples_decode_and_encode(legacy, encoding, unicode):
    assert decode_legacy(legacy, encoding) == unicode
    assert encode_legacy(unicode, encoding) == legacy


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_real_phrases_are_detected_and_repaired(text, encoding):
    legacy = encode_legacy(text, encoding)
    if legacy == text:
        pytest.skip("nothing to convert")
    assert detect_legacy(legacy) == encoding
    assert repair_text(legacy) == (text, encoding)


def test_tcvn3_table_is_a_bijection_on_its_74_letters():
    letters = [c for c in VIET_LOWER if not c.isascii()] + TCVN3_CAPITALS
    codes = [encode_legacy(c, "tcvn3") for c in letters]
    assert len(letters) == 74
    assert all(len(code) == 1 and "\u00a1" <= code <= "\u00fe" for code in codes)
    assert len(set(codes)) == len(codes)


def test_vni_codes_are_base_letter_plus_mark():
    assert encode_legacy("ấ", "vni") == "aá"
    assert encode_legacy("ắ", "vni") == "aé"
    assert encode_legacy("Ấ", "vni") == "AÁ"
    assert encode_legacy("ơ", "vni") == "ô"
    assert encode_legacy("ô", "vni") == "oâ"
    assert encode_legacy("ỵ", "vni") == "î"
    assert encode_legacy("ị", "vni") == "ò"


def test_vni_mark_of_the_other_case_still_decodes():
    assert decode_legacy("Aù", "vni") == "Á"
    assert decode_legacy("aÙ", "vni") == "á"


def test_tcvn3_cannot_encode_toned_capitals():
    with pytest.raises(ValueError, match="VnTimeH"):
        encode_legacy("ĐẠT", "tcvn3")
    assert encode_legacy("ĐẠT", "tcvn3", errors="lower") == "§¹T"


def test_tcvn3_h_font_option_upper_cases():
    assert decode_legacy("§¹t", "tcvn3", h_font=True) == "ĐẠT"


def test_unknown_encoding_is_a_value_error():
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        decode_legacy("x", "viscii")


# ----------------------------------------------------------------------- round trips


@settings(max_examples=300, deadline=None)
@given(text=TCVN3_TEXT)
def test_tcvn3_round_trip(text):
    assert decode_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == unicodedata.normalize(
        "NFC", text
    )


@settings(max_examples=300, deadline=None)
@given(text=VNI_TEXT)
def test_vni_round_trip(text):
    assert decode_legacy(encode_legacy(text, "vni"), "vni") == unicodedata.normalize("NFC", text)


@given(text=VNI_TEXT)
def test_round_trip_accepts_decomposed_input(text):
    nfd = unicodedata.normalize("NFD", text)
    assert decode_legacy(encode_legacy(nfd, "vni"), "vni") == unicodedata.normalize("NFC", text)


# ------------------------------------------------------------------------- detection


@settings(max_examples=500, deadline=None)
@given(text=VIETNAMESE_PROSE)
def test_vietnamese_unicode_is_never_flagged(text):
    assert detect_legacy(text) is None
    assert repair_text(text) == (text, None)


@given(text=st.text(alphabet=string.printable))
def test_ascii_is_never_flagged(text):
    assert detect_legacy(text) is None
    assert repair_text(text) == (text, None)


@given(text=st.one_of(st.text(), VNI_TEXT, TCVN3_TEXT))
def test_detection_never_raises(text):
    assert detect_legacy(text) in (None, *LEGACY_ENCODINGS)
    repaired, encoding = repair_text(text)
    assert isinstance(repaired, str)
    assert encoding in (None, *LEGACY_ENCODINGS)


@pytest.mark.parametrize(
    "text",
    [
        "café",
        "déjà vu à l'école",
        "naïve",
        "Noël",
        "über",
        "Müller",
        "Köln",
        "Straße",
        "España",
        "mañana",
        "95,5%",
        "25°C",
        "2 × 3",
        "1½",
        "« quoted »",
        "© 2023",
        "Microsoft® Excel",
        "5 m²",
        "§ 3",
        "Quảng Tân",
        "BÁO CÁO KẾT QUẢ",
        "Hà Nội",
        "Có",
        "ở",
        "the quick brown fox",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert detect_legacy(text) is None


@settings(max_examples=500, deadline=None)
@given(words=st.lists(syllables(), min_size=1, max_size=10))
def test_encoded_prose_is_taken_for_the_other_encoding_only_when_it_reads_as_such(words):
    """A cell is misjudged only when it is truly ambiguous: VNI "a í bî" ("a í bỵ")
    is also TCVN3 for "a ớ bờ", every word of which is Vietnamese. The sheet-level
    verdict (many cells) settles such cells."""
    text = " ".join(words)
    for encoding in LEGACY_ENCODINGS:
        legacy = encode_legacy(text, encoding, errors="lower")
        found = detect_legacy(legacy)
        if found not in (encoding, None):
            other = decode_legacy(legacy, found)
            assert all(is_vietnamese_syllable(w) for w in other.split()), (text, other)


def test_short_vni_words_are_caught_by_vowel_mark_pairs():
    assert detect_legacy("Coù") == "vni"  # "Có": "où" never occurs in Unicode Vietnamese
    assert detect_legacy("Giao thoâng") == "vni"


def test_vni_i_tones_look_like_latin1_and_need_a_sheet_verdict():
    # VNI writes ĩ as "ó" and ị as "ò": "Nghóa" alone reads as ordinary Latin-1 text
    assert detect_legacy("Nghóa") is None
    assert repair_text("Nghóa", "vni") == ("Nghĩa", "vni")


def test_text_with_unicode_only_letters_is_never_legacy():
    # "ả" cannot come out of an 8-bit cell, so the cell is (at least partly) Unicode
    assert detect_legacy("Xã Quảng Tân - Tû lÖ") is None
    assert repair_text("Xã Quảng Tân - Tû lÖ", "tcvn3") == ("Xã Quảng Tân - Tû lÖ", None)
    assert detect_legacy("“Ch\u00ada ®¹t”") == "tcvn3"  # cp1252 quotes are fine


def test_sheet_hint_leaves_unicode_cells_alone():
    assert repair_text("Quảng Tân", "tcvn3") == ("Quảng Tân", None)
    assert repair_text("Có", "vni") == ("Có", None)


def test_sheet_detection_by_evidence():
    tcvn3_sheet = ["TT", "Tªn tiªu chÝ", "§¹t", 95.5, None, "Ch\u00ada ®¹t", "Quy ho¹ch"]
    vni_sheet = ["STT", "Teân tieâu chí", "Ñaït", "Coù", 1, "Chöa ñaït"]
    unicode_sheet = ["TT", "Tên tiêu chí", "Đạt", "Chưa đạt", 95.5, "café", "Müller"]
    assert detect_legacy_in_cells(tcvn3_sheet) == "tcvn3"
    assert detect_legacy_in_cells(vni_sheet) == "vni"
    assert detect_legacy_in_cells(unicode_sheet) is None
    assert detect_legacy_in_cells([]) is None


def test_sheet_detection_without_a_clear_cell():
    assert detect_legacy_in_cells(["Nghóa", "Ñòa", "Nghóa vuï"]) == "vni"
    assert detect_legacy_in_cells(["Nghóa", "ok"]) is None  # too little evidence


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Nghiêng", True),
        ("đạt", True),
        ("Khuya", True),
        ("quyết", True),
        ("gì", True),
        ("Tû", False),
        ("café", False),
        ("the", True),  # spelled like a syllable: ASCII words are never converted anyway
        ("strength", False),
        ("đạtt", False),
        ("ạá", False),
        ("hoá", True),
        ("hóa", True),
        ("thuý", True),
        ("máy", True),
        ("maý", False),
        ("người", True),
        ("ngưòi", False),
    ],
)
def test_vietnamese_syllable_shape(word, expected):
    assert is_vietnamese_syllable(word) is expected


def test_docstring_examples_run():
    import doctest

    import ntm_analysis.legacy_fonts as module

    result = doctest.testmod(module)
    assert result.attempted >= 6
    assert result.failed == 0
