"""qa: an accessibility and content QA linter for websites."""
__version__ = "0.1.0"
