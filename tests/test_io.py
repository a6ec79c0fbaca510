import codecs
import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docforge.errors import InputError, OutputError, UsageError
from docforge.io import atomic_write, decode

TEXT = "Título — 中文 “quotes”\nSecond line\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_unicode_inputs_decode_exactly(encoding, bom):
    text, diags = decode(bom + TEXT.encode(encoding), "x.txt")
    assert text == TEXT


@pytest.mark.parametrize("encoding, sample", [
    ("gb18030", "人工智能自给自足是中国的战略目标，政府、学界和产业共同推进核心技术的研发与应用。" * 4),
    ("cp1252", "Café society: naïve “smart” quotes — and an em dash, façade, déjà vu, Œuvre. " * 4),
])
def test_legacy_encodings_are_detected_and_named(encoding, sample):
    text, diags = decode(sample.encode(encoding), "legacy.txt")
    assert text == sample
    assert len(diags) == 1 and "not UTF-8; decoded as" in diags[0].message


def test_explicit_encoding_overrides_detection():
    data = "Grüße".encode("latin-1")
    assert decode(data, "x", "latin-1")[0] == "Grüße"
    with pytest.raises(UsageError, match="unknown encoding"):
        decode(data, "x", "klingon-8")
    with pytest.raises(InputError, match="cannot be decoded as utf-8"):
        decode(data, "x", "utf-8")


@pytest.mark.parametrize("data, fragment", [
    (b"", "is empty"), (b"  \n\t\n", "is empty"),
    (b"%PDF-1.7 ...", "a PDF file"), (b"PK\x03\x04zip", "ZIP archive"),
    (b"\x00\x01\x02\x03" * 100, "looks binary"),
])
def test_binary_and_empty_inputs_are_refused(data, fragment):
    with pytest.raises(InputError, match=fragment):
        decode(data, "bad.bin")


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.html"
    target.write_bytes(b"old")

    def fail(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.html"]  # no temporary file left behind
    atomic_write(target, lambda h: h.write(b"new"))
    assert target.read_bytes() == b"new"


def test_atomic_write_reports_missing_directory(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "x.html", lambda h: h.write(b""))


def test_disk_full_is_reported_and_leaves_nothing(tmp_path):
    """The disk fills up half-way through the output (the writer's write raises ENOSPC):
    one line, and no file at all, not even the temporary one."""
    import errno

    def produce(handle):
        handle.write(b"x" * 100_000)
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "out.pdf"
    with pytest.raises(OutputError, match="disk full"):
        atomic_write(target, produce)
    assert os.listdir(tmp_path) == []


def test_atomic_write_keeps_the_umask_permissions(tmp_path):
    target = tmp_path / "perm.html"
    atomic_write(target, lambda h: h.write(b"x"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------- decoding: no silent mojibake

FRENCH = ("Le café crème est très apprécié à Paris. Les élèves préfèrent le thé, mais la "
          "forêt reste fermée en été. Où est la bibliothèque ? Voilà une idée.\n")
LEGACY = {  # language: (code page its Windows users saved it in, text)
    "French": ("cp1252", FRENCH),
    "German": ("cp1252", "Die Straße führt über die Brücke. Große Bäume wachsen am Ufer, "
                         "und Müller grüßt die Nachbarn. Schöne Grüße aus München.\n"),
    "Spanish": ("cp1252", "El niño comió piñata en la montaña. ¿Dónde está la canción? "
                          "¡Qué día más bonito! La educación es importante para la nación.\n"),
    "Polish": ("cp1250", "Zażółć gęślą jaźń. Wiosną w Łodzi pojawiają się żółte kwiaty, a "
                         "dzieci śpiewają piosenki. Pięć łabędzi płynęło po jeziorze.\n"),
    "Czech": ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy. Řeka teče přes město a děti "
                        "si hrají na břehu. Všechno je v pořádku.\n"),
    "Russian": ("cp1251", "Москва — столица России. В городе много музеев, театров и парков. "
                          "Жители любят гулять по набережной летом.\n"),
    "Russian (KOI8-R)": ("koi8-r", "Чай, щи и каша - пища наша. Широкая река течёт через "
                                   "шумный город, и эти чудесные места всем знакомы.\n"),
    "Greek": ("cp1253", "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας. Έχει πολλά μουσεία και "
                        "αρχαία μνημεία.\n"),
    "Hebrew": ("cp1255", "ירושלים היא בירת ישראל. בעיר יש הרבה מוזיאונים, בתי כנסת ושווקים עתיקים.\n"),
}


LEGACY.update({
    "Ukrainian": ("cp1251", "Київ є столицею України. Їжак і ґанок: це звичайні слова, які знає кожен.\n"),
    "Arabic": ("cp1256", "القاهرة هي عاصمة مصر. يعيش في المدينة ملايين الناس، وهي مشهورة بالأهرامات.\n"),
    "English typography": ("cp1252", "Mr. O’Brien’s naïve café—“déjà vu”… résumé; 20°C, nº 5, "
                                     "3×4, © 2024 Müller & Søn, £5, 10€.\n"),
})


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


@pytest.mark.parametrize("language", LEGACY)
def test_legacy_code_pages_decode_to_the_language_s_own_letters(language):
    """Each text saved in its language's Windows (or KOI8) code page comes back letter for
    letter, with one diagnostic naming that code page and no doubt about it."""
    encoding, sample = LEGACY[language]
    text, diags = decode(sample.encode(encoding), "legacy.txt")
    assert text == sample
    assert len(diags) == 1 and diags[0].message.startswith("not UTF-8; decoded as ")
    assert _same_codec(diags[0].message.split()[4], encoding), diags[0].message
    assert "uncertain" not in diags[0].message


def test_a_french_windows_1252_article_is_not_read_as_cp1250_or_cp1257():
    """The issue's case: the detector ties cp1250, cp1252 and cp1257 on this text, and cp1250
    came first ("trčs", "ŕ Paris"). Only cp1252 spells French words with French letters."""
    article = "Un café crème, très bon, à Paris.\n" + FRENCH * 3
    text, diags = decode(article.encode("cp1252"), "article.txt")
    assert text == article
    assert "très" in text and "trčs" not in text and "ŕ Paris" not in text and "Crčme" not in text
    assert "decoded as cp1252" in diags[0].message


@pytest.mark.parametrize("encoding, sample", [
    ("cp1257", "Lietuvos sostinė yra Vilnius. Čia gyvena daug žmonių, o senamiestis įtrauktas "
               "į pasaulio paveldo sąrašą.\n"),
    ("cp1254", "Türkiye'nin başkenti Ankara'dır. İstanbul boğazı çok güzel; ışık, gölge ve "
               "şehir hayatı birbirine karışır.\n"),
])
def test_short_texts_in_rarer_code_pages_decode_right(encoding, sample):
    """Two sentences are enough for Lithuanian and Turkish (where a Welsh reading of one
    letter comes close, the diagnostic may say so; the text is right either way)."""
    text, [diag] = decode(sample.encode(encoding), "short.txt")
    assert text == sample and _same_codec(diag.message.split()[4], encoding)


@pytest.mark.parametrize("sample, misread_as", [
    ("Très bien.\n", "big5"),        # "Tr" + one Han character for "ès"
    ("Zut, très\n", "utf_16_be"),   # ten bytes, five CJK-looking characters
    ("Un élève\n", "big5"),
])
def test_a_few_accented_words_are_not_read_as_a_multi_byte_encoding(sample, misread_as):
    """charset-normalizer proposes Big5 or UTF-16 for a line of French in cp1252 (every
    accented letter followed by a byte that can end a double-byte character): a reading
    whose non-ASCII characters are glued to Latin letters, or UTF-16 without a BOM or NULs,
    is not taken; the code pages are judged instead."""
    from charset_normalizer import from_bytes
    data = sample.encode("cp1252")
    assert any(m.encoding == misread_as for m in from_bytes(data))  # the trap is there
    text, [diag] = decode(data, "note.txt")
    assert text == sample and "decoded as cp1252" in diag.message


def test_short_cjk_texts_keep_their_multi_byte_reading():
    for sample, encoding in (("中国的人工智能发展很快。政府发布了新的政策。", "gb18030"),
                             ("こんにちは世界", "shift_jis"), ("Pythonで書く", "shift_jis"),
                             ("안녕하세요", "euc-kr")):
        text, [diag] = decode(sample.encode(encoding), "cjk.txt")
        assert text == sample, (encoding, text)


def test_a_close_call_is_said_and_names_the_runner_up():
    """Four accented letters that read as French in cp1252 and as Slovak in cp1250: cp1252
    wins (the WHATWG default for Western text), and the diagnostic says it was close."""
    text, diags = decode("Un café crème, très bon, à Paris.\n".encode("cp1252"), "short.txt")
    assert text == "Un café crème, très bon, à Paris.\n"
    [diag] = diags
    assert "decoded as cp1252" in diag.message and "uncertain" in diag.message
    assert "cp1250" in diag.message and "'crčme' for 'crème'" in diag.message


def test_utf8_with_stray_bytes_stays_utf8_and_reports_them_with_their_lines():
    """One Latin-1 'é' on line 6 and a character cut short on line 9: every other word keeps
    its letters (this file was read as cp1252 before: 'cafÃ©' in 60 % of the words)."""
    lines = ["Le café crème est très bon à Paris."] * 10
    data = "\n".join(lines).encode("utf-8").split(b"\n")
    data[5] += b" caf\xe9"
    data[8] += b" \xe2\x80"  # the first two bytes of a three-byte character
    text, diags = decode(b"\n".join(data), "damaged.txt")
    assert text.count("café") == 10 and "Ã" not in text
    assert text.count("\ufffd") == 2 and text.splitlines()[5].endswith("caf\ufffd")
    [diag] = diags
    assert "3 invalid bytes replaced with U+FFFD" in diag.message
    assert "lines 6, 9" in diag.message and "the rest decoded as UTF-8" in diag.message


def test_utf8_after_a_byte_order_mark_stays_utf8_whatever_follows():
    text, diags = decode(codecs.BOM_UTF8 + "naïve\n".encode() + b"\xff\n", "bom.txt")
    assert text == "naïve\n\ufffd\n"
    assert "1 invalid byte replaced" in diags[0].message and "line 2" in diags[0].message


def test_many_damaged_lines_are_listed_up_to_ten():
    data = b"\n".join("ligne très bien".encode() + b" \xff" for _ in range(30))
    text, [diag] = decode(data, "many.txt")
    assert text.count("très") == 30
    assert "30 invalid bytes" in diag.message and "lines 1, 2, 3" in diag.message
    assert "10 and later ones" in diag.message


def test_valid_utf8_takes_the_fast_path(monkeypatch):
    """Valid UTF-8, however large, never reaches the detector (nor the plausibility scoring)."""
    import charset_normalizer

    def detector_called(*args, **kwargs):
        raise AssertionError("the detector ran on valid UTF-8")

    monkeypatch.setattr(charset_normalizer, "from_bytes", detector_called)
    line = "Título — 中文 “quotes” café crème\tand ASCII.\f\n"
    text, diags = decode((line * 25_000).encode(), "big.txt")
    assert text == line * 25_000 and diags == []


def test_a_huge_unspaced_legacy_line_decodes():
    """2 MB of accented letters with no space, and 2 MB of ASCII letters with one accent at
    the end: the scoring looks at bounded samples and never backtracks over a long word."""
    word = "é" * 2_000_000
    assert decode(word.encode("cp1252"), "one-word.txt")[0] == word
    tail = "a" * 2_000_000 + "é"
    assert decode(tail.encode("cp1252"), "tail.txt")[0] == tail


@given(st.binary(max_size=3000))
def test_property_any_bytes_decode_or_are_refused_in_one_line(data):
    """Whatever the bytes: text, or an InputError of one line naming the file."""
    try:
        text, diags = decode(data, "fuzz.bin")
    except InputError as exc:
        assert str(exc).startswith("fuzz.bin: ") and "\n" not in str(exc)
    else:
        assert isinstance(text, str) and text.strip()
        assert all("\n" not in d.message for d in diags)


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1))
def test_property_valid_utf8_decodes_exactly(sample):
    data = sample.encode("utf-8")
    if data.startswith(codecs.BOM_UTF8) or not sample.strip():
        return
    assert decode(data, "fuzz.txt") == (sample, [])


def _random_bytes(low: int, high: int, count: int = 4000) -> bytes:
    import random

    rng = random.Random(18)  # fixed: the same bytes every run
    return bytes(rng.randrange(low, high + 1) for _ in range(count))


@pytest.mark.parametrize("data", [
    pytest.param(_random_bytes(1, 255), id="random bytes without NULs"),
    pytest.param(_random_bytes(0x80, 0xFF), id="random non-ASCII bytes (no controls)"),
    pytest.param(_random_bytes(0x20, 0xFF), id="random printable and non-ASCII bytes"),
    pytest.param(_random_bytes(0x80, 0xFF, 300), id="a short run of random bytes"),
    pytest.param(_random_bytes(1, 0x7F), id="random seven-bit bytes (valid UTF-8)"),
    pytest.param(bytes(range(1, 32)) * 60 + b"a few words", id="mostly control characters"),
    pytest.param("".join(chr(0xE000 + i % 6000) for i in range(3000)).encode(),
                 id="private-use code points in valid UTF-8"),
    pytest.param("".join(chr(0x50000 + i) for i in range(3000)).encode(),
                 id="unassigned-plane code points in valid UTF-8"),
    pytest.param(codecs.BOM_UTF16_LE + bytes(range(1, 32)).decode().encode("utf-16-le") * 50,
                 id="control characters in UTF-16"),
])
def test_binary_data_without_nuls_is_refused(data):
    with pytest.raises(InputError, match=r"^noise\.txt: looks binary .*give a plain-text feed"):
        decode(data, "noise.txt")


def test_text_with_ordinary_control_characters_is_text():
    """Tabs, form feeds, carriage returns and terminal colour codes belong to text files."""
    log = "\x1b[32mOK\x1b[0m\tstep one\r\n\x1b[31mFAIL\x1b[0m\tstep two\f\n" * 200
    assert decode(log.encode(), "build.log")[0] == log


@pytest.mark.parametrize("data, encoding, what", [
    (codecs.BOM_UTF16_LE + "ab\ncd".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le"),
     None, "lone surrogate (half of a character pair) at byte 12, line 2"),
    (codecs.BOM_UTF16_BE + "ab\ncd".encode("utf-16-be") + b"\xdc\x00" + "x".encode("utf-16-be"),
     None, "lone surrogate (half of a character pair) at byte 12, line 2"),
    ("ab\ncd".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le"), "utf-16-le",
     "lone surrogate (half of a character pair) at byte 10, line 2"),
    (codecs.BOM_UTF16_LE + "ab\ncd".encode("utf-16-le") + b"\x00\xd8", None,
     "ends with a lone surrogate (half of a character pair), line 2"),
    (codecs.BOM_UTF16_LE + "ab\ncd".encode("utf-16-le") + b"x", None, "ends in the middle of a character"),
    (codecs.BOM_UTF32_LE + "ab\ncd".encode("utf-32-le") + b"\x00\x00\x11\x00", None,
     "is UTF-32 but holds an invalid code point at byte 24, line 2"),
])
def test_damaged_utf16_says_what_is_wrong(data, encoding, what):
    """No --encoding can read a lone surrogate: the message says the file is damaged."""
    with pytest.raises(InputError) as caught:
        decode(data, "u16.txt", encoding)
    message = str(caught.value)
    assert message.startswith("u16.txt: is UTF-") and what in message
    assert "--encoding" not in message and "\n" not in message


# ---------------------------------------------------------------- output paths

def _listing(*directories):
    return {d.name: sorted(os.listdir(d)) for d in directories}


def test_a_symlinked_output_is_written_through_to_its_target(tmp_path):
    """The temporary file goes beside the link's target and is renamed onto it: the link
    stays a link, the target gets the new bytes, nothing is left over anywhere."""
    real_dir, link_dir = tmp_path / "site", tmp_path / "build"
    real_dir.mkdir(), link_dir.mkdir()
    (real_dir / "page.html").write_bytes(b"old")
    link = link_dir / "out.html"
    link.symlink_to("../site/page.html")  # relative, as `ln -s` makes them
    seen_while_writing = {}

    def produce(handle):
        seen_while_writing.update(_listing(real_dir, link_dir))
        handle.write(b"new")

    atomic_write(link, produce)
    assert link.is_symlink() and os.readlink(link) == "../site/page.html"
    assert (real_dir / "page.html").read_bytes() == b"new"
    assert seen_while_writing["build"] == ["out.html"]  # the temporary file is beside the target
    assert len(seen_while_writing["site"]) == 2
    assert _listing(real_dir, link_dir) == {"site": ["page.html"], "build": ["out.html"]}


def test_a_chain_of_links_is_followed_to_the_file(tmp_path):
    (tmp_path / "file.html").write_bytes(b"old")
    (tmp_path / "second").symlink_to(tmp_path / "file.html")
    (tmp_path / "first").symlink_to("second")
    atomic_write(tmp_path / "first", lambda h: h.write(b"new"))
    assert (tmp_path / "first").is_symlink() and (tmp_path / "second").is_symlink()
    assert (tmp_path / "file.html").read_bytes() == b"new"


def test_a_dangling_link_gets_its_target_created(tmp_path):
    link = tmp_path / "out.html"
    link.symlink_to(tmp_path / "later.html")
    atomic_write(link, lambda h: h.write(b"made"))
    assert link.is_symlink() and (tmp_path / "later.html").read_bytes() == b"made"


def test_a_link_into_a_missing_directory_or_a_loop_is_one_line(tmp_path):
    dangling = tmp_path / "out.html"
    dangling.symlink_to(tmp_path / "gone" / "x.html")
    with pytest.raises(OutputError, match=r"out\.html \(a link to .*gone/x\.html\): directory .*gone does not exist"):
        atomic_write(dangling, lambda h: h.write(b""))
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="loop of symbolic links"):
        atomic_write(tmp_path / "a", lambda h: h.write(b""))
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "out.html"]


def test_an_interrupted_write_through_a_link_leaves_nothing(tmp_path):
    target_dir = tmp_path / "real"
    target_dir.mkdir()
    (target_dir / "t.pdf").write_bytes(b"old")
    (tmp_path / "link.pdf").symlink_to(target_dir / "t.pdf")

    def interrupted(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "link.pdf", interrupted)
    assert os.listdir(target_dir) == ["t.pdf"] and (target_dir / "t.pdf").read_bytes() == b"old"


def test_a_read_only_output_is_refused_not_replaced(tmp_path):
    """0444 means 'do not change': refused in one line (root too, who could write it)."""
    target = tmp_path / "final.docx"
    target.write_bytes(b"approved")
    target.chmod(0o444)
    with pytest.raises(OutputError) as caught:
        atomic_write(target, lambda h: h.write(b"new"))
    assert str(caught.value) == (f"{target}: is read-only; make it writable (chmod u+w) or "
                                 "choose another -o")
    assert target.read_bytes() == b"approved" and target.stat().st_mode & 0o777 == 0o444
    assert os.listdir(tmp_path) == ["final.docx"]


def test_a_replaced_output_keeps_its_mode(tmp_path):
    target = tmp_path / "private.html"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write(target, lambda h: h.write(b"new"))
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o600


def test_inputs_over_the_default_size_limit_are_refused(tmp_path, monkeypatch):
    """Without --max-input-size the documented default (options.DEFAULT_MAX_INPUT_SIZE) applies."""
    from docforge import options
    from docforge.errors import InputError
    from docforge.io import read_bytes
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(options, "DEFAULT_MAX_INPUT_SIZE", 1024)
    with pytest.raises(InputError, match="is 2048 bytes, over --max-input-size 1024"):
        read_bytes(big)
    assert read_bytes(big, 4096) == b"x" * 2048
    assert options.DEFAULT_MAX_INPUT_SIZE == 1024 and 200 * 1024 * 1024 == 209715200


# Short CJK inputs: too few characters for the detector's statistics (it read "中文" in GBK
# as Big5 "笢恅", "日本" in Shift_JIS as Big5-HKSCS, "한국" in EUC-KR as Big5 "и措").
_TOO_SHORT = re.compile(r"not UTF-8; decoded as (\S+) \(guessed: too short to detect reliably; "
                        r"as (\S+) it would read '([^']*)' for '([^']*)'\); pass --encoding to override")


@pytest.mark.parametrize("sample, encoding", [
    ("中文", "gbk"), ("中文标题", "gbk"), ("你好世界", "gb2312"), ("简体中文测试\n", "gbk"),
    ("中文", "big5"), ("繁體中文", "big5"), ("臺灣新聞報導", "big5"),
    ("日本", "shift_jis"), ("日本語", "shift_jis"), ("先生", "shift_jis"), ("カタカナ\n", "shift_jis"),
    ("한국", "euc_kr"), ("한국어", "euc_kr"), ("안녕하세요", "euc_kr"), ("뉴스 속보\n", "euc_kr"),
])
def test_very_short_cjk_texts_decode_to_their_characters_and_say_they_were_guessed(sample, encoding):
    """A reading made of its language's common characters (each standard's first block:
    GB2312 level 1, Big5's frequent hanzi, JIS level 1 and kana, KS X 1001 Hangul) wins
    over readings that land on rare characters and over Latin-1 mojibake; the warning says
    the input was too short to be sure and what the runner-up would have read."""
    text, [diag] = decode(sample.encode(encoding), "short.txt")
    assert text == sample
    m = _TOO_SHORT.fullmatch(diag.message)
    assert m, diag.message
    chosen, runner_up, theirs, ours = m.groups()
    from docforge.charsets import cjk_family  # decoded with the family's superset (gb18030 for GBK)
    assert cjk_family(chosen) == cjk_family(encoding) and cjk_family(runner_up) != cjk_family(encoding)
    assert ours == " ".join(sample.split()) and theirs != ours


def test_shift_jis_that_holds_a_valid_utf8_sequence_by_chance_is_not_read_as_damaged_utf8():
    """"先生" in Shift_JIS is a stray byte and then the UTF-8 of "搶": one valid sequence
    proves nothing in four bytes; the CJK reading loses no byte."""
    data = "先生".encode("shift_jis")
    assert data.decode("utf-8", errors="replace") == "\ufffd搶"
    text, [diag] = decode(data, "x.txt")
    assert text == "先生" and "too short to detect reliably" in diag.message


@pytest.mark.parametrize("sample, encoding, tag", [
    ("今日", "euc_jp", "ja"), ("社会", "gbk", "zh-CN"),
])
def test_a_declared_language_decides_between_short_readings_that_tie(sample, encoding, tag):
    """Undeclared, these two-character inputs are a toss-up between EUC encodings that
    share their byte rows (the warning then shows the right reading as the runner-up);
    a `Language:` field in the feed decides for its language."""
    data = sample.encode(encoding)
    guessed, [diag] = decode(data, "x.txt")
    if guessed != sample:
        assert f"it would read '{sample}'" in diag.message
    text, _ = decode(f"Language: {tag}\n".encode("ascii") + data, "x.txt")
    assert text == f"Language: {tag}\n{sample}"


@pytest.mark.parametrize("data, expected", [
    ("中文".encode("utf-8") + b"\xff", "中文\ufffd"),           # UTF-8 with one stray byte
    ("Un café crème".encode("utf-8") + b" tr\xe8s", "Un café crème tr\ufffds"),
])
def test_short_damaged_utf8_stays_utf8(data, expected):
    text, [diag] = decode(data, "x.txt")
    assert text == expected and "invalid byte replaced" in diag.message
