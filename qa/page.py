"""A page: its bytes read in the right charset, parsed once with lxml, and the element
helpers every rule shares (position, selector, snippet, finding)."""
from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

import lxml.html
from lxml import etree

from qa import names
from qa.findings import Finding

SNIPPET_MAX = 240
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# WHATWG Encoding: a browser reads these labels as a superset of the charset they name
# (the Latin-1 family as windows-1252, Shift_JIS as windows-31j...), so pages written in
# the superset decode without errors in the browser; they must here too
_LABELS = {
    **{k: "cp1252" for k in ("us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1",
                             "latin-1", "l1", "iso_8859-1", "cp819", "ibm819", "x-cp1252",
                             "ansi_x3.4-1968", "csisolatin1", "iso-ir-100", "iso88591",
                             "iso_8859-1:1987", "windows-1252")},
    **{k: "cp1254" for k in ("iso-8859-9", "iso8859-9", "iso_8859-9", "latin5", "l5",
                             "iso88599", "iso-ir-148", "csisolatin5", "windows-1254")},
    **{k: "cp874" for k in ("tis-620", "iso-8859-11", "iso8859-11", "iso885911",
                            "dos-874", "windows-874")},
    **{k: "cp932" for k in ("shift_jis", "shift-jis", "sjis", "ms932", "ms_kanji",
                            "csshiftjis", "windows-31j", "x-sjis")},
    **{k: "gb18030" for k in ("gb2312", "gbk", "gb_2312", "gb_2312-80", "chinese",
                              "csgb2312", "csiso58gb231280", "iso-ir-58", "x-gbk")},
    **{k: "cp949" for k in ("euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601",
                            "ksc_5601", "korean", "cseuckr", "csksc56011987", "iso-ir-149",
                            "windows-949")},
    **{k: "big5hkscs" for k in ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5")},
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# A start tag, with its attributes consumed so that a `<tag` inside an attribute value
# (`data-tip="<img src=x>"`) is not taken for an element. A value is quoted only right
# after `=` (HTML: `title=don't` is unquoted); possessive, so it never backtracks.
_TAG_OPEN = re.compile(r"""<([A-Za-z][A-Za-z0-9:-]*)(?=[\s/>]|$)"""
                       r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))*+""")
# Comments, and the text of elements whose content is never markup (HTML: raw text and
# escapable raw text; libxml2 parses them so too). Group 2 is what to pass over: the
# start tag's own name stays visible to _TAG_OPEN.
_RAW_TEXT = re.compile(r"<!--.*?-->|<(script|style|textarea|title|xmp|iframe|noembed|noframes)"
                       r"(?=[\s/>])([^>]*>.*?)(?=</\1[\s/>]|\Z)", re.S | re.I)
_XML_DECL = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_CSS_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass
class Problem:
    """Something wrong with the page itself rather than its content: becomes a finding
    of an engine rule (`load-error`, `encoding-error`, `markup-error`)."""
    rule: str
    message: str
    line: int | None = None


def undeclared_charset(data: bytes) -> str | None:
    """The charset `decode` reads a page in when neither a BOM nor a <meta charset> says
    one (utf-8, or windows-1252 when the bytes are not utf-8); None when the page declares
    its own, which a browser then reads as we do."""
    if data.startswith(tuple(b for b, _ in _BOMS)) or _META_CHARSET.search(data[:4096]):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def decode(data: bytes) -> tuple[str, str, list[Problem]]:
    """Decode page bytes the way a browser would: BOM, then <meta charset>, then
    UTF-8, then windows-1252 (the HTML standard's fallback for unlabelled pages)."""
    problems: list[Problem] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom):], enc, problems), enc, problems
    m = _META_CHARSET.search(data[:4096])
    if m:
        label = m.group(1).decode("ascii", "replace").lower()
        try:
            info = codecs.lookup(_LABELS.get(label, label))
            if not getattr(info, "_is_text_encoding", True):    # hex, base64, rot13...
                raise LookupError(label)
            enc = info.name
        except LookupError:
            problems.append(Problem("encoding-error",
                                    f'unknown charset "{label}" declared; read as utf-8'))
            enc = "utf-8"
        if enc.startswith("utf-16"):       # HTML: a meta utf-16 means utf-8
            enc = "utf-8"
        return _decode_as(data, enc, problems), enc, problems
    try:
        return data.decode("utf-8"), "utf-8", problems
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        problems.append(Problem(
            "encoding-error",
            "page declares no charset and is not valid utf-8 "
            f"(byte 0x{data[e.start]:02x} at line {line}); read as windows-1252", line))
        return data.decode("cp1252", "replace"), "windows-1252", problems


def _decode_as(data: bytes, enc: str, problems: list[Problem]) -> str:
    try:
        return data.decode(enc)
    except UnicodeError as e:
        if not isinstance(e, UnicodeDecodeError):       # a codec that cannot decode at all
            problems.append(Problem("encoding-error", f"charset {enc} could not be decoded "
                                    f"({e}); read as utf-8"))
            return data.decode("utf-8", "replace")
        line = data.count(b"\n", 0, e.start) + 1
        problems.append(Problem(
            "encoding-error",
            f"bytes that are not valid {enc} at line {line} were replaced", line))
        return data.decode(enc, "replace")


@dataclass
class Page:
    path: str                     # as the user named it: shown in every finding
    url: str                      # site-relative posix path ("news/a.html"), or a URL
    source: str
    encoding: str = "utf-8"
    site: Any = None              # qa.sources.Site: resolves links against the site
    problems: list[Problem] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def tree(self) -> etree._Element:
        parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=False)
        # lxml refuses str input with an XML declaration (XHTML pages such as PostgreSQL's
        # docs): blank it out, keeping lines and columns where they were
        text = _XML_DECL.sub(lambda m: " " * len(m.group()), self.source, count=1)
        try:
            root = lxml.html.document_fromstring(text, parser=parser)
        except (etree.ParserError, ValueError) as e:
            if text.strip():
                self.problems.append(Problem("load-error", f"page could not be parsed: {e}"))
            root = lxml.html.document_fromstring("<html><body></body></html>")
        for err in parser.error_log:
            if "depth" in err.message.lower():
                # libxml2's own words advise an option we already set: say the limit
                limit = re.search(r"\d+", err.message)
                self.problems.append(Problem(
                    "markup-error", "elements nested deeper than the parser's limit"
                    f"{f' of {limit.group()} levels' if limit else ''}; content below that "
                    "depth was not checked", err.line or None))
                break
        return root

    @cached_property
    def lines(self) -> list[str]:
        return self.source.splitlines()

    @cached_property
    def lang(self) -> str | None:
        lang = self.tree.get("lang") or self.tree.get("{http://www.w3.org/XML/1998/namespace}lang")
        return lang.strip() if lang and lang.strip() else None

    @cached_property
    def title(self) -> str | None:
        t = self.tree.find(".//title")
        text = " ".join(t.text_content().split()) if t is not None else ""
        return text or None

    @cached_property
    def headings(self) -> list[tuple[Any, int]]:
        """(element, level) of every heading assistive technology sees, in order; shared
        by the heading rules."""
        return list(names.headings(self.tree))

    def elements(self, *tags: str) -> Iterator[etree._Element]:
        """Elements in document order (comments and processing instructions left out)."""
        for el in self.tree.iter(*tags) if tags else self.tree.iter():
            if isinstance(el.tag, str):
                yield el

    # -- where an element is -------------------------------------------------------
    @cached_property
    def _tag_starts(self) -> dict[str, list[tuple[int, int]]]:
        """tag name -> (line, column) of every `<tag` in the source, in order; tags
        inside comments, raw text (script, style, textarea...) and attribute values are
        passed over."""
        src = self.source
        skip = [m.span(2) if m.group(1) else m.span() for m in _RAW_TEXT.finditer(src)]
        tags: dict[str, list[tuple[int, int]]] = {}
        line, line_start, pos, k = 1, 0, 0, 0
        for m in _TAG_OPEN.finditer(src):
            start = m.start()
            while k < len(skip) and skip[k][1] <= start:
                k += 1
            if k < len(skip) and skip[k][0] <= start:
                continue
            nl = src.count("\n", pos, start)        # lines passed since the last tag
            if nl:
                line += nl
                line_start = src.rfind("\n", pos, start) + 1
            pos = start
            tags.setdefault(m.group(1).lower(), []).append((line, start - line_start + 1))
        return tags

    def _positions(self, tag: str) -> dict[Any, tuple[int, int]]:
        """Start line and column of every `tag` element, worked out per tag name on first
        use, since findings touch few names.

        Elements and their `<tag` in the source come in the same order; lxml gives the
        line where a start tag *ends*, so an element takes the next unused `<tag` at or
        before that line (within 20 lines). Elements the parser implied (no tag in the
        source) keep lxml's line."""
        cache = self.__dict__.setdefault("_pos_cache", {})
        if tag in cache:
            return cache[tag]
        starts = self._tag_starts.get(tag.lower(), [])
        # keyed by the element proxies themselves: holding them keeps lxml from making new
        # proxies (with new id()s) for the same nodes
        pos: dict[Any, tuple[int, int]] = {}
        i = 0
        for el in self.tree.iter(tag):
            end = el.sourceline
            if not end:
                continue
            while i < len(starts) and starts[i][0] < end - 20:
                i += 1
            if i < len(starts) and starts[i][0] <= end:
                pos[el] = starts[i]
                i += 1
        cache[tag] = pos
        return pos

    def position(self, el) -> tuple[int | None, int | None]:
        if el is None or not isinstance(el.tag, str):
            return (getattr(el, "sourceline", None), None)
        return self._positions(el.tag).get(el, (el.sourceline, None))

    @cached_property
    def _id_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for i in self.tree.xpath("//@id"):
            counts[str(i)] = counts.get(str(i), 0) + 1
        return counts

    def selector(self, el) -> str:
        """A CSS path to the element: short where a unique id allows, else nth-of-type steps."""
        parts: list[str] = []
        while el is not None and isinstance(el.tag, str):
            i = el.get("id")
            if i and _CSS_IDENT.match(i) and self._id_counts.get(i) == 1:
                parts.append(f"#{i}")
                break
            tag = el.tag.lower()
            parent = el.getparent()
            if parent is None:
                parts.append(tag)
                break
            nth, alone = self._nth_of_type(parent, el)
            parts.append(tag if alone else f"{tag}:nth-of-type({nth})")
            el = parent
        return " > ".join(reversed(parts))

    def _nth_of_type(self, parent, el) -> tuple[int, bool]:
        """(1-based index among same-tag siblings, is it the only one): each parent's
        children are indexed once, so many findings under one crowded parent stay linear."""
        cache = self.__dict__.setdefault("_nth_cache", {})
        if parent not in cache:
            index, totals = {}, {}
            for child in parent:
                if isinstance(child.tag, str):
                    t = child.tag.lower()
                    totals[t] = totals.get(t, 0) + 1
                    index[child] = (totals[t], t)
            cache[parent] = (index, totals)
        index, totals = cache[parent]
        nth, t = index[el]
        return nth, totals[t] == 1

    @staticmethod
    def snippet(el) -> str:
        """The element's outer HTML, shortened to SNIPPET_MAX characters."""
        if next(itertools.islice(el.iterdescendants(), 39, None), None) is None:   # < 40
            html = lxml.html.tostring(el, encoding="unicode", with_tail=False)
        else:   # a big container: its start tag and the beginning of its text
            attrs = "".join(f' {k}="{_attr(v)}"' for k, v in el.attrib.items())
            html = f"<{el.tag}{attrs}>{(el.text or '').strip()[:80]}…"
        return names.shorten(html, SNIPPET_MAX)

    def finding(self, el, message: str, *, line: int | None = None,
                column: int | None = None, **extra) -> Finding:
        """A finding about `el` on this page; the engine stamps rule and severity."""
        if el is not None:
            el_line, el_col = self.position(el)
            line = line or el_line
            column = column if column is not None else (el_col if line == el_line else None)
            extra.setdefault("selector", self.selector(el))
            extra.setdefault("snippet", self.snippet(el))
        return Finding(rule="", severity="", path=self.path, line=line, column=column,
                       message=message, **extra)


def _attr(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
