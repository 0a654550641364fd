"""The main prose of a page, as blocks and sentences: what counts as prose (the main
landmark, else the articles, else the body; not navigation, headings, code blocks, form
controls, hidden elements, passages in another language or suppressed ranges), inline
code as one word, entries of link lists marked, and each sentence's source line.

Used by the reading-level rule (rules/reading_level.py); the formulas are
qa/readability.py."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree

from qa import language, suppress
from qa.names import is_hidden, is_hidden_in_tree, role, shorten

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
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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


def lang_of(el) -> str | None:
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


def sentences(roots: list, lang: str | None, rule: str | None = None) -> list[Sentence]:
    return extract(roots, lang, rule).sentences


def extract(roots: list, lang: str | None, rule: str | None = None) -> Prose:
    """The prose under `roots`, split into blocks and sentences, each with its line.

    One pass over the tree. A line cursor follows the source: it is reset to each
    element's line (lxml: where its start tag ends, which is where its text starts) and
    moved on by the newlines in each text and tail; a skipped subtree is jumped over in
    one step (`_end_line`). Subtrees in another language (`lang` differs from the
    page's) are skipped too: a quoted French passage is not English prose. Inline code
    (`code`, `kbd`, `samp`, `tt`, `var`) stands in its sentence as one word. Text inside
    a `<!-- qa: disable reading-level -->` range or a `data-qa-ignore="reading-level"`
    element is left out (`rule`: the id those name), and each such suppression is
    returned with its words."""
    out: list[Sentence] = []
    suppressed: list[tuple[object, int]] = []
    for root in roots:
        block = _Block()
        line = root.sourceline or 1
        links: list = []              # open <a href> elements
        off = None                    # the disable comment whose range we are in
        ignored = {e for e in _IGNORING(root) if _ignores(e, rule)}
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
                directive = _directive(el, rule) if event == "comment" else None
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


def _directive(comment, rule: str | None) -> str | None:
    """"disable" or "enable" for a `qa:` comment naming `rule` (qa.suppress's syntax)."""
    m = suppress.DIRECTIVE.match(comment.text or "")
    if m and rule is not None and rule in suppress.names(m.group(2)):
        return m.group(1).lower()
    return None


_IGNORING = etree.XPath("descendant::*[@data-qa-ignore]")


def _ignores(el, rule: str | None) -> bool:
    names = el.get("data-qa-ignore")
    return names is not None and rule is not None and rule in suppress.names(names)


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



def language_sample(found: list[Sentence], fallback: bool) -> str:
    """The prose to identify the language of, up to the identifier's sample: whole
    sentences (five words or more, ending in a full stop, question or exclamation mark)
    without inline code, since names in code are mostly English whatever the page's
    language; table cells and labels too (`fallback`) where the page has few such
    sentences."""
    whole = [s.text for s in found if not s.code and ENDS_SENTENCE.search(s.text)
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


ENDS_SENTENCE = re.compile(r"""[.!?…。！？]["'”’»)\]]*$""")
