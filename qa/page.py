"""A page: its bytes read in the right charset, parsed once with lxml, and the element
helpers every rule shares (position, selector, snippet, finding)."""
from __future__ import annotations

import bisect
import codecs
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

import lxml.html
import webencodings
from lxml import etree

from qa import names
from qa.findings import Finding

SNIPPET_MAX = 240
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# WHATWG Encoding: only the labels browsers know (webencodings holds the standard's
# table), each read by the Python codec of the superset browsers decode it as (the
# Latin-1 family as windows-1252, Shift_JIS as windows-31j...), so that a page decodes here
# as it does in the browser. Python-only codecs (utf-7, utf-32, punycode, unicode_escape)
# are no charset a browser knows: the page gets the standard's fallback.
_SUPERSET = {"gbk": "gb18030"}      # the standard's GBK decoder is the gb18030 decoder
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# A start tag, with its attributes consumed so that a `<tag` inside an attribute value
# (`data-tip="<img src=x>"`) is not taken for an element. A value is quoted only right
# after `=` (HTML: `title=don't` is unquoted); possessive, so it never backtracks.
_TAG_OPEN = re.compile(r"""<([A-Za-z][A-Za-z0-9:-]*)(?=[\s/>]|$)"""
                       r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))*+""")
# Comments, and the text of elements whose content is never markup (HTML: raw text and
# escapable raw text; libxml2 parses them so too). Group 2 is what to pass over: the
# start tag's own name stays visible to _TAG_OPEN. A comment that is never closed runs to
# the end (HTML): matched so in one pass, as `.*?-->` alone would rescan the rest of the
# page for every `<!--` (quadratic).
_RAW_TEXT = re.compile(r"<!--(?:.*?-->|.*)|<(script|style|textarea|title|xmp|iframe|noembed|noframes)"
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


_TRANSPORT_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str, list[Problem]]:
    """Decode page bytes the way a browser would (HTML's encoding sniffing): BOM, then
    the charset of the transport's Content-Type (an HTTP response's), then <meta
    charset>, then UTF-8, then windows-1252 (the standard's fallback for unlabelled
    pages). A transport label browsers do not know is passed over, as they pass it."""
    problems: list[Problem] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom):], codecs.lookup(enc), problems), enc, problems
    t = _TRANSPORT_CHARSET.search(content_type or "")
    found = webencodings.lookup(t.group(1)) if t else None
    if found is not None and found.name != "replacement":
        return _decode_as(data, _codec(found), problems), found.name, problems
    m = _META_CHARSET.search(data[:4096])
    if m:
        label = m.group(1).decode("ascii", "replace").lower()
        found = webencodings.lookup(label)
        if found is None:
            problems.append(Problem("encoding-error", f'unknown charset "{label}" declared '
                                    "(not one browsers know); read as utf-8"))
            found = webencodings.UTF8
        elif found.name == "replacement":
            problems.append(Problem(
                "encoding-error", f'charset "{label}" is one browsers refuse to decode (they '
                "show the page as a single replacement character); read as utf-8"))
            found = webencodings.UTF8
        elif found.name.startswith("utf-16"):       # HTML: a meta utf-16 means utf-8
            found = webencodings.UTF8
        return _decode_as(data, _codec(found), problems), found.name, problems
    try:
        return data.decode("utf-8"), "utf-8", problems
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        problems.append(Problem(
            "encoding-error",
            "page declares no charset and is not valid utf-8 "
            f"(byte 0x{data[e.start]:02x} at line {line}); read as windows-1252", line))
        return data.decode("cp1252", "replace"), "windows-1252", problems


def _codec(found: webencodings.Encoding) -> codecs.CodecInfo:
    """The Python codec that reads a WHATWG encoding as browsers read it."""
    return codecs.lookup(_SUPERSET[found.name]) if found.name in _SUPERSET else found.codec_info


def _decode_as(data: bytes, info: codecs.CodecInfo, problems: list[Problem]) -> str:
    try:
        return info.decode(data)[0]
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        problems.append(Problem(
            "encoding-error",
            f"bytes that are not valid {info.name} at line {line} were replaced", line))
        return info.decode(data, "replace")[0]


@dataclass
class Page:
    path: str                     # as the user named it: shown in every finding
    url: str                      # site-relative posix path ("news/a.html"), or a URL
    source: str
    encoding: str = "utf-8"
    site: Any = None              # qa.sources.Site: resolves links against the site
    problems: list[Problem] = field(default_factory=list)

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
    def _line_starts(self) -> list[int]:
        """Offset in the source where each line starts (line n at index n - 1)."""
        return [0, *(m.end() for m in re.finditer("\n", self.source))]

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def _ends_on(self, tag: str) -> dict[int, list[Any]]:
        """line -> the `tag` elements whose start tag ends on it, in document order (lxml's
        sourceline), worked out per tag name on first use."""
        cache = self.__dict__.setdefault("_end_cache", {})
        if tag not in cache:
            try:
                same = self.tree.iter(tag)
            except ValueError:      # a name libxml2 takes from a page but not from us (a
                same = (e for e in self.tree.iter() if e.tag == tag)   # control character)
            lines: dict[int, list[Any]] = {}
            for el in same:
                if el.sourceline:
                    lines.setdefault(el.sourceline, []).append(el)
            cache[tag] = lines
        return cache[tag]

    def position(self, el) -> tuple[int | None, int | None]:
        """Line and column where the element's start tag begins, worked out only for the
        elements asked about (those with a finding): lxml knows the line where the start
        tag ends; the `<tag` is found on that line or up to 20 lines before it, the k-th
        such start tag ending there for the k-th element that does. Tags in comments and
        raw text (script, style...) in that stretch are passed over. An element the parser
        implied (no tag in the source) keeps lxml's line."""
        if el is None or not isinstance(el.tag, str):
            return (getattr(el, "sourceline", None), None)
        end = el.sourceline
        if not end:
            return (None, None)
        cache = self.__dict__.setdefault("_pos_cache", {})
        key = (el.tag, end)
        if key not in cache:
            cache[key] = self._starts_ending_on(el.tag, end)
        group = self._ends_on(el.tag).get(end, [])
        found = cache[key]
        try:
            k = group.index(el)
        except ValueError:
            return (end, None)
        return found[k] if k < len(found) else (end, None)

    def _starts_ending_on(self, tag: str, end: int) -> list[tuple[int, int]]:
        """(line, column) of each `<tag` start tag that ends on line `end`, in order."""
        starts = self._line_starts
        if end > len(starts):
            return []
        lo = starts[max(0, end - 21)]
        hi = starts[end] if end < len(starts) else len(self.source)
        text = self.source[lo:hi]
        skip = [m.span(2) if m.group(1) else m.span() for m in _RAW_TEXT.finditer(text)]
        out, k, name = [], 0, tag.lower()
        for m in _TAG_OPEN.finditer(text):
            if m.group(1).lower() != name:
                continue
            while k < len(skip) and skip[k][1] <= m.start():
                k += 1
            if k < len(skip) and skip[k][0] <= m.start():
                continue
            if self._line_of(lo + m.end()) != end:
                continue
            line = self._line_of(lo + m.start())
            out.append((line, lo + m.start() - starts[line - 1] + 1))
        return out

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

    @staticmethod
    def descriptor(el) -> str:
        """The element as a finding's identity names it: its tag, the attributes that say
        which element it is (never class, style or its place among siblings, which
        generated markup and edits elsewhere change), and the start of its own text."""
        return descriptor(el.tag, el.attrib, _text_start(el))

    def finding(self, el, message: str, *, line: int | None = None,
                column: int | None = None, severity: str = "", **extra) -> Finding:
        """A finding about `el` on this page; the engine stamps rule and severity (a
        `severity` given here is the most this finding can be: see runner.stamp)."""
        if el is not None:
            el_line, el_col = self.position(el)
            line = line or el_line
            column = column if column is not None else (el_col if line == el_line else None)
            extra.setdefault("selector", self.selector(el))
            extra.setdefault("snippet", self.snippet(el))
            extra.setdefault("element", self.descriptor(el))
        return Finding(rule="", severity=severity, path=self.path, line=line, column=column,
                       message=message, **extra)


def _attr(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# attributes that name an element, in this order; values folded and cut at 80 characters
IDENTITY_ATTRS = ("id", "name", "href", "src", "srcset", "data", "alt", "role", "type",
                  "for", "aria-label", "aria-labelledby", "title", "lang", "rel", "action")


def descriptor(tag: Any, attrs: Any, text: str = "") -> str:
    """`img[src=ward.png][alt=]` plus `"text"`: see Page.descriptor (also for elements
    known only by their markup, such as axe's)."""
    name = str(tag).lower() if isinstance(tag, str) else "node"
    parts = [name]
    for a in IDENTITY_ATTRS:
        v = attrs.get(a)
        if v is not None:
            parts.append(f"[{a}={' '.join(str(v).split())[:80]}]")
    if text:
        parts.append(f' "{text}"')
    return "".join(parts)


def _text_start(el, limit: int = 60) -> str:
    """The first `limit` characters of the element's text, whitespace folded, read no
    further than needed (a <main> holds the whole page)."""
    out, size = [], 0
    for t in el.itertext():
        out.append(t)
        size += len(t)
        if size > limit * 2:
            break
    return " ".join("".join(out).split())[:limit]


def descriptor_of_html(html: str) -> str | None:
    """The descriptor of the first element in an HTML snippet (axe's `node.html`, which may
    be any element, `<html>` or `<body>` included, and is often cut short)."""
    from html.parser import HTMLParser

    class First(HTMLParser):
        tag: str | None = None
        attrs: dict = {}
        text = ""

        def handle_starttag(self, tag, attrs):
            if self.tag is None:
                self.tag, self.attrs = tag, {k: v or "" for k, v in attrs}

        def handle_data(self, data):
            if self.tag is not None and len(self.text) < 120:
                self.text += data
    p = First(convert_charrefs=True)
    try:
        p.feed(html)
        p.close()
    except Exception:       # noqa: BLE001 - not markup at all: no descriptor
        return None
    if p.tag is None:
        return None
    return descriptor(p.tag, p.attrs, " ".join(p.text.split())[:60])
