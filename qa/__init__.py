"""qa: an accessibility and content QA linter for websites."""
__version__ = "0.1.0"


def __getattr__(name: str):
    """`qa.check` and `qa.check_html` (qa/api.py), imported when first used: `import qa`
    stays cheap, and qa.findings, which imports nothing of ours, can load first."""
    if name in ("check", "check_html"):
        from qa import api
        return getattr(api, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
