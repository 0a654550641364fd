"""Where pages come from: files and directories named on the command line, and the
site they form (so links between pages resolve as they would on the web server)."""
from __future__ import annotations

import codecs
import fnmatch
import os
import posixpath
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from qa.page import Page, Problem, decode

PAGE_SUFFIXES = (".html", ".htm")
INDEX_NAMES = ("index.html", "index.htm")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
RESOLVED_MAX = 10_000        # resolutions a site keeps (see Site.resolve): a folder's pages share theirs
ASCII_WS = " \t\n\r\f"


@dataclass(frozen=True)
class Fetched:
    """A page's bytes as its source gave them, with what the transport said of them."""
    data: bytes
    content_type: str | None = None     # an HTTP Content-Type ("text/html; charset=...")


class Unreadable(Exception):
    """The page could not be read; the message says why, in words (a load-error)."""


def _fits(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Unreadable(f"page is {size / 1048576:.1f} MiB, over the "
                         f"{max_bytes / 1048576:.0f} MiB limit (max-page-size); not checked")


@dataclass(frozen=True)
class Source:
    """A page in a file. `read()` is all the engine asks of a source: another kind of
    source (an HTTP response, a string) gives bytes and a Content-Type the same way."""
    path: str           # as shown to the user
    file: Path          # absolute
    url: str            # site-relative posix path, no leading slash

    def read(self, max_bytes: int = 10 * 1024 * 1024, site: "Site | None" = None) -> Fetched:
        if site is not None:
            outside = _leaves(self.file, site.root)
            if outside:
                raise Unreadable(outside)
        try:
            st = self.file.stat()
            if not stat.S_ISREG(st.st_mode):        # a FIFO would block the run forever
                raise Unreadable("page is not a regular file (a pipe, socket or device)")
            _fits(st.st_size, max_bytes)
            return Fetched(self.file.read_bytes())
        except FileNotFoundError:
            if self.file.is_symlink():
                raise Unreadable("page is a dangling symbolic link (its target does not exist)") from None
            raise Unreadable("page vanished before it could be read") from None
        except OSError as e:
            raise Unreadable(f"page could not be read: {e.strerror or e}") from None

    def cache_key_data(self) -> bytes | None:
        """The bytes the cache keys this page by (None: not cached: a symbolic link)."""
        try:
            return None if os.path.islink(self.file) else self.file.read_bytes()
        except OSError:
            return None


@dataclass(frozen=True)
class MemorySource(Source):
    """A page given as bytes (an HTML string, a response a test client rendered): no
    file behind it; `file` is where it would be in the site, for resolving its links."""
    content: bytes = b""
    content_type: str | None = None

    def read(self, max_bytes: int = 10 * 1024 * 1024, site: "Site | None" = None) -> Fetched:
        _fits(len(self.content), max_bytes)
        return Fetched(self.content, self.content_type)

    def cache_key_data(self) -> bytes | None:
        return self.content + b"\0" + (self.content_type or "").encode()


@dataclass(frozen=True)
class Target:
    """Where a reference points, resolved against the site."""
    kind: str           # "page" (same or other local file), "outside" (leaves the root),
                        # "unknown" (root-relative, with no known root),
                        # "external" (another scheme or host), "special" (javascript:, data:...),
                        # "invalid" (not a URL at all: "https://[::1", url is the reason)
    url: str = ""       # site-relative path of the target file
    file: Path | None = None
    fragment: str | None = None   # percent-decoded; None when the reference has no '#'
    requested: str = ""     # on a server: the url asked for, when redirects led to `url`


@dataclass
class Site:
    root: Path
    urls: set[str] = field(default_factory=set)     # pages in this run
    # Is the root known (a directory named, or --site-root)? With only files named, it is
    # just their common folder: `../css/site.css` from one page of a site is then a file
    # to look for, not a reference that leaves the site.
    bounded: bool = True
    # folders that could not be listed ((path as shown, why)): their pages went unchecked
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # False when only pages were named and no folder above them looks like their site's
    # root: a root-relative reference then points nobody knows where ("unknown")
    root_known: bool = True
    skipped: list[tuple[str, str]] = field(default_factory=list)   # named, but not pages
    excluded: list[str] = field(default_factory=list)              # pages an exclude glob took
    # external links' results (qa.external.ExternalRun), set by the engine before the site
    # rules run when --check-external is on; None: not checked (rules never fetch)
    external: object | None = field(default=None, repr=False, compare=False)
    # will the run check external links over the network (--check-external)? Set by the
    # engine before the pages are checked: without it, links to other sites are not
    # worth recording (3 MB a copy of python3.11-doc, kept until the report)
    checks_external: bool = field(default=False, repr=False, compare=False)

    # resolutions and file checks already made: a site's pages share most of their links
    _resolved: dict = field(default_factory=dict, repr=False, compare=False)
    _here: dict = field(default_factory=dict, repr=False, compare=False)   # page -> itself

    # what the file system said, for the page being checked (see `recording`): a cached
    # result stays good only while every such fact still holds
    _facts: dict = field(default_factory=dict, repr=False, compare=False)
    _recorded: set | None = field(default=None, repr=False, compare=False)

    serves_urls = False     # a folder; a site on a server (qa.crawl.HttpSite) says True

    @property
    def origin(self) -> str:
        """Where the site is: a folder's file URI (`scheme://host` for a site on a server)."""
        return self.root.as_uri()

    def fact(self, kind: str, path: str) -> bool:
        """Is `path` a dir, a file, or there at all (kind "dir", "file", "exists"), or a
        page of this run ("page": a site url)? Asked once per run, recorded per page."""
        key = (kind, path)
        found = self._facts.get(key)
        if found is None:
            try:
                found = path in self.urls if kind == "page" else \
                    {"dir": os.path.isdir, "file": os.path.isfile, "exists": os.path.exists}[kind](path)
            except (OSError, ValueError):
                found = False
            self._facts[key] = found
        if self._recorded is not None:
            self._recorded.add((kind, path, found))
        return found

    @contextmanager
    def recording(self):
        """The facts the file system gave while in this block (a set, filled in as it goes)."""
        outer, self._recorded = self._recorded, set()
        try:
            yield self._recorded
        finally:
            inner, self._recorded = self._recorded, outer
            if outer is not None:
                outer |= inner

    def resolve(self, page_url: str, ref: str) -> Target:
        """Where `ref`, written on the page at `page_url`, points."""
        ref = ref.strip()
        first = ref[:1]
        if first == "#":                    # this very page, a part of it: the most common
            here = self._here.get(page_url)
            if here is None:
                if len(self._here) >= RESOLVED_MAX:
                    self._here.clear()
                here = self._here[page_url] = self._resolve(page_url, "")
            return Target(here.kind, here.url, here.file, unquote(ref[1:]))
        if first in ("?", ""):              # no path: this very page
            return self._resolve(page_url, ref)
        # cached by folder and reference without its fragment: a docs site links to
        # thousands of fragments of the same few pages
        path, hash_, fragment = ref.partition("#")
        key = (posixpath.dirname(page_url), path)
        hit = self._resolved.get(key)
        if hit is None:
            if len(self._resolved) >= RESOLVED_MAX:      # memory stays flat on big sites
                self._resolved.clear()
            with self.recording() as facts:
                t = self._resolve(page_url, path)
            hit = self._resolved[key] = (t, frozenset(facts))
        elif self._recorded is not None:      # the facts it rests on, for this page too
            self._recorded |= hit[1]
        t = hit[0]
        if hash_ and t.kind == "page":      # (a new Target: dataclasses.replace is slow)
            t = Target(t.kind, t.url, t.file, unquote(fragment), t.requested)
        return t

    def _resolve(self, page_url: str, ref: str) -> Target:
        ref = _backslashes(ref)
        try:
            parts = urlsplit(ref)
            parts.port                      # "http://host:99999/" fails only when asked
        except ValueError as e:             # "https://[2001:db8::1/": no browser opens it
            reason = str(e) or "malformed"
            return Target("invalid", reason[:1].lower() + reason[1:])
        if parts.scheme and parts.scheme.lower() not in ("http", "https") or \
                (parts.scheme and not parts.netloc):
            return Target("special")
        if parts.netloc or ref.startswith("//"):
            return Target("external")
        fragment = unquote(parts.fragment) if "#" in ref else None
        if not parts.path:
            return Target("page", page_url, self.root / page_url, fragment)
        if parts.path.startswith("/"):
            if not self.root_known:
                return Target("unknown")
            joined = posixpath.normpath(unquote(parts.path))    # URL: "/.." stays at the root
        else:
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(page_url),
                                                    unquote(parts.path)))
            climbs = rel == ".." or rel.startswith("../")
            if climbs and self.bounded:
                return Target("outside", rel)
            joined = rel if climbs else "/" if rel == "." else "/" + rel
        if parts.path.endswith("/") and not joined.endswith("/"):
            joined += "/"
        rel = joined.lstrip("/")
        file = self.root / rel if rel else self.root
        if rel == "" or joined.endswith("/") or self.fact("dir", str(file)):
            for name in INDEX_NAMES:
                if self.fact("file", str(file / name)):
                    file = file / name
                    break
            else:
                file = file / INDEX_NAMES[0]
            rel = file.relative_to(self.root).as_posix()
        return Target("page", rel, file, fragment)

    def source(self, url: str, path: str | None = None) -> Source:
        """The source of the page at site url `url` (shown as `path`), to read it again: a
        finding across pages is placed on its element only once it turns out broken."""
        return Source(path or url, self.root / url, url)

    def outside_run(self, url: str) -> Source | None:
        """A page of the site that this run did not check (a link into a folder not named)
        whose anchors can still be read; None when there is no such page."""
        file = self.root / url
        if url.lower().endswith(PAGE_SUFFIXES) and file.is_file():
            return Source(url, file, url)
        return None

    def exists(self, target: Target) -> bool:
        if self.fact("page", target.url):
            return True
        return target.file is not None and self.fact("exists", str(target.file))


_SPECIAL = re.compile(r"(?i)(?:https?:|[^:/?#]*(?:[/?#]|$))")


def _backslashes(ref: str) -> str:
    """A browser reads `\\` as `/` before the query and fragment of a relative or http(s)
    URL (WHATWG URL: special schemes), so `..\\index.html` is `../index.html`."""
    if "\\" not in ref or not _SPECIAL.match(ref):
        return ref
    cut = min((i for i in (ref.find("?"), ref.find("#")) if i >= 0), default=len(ref))
    return ref[:cut].replace("\\", "/") + ref[cut:]


_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_STRIPPED = ASCII_WS + "\x00"


def clean(ref: str) -> str:
    # URL standard: tabs and newlines are removed, surrounding spaces stripped
    if "\t" in ref or "\n" in ref or "\r" in ref:
        ref = _TAB_NEWLINE.sub("", ref)
    return ref.strip(_STRIPPED)


def document_base(page) -> str | None:
    """The site-relative URL that relative references on `page` resolve against: the
    page's own, or that of its first `<base href>` (HTML: only the first one counts).
    None when the references are not local files: the base is on another host, or the
    page was fetched from a server."""
    if page.site is None or ("://" in page.url and not page.site.serves_urls):
        return None
    href = next((clean(b.get("href")) for b in page.elements("base")
                 if b.get("href") is not None), "")
    target = page.site.resolve(page.url, href) if href else None
    if target is None or target.kind in ("special", "outside", "invalid"):   # HTML: such
        return page.url                                       # bases (data:...) are ignored
    return None if target.kind == "external" else target.url


def discover(paths: list[str], site_root: str | None = None,
             exclude: tuple[str, ...] = ()) -> tuple[list[Source], Site, list[tuple[str, str]]]:
    """The pages under `paths` (directories recurse into *.html/*.htm), in a stable order,
    the site they form, and the paths that could not be read (path, reason)."""
    missing: list[tuple[str, str]] = []
    found: list[tuple[str, Path]] = []
    unreadable: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []

    def cannot_list(e: OSError) -> None:
        unreadable.append((printable(str(e.filename)), e.strerror or str(e)))
    for arg in paths:
        if not arg.strip():
            missing.append((repr(arg), "an empty path names no file or directory"))
            continue
        p = Path(arg)
        if p.is_dir():
            # no symlinked dirs: no loops; a folder that cannot be listed is reported
            for dirpath, dirnames, filenames in os.walk(p, onerror=cannot_list):
                dirnames.sort()
                for name in sorted(filenames):
                    if name.lower().endswith(PAGE_SUFFIXES):
                        found.append((os.path.join(dirpath, name), Path(dirpath, name)))
        elif not arg.lower().endswith(PAGE_SUFFIXES) and p.exists():
            # a stylesheet or image passed along by an editor or a hook: not a page
            skipped.append((printable(arg), "not an HTML page (*.html, *.htm)"))
        elif p.exists() or p.is_symlink():
            found.append((arg, p))
        else:
            missing.append((arg, "no such file or directory"))
    # one notion of a path throughout (absolute, not resolved through symlinks), so that
    # every page named is under the root unless --site-root says otherwise
    root_known = True
    if site_root:
        root = Path(os.path.abspath(site_root))
    else:
        parents = [os.path.abspath(a) for a in paths if Path(a).is_dir()]
        parents += [os.path.dirname(os.path.abspath(f)) for shown, f in found
                    if not f.is_dir() and shown in paths]
        root = Path(os.path.commonpath(parents or [os.getcwd()]))
        if not any(Path(a).is_dir() for a in paths):     # only pages named: whose site?
            found_root = site_root_above(root)
            root_known = found_root is not None
            root = found_root or root
    sources, seen, excluded = [], set(), []
    for shown, f in found:
        absf = Path(os.path.abspath(f))
        # a page outside --site-root keeps a unique "../" path: its links leave the root
        url = Path(os.path.relpath(absf, root)).as_posix()
        # the same globs as overrides: matched against the whole site path, `*` crossing
        # folders ("drafts/*" is everything under drafts/, and nothing else)
        if url in seen:
            continue        # the same file named twice is checked once
        if any(fnmatch.fnmatch(url, g) for g in exclude):
            excluded.append(printable(url))
            continue
        seen.add(url)
        sources.append(Source(printable(shown), absf, printable(url)))
    bounded = bool(site_root) or any(Path(a).is_dir() for a in paths)
    site = Site(root, {s.url for s in sources}, bounded, unreadable, root_known)
    site.skipped, site.excluded = skipped, excluded
    return sources, site, missing


def site_root_above(folder: Path) -> Path | None:
    """The site a page in `folder` belongs to, when only pages are named: the highest
    folder from `folder` up that holds an index page, looking no higher than the current
    directory (when `folder` is inside it) or the top of a git checkout. None when there
    is none: root-relative links (`/css/site.css`) then cannot be checked."""
    cwd = Path(os.getcwd())
    stop = cwd if folder == cwd or cwd in folder.parents else None
    best = None
    for d in (folder, *folder.parents):
        if any((d / n).is_file() for n in INDEX_NAMES):
            best = d
        if d == stop or (d / ".git").exists():
            break
    return best


def printable(name: str) -> str:
    """A file name as text every writer can print: bytes that are not UTF-8 (kept by
    Python as lone surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def load(src: Source, site: Site | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """Read and decode a page. Never raises for a bad page: what went wrong is in
    `page.problems`, and the page is empty so that rules have nothing to check."""
    def failed(message: str) -> Page:
        return Page(src.path, src.url, "", site=site, problems=[Problem("load-error", message)])
    try:
        fetched = src.read(max_bytes, site)
    except Unreadable as e:
        return failed(str(e))
    data = fetched.data
    if not data.strip():
        return failed("page is empty")
    head = data[:8192]
    if _utf16_without_bom(head):
        return failed("page is UTF-16 without a byte order mark, which browsers cannot "
                      "recognise (they show it as mojibake); save it as UTF-8, or with a BOM")
    # binary: NUL bytes all over (images, archives); a stray NUL in a page is only a
    # parse error, which browsers (and lxml) read as U+FFFD
    if head.count(b"\x00") > max(2, len(head) // 100) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return failed("page is a binary file, not HTML")
    text, enc, problems = decode(data, fetched.content_type)
    if "\r" in text:       # HTML: CR LF and lone CR are newlines, as editors count lines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Page(src.path, src.url, text, encoding=enc, site=site, problems=problems)


def _leaves(file: Path, root: Path) -> str | None:
    """Why the page at `file` is not read when it is a symbolic link (or lies under one)
    that leads out of the site `root`; None when it stays inside. Its text could be
    anything on the machine (a password file), which reports would then quote."""
    try:
        real = os.path.realpath(file)
        if real == os.path.normpath(os.path.abspath(file)):
            return None                 # no link on the way: a `../` page the user named
        real_root = os.path.realpath(root)
    except (OSError, ValueError):
        return None
    inside = os.path.commonpath([real, real_root]) == real_root
    if inside or not os.path.exists(file):     # dangling: said as such when read
        return None
    return ("page is a symbolic link to a file outside the site "
            f"({printable(real)}); it leaves the site and was not read")


def _utf16_without_bom(head: bytes) -> bool:
    """Text whose every other byte is NUL, starting at markup: UTF-16 with no BOM."""
    if len(head) < 8 or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    for lead in (0, 1):      # big-endian: NULs first; little-endian: NULs second
        nuls, text = head[lead::2], head[1 - lead::2]
        if nuls.count(0) >= 0.9 * len(nuls) and text.lstrip()[:1] == b"<" and \
                text.count(0) < 0.1 * len(text):
            return True
    return False
