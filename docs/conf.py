"""Sphinx configuration for the sfa_core documentation."""

from __future__ import annotations

import sfa_core

project = "sfa_core"
author = "The sfa_core developers"
copyright = "2026, The sfa_core developers"
release = sfa_core.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "sfa_core"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The docs build offline: no inventories are fetched.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpicky = False

# Docstring examples run under pytest --doctest-modules; the doctest builder runs the pages'.
doctest_test_doctest_blocks = ""

doctest_global_setup = """
from decimal import Decimal
import datetime as dt
"""
