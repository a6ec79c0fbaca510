"""Language detection (readers/language.py) and where the feed and JSON readers use it."""
import json

import pytest

import docforge
from docforge.readers import language
from docforge.readers.language import SAMPLE_CHARS, detect

SCRIPT_SAMPLES = {
    "zh-Hans": "人工智能正在改变各行各业。这个国家的电动车产业发展很快，我们来看看这些数据。",
    "zh-Hant": "人工智慧正在改變各行各業。這個國家的電動車產業發展很快，我們來看看這些數據。",
    "ja": "地方都市では路線バスの減便が相次いでいる。住民の生活に大きな影響が出ている。",
    "ko": "서울시는 오늘 새로운 대중교통 정책을 발표했습니다. 시민들의 반응은 엇갈렸습니다.",
    "ar": "أعلنت الحكومة اليوم عن خطة جديدة لدعم التعليم والبحث العلمي في جميع أنحاء البلاد.",
    "he": "הממשלה הודיעה היום על תוכנית חדשה לתמיכה בחינוך ובמחקר המדעי ברחבי הארץ.",
    "el": "Η κυβέρνηση ανακοίνωσε σήμερα ένα νέο σχέδιο για την υποστήριξη της εκπαίδευσης.",
    "hi": "सरकार ने आज देश भर में शिक्षा और वैज्ञानिक अनुसंधान के लिए एक नई योजना की घोषणा की।",
    "th": "รัฐบาลประกาศแผนใหม่วันนี้เพื่อสนับสนุนการศึกษาและการวิจัยทางวิทยาศาสตร์ทั่วประเทศ",
    "ru": "Правительство объявило сегодня о новой программе поддержки образования и науки в стране.",
    "uk": "Уряд сьогодні оголосив про нову програму підтримки освіти і науки в усій країні.",
}
LATIN_SAMPLES = {
    "en": "The city council approved a new transport plan on Wednesday after a long debate about "
          "buses, cycle lanes and the cost of parking in the old town.",
    "fr": "Le conseil municipal a approuvé mercredi un nouveau plan de transport après un long débat "
          "sur les bus, les pistes cyclables et le prix du stationnement dans la vieille ville.",
    "de": "Der Stadtrat hat am Mittwoch nach einer langen Debatte über Busse, Radwege und die Kosten "
          "des Parkens in der Altstadt einen neuen Verkehrsplan beschlossen.",
    "es": "El ayuntamiento aprobó el miércoles un nuevo plan de transporte tras un largo debate sobre "
          "los autobuses, los carriles bici y el precio del aparcamiento en el casco antiguo.",
    "pt": "A câmara municipal aprovou na quarta-feira um novo plano de transportes depois de um longo "
          "debate sobre os autocarros, as ciclovias e o preço do estacionamento na cidade velha.",
    "it": "Il consiglio comunale ha approvato mercoledì un nuovo piano dei trasporti dopo un lungo "
          "dibattito sugli autobus, le piste ciclabili e il costo dei parcheggi nel centro storico.",
    "pl": "Rada miasta zatwierdziła w środę nowy plan transportowy po długiej debacie o autobusach, "
          "ścieżkach rowerowych i kosztach parkowania na starym mieście.",
}


@pytest.mark.parametrize("expected", sorted(SCRIPT_SAMPLES))
def test_each_script_gives_its_language(expected):
    found = detect(SCRIPT_SAMPLES[expected])
    assert (found.language, found.sure) == (expected, True)


@pytest.mark.parametrize("expected", sorted(LATIN_SAMPLES))
def test_latin_script_text_is_identified(expected):
    found = detect(LATIN_SAMPLES[expected])
    assert (found.language, found.sure) == (expected, True)


def test_an_english_name_or_two_does_not_outvote_a_chinese_text():
    found = detect("OpenAI 与 DeepMind 的研究人员认为，这个领域的发展速度超出了预期。")
    assert found.language == "zh-Hans" and found.sure


def test_a_few_letters_give_no_language_and_no_diagnostic():
    found = detect("OK 42")
    assert not found.sure and found.language == "" and language.diagnostic(found) == []


def test_text_without_letters_gives_no_language_and_no_diagnostic():
    found = detect("1234 5678 — 2026-03-14")
    assert found.language == "" and language.diagnostic(found) == []


def test_mixed_scripts_are_unsure_with_a_warning():
    found = detect(LATIN_SAMPLES["en"] + " " + SCRIPT_SAMPLES["ru"] * 2)
    assert not found.sure
    [note] = language.diagnostic(found)
    assert note.severity == "warning" and "mixes scripts" in note.message


def test_only_a_bounded_sample_is_read():
    # French first, then a megabyte of English: the answer is the sample's
    text = LATIN_SAMPLES["fr"] * (SAMPLE_CHARS // len(LATIN_SAMPLES["fr"]) + 1) + LATIN_SAMPLES["en"] * 8000
    assert detect(text).language == "fr"


def _read(text: str, **kwargs):
    diagnostics: list = []
    doc = docforge.read(text.encode(), name="feed.txt", diagnostics=diagnostics, **kwargs)
    return doc, [d for d in diagnostics if language.is_detection_note(d)]


def test_the_feed_reader_detects_and_inspect_shows_it():
    doc, notes = _read("Le plan de transport\n\n" + LATIN_SAMPLES["fr"] + "\n")
    assert doc.meta.language == "fr" and notes == []
    shown = docforge.api.inspect(("Le plan de transport\n\n" + LATIN_SAMPLES["fr"] + "\n").encode(), name="f.txt")
    assert shown["meta"]["language"] == "fr"


def test_a_language_header_field_overrides_detection():
    doc, notes = _read("Title: Le plan\nLanguage: fr-CA\n\n" + LATIN_SAMPLES["en"] + "\n")
    assert doc.meta.language == "fr-CA" and notes == []


def test_meta_lang_overrides_detection_and_silences_its_diagnostic():
    mixed = "Title\n\n" + LATIN_SAMPLES["en"] + "\n\n" + SCRIPT_SAMPLES["ru"] * 2 + "\n"
    doc, notes = _read(mixed, meta={"lang": ["de"]})
    assert doc.meta.language == "de" and notes == []
    doc, notes = _read(mixed)
    assert doc.meta.language == "" and len(notes) == 1 and notes[0].severity == "warning"
    doc, _ = _read("Titre\n\n" + LATIN_SAMPLES["en"] + "\n", meta={"lang": ["fr"]})
    assert doc.meta.language == "fr"


def test_an_unsure_feed_is_written_in_the_themes_language():
    doc, notes = _read("Title\n\n" + LATIN_SAMPLES["en"] + "\n\n" + SCRIPT_SAMPLES["ru"] * 2 + "\n")
    assert notes and b'lang="en"' in docforge.write(doc, "html")


def test_inputs_pandoc_reads_keep_their_lang_and_are_detected_only_without_it():
    given = docforge.read(("---\nlang: pt-BR\n---\n\n" + SCRIPT_SAMPLES["ru"] + "\n").encode(), name="doc.md")
    assert given.meta.language == "pt-BR"
    detected = docforge.read((SCRIPT_SAMPLES["ru"] + "\n").encode(), name="doc.md")
    assert detected.meta.language == "ru"


def test_pandoc_json_is_read_as_written():
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {},
           "blocks": [{"t": "Para", "c": [{"t": "Str", "c": SCRIPT_SAMPLES["ru"]}]}]}
    assert docforge.read(json.dumps(ast).encode(), name="doc.json").meta.language == ""


def test_controls_and_lone_surrogates_do_not_trouble_the_identifier():
    found = detect("\x00\x01 \ud800 " + LATIN_SAMPLES["de"] + "\udfff \x7f\n")
    assert (found.language, found.sure) == ("de", True)
