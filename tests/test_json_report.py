"""The JSON report validates against reports/report.schema.json."""
import io
import json
from pathlib import Path

import jsonschema

from helpers import check
from reports import json as json_writer

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_sample_site_json_validates():
    report = check(ROOT / "sample_pages")
    buf = io.StringIO()
    json_writer.write(report, buf)
    doc = json.loads(buf.getvalue())
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["summary"]["pages"] == len(doc["pages"]) >= 5
    scored = [p for p in doc["pages"] if p["grade"] is not None]
    assert scored and all(p["words"] > 0 and p["sentences"] > 0 for p in scored)
    assert all({"rule", "severity", "path", "line", "column", "message", "selector", "snippet"}
               <= set(f) for f in doc["findings"])


def test_schema_rejects_a_broken_report():
    bad = {"schema": 1, "tool": {"name": "qa", "version": "1"}, "summary": {}, "pages": [],
           "findings": [{"rule": "x"}]}
    try:
        jsonschema.Draft202012Validator(SCHEMA).validate(bad)
    except jsonschema.ValidationError:
        return
    raise AssertionError("schema accepted a broken report")
