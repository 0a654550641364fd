"""Bad input costs a page, never the run: each case becomes a finding for its page and the
other pages are still reported. Plus random bytes and random markup through every rule."""
import os
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import check
from qa import sources
from qa.runner import check_page

GOOD = ('<!doctype html><html lang="en"><title>Fine</title><main><h1>Fine</h1>'
        '<img src="nope.png"></main></html>')


def rules_on(report, path):
    return {f.rule for f in report.findings if f.path == str(path)}


@pytest.mark.parametrize("name, data, rule", [
    ("empty.html", b"", "load-error"),
    ("blank.html", b"  \n\t\n", "load-error"),
    ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "load-error"),
    ("latin1.html", '<html lang="fr"><meta charset="utf-8"><title>Caf\xe9</title><h1>Caf\xe9</h1></html>'
     .encode("latin-1"), "encoding-error"),
    ("unlabelled.html", '<html lang="fr"><title>\xe9t\xe9</title><h1>\xe9t\xe9</h1></html>'
     .encode("latin-1"), "encoding-error"),
    ("badcharset.html", b'<html><meta charset="klingon"><title>x</title><h1>x</h1></html>', "encoding-error"),
    ("deep.html", b"<html><body>" + b"<div>" * 10000 + b"deep" + b"</div>" * 10000 + b"</body></html>",
     "markup-error"),
])
def test_bad_page_is_a_finding_and_others_are_reported(tmp_path, name, data, rule):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.html").write_text(GOOD)
    report = check(tmp_path)
    assert rule in rules_on(report, tmp_path / name)
    assert "missing-alt-text" in rules_on(report, tmp_path / "good.html")
    assert len(report.pages) == 2
    if name == "deep.html":      # in words the user can act on, not libxml2's advice
        [f] = [f for f in report.findings if f.rule == "markup-error"]
        assert f.message.startswith("elements nested deeper than the parser's limit of 2")
        assert "XML_PARSE" not in f.message


def test_broken_markup_still_checked(tmp_path):
    (tmp_path / "broken.html").write_text('<html lang="en"><title>x</title><h1>News<p><img src=a.png <b><i>x</b>'
                                          '<table><td><a href="#">more</a>')
    report = check(tmp_path)
    assert {"missing-alt-text", "placeholder-link"} <= rules_on(report, tmp_path / "broken.html")


def test_utf16_and_bom_pages_are_decoded(tmp_path):
    html = '<!doctype html><html lang="en"><title>Café</title><h1>Café</h1><img src="x.png"></html>'
    (tmp_path / "u16.html").write_bytes(b"\xff\xfe" + html.encode("utf-16-le"))
    (tmp_path / "bom.html").write_bytes(b"\xef\xbb\xbf" + html.encode("utf-8"))
    report = check(tmp_path)
    assert {p.encoding for p in report.pages} == {"utf-16-le", "utf-8"}
    assert all(p.title == "Café" for p in report.pages)
    assert not {"load-error", "encoding-error"} & {f.rule for f in report.findings}


def test_fifty_megabyte_page_is_a_finding(tmp_path):
    with open(tmp_path / "huge.html", "wb") as fh:
        fh.write(b"<html><body>")
        fh.truncate(50 * 1024 * 1024)
    (tmp_path / "good.html").write_text(GOOD)
    report = check(tmp_path)
    msgs = [f.message for f in report.findings if f.path == str(tmp_path / "huge.html")]
    assert any("50.0 MiB" in m and "max-page-size" in m for m in msgs)
    assert "missing-alt-text" in rules_on(report, tmp_path / "good.html")


def test_symlink_loop_and_dangling_link(tmp_path):
    os.symlink("loop.html", tmp_path / "loop.html")
    os.symlink("missing-target.html", tmp_path / "dangling.html")
    os.symlink(".", tmp_path / "selfdir")           # a directory loop: not followed
    (tmp_path / "good.html").write_text(GOOD)
    report = check(tmp_path)
    assert "load-error" in rules_on(report, tmp_path / "loop.html")
    assert "load-error" in rules_on(report, tmp_path / "dangling.html")
    assert len(report.pages) == 3


def test_file_vanishing_mid_run(tmp_path):
    for i in range(40):
        (tmp_path / f"p{i:02}.html").write_text(GOOD)
    victim = tmp_path / "p39.html"
    srcs, site, _ = sources.discover([str(tmp_path)])
    victim.unlink()              # discovered, then gone before it is read
    results = [check_page(s, site, __import__("qa.config").config.Config()) for s in srcs]
    last = results[-1]
    assert [f.rule for f in last.findings] == ["load-error"]
    assert "vanished" in last.findings[0].message
    assert all("missing-alt-text" in {f.rule for f in r.findings} for r in results[:-1])


markup = st.recursive(
    st.sampled_from(["text", "Back to top", "", "&amp;", "é", "<", "\x00", "\ud7ff"]),
    lambda inner: st.builds(
        lambda tag, attrs, kids: f"<{tag}{attrs}>{''.join(kids)}</{tag}>",
        st.sampled_from(["div", "p", "h1", "h2", "h4", "a", "img", "main", "nav", "svg", "figure",
                         "figcaption", "area", "map", "input", "button", "article", "script", "title"]),
        st.sampled_from(["", ' href="#"', ' href="#x"', ' id="x"', ' alt=""', ' alt="image of x"',
                         ' src="a.png"', ' role="img"', ' aria-labelledby="x"', ' lang="es"',
                         ' href="javascript:void(0)"', ' srcset="a.png 1x, , b.png 2x"',
                         ' data-qa-ignore="missing-alt-text"', ' type="image"', ' name="x"',
                         ' href="/../../x"', ' href="%zz#%E0%A4"', ' aria-level="9"']),
        st.lists(inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=markup)
def test_random_markup_never_escapes(tmp_path_factory, body):
    d = tmp_path_factory.mktemp("m")
    (d / "page.html").write_text(f"<!-- qa: disable heading-order -->{body}", encoding="utf-8",
                                 errors="surrogatepass")
    report = check(d)
    assert len(report.pages) == 1
    assert "rule-error" not in {f.rule for f in report.findings}, \
        [f.message for f in report.findings if f.rule == "rule-error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_never_escape(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("b")
    (d / "page.html").write_bytes(data)
    report = check(d)
    assert len(report.pages) == 1
    assert "rule-error" not in {f.rule for f in report.findings}, \
        [f.message for f in report.findings if f.rule == "rule-error"]


@pytest.mark.parametrize("charset", ["hex", "base64", "rot13", "utf-16", "klingon"])
def test_strange_charset_labels_cost_nothing(tmp_path, charset):
    (tmp_path / "p.html").write_bytes(f'<html lang="en"><meta charset="{charset}"><title>x'
                                      f'</title><h1>Caf\xe9</h1><img src="a.png"></html>'
                                      .encode("latin-1"))
    report = check(tmp_path)
    assert {"encoding-error", "missing-alt-text"} <= {f.rule for f in report.findings}


def test_latin1_label_reads_as_windows_1252_like_browsers(tmp_path):
    (tmp_path / "p.html").write_bytes(b'<html lang="en"><meta charset="iso-8859-1"><title>'
                                      b'\x93Caf\xe9\x94</title><h1>x</h1></html>')
    report = check(tmp_path)
    assert report.pages[0].title == "\u201cCaf\xe9\u201d"
    assert not report.findings


def test_odd_aria_level_is_no_rule_error(tmp_path):
    (tmp_path / "p.html").write_text('<html lang="en"><title>x</title><h1>x</h1>'
                                     '<div role="heading" aria-level="\u00b2">y</div></html>')
    assert "rule-error" not in {f.rule for f in check(tmp_path).findings}


def test_a_named_pipe_costs_its_page_and_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "pipe.html")                   # reading it would wait forever
    (tmp_path / "good.html").write_text(GOOD)
    report = check(tmp_path)
    [f] = [f for f in report.findings if f.path == str(tmp_path / "pipe.html")]
    assert f.rule == "load-error" and "not a regular file" in f.message
    assert "missing-alt-text" in rules_on(report, tmp_path / "good.html")


def test_a_stray_nul_is_not_a_binary_file(tmp_path):
    (tmp_path / "nul.html").write_bytes(GOOD.encode().replace(b"<h1>", b"<h1>\x00"))
    (tmp_path / "good.html").write_text(GOOD)
    report = check(tmp_path)
    assert rules_on(report, tmp_path / "nul.html") == rules_on(report, tmp_path / "good.html")
    assert "missing-alt-text" in rules_on(report, tmp_path / "nul.html")


def test_cr_line_endings_count_lines_as_editors_do(tmp_path):
    lines = ['<!doctype html><html lang="en"><title>t</title>', "<main>", "<h1>t</h1>", "",
             '<img src="x.png">', "</main></html>"]
    for name, eol in (("lf.html", "\n"), ("crlf.html", "\r\n"), ("cr.html", "\r")):
        (tmp_path / name).write_text(eol.join(lines), newline="")
    report = check(tmp_path)
    placed = {(os.path.basename(f.path), f.line, f.column) for f in report.findings
              if f.rule == "missing-alt-text"}
    assert placed == {("lf.html", 5, 1), ("crlf.html", 5, 1), ("cr.html", 5, 1)}


@pytest.mark.parametrize("label, codec, text", [
    ("Shift_JIS", "cp932", "髙橋①"),             # ① and 髙 are windows-31j, not JIS X 0208
    ("gb2312", "gbk", "镕"),                     # GBK beyond GB 2312
    ("euc-kr", "cp949", "똠"),                   # CP949 beyond EUC-KR
    ("iso-8859-9", "cp1254", "€"),               # windows-1254 beyond Latin-5
    ("tis-620", "cp874", "€"),
    ("big5", "big5hkscs", "嘅"),
])
def test_charsets_decode_as_browsers_read_them(tmp_path, label, codec, text):
    """WHATWG Encoding: a browser reads these labels as the superset; so must we."""
    html = f'<!doctype html><html><head><meta charset="{label}"><title>{text}</title></head><body><h1>{text}</h1></body></html>'
    (tmp_path / "p.html").write_bytes(html.encode(codec))
    report = check(tmp_path)
    assert [f for f in report.findings if f.rule == "encoding-error"] == []
    assert report.pages[0].title == text
