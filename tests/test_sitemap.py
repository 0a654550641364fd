"""Sitemaps (`qa/sitemap.py`): what a sitemap lists, and what a hostile one cannot do:
inflate without end, expand entities, read local files, reach the network."""
import gzip
import http.server
import struct
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from qa import sitemap
from qa.sitemap import Sitemap, SitemapError, parse, read_all

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITE = "https://site.test/"


def urlset(*locs: str, ns: str | None = NS) -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    body = "".join(f"<url><loc>{loc}</loc><lastmod>2024-01-01</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset{xmlns}>{body}</urlset>'.encode()


def index(*locs: str) -> bytes:
    body = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{NS}">{body}</sitemapindex>'.encode()


class Files:
    """Sitemaps as real files: https://site.test/NAME is tmp_path/NAME; what was fetched."""
    def __init__(self, root: Path):
        self.root = root
        self.fetched: list[str] = []

    def write(self, name: str, data: bytes) -> str:
        (self.root / name).write_bytes(data)
        return SITE + name

    def __call__(self, location: str) -> bytes:
        self.fetched.append(location)
        assert location.startswith(SITE), location      # nothing else is ever asked for
        return (self.root / location.removeprefix(SITE)).read_bytes()


@pytest.fixture
def files(tmp_path):
    return Files(tmp_path)


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 that records every request it gets (and would
    serve an entity's text, were it ever asked)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'<!ENTITY leak "LEAKED-FROM-SERVER">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", requests
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


# --- what a sitemap lists ---------------------------------------------------------------

def test_urlset_in_document_order_stripped_once_each():
    got = parse(urlset("https://site.test/b", "\n  https://site.test/a  \n", "http://site.test/c",
                       "https://site.test/b"), "s.xml")
    assert got.urls == ["https://site.test/b", "https://site.test/a", "http://site.test/c"]
    assert got.sitemaps == []
    assert got.problems == ['sitemap "s.xml" lists 1 <loc> more than once; each is read once']


def test_locs_that_are_not_absolute_http_urls_are_skipped_with_a_problem():
    got = parse(urlset("/relative", "page.html", "ftp://site.test/f", "mailto:a@site.test",
                       "", "https://", "javascript:alert(1)", "https://site.test/ok",
                       "https://site.test/a b"), "s.xml")
    assert got.urls == ["https://site.test/ok"]
    assert len(got.problems) == 8
    assert got.problems[0] == ('sitemap "s.xml": the <loc> "/relative" is not an absolute '
                               'http(s) URL; skipped')
    assert 'sitemap "s.xml": a <loc> is empty; skipped' in got.problems


def test_a_flood_of_bad_locs_is_told_as_a_count_past_the_first_few():
    got = parse(urlset(*(f"/p{i}" for i in range(500))), "s.xml")
    assert got.urls == []
    assert len(got.problems) == sitemap.MAX_LOC_PROBLEMS + 1
    assert got.problems[-1] == ('sitemap "s.xml": 480 more <loc>s that are not absolute '
                                'http(s) URLs were skipped')


@pytest.mark.parametrize("ns", [None, "http://www.google.com/schemas/sitemap/0.84",
                                "http://example.com/not-the-sitemap-namespace"])
def test_no_namespace_or_an_old_or_wrong_one_reads_alike(ns):
    assert parse(urlset("https://site.test/a", ns=ns), "s.xml").urls == ["https://site.test/a"]


def test_only_the_url_own_loc_counts_not_an_image_loc_inside_it():
    data = (f'<urlset xmlns="{NS}" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
            '<!-- a comment --><url><image:image><image:loc>https://cdn.test/i.png</image:loc>'
            '</image:image><loc>https://site.test/a</loc></url>'
            '<?pi x?><url><lastmod>2024</lastmod></url></urlset>').encode()
    assert parse(data, "s.xml") == Sitemap(urls=["https://site.test/a"])


def test_loc_with_escaped_ampersand_and_cdata():
    data = (b'<urlset><url><loc>https://site.test/?a=1&amp;b=2</loc></url>'
            b'<url><loc><![CDATA[https://site.test/?c=3&d=4]]></loc></url></urlset>')
    assert parse(data, "s.xml").urls == ["https://site.test/?a=1&b=2", "https://site.test/?c=3&d=4"]


def test_more_urls_than_the_limit_keeps_the_first():
    got = parse(urlset(*(f"https://site.test/{i}" for i in range(12))), "s.xml", max_urls=10)
    assert got.urls == [f"https://site.test/{i}" for i in range(10)]
    assert got.problems == ['sitemap "s.xml" lists more than 10 <loc>s (the limit for one '
                            'file); the first 10 are read, 2 more are not']


def test_plain_text_sitemap():
    data = b"\xef\xbb\xbfhttps://site.test/a\r\n\r\n  http://site.test/b  \nhttps://site.test/a\n"
    got = parse(data, "s.txt")
    assert got.urls == ["https://site.test/a", "http://site.test/b"]
    assert got.sitemaps == []
    assert parse(b"\n HTTPS://site.test/c\n", "s.txt").urls == ["HTTPS://site.test/c"]


def test_plain_text_with_a_line_that_is_not_a_url_is_refused():
    with pytest.raises(SitemapError, match='^sitemap "s.txt" is neither XML nor a plain-text '
                                          'list of http\\(s\\) URLs'):
        parse(b"https://site.test/a\nsee also: the blog\n", "s.txt")


@pytest.mark.parametrize("data", [b"\x00\x01\x02garbage\xff\xfe", b"{\"urls\": []}",
                                  b"<urlset><url><loc>https://site.test/</loc></url>",
                                  b"<html><body><p>not found</p></body></html>x",
                                  "\ufeff<urlset>\u00e9".encode("utf-16")[:5]])
def test_garbage_is_a_sitemap_error(data):
    with pytest.raises(SitemapError, match='^sitemap "g" is (not XML|neither XML)'):
        parse(data, "g")


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty(data):
    with pytest.raises(SitemapError, match='^sitemap "e" is empty$'):
        parse(data, "e")


def test_a_document_that_is_no_sitemap_names_its_root():
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><link>https://site.test/</link></channel></rss>'
    with pytest.raises(SitemapError) as e:
        parse(rss, "feed.xml")
    assert str(e.value) == ('sitemap "feed.xml" is not a sitemap: its root element is <rss>, '
                            'not <urlset> or <sitemapindex>')


def test_an_empty_urlset_is_a_sitemap_with_no_pages():
    assert parse(b"<urlset/>", "s.xml") == Sitemap()


# --- gzip --------------------------------------------------------------------------------

def test_gzip_is_known_by_its_bytes_not_its_name(files):
    start = files.write("sitemap.xml", gzip.compress(urlset("https://site.test/a")))
    files.write("plain.xml.gz", urlset("https://site.test/b"))
    assert read_all(start, files) == (["https://site.test/a"], [])
    assert read_all(SITE + "plain.xml.gz", files) == (["https://site.test/b"], [])


def test_gzip_members_one_after_another_and_gzip_plain_text():
    data = gzip.compress(b"https://site.test/a\n") + gzip.compress(b"https://site.test/b\n")
    assert parse(data, "s.txt.gz").urls == ["https://site.test/a", "https://site.test/b"]


def test_gzip_cut_off_or_damaged():
    whole = gzip.compress(urlset("https://site.test/a"))
    with pytest.raises(SitemapError, match="cut off before its end"):
        parse(whole[: len(whole) // 2], "s.xml.gz")
    with pytest.raises(SitemapError, match="cut off"):
        parse(b"\x1f\x8b", "s.xml.gz")
    damaged = whole[:12] + bytes(b ^ 0x55 for b in whole[12:20]) + whole[20:]
    with pytest.raises(SitemapError, match='^sitemap "s.xml.gz" is (damaged gzip data|gzip data)'):
        parse(damaged, "s.xml.gz")


def gzip_bomb(gib: int = 2) -> bytes:
    """A real gzip file of `gib` GiB of zeros, about 1 KiB a MiB, built without ever
    holding (or even compressing) more than 1 MiB: after a full flush a deflate stream
    starts afresh, so each MiB of zeros compresses to the same bytes."""
    mib = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH) == block
    crc = 0
    for _ in range(gib * 1024):
        crc = zlib.crc32(mib, crc)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + block * (gib * 1024)
            + c.flush(zlib.Z_FINISH) + struct.pack("<II", crc, (gib << 30) & 0xFFFFFFFF))


def test_gzip_bomb_stops_at_the_limit_without_inflating_it_all():
    bomb = gzip_bomb(2)
    assert len(bomb) < 3 * 1024 * 1024                       # 2 GiB inflated
    head = zlib.decompressobj(31).decompress(bomb, 4096)
    assert head == bytes(4096)                                # it is real gzip of zeros
    tracemalloc.start()
    began = time.monotonic()
    try:
        with pytest.raises(SitemapError) as e:
            parse(bomb, "bomb.xml.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(e.value) == ('sitemap "bomb.xml.gz" decompresses to more than 50 MiB (the '
                            'limit); not read')
    assert time.monotonic() - began < 3
    assert peak < 2 * sitemap.MAX_BYTES                      # not 2 GiB


def test_gzip_limit_is_max_bytes():
    data = gzip.compress(urlset("https://site.test/a") + b" " * 5000)
    with pytest.raises(SitemapError, match="decompresses to more than 4 KiB"):
        parse(data, "s.xml.gz", max_bytes=4096)
    assert parse(data, "s.xml.gz", max_bytes=len(gzip.decompress(data))).urls


def test_oversized_raw_file_is_refused_before_reading(files):
    data = urlset("https://site.test/a") + b" " * 3000
    start = files.write("big.xml", data)
    with pytest.raises(SitemapError) as e:
        read_all(start, files, max_bytes=2048)
    assert str(e.value) == (f'sitemap "{start}" is {len(data)} bytes, over the 2 KiB limit; '
                            f'not read')
    assert read_all(start, files, max_bytes=len(data)) == (["https://site.test/a"], [])
    big = b" " * (sitemap.MAX_BYTES + 1)
    with pytest.raises(SitemapError, match=r"is 50\.0 MiB, over the 50 MiB limit"):
        parse(big, "big.xml")


# --- no entities, no files, no network ---------------------------------------------------

def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE urlset [{"".join(ents)}]>'
            f'<urlset xmlns="{NS}"><url><loc>https://site.test/&lol9;</loc></url>'
            f'<url a="&lol9;"><loc>https://site.test/b</loc></url></urlset>').encode()


ENTITIES = 'declares XML entities in a DOCTYPE'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_billion_laughs_is_refused_fast(encoding):
    data = billion_laughs().decode().replace('<?xml version="1.0"?>', "").encode(encoding)
    began = time.monotonic()
    with pytest.raises(SitemapError, match=ENTITIES):
        parse(data, "lol.xml")
    assert time.monotonic() - began < 1


def test_billion_laughs_gzipped_is_refused_fast():
    began = time.monotonic()
    with pytest.raises(SitemapError, match=ENTITIES):
        parse(gzip.compress(billion_laughs()), "lol.xml.gz")
    assert time.monotonic() - began < 1


def passwd_lines() -> list[str]:
    p = Path("/etc/passwd")
    lines = [line for line in p.read_text(errors="replace").splitlines() if line.strip()]
    assert lines                                # the test means something only if there is one
    return lines


def leaked(text: str) -> bool:
    return any(line in text for line in passwd_lines()) or "root:" in text


XXE_DOCS = {
    "general": '<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               '<urlset><url><loc>https://site.test/?&xxe;</loc></url></urlset>',
    "parameter": '<!DOCTYPE urlset [<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;]>'
                 '<urlset><url><loc>https://site.test/a</loc></url></urlset>',
    "in loc alone": '<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    '<urlset><url><loc>&xxe;</loc></url></urlset>',
    "plain text file": '<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "/etc/passwd">]>'
                       '<urlset><url><loc>https://site.test/&xxe;</loc></url></urlset>',
}


@pytest.mark.parametrize("name", XXE_DOCS)
def test_xxe_never_reads_etc_passwd(name, files):
    data = XXE_DOCS[name].encode()
    with pytest.raises(SitemapError, match=ENTITIES) as e:
        parse(data, "x.xml")
    assert not leaked(str(e.value))
    # and as a child of an index: a problem, with nothing of the file in any output
    good = files.write("good.xml", urlset("https://site.test/g"))
    files.write("xxe.xml", data)
    start = files.write("index.xml", index(SITE + "xxe.xml", good))
    urls, problems = read_all(start, files)
    assert urls == ["https://site.test/g"]
    assert len(problems) == 1 and ENTITIES in problems[0]
    assert not leaked(repr((urls, problems)))


def test_xxe_encoded_in_utf32_is_refused_too():
    # not found by the byte scan: the parsed DOCTYPE is looked at too
    data = XXE_DOCS["general"].encode("utf-32")
    with pytest.raises(SitemapError, match=ENTITIES) as e:
        parse(data, "x.xml")
    assert not leaked(str(e.value))


def test_billion_laughs_in_utf32_fails_fast_too():
    # past the byte scan, libxml2's amplification guard stops it, and says so
    began = time.monotonic()
    with pytest.raises(SitemapError, match=ENTITIES):
        parse(billion_laughs().decode().replace('<?xml version="1.0"?>', "").encode("utf-32"),
              "lol.xml")
    assert time.monotonic() - began < 1


def test_an_external_dtd_is_not_loaded():
    data = ('<!DOCTYPE urlset SYSTEM "file:///etc/passwd">'
            '<urlset><url><loc>https://site.test/a</loc></url></urlset>').encode()
    got = parse(data, "x.xml")
    assert got.urls == ["https://site.test/a"]
    assert not leaked(repr(got))


def test_no_request_reaches_the_network(server):
    base, requests = server
    docs = [
        f'<!DOCTYPE urlset [<!ENTITY e SYSTEM "{base}/general">]>'
        f'<urlset><url><loc>https://site.test/&e;</loc></url></urlset>',
        f'<!DOCTYPE urlset [<!ENTITY % e SYSTEM "{base}/parameter"> %e;]>'
        f'<urlset><url><loc>https://site.test/&leak;</loc></url></urlset>',
        f'<!DOCTYPE urlset PUBLIC "-//X//Y" "{base}/public">'
        f'<urlset><url><loc>https://site.test/a</loc></url></urlset>',
        f'<!DOCTYPE urlset SYSTEM "{base}/dtd">'
        f'<urlset><url><loc>https://site.test/a</loc></url></urlset>',
        f'<?xml-stylesheet href="{base}/style"?><urlset xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<url><loc>https://site.test/a</loc><xi:include href="{base}/xinclude"/></url></urlset>',
    ]
    outputs = []
    for doc in docs:
        try:
            outputs.append(repr(parse(doc.encode(), "x.xml")))
        except SitemapError as e:
            outputs.append(str(e))
    time.sleep(0.05)                       # a request in flight would be in by now
    assert requests == []
    assert not any("LEAKED" in out for out in outputs)
    assert ENTITIES in outputs[0] and ENTITIES in outputs[1]
    # the server does answer: had the parser asked, it would have been counted
    import urllib.request
    with urllib.request.urlopen(f"{base}/probe", timeout=5) as r:
        assert b"LEAKED" in r.read()
    assert requests == ["/probe"]


# --- following an index ------------------------------------------------------------------

def test_index_with_a_nested_index_and_a_loop(files):
    a = SITE + "a.xml"
    b = SITE + "b.xml"
    files.write("a.xml", index(b, SITE + "pages1.xml", a))            # lists itself too
    files.write("b.xml", index(a, SITE + "pages2.xml.gz"))            # and back to a
    files.write("pages1.xml", urlset("https://site.test/1", "https://site.test/shared"))
    files.write("pages2.xml.gz", gzip.compress(urlset("https://site.test/shared",
                                                      "https://site.test/2")))
    urls, problems = read_all(a, files)
    assert urls == ["https://site.test/1", "https://site.test/shared", "https://site.test/2"]
    assert problems == []
    # breadth-first, each once
    assert files.fetched == [a, b, SITE + "pages1.xml", SITE + "pages2.xml.gz"]


def test_a_child_that_fails_is_a_problem_and_the_others_are_read(files):
    start = files.write("index.xml", index(SITE + "missing.xml", SITE + "junk.xml",
                                           SITE + "feed.xml", SITE + "ok.xml", "/relative.xml"))
    files.write("junk.xml", b"\x00\x01 not a sitemap")
    files.write("feed.xml", b"<rss/>")
    files.write("ok.xml", urlset("https://site.test/ok"))
    urls, problems = read_all(start, files)
    assert urls == ["https://site.test/ok"]
    assert problems[0] == (f'sitemap "{start}": the sitemap <loc> "/relative.xml" is not an '
                           f'absolute http(s) URL; skipped')
    assert problems[1] == (f'sitemap "{SITE}missing.xml" could not be read: '
                           f'No such file or directory')
    assert problems[2].startswith(f'sitemap "{SITE}junk.xml" is neither XML nor')
    assert problems[3].startswith(f'sitemap "{SITE}feed.xml" is not a sitemap')
    assert len(problems) == 4


def test_the_start_failing_raises(files):
    with pytest.raises(SitemapError, match='^sitemap "https://site.test/none.xml" could not be read'):
        read_all(SITE + "none.xml", files)

    def refuses(location):
        raise SitemapError(f'sitemap "{location}" answered 404 Not Found')
    with pytest.raises(SitemapError, match="404"):
        read_all(SITE + "x.xml", refuses)
    start = files.write("junk.xml", b"junk")
    with pytest.raises(SitemapError, match="neither XML"):
        read_all(start, files)


def test_duplicates_across_sitemaps_are_read_once(files):
    files.write("p1.xml", urlset("https://site.test/a", "https://site.test/b"))
    files.write("p2.txt", b"https://site.test/b\nhttps://site.test/c\nhttps://site.test/a\n")
    start = files.write("index.xml", index(SITE + "p1.xml", SITE + "p2.txt", SITE + "p1.xml"))
    urls, problems = read_all(start, files)
    assert urls == ["https://site.test/a", "https://site.test/b", "https://site.test/c"]
    assert problems == [f'sitemap "{start}" lists 1 sitemap <loc> more than once; each is '
                        f'read once']
    assert files.fetched.count(SITE + "p1.xml") == 1


def test_max_sitemaps(files):
    children = [SITE + f"p{i}.xml" for i in range(5)]
    for i, child in enumerate(children):
        files.write(f"p{i}.xml", urlset(f"https://site.test/{i}"))
    start = files.write("index.xml", index(*children))
    urls, problems = read_all(start, files, max_sitemaps=3)
    assert urls == ["https://site.test/0", "https://site.test/1"]
    assert problems == ["stopped after reading 3 sitemaps (the limit); 3 more listed were not read"]
    # an index of many more: only what could ever be read is kept in hand
    start = files.write("many.xml", index(*(SITE + f"x{i}.xml" for i in range(40)), *children))
    urls, problems = read_all(start, files, max_sitemaps=6, max_urls=10)
    assert urls == [] and len(problems) == 7
    assert problems[0] == (f'sitemap "{start}" lists more than 10 sitemap <loc>s (the limit '
                           f'for one file); the first 10 are read, 35 more are not')
    assert problems[-1] == ("stopped after reading 6 sitemaps (the limit); 5 more listed "
                            "were not read")
    # indexes of indexes: past what can be read and a file's worth, listings are counted
    # no more (a hostile site could list millions)
    for i in range(4):
        files.write(f"i{i}.xml", index(*(SITE + f"s{i}_{j}.xml" for j in range(4))))
    start = files.write("top.xml", index(*(SITE + f"i{i}.xml" for i in range(4))))
    urls, problems = read_all(start, files, max_sitemaps=3, max_urls=4)
    assert problems == ["stopped after reading 3 sitemaps (the limit); more than 4 listed "
                        "were not read"]


def test_max_total(files):
    files.write("p1.xml", urlset(*(f"https://site.test/a{i}" for i in range(3))))
    files.write("p2.xml", urlset(*(f"https://site.test/b{i}" for i in range(3))))
    files.write("p3.xml", urlset("https://site.test/c"))
    start = files.write("index.xml", index(SITE + "p1.xml", SITE + "p2.xml", SITE + "p3.xml"))
    urls, problems = read_all(start, files, max_total=4)
    assert urls == ["https://site.test/a0", "https://site.test/a1", "https://site.test/a2",
                    "https://site.test/b0"]
    assert problems == [f'stopped at 4 page URLs (the limit); the rest of sitemap '
                        f'"{SITE}p2.xml" was not read']
    assert SITE + "p3.xml" not in files.fetched


def test_max_urls_and_max_bytes_bound_each_file(files):
    files.write("p1.xml", urlset(*(f"https://site.test/a{i}" for i in range(3))))
    files.write("p2.xml", urlset("https://site.test/b") + b" " * 4000)
    start = files.write("index.xml", index(SITE + "p1.xml", SITE + "p2.xml"))
    urls, problems = read_all(start, files, max_urls=2, max_bytes=2048)
    assert urls == ["https://site.test/a0", "https://site.test/a1"]
    assert len(problems) == 2
    assert "the first 2 are read" in problems[0] and "over the 2 KiB limit" in problems[1]


# --- anything at all ---------------------------------------------------------------------

XMLISH = st.lists(st.sampled_from([
    "<urlset>", "</urlset>", "<sitemapindex>", "</sitemapindex>", "<url>", "</url>",
    "<sitemap>", "</sitemap>", "<loc>", "</loc>", "https://site.test/", "http://x/", "/rel",
    "&amp;", "&lol;", "<!DOCTYPE urlset>", "<!DOCTYPE x [<!ELEMENT x ANY>]>",
    '<?xml version="1.0" encoding="latin-1"?>', "<![CDATA[", "]]>", "\n", " ", "\x00",
    "\ufeff", "é", "<!-- -->", 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
]), max_size=30).map(lambda parts: "".join(parts).encode("utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), XMLISH, XMLISH.map(gzip.compress),
                 st.binary(max_size=200).map(lambda b: b"\x1f\x8b" + b),
                 st.binary(max_size=200).map(lambda b: gzip.compress(b)[:len(b) // 2 + 10])))
def test_any_bytes_give_a_sitemap_or_a_sitemap_error(data):
    try:
        got = parse(data, "any", max_bytes=100_000, max_urls=50)
    except SitemapError as e:
        assert str(e).startswith('sitemap "any" ')
        return
    assert all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in got.urls)
    assert all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in got.sitemaps)
    assert len(got.urls) == len(set(got.urls)) <= 50
    assert all(isinstance(p, str) for p in got.problems)
