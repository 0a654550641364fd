"""The main prose of a page, as blocks and sentences: what counts as prose (the main
landmark, else the articles, else the body; not navigation, headings, code blocks, form
controls, hidden elements, passages in another language or suppressed ranges), inline
code as one word, the words of link-list entries counted apart, and each sentence's
source line, found only for the sentences a report shows.

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
    for el in _main_candidates(page.tree):
        if (el.tag == "main" or role(el) == "main") and not is_hidden_in_tree(el):
            return [el]
    articles = [a for a in page.tree.iter("article") if not is_hidden_in_tree(a)
                and not any(p.tag == "article" for p in a.iterancestors())]
    if articles:
        return articles
    body = page.tree.find("body")
    return [body if body is not None else page.tree]


_MAINS = etree.XPath("//main | //*[contains(@role, 'main')]")
_ROLES_MAIN = etree.XPath("//@role[contains(., 'main')]")


def _main_candidates(tree) -> list:
    """`_MAINS(tree)` (the `main` elements and those with "main" in their role, in
    document order) without its slow half where only one half has any: libxml2 finds
    attributes faster than it tests every element's."""
    mains = list(tree.iter("main"))
    roles = [a.getparent() for a in _ROLES_MAIN(tree)]
    if mains and roles:
        return _MAINS(tree)
    return mains or roles


def lang_of(el) -> str | None:
    """The element's language: its own or its nearest ancestor's lang (HTML: inherited)."""
    for e in (el, *el.iterancestors()):
        lang = e.get("lang", e.get(_XML_LANG))
        if lang is not None:
            return lang.strip() or None
    return None


class Sentence:
    """One sentence of prose. Its source line is found only when asked for (`line`): a
    page reports a few sentences, not the thousands it splits."""
    __slots__ = ("text", "block", "counted", "code", "is_mostly_code", "_where")

    def __init__(self, text: str, block: int = 0, counted: str = "", code: int = 0,
                 where: tuple[_Span, int] | None = None):
        self.text = text            # whitespace folded, as shown: inline code in its place
        self.block = block          # which block of text (paragraph, list item...) it is in
        self.counted = counted = counted or text  # what is scored: each inline code one word
        self.code = code            # how many of its words are inline code
        # half or more of its words are code: a signature or a command, not prose
        self.is_mostly_code = bool(code and code * 2 >= len(counted.split())) or _is_code(text)
        self._where = where         # (its block, where it starts in the block's text)

    def __repr__(self) -> str:
        return f"Sentence({self.text!r}, block={self.block})"

    @property
    def line(self) -> int:
        """The source line where the sentence starts."""
        if self._where is None:
            return 1
        span, start = self._where
        return span.line_at(start)


@dataclass
class Prose:
    """What `extract` found: the sentences (not those of link-list entries: their words
    are `listed`), and what suppressions took out."""
    sentences: list[Sentence]
    suppressed: list[tuple[object, int]]      # (comment or element, words left out)
    listed: int = 0           # words of the sentences in entries of link lists


_CODE = "\ue000"     # stands for one inline code element while a block is split


def sentences(roots: list, lang: str | None, rule: str | None = None) -> list[Sentence]:
    return extract(roots, lang, rule).sentences


def extract(roots: list, lang: str | None, rule: str | None = None) -> Prose:
    """The prose under `roots`, split into blocks and sentences.

    One pass over the tree, collecting each block's pieces of text (an element's text or
    tail) with the node they came from; no lines are counted on the way: a sentence finds
    its line when asked (`Sentence.line`), from its piece's node. Subtrees in another
    language (`lang` differs from the page's) are skipped: a quoted French passage is not
    English prose. Inline code (`code`, `kbd`, `samp`, `tt`, `var`) stands in its
    sentence as one word. Text inside a `<!-- qa: disable reading-level -->` range or a
    `data-qa-ignore="reading-level"` element is left out (`rule`: the id those name), and
    each such suppression is returned with its words."""
    out: list[Sentence] = []
    suppressed: list[tuple[object, int]] = []
    block, listed = -1, 0
    for root in roots:
        blocks = _Blocks(out, block)
        texts, nodes = blocks.texts, blocks.nodes
        add_text, add_node, flush = texts.append, nodes.append, blocks.flush
        links: list = []              # open <a href> elements
        off = None                    # the disable comment whose range we are in
        ignored = {e for e in _IGNORING(root) if _ignores(e, rule)}
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, el in walker:
            if event == "start":
                tag = el.tag              # lxml.html: always lower case
                if tag in _BLOCK_TAGS and len(texts) > blocks.first:
                    flush()
                if el is root:
                    pass
                elif tag in _SKIP_TAGS or (not _ATTRS.isdisjoint(names := el.keys())
                                           and _skipped_by(el, names, lang)):
                    walker.skip_subtree()       # its end event still comes, for the tail
                    continue
                elif ignored and el in ignored:
                    walker.skip_subtree()
                    suppressed.append((el, len(el.text_content().split())))
                    continue
                elif tag in _WORD_TAGS:
                    walker.skip_subtree()
                    code = " ".join(_TEXT_OF(el).split())
                    if code and off is None:
                        add_text(_CODE)
                        add_node((el, False))
                        blocks.code.append(code)
                        if links:
                            blocks.linked.add(len(texts) - 1)
                    elif code:
                        suppressed[-1] = (off, suppressed[-1][1] + 1)
                    continue
                if tag == "a" and el.get("href") is not None:
                    links.append(el)
                text = el.text
                if text:
                    if off is not None:   # inside a disable range: counted, not kept
                        suppressed[-1] = (off, suppressed[-1][1] + len(text.split()))
                        text = "\n" * text.count("\n")
                    add_text(text)
                    add_node((el, False))
                    if links:
                        blocks.linked.add(len(texts) - 1)
                continue
            if event == "end":
                if links and links[-1] is el:
                    links.pop()
                if el.tag in _BLOCK_TAGS and len(texts) > blocks.first:
                    flush()
                if el is root:
                    break
            elif event == "comment":
                directive = _directive(el, rule)
                if directive == "disable" and off is None:
                    off = el
                    suppressed.append((el, 0))
                elif directive == "enable":
                    off = None
            text = el.tail
            if text:
                if off is not None:
                    suppressed[-1] = (off, suppressed[-1][1] + len(text.split()))
                    text = "\n" * text.count("\n")
                add_text(text)
                add_node((el, True))
                if links:
                    blocks.linked.add(len(texts) - 1)
        flush()
        block, listed = blocks.block, listed + blocks.listed
    return Prose(out, suppressed, listed)


def _directive(comment, rule: str | None) -> str | None:
    """"disable" or "enable" for a `qa:` comment naming `rule` (qa.suppress's syntax)."""
    m = suppress.DIRECTIVE.match(comment.text or "")
    if m and rule is not None and rule in suppress.names(m.group(2)):
        return m.group(1).lower()
    return None


_IGNORING = etree.XPath("descendant::*[@data-qa-ignore]")
_TEXT_OF = etree.XPath("string()", smart_strings=False)      # text_content(), a plain str


def _ignores(el, rule: str | None) -> bool:
    names = el.get("data-qa-ignore")
    return names is not None and rule is not None and rule in suppress.names(names)


class _Span:
    """One block's text and the pieces it was joined from (texts[first:end] of the root's
    pieces, nodes[i] = (node, is_tail)): what a sentence needs to find its line."""
    __slots__ = ("text", "texts", "nodes", "first", "end")

    def __init__(self, text, texts, nodes, first, end):
        self.text, self.texts, self.nodes, self.first, self.end = text, texts, nodes, first, end

    def line_at(self, offset: int) -> int:
        """The source line of the character at `offset` in the block's text: the line of
        the piece it is in, plus the newlines before it in that piece."""
        texts, k, at, pos = self.texts, 0, self.first, 0
        for i in range(self.first, self.end):
            if k > offset:
                break
            at, pos = i, k
            k += len(texts[i])
        node, tail = self.nodes[at]
        return _piece_line(node, tail) + self.text.count("\n", pos, offset)


def _piece_line(node, tail: bool) -> int:
    """Where an element's text starts (lxml: the line its start tag ends on), or its tail
    (the line of its end tag, `_end_line`); a comment or processing instruction's tail
    starts on its last line, the one lxml gives."""
    line = node.sourceline or _line_above(node)
    if tail and isinstance(node.tag, str):
        return _end_line(node, line)
    return line


def _line_above(node) -> int:
    for e in node.iterancestors():
        if e.sourceline:
            return e.sourceline
    return 1


class _Blocks:
    """The pieces of text of one prose root as they are walked (texts and the nodes they
    came from), split into blocks (paragraph, list item...) and then into sentences at
    each block's end. `first` is where the open block starts in `texts`. An entry of a
    list of links (`_is_listing`) is not split: only its words are counted (`listed`)."""
    __slots__ = ("texts", "nodes", "code", "linked", "first", "out", "block", "listed")

    def __init__(self, out: list[Sentence], block: int):
        self.texts: list[str] = []
        self.nodes: list[tuple[object, bool]] = []
        self.code: list[str] = []       # the open block's inline code, in order
        self.linked: set[int] = set()   # indices of the open block's pieces inside a link
        self.first = 0
        self.out = out
        self.block = block              # the last block's number
        self.listed = 0

    def flush(self) -> None:
        """Split the open block's text into sentences."""
        texts, first, end = self.texts, self.first, len(self.texts)
        if end == first:
            return
        self.first = end
        text = texts[first] if end - first == 1 else "".join(texts[first:end])
        code, linked = self.code, self.linked
        if not text.isspace():
            self.block = block = self.block + 1
            if linked and _is_listing(texts, first, end, linked, text):
                # the words its sentences would have: those of the text with each inline
                # code shown (no word runs across the end of a sentence, which is
                # followed by a space)
                if code:
                    text = _fill(text, [_shown(c) for c in code])
                    code.clear()
                self.listed += len(text.split())
                linked.clear()
                return
            out = self.out
            span = _Span(text, texts, self.nodes, first, end)
            ci = 0
            for start, stop in _spans(text):
                raw = " ".join(text[start:stop].split())
                n = raw.count(_CODE)
                if n:
                    codes = code[ci:ci + n]
                    ci += n
                    out.append(Sentence(_fill(raw, [_shown(c) for c in codes]),
                                        block, _fill(raw, [_CODE_WORD] * n), n,
                                        (span, start)))
                else:
                    out.append(Sentence(raw, block, "", 0, (span, start)))
        if code:
            code.clear()
        if linked:
            linked.clear()


@functools.lru_cache(maxsize=4096)
def _shown(code: str) -> str:
    """Inline code as a hardest sentence shows it (the same names recur on every page)."""
    return shorten(code, _CODE_SHOWN_MAX)


def _fill(text: str, words: list[str]) -> str:
    parts = text.split(_CODE)
    return "".join(p + (words[i] if i < len(words) else "") for i, p in enumerate(parts))


# Inline code counts as one word of one syllable (`_CODE_WORD`): a name is read as a
# unit, so the sentence keeps its length, and identifiers never make prose look harder
# than it is (the syllables of `os.path.join` or `strtod` are anyone's guess).


def _is_listing(texts: list[str], first: int, end: int, linked: set[int], text: str) -> bool:
    """Is the block an entry of a list of links (an index, a table of contents, a site
    map)? Half or more of its words are link text, or it starts with a link and is a
    label with no sentence in it ("ABORT — abort the current transaction")."""
    link = sum(len(texts[i].split()) for i in linked)
    if not link:
        return False
    counts = list(map(len, map(str.split, texts[first:end])))
    if link * 2 >= sum(counts):
        return True
    # does the block's first word stand in a link?
    starts_linked = next((first + i) in linked for i, n in enumerate(counts) if n)
    return starts_linked and not _SENTENCE_END.search(text + " ")


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


# the attributes `_skipped_by` reads: an element with none of them is prose
_ATTRS = frozenset(("role", "hidden", "aria-hidden", "style", "lang", _XML_LANG))


def _skipped_by(el, names: list, lang: str | None) -> bool:
    """Is the element left out for its attributes (`names`: the ones it has): a role of
    page furniture, hidden, or in another language than the page's prose?"""
    if ("role" in names and role(el) in _SKIP_ROLES) or (
            ("hidden" in names or "aria-hidden" in names or "style" in names) and is_hidden(el)):
        return True
    own = el.get("lang", el.get(_XML_LANG))
    return own is not None and language.primary(own) != lang


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a block, leading whitespace left out."""
    out, start = [], 0
    nonspace = _NONSPACE.search
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        # the next word within 40 characters: "e.g. the", "approx. half" go on
        nxt = nonspace(text, end, end + 40)
        if nxt is not None and nxt.group().islower():
            continue
        if m.group()[0] == "." and _is_abbreviation(text, m.start()):
            continue
        first = nonspace(text, start, end)
        if first is not None:
            out.append((first.start(), end))
        start = end
    first = nonspace(text, start)
    if first is not None:
        out.append((first.start(), len(text)))
    return out


_NONSPACE = re.compile(r"\S")      # \s is str.isspace(): what strip() takes off


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
    return sum(map(bool, map(_CODE_TOKEN.search, tokens))) * 2 >= len(tokens)



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
