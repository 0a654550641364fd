"""Re-record page.axe.json: axe-core's raw results for page.html, as qa.browser gets them.

    /tmp/venv312/bin/python tests/data/axe/record.py

test_axe_mapping.py maps this recording without a browser; test_browser.py checks that a
live run still maps the same way, so a new axe-core or Chromium shows up as a diff here.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from qa.browser import BrowserOptions, Session, _axe_source, axe_options, serve  # noqa: E402

opts = BrowserOptions()
with serve(HERE) as base:
    s = Session(opts, _axe_source(opts))
    try:
        out, _ = s.check(base + "page.html", set(), axe_options(opts))
        out["browser"] = s.browser
    finally:
        s.close()
text = json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False)
text = re.sub(r"http://127\.0\.0\.1:\d+/", "http://127.0.0.1:8000/", text)
(HERE / "page.axe.json").write_text(text + "\n", encoding="utf-8")
print(f"axe-core {out['version']}, {len(out['violations'])} violations, "
      f"{len(out['incomplete'])} incomplete")
