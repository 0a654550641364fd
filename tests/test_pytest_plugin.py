"""The pytest plugin, as a web team meets it: qa installed (pip, from this tree), its
`pytest11` entry point loads the `qa_check` fixture into a real pytest run of a Flask
app's tests, in a subprocess. A page with a missing alt fails with the finding; a clean
page passes."""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

APP_TESTS = textwrap.dedent('''
    import pytest
    from flask import Flask, render_template_string

    PAGE = """<!doctype html><html lang="en"><head><title>{{ title }}</title></head>
    <body><main><h1>{{ title }}</h1>
    <p>Visiting is from nine to five.</p>
    {% if ward_map %}<img src="ward-map.png">{% endif %}
    </main></body></html>"""

    app = Flask(__name__)

    @app.get("/wards/")
    def wards():
        return render_template_string(PAGE, title="Wards", ward_map=True)

    @app.get("/visiting/")
    def visiting():
        return render_template_string(PAGE, title="Visiting", ward_map=False)

    @pytest.fixture
    def client():
        return app.test_client()

    def test_wards_page(client, qa_check):
        qa_check(client.get("/wards/"), fail_on="error")

    def test_visiting_page(client, qa_check):
        report = qa_check(client.get("/visiting/"), fail_on="info")
        assert report.pages[0].path == "visiting/index.html"

    def test_findings_as_a_list(client, qa_check):
        assert not qa_check.findings(client.get("/wards/").data, at_least="warning")

    def test_findings_of_a_clean_string(qa_check):
        html = app.test_client().get("/visiting/").get_data(as_text=True)
        assert qa_check.findings(html, at_least="info") == []
''')


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """qa as pip installs it from this tree (no dependencies: the test's venv has them),
    into a folder of its own, so that its entry points are the ones in pyproject.toml."""
    tmp = tmp_path_factory.mktemp("qa-installed")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "tests"))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--no-build-isolation", "--no-index", "--target", str(tmp / "site"),
                        str(src)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp / "site"


def run_pytest(installed, folder, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    env.update(PYTHONPATH=str(installed), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-q", "-rf", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)


def test_missing_alt_fails_with_the_finding_and_clean_pages_pass(installed, tmp_path):
    pytest.importorskip("flask")
    (tmp_path / "test_app.py").write_text(APP_TESTS)
    r = run_pytest(installed, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "2 failed, 2 passed" in out, out
    # the failure says what and where, in the compiler-style lines of `qa check`
    assert "FAILED test_app.py::test_wards_page" in out
    assert "FAILED test_app.py::test_findings_as_a_list" in out
    assert "qa: 1 finding at or above error:" in out
    assert ('wards/index.html:4:1: error missing-alt-text image "ward-map.png" has no alt '
            'attribute') in out, out
    # `assert not qa_check.findings(...)` names them too
    assert ('assert not page.html:4:1: error missing-alt-text image "ward-map.png" has no '
            'alt attribute') in out, out


def test_the_fixture_comes_from_the_entry_point(installed, tmp_path):
    (tmp_path / "test_plain.py").write_text(textwrap.dedent('''
        import qa.pytest_plugin

        def test_string(qa_check):
            qa_check("<!doctype html><html lang=en><title>T</title><main><h1>T</h1></main></html>")

        def test_where_from():
            assert qa.pytest_plugin.__file__.startswith(%r)
    ''' % str(installed)))
    r = run_pytest(installed, tmp_path, "--fixtures")
    assert "qa_check" in r.stdout and "Check a rendered page with qa" in r.stdout, r.stdout
    r = run_pytest(installed, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_pytest(installed, tmp_path, "-p", "no:qa")       # and only from there
    assert r.returncode == 1 and "fixture 'qa_check' not found" in r.stdout, r.stdout


def readme_example() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Python API and pytest\n", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```python\n")[1:]
    return next(b.split("```", 1)[0] for b in blocks if "def test_" in b)


def test_the_readme_example_passes_and_fails_as_it_says(installed, tmp_path):
    pytest.importorskip("flask")
    example = readme_example()
    (tmp_path / "test_pages.py").write_text(example)
    r = run_pytest(installed, tmp_path)
    assert r.returncode == 0 and "2 passed" in r.stdout, r.stdout + r.stderr
    (tmp_path / "test_pages.py").write_text(example.replace(' alt="Map of the ground floor"', ""))
    r = run_pytest(installed, tmp_path)
    assert r.returncode == 1 and "2 failed" in r.stdout, r.stdout + r.stderr
    readme = (ROOT / "README.md").read_text("utf-8")
    said = readme.split("With the alt text taken out, pytest says:\n\n```\n", 1)[1].split("```")[0]
    for line in said.splitlines():
        assert line in r.stdout, (line, r.stdout)


DJANGO_TESTS = textwrap.dedent('''
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    PAGE = ('<!doctype html><html lang="en"><title>Wards</title><main><h1>Wards</h1>'
            '<p>Visiting is from nine to five.</p>{}</main></html>')

    def wards(request):
        return HttpResponse(PAGE.format('<img src="ward-map.png">'))

    def visiting(request):
        return HttpResponse(PAGE.format(""))

    urlpatterns = [path("wards/", wards), path("visiting/", visiting)]
    settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECRET_KEY="t",
                       MIDDLEWARE=[], INSTALLED_APPS=[])
    django.setup()

    from django.test import Client

    def test_wards_page(qa_check):
        qa_check(Client().get("/wards/"))

    def test_visiting_page(qa_check):
        report = qa_check(Client().get("/visiting/"), fail_on="info")
        assert [p.path for p in report.pages] == ["visiting/index.html"]
''')


def test_a_django_test_client_response(installed, tmp_path):
    pytest.importorskip("django")
    (tmp_path / "test_django_app.py").write_text(DJANGO_TESTS)
    r = run_pytest(installed, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "1 failed, 1 passed" in out, out
    assert "FAILED test_django_app.py::test_wards_page" in out
    assert ('wards/index.html:1:109: error missing-alt-text image "ward-map.png" has no alt '
            'attribute') in out, out
