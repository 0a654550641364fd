"""The loopback server the browser run loads pages from: the site, and nothing else.

Pages are served from 127.0.0.1 at an ephemeral port, so relative assets, fetches and
iframes load as on the real site (file:// would block fetches and give every page its own
origin). Nothing outside the site root is served, symlinks included; a file name that is
not UTF-8 is asked for by its own bytes, percent-encoded.
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, unquote_to_bytes

from qa.page import undeclared_charset


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".mjs": "text/javascript", ".svg": "image/svg+xml"}

    def log_message(self, *args):   # quiet: the report is the output
        pass

    def translate_path(self, path: str) -> str:
        """As http.server's, but a percent-encoded byte is a byte of the file's name (what
        page_url makes of a name that is not UTF-8), not a part of a UTF-8 sequence."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        words = [w for w in os.fsdecode(unquote_to_bytes(path)).split("/") if w]
        out = self.directory
        for word in words:
            if os.path.dirname(word) or word in (os.curdir, os.pardir):
                continue             # as http.server: no way up out of the root
            out = os.path.join(out, word)
        return out + "/" if path.rstrip().endswith("/") else out

    def send_head(self):
        """Nothing outside the site: a symlink in it that points elsewhere (to a file of
        secrets, or to /) is not followed, as a web server's default is (Apache without
        FollowSymLinks, nginx's disable_symlinks if_not_owner)."""
        if not is_inside(self.translate_path(self.path), self.directory):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def guess_type(self, path):
        """A page that declares no charset is served in the one the static rules read it
        in (utf-8, else windows-1252), so both sides see the same text; a browser given no
        charset guesses windows-1252 for every such page."""
        ctype = super().guess_type(path)
        if ctype == "text/html":
            try:
                with open(path, "rb") as fh:
                    charset = undeclared_charset(fh.read())
            except OSError:
                charset = None
            if charset:
                return f"text/html; charset={charset}"
        return ctype


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                         # a browser dropping a connection mid-page is no news


def is_inside(path: str, root: str) -> bool:
    """Does `path`, all symlinks followed, lie in `root` (also with its symlinks followed)?"""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def page_url(root: Path, url: str) -> str:
    """The URL path of the page at site-relative `url`, percent-encoding its name's own
    bytes. The sources show a name that is not UTF-8 with U+FFFD for its odd bytes: that
    name is found again among the folder's entries (if one alone shows so)."""
    here, parts = str(root), []
    for part in url.split("/"):
        if "\ufffd" in part:
            try:
                same = [e for e in os.listdir(here) if _shown(e) == part]
            except OSError:
                same = []
            if len(same) == 1:
                part = same[0]
        parts.append(part)
        here = os.path.join(here, part)
    return quote(os.fsencode("/".join(parts)), safe="/")


def _shown(name: str) -> str:
    # as qa.sources.printable: the bytes Python kept as lone surrogates become U+FFFD
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at an ephemeral port; yields the base URL ("http://.../")."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="qa-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
