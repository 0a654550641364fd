"""Page prose reads above the target school grade (WCAG 3.1.5).

Scores the page's main prose with a readability formula for its language (textstat
0.7.8, offline syllable counts from the CMU dictionary and hyphenation patterns) and
reports a page whose grade is above the target, with its hardest sentences and their
lines. Every page's grade, reading ease, word and sentence counts are recorded in the
report, whether it passes or not. The prose is the `main` element (or `role="main"`),
else every `article`, else the body; navigation, headers, footers, asides, headings,
code blocks, form controls, hidden elements and passages in another language are left
out; inline code (`code`, `kbd`, `var`...) stays in its sentence as one word, and a
sentence that is mostly code is not prose. Entries of link lists are not prose, and a page
whose main content is a list of links (an index, a table of contents) is skipped, as is a
page with too little prose (`min-words`, `min-sentences`). Prose inside a
`<!-- qa: disable reading-level -->` range or a `data-qa-ignore="reading-level"` element
is left out of the score.

Formulas by the page's `lang`: English (or no lang) Flesch-Kincaid grade; Spanish
Crawford (years of schooling); German Wiener Sachtextformel (school grade); French,
Italian, Dutch and Russian their Flesch reading-ease adaptation, read as a grade band
from Flesch's table. Other languages are not scored, and an info note says so. A page
without a lang (or with one plainly wrong for its text) is scored in the language its
text is in (py3langid, offline), and the finding says the lang is missing or wrong (WCAG
3.1.1); short or uncertain text keeps the declared lang.

The default severity is warning: the grade is a statistical estimate, and WCAG 3.1.5
is level AAA. Patient material should aim for grade 8 or below (`target-grade`); set
severity "error" where plain language is a policy.

Bad:
    <!doctype html><html lang="en"><title>Warfarin</title><main>
    <p>Warfarin is an anticoagulant medication that reduces the likelihood of blood clots
    forming, although its effectiveness depends on regular monitoring of your blood, which
    is usually arranged by the anticoagulation clinic at intervals determined by your
    previous results. Because the amount of vitamin K that you consume influences how
    warfarin works, you should try to maintain a consistent diet, avoiding significant
    changes in the quantity of green vegetables that you eat from one week to another.
    Many other medicines, including antibiotics, painkillers and herbal remedies, can
    interfere with warfarin, so it is essential that you inform the clinic whenever your
    prescription is altered. If you notice unexplained bruising, blood in your urine or
    bleeding that continues for longer than expected, you should contact the clinic
    immediately for advice.</p>
    </main></html>
Good:
    <!doctype html><html lang="en"><title>Your blood thinner</title><main>
    <p>Your blood thinner stops clots from forming. Take it at the same time each day.
    We will check your blood often. The test tells us if your dose is right. Some foods
    change how the medicine works. Green leafy foods are one of them. You can still eat
    them. Just eat about the same amount each week. Tell us about any new pills you take.
    This includes vitamins and herbal products. Call us if you bleed more than usual. Call
    us if you see blood in your pee or poo. Call us if you get a bad bruise for no reason.
    Do not stop taking your medicine unless we tell you to. Keep all your blood tests.</p>
    </main></html>
"""
from __future__ import annotations

import heapq

from lxml import etree

from qa import language, prose
from qa.findings import Metrics
from qa.names import shorten
from qa.prose import Sentence, lang_of, prose_roots
from qa.readability import FORMULAS, TEXTSTAT_LANG, Counts, Formula, choose_language, count

ID = "reading-level"
SCOPE = "page"
SEVERITY = "warning"
TAGS = ("wcag2aaa", "wcag315")
CONF = {"target-grade": (int, float), "min-words": int, "min-sentences": int,
        "hardest": int}
DEFAULT = {"target-grade": 8, "min-words": 100, "min-sentences": 3, "hardest": 3}


def validate(conf) -> None:
    """Ranges the option types cannot say; called when the config loads (exit 2)."""
    for name, least in (("target-grade", 0), ("min-words", 0), ("min-sentences", 1), ("hardest", 0)):
        if conf[name] < least:
            raise ValueError(f'option "{name}" of rule "{ID}" must be at least {least}, '
                             f"got {conf[name]!r}")
WHY = ("Many people read below the level of school they finished, and fewer still read "
       "well when they are ill, worried or reading in a second language. Long sentences "
       "and long words make them miss what they need to do.")
FIX = ("Use short sentences with one idea each. Use everyday words (\"blood thinner\", not "
       "\"anticoagulant\"), and explain a medical word the first time you must use it. "
       "Say \"you\" and \"we\". Start with the sentences the report lists as hardest.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/reading-level.html"


# textstat counts the words of a 1- or 2-word "sentence" but not the sentence, which
# would make a page's symptom list ("Fever." "Sore throat.") look like long sentences;
# such fragments are left out altogether
_MIN_FRAGMENT_WORDS = 3
_MIN_HARDEST_WORDS = 5      # shorter sentences are never the ones to rewrite first
_HARDEST_TEXT_MAX = 300
_CONTEXT_MAX = 160          # of the sentences around a hardest one


def sentences(roots: list, lang: str | None) -> list[Sentence]:
    """The sentences of the prose under `roots` (not those of link-list entries), with
    this rule's suppressions applied."""
    return prose.extract(roots, lang, ID).sentences


# -- the rule ------------------------------------------------------------------------

def check(page, conf):
    """The findings, then the page's reading metrics (a `Metrics`, for its PageInfo:
    grade, reading ease, words, sentences, formula, hardest sentences, or why it was
    skipped), on every page, scored or not."""
    metrics = Metrics()
    yield from _check(page, conf, metrics)
    yield metrics


def _check(page, conf, metrics: Metrics):
    conf = {**DEFAULT, **(conf or {})}
    target = conf["target-grade"]
    roots = prose_roots(page)
    root = roots[0]
    declared = lang_of(root)
    stated = language.primary(declared)
    # articles in another language than the first are not this page's prose
    roots = [r for r in roots if language.primary(lang_of(r)) == stated]
    metrics.update(target=target, language=stated or "en")
    if declared is None:
        metrics["lang_assumed"] = True       # WCAG 3.1.1: no lang on the page

    found_prose = prose.extract(roots, stated or "en", ID)
    yield from _suppression_notes(page, found_prose.suppressed)
    found, listed = found_prose.sentences, found_prose.listed
    if not found and not listed:
        metrics["skipped"] = "no prose"
        return
    words = listed and listed + sum(len(s.text.split()) for s in found)
    if listed and listed * 2 >= words:
        metrics["skipped"] = (f"the main content is a list of links ({listed} of "
                                   f"{words} words are in link entries)")
        return

    # a declared lang is questioned on whole sentences only; a missing one on any text
    lang, problem, guess = choose_language(stated, prose.language_sample(found, fallback=stated is None))
    if guess is not None:
        metrics.update(lang_identified=guess.lang, lang_confidence=guess.confidence)
    if problem == "wrong":
        metrics["lang_wrong"] = declared
    unknown = lang is None
    if unknown:     # counted as English for its length only: a short page is just skipped
        lang = "en"
    metrics["language"] = lang
    if lang != (stated or "en") and any(True for _ in _LANG_ATTRS(root)):
        # passages marked as the language the text turned out to be in are its prose
        found = prose.extract(roots, lang, ID).sentences
    formula = FORMULAS.get(lang)
    if formula is None:
        metrics["skipped"] = f'no readability formula for language "{lang}"'
        why = (f'no formula for language "{declared}"' if problem is None else
               f"{_lang_problem(problem, declared, lang)}, and {language.name(lang)} has no "
               "readability formula")
        yield page.finding(root, f"reading level not scored: {why}",
                           tags=_LANG_TAGS if problem else (),
                           severity="info", data={"language": lang})
        return

    code = TEXTSTAT_LANG.get(lang, lang)
    total, scored = Counts(), []
    for i, s in enumerate(found):
        if s.is_mostly_code:
            continue
        c = count(s.counted, code)
        if c.words >= _MIN_FRAGMENT_WORDS:
            total += c
            scored.append((i, c))
    metrics.update(words=total.words, sentences=total.sentences, formula=formula.name)
    if total.words < conf["min-words"] or total.sentences < conf["min-sentences"]:
        metrics["skipped"] = (
            f"too little prose ({total.words} words in {total.sentences} sentences; scoring "
            f"needs {conf['min-words']} words in {conf['min-sentences']} sentences)")
        return
    if unknown:
        metrics.update(language=None, skipped="no lang attribute, and the language of "
                            "the text could not be identified")
        for key in ("words", "sentences", "formula"):
            metrics.pop(key)
        yield page.finding(root, "reading level not scored: the page has no lang attribute "
                           "and the language of its text could not be identified",
                           tags=_LANG_TAGS, severity="info", data={"language": None})
        return

    grade = round(formula.score(total, code)[0], 1)
    hardest = _hardest(formula, code, found, scored, conf["hardest"])
    metrics.update(grade=grade, flesch_reading_ease=round(formula.ease(total, code), 1),
                        ease_formula=formula.ease_name, hardest=hardest)
    lang_data = {"lang_problem": problem, "declared_lang": declared} if problem else {}
    why = f"; {_lang_problem(problem, declared, lang)}" if problem else ""
    if grade > target:
        yield page.finding(
            root, f"reading grade {grade:g} is above the target {target:g} ({formula.name}{why})",
            tags=(*TAGS, *_LANG_TAGS) if problem else (),
            data={"grade": grade, "target": target, "formula": formula.name,
                  "language": lang, "words": total.words, "sentences": total.sentences,
                  "hardest": hardest, **lang_data})
    elif problem == "wrong":
        # the grade passes, but a wrong lang misleads screen readers and translation
        yield page.finding(
            root, f"{_lang_problem(problem, declared, lang)} (reading grade {grade:g} "
            f"scored as {language.name(lang)})", tags=_LANG_TAGS,
            severity="info", data={"grade": grade, "language": lang, **lang_data})


_LANG_TAGS = ("wcag2a", "wcag311")
_LANG_ATTRS = etree.XPath("descendant::*[@lang or @xml:lang]")


def _lang_problem(problem: str, declared: str | None, lang: str) -> str:
    if problem == "missing":
        return f"no lang attribute, the text reads as {language.name(lang)}"
    return f'lang "{declared}" is wrong, the text reads as {language.name(lang)}'



def _suppression_notes(page, suppressed):
    """An info note inside each suppression that took prose out of the score. It is
    written where the suppression covers it, so the engine hides it and counts the
    suppression as used (a suppression that hid nothing is reported)."""
    for where, words in suppressed:
        if not words:
            continue
        line, col = page.position(where) if isinstance(where.tag, str) else (where.sourceline, None)
        yield page.finding(None, f"{words} words left out of the reading level by a "
                           "suppression", line=line, column=col,
                           severity="info", data={"suppressed_words": words})


def _hardest(formula: Formula, code: str, found: list[Sentence], scored: list, n: int) -> list[dict]:
    """The `n` hardest sentences by the page's own formula, hardest first, each with the
    sentences before and after it in its block (paragraph, list item): its context, so
    an editor finds it and sees what it says between."""
    if n <= 0:
        return []
    ranked = heapq.nlargest(
        n, ((*formula.score(c, code), -i, i) for i, c in scored if c.words >= _MIN_HARDEST_WORDS),
        key=lambda x: (x[1], x[2]))
    out = []
    for grade, _, _, i in ranked:
        s = found[i]
        before = found[i - 1].text if i > 0 and found[i - 1].block == s.block else ""
        after = found[i + 1].text if i + 1 < len(found) and found[i + 1].block == s.block else ""
        out.append({"text": shorten(s.text, _HARDEST_TEXT_MAX), "line": s.line,
                    "grade": round(grade, 1),
                    "before": _clip(before, keep_end=True), "after": _clip(after)})
    return out


def _clip(text: str, keep_end: bool = False) -> str:
    """A neighbour of a hardest sentence, cut at a word to `_CONTEXT_MAX` characters:
    its start, or its end (`keep_end`) where that is the part that leads into the
    sentence."""
    if len(text) <= _CONTEXT_MAX:
        return text
    if keep_end:
        cut = text[len(text) - _CONTEXT_MAX + 1:]
        return "…" + (cut.split(" ", 1)[-1] if " " in cut else cut)
    cut = text[:_CONTEXT_MAX - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
