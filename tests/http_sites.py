"""Real HTTP servers on 127.0.0.1 for the running-site tests: a folder served as it is,
with routes on top that misbehave on purpose (slow, 429, 500, loops, resets, huge and
gzip-bomb bodies, wrong Content-Types, a login). Every request is recorded."""
from __future__ import annotations

import functools
import gzip
import http.server
import socket
import struct
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


class Handler(http.server.SimpleHTTPRequestHandler):
    routes: dict[str, Callable] = {}
    requests: list[tuple[str, str, dict]] = []
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _route(self, method: str) -> bool:
        self.requests.append((method, self.path, dict(self.headers)))
        for key in (self.path, self.path.split("?", 1)[0]):
            if key in self.routes:
                self.routes[key](self)
                return True
        return False

    def do_GET(self):
        if not self._route("GET"):
            super().do_GET()

    def do_HEAD(self):
        if not self._route("HEAD"):
            super().do_HEAD()

    def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass        # a client that hung up (a timeout on purpose): nothing to print


@contextmanager
def serve(folder: Path | str | None = None, routes: dict[str, Callable] | None = None) -> Iterator["Server"]:
    cls = type("H", (Handler,), {"routes": dict(routes or {}), "requests": []})
    handler = functools.partial(cls, directory=str(folder or "/nonexistent"))
    httpd = _Quiet(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", cls)
    finally:
        httpd.shutdown()
        httpd.server_close()


class Server:
    def __init__(self, url: str, cls):
        self.url, self.cls = url, cls

    @property
    def requests(self) -> list[tuple[str, str, dict]]:
        return self.cls.requests

    def paths(self) -> list[str]:
        return [p for _, p, _ in self.requests]


# -- misbehaving routes -------------------------------------------------------------------

def page(body: str, status: int = 200, ctype: str = "text/html; charset=utf-8", headers=None):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: h.send(status, data, ctype, headers)


def redirect(to: str, status: int = 301):
    return lambda h: h.send(status, b"", headers={"Location": to})


def slow(seconds: float, body: str = "<p>late</p>"):
    def route(h):
        time.sleep(seconds)
        try:
            h.send(200, body.encode())
        except OSError:
            pass
    return route


def then(*routes):
    """The first request gets the first route, the next the second..., then the last."""
    calls = [0]

    def route(h):
        i = min(calls[0], len(routes) - 1)
        calls[0] += 1
        routes[i](h)
    return route


def reset(h):
    """Close the connection with a TCP reset, before any answer."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def huge(megabytes: int, announce: bool = True):
    """An HTML body of `megabytes` MiB, with or without a Content-Length."""
    def route(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if announce:
            h.send_header("Content-Length", str(megabytes * 1048576))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = b"<p>" + b"x" * 65533
        try:
            for _ in range(megabytes * 16):
                h.wfile.write(chunk)
        except OSError:
            pass
    return route


def gzip_bomb(megabytes: int = 200):
    """A small gzip body that inflates to `megabytes` MiB of HTML."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(b"<!doctype html><title>x</title><p>")]
    block = b"a" * 1048576
    for _ in range(megabytes):
        parts.append(comp.compress(block))
    parts.append(comp.flush())
    body = b"".join(parts)

    def route(h):
        h.send(200, body, "text/html", {"Content-Encoding": "gzip"})
    return route


def needs_login(user: str, password: str, body: str):
    import base64
    want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def route(h):
        if h.headers.get("Authorization") == want:
            h.send(200, body.encode())
        else:
            h.send(401, b"<p>log in</p>", headers={"WWW-Authenticate": 'Basic realm="staff"'})
    return route


def html(title: str, body: str, lang: str = "en") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><main><h1>{title}</h1>{body}</main></body></html>")


def gz(data: bytes) -> bytes:
    return gzip.compress(data)
