"""Sphinx configuration for the sfa_core documentation."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from typing import Any, TypeVar

from sphinx.pycode import ModuleAnalyzer

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
# Each automodule says which members it documents (`:members:`): with a default of
# "all", an explicit list in a directive would be ignored.
autodoc_default_options = {"show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The docs build offline: no inventories are fetched.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# Every cross-reference must resolve; with -W a dead one fails the build.
nitpicky = True

# Types of the standard library and of the dependencies: their docs are not part
# of this build and their inventories cannot be fetched offline, so references
# to them render as plain text. Only names outside sfa_core are listed here; a
# reference to sfa_core must resolve to its page in the API reference.
_EXTERNAL_MODULES = (
    "collections.abc",
    "contextlib",
    "datetime",
    "decimal",
    "enum",
    "json",
    "os",
    "sqlite3",
    "types",
    "typing",
    "attrs",
    "babel",
    "cattrs",
    "dateutil",
    "hypothesis",
)
nitpick_ignore_regex = [
    (r"py:.*", rf"(?:{'|'.join(re.escape(name) for name in _EXTERNAL_MODULES)})(?:\..+)?"),
    # Annotations autodoc shows as written, unevaluated: ``datetime`` imported as ``_dt``.
    (r"py:class", r"_dt\..+"),
]
# The same, for ``from decimal import Decimal``.
nitpick_ignore = [
    ("py:class", "Decimal"),
    # Private helper types that public signatures show: the read-only mapping every
    # mapping field holds (a ``collections.abc.Mapping``), the table an adapter's
    # repositories are built on, the engine's transaction helper, and the books a
    # pricing run reads. They are implementation, not API, so they are not documented.
    ("py:class", "sfa_core._frozen.FrozenMap"),
    ("py:class", "Table"),
    ("py:class", "Transactions"),
    ("py:class", "PlainBooks"),
    ("py:class", "sfa_core.catalog.derivation._Product"),
]

# Docstring examples run under pytest --doctest-modules; the doctest builder runs the pages'.
doctest_test_doctest_blocks = ""

doctest_global_setup = """
from decimal import Decimal
import datetime as dt
"""


# Public names, resolved to where they are documented.
#
# Each object is documented once, under the package that exports it
# (``sfa_core.pricing.PricedLine``); autodoc records the defining module's name
# as its canonical name, so ``sfa_core.pricing.model.PricedLine`` (as type hints
# write it) resolves too. A few objects are exported by two packages:
# ``sfa_core.SalesEngine`` is ``sfa_core.engine.SalesEngine``, ``sfa_core.Money`` is
# ``sfa_core.money.Money``, ``sfa_core.pricing.TierTable`` is
# ``sfa_core.catalog.TierTable``. A reference to such a name resolves to the one
# place that documents the same object; a name that does not import, or whose
# object is documented nowhere, stays an error.

_MISSING = object()


def _import_dotted(name: str) -> Any:
    """The object a dotted name imports as, or ``_MISSING``."""
    parts = name.split(".")
    if "__main__" in parts:  # importing it would run the command line
        return _MISSING
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            obj: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                return _MISSING
        return obj
    return _MISSING


def _key(obj: Any, name: str) -> tuple[int, str]:
    """What identifies an export: the object, and for a plain value also its name."""
    if inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj):
        return (id(obj), "")
    return (id(obj), name.rpartition(".")[2])


_documented_cache: dict[int, tuple[int, dict[tuple[int, str], str]]] = {}


def _documented_names(env: Any) -> dict[tuple[int, str], str]:
    """Each documented object of sfa_core, by :func:`_key`, to its documented name."""
    objects = env.get_domain("py").objects
    cache = _documented_cache.get(id(env))
    if cache is not None and cache[0] == len(objects):
        return cache[1]
    names: dict[tuple[int, str], str] = {}
    for name, entry in objects.items():
        if entry.aliased or not name.startswith("sfa_core"):
            continue
        obj = _import_dotted(name)
        if obj is not _MISSING:
            names.setdefault(_key(obj, name), name)
    _documented_cache[id(env)] = (len(objects), names)
    return names


def _documented_name(env: Any, target: str) -> str | None:
    objects = env.get_domain("py").objects
    if target in objects:
        return target
    obj = _import_dotted(target)
    if obj is _MISSING:
        return None
    documented = _documented_names(env).get(_key(obj, target))
    if documented is not None:
        return documented
    # A member of a re-exported class: resolve the class, then look the member up.
    parent, _, member = target.rpartition(".")
    if parent.startswith("sfa_core."):
        documented_parent = _documented_name(env, parent)
        if documented_parent is not None and f"{documented_parent}.{member}" in objects:
            return f"{documented_parent}.{member}"
    return None


def _candidates(node: Any) -> list[str]:
    """The dotted names a reference may mean, as the code documented around it sees them.

    A docstring's ``:func:`complete``` means the ``complete`` of its own module,
    which may be documented under the package (``sfa_core.configure.complete``)
    while the docstring is shown elsewhere: the names are looked up in the
    current class and module, then in the modules of the same package.
    """
    target = node.get("reftarget", "")
    if target.startswith("sfa_core."):
        return [target]
    module = node.get("py:module") or ""
    if not module.startswith("sfa_core") or target.startswith("."):
        return []
    scopes = [module]
    if node.get("py:class"):
        scopes.insert(0, f"{module}.{node['py:class']}")
    package = module.rpartition(".")[0] if "." in module else module
    scopes += sorted(
        name for name in sys.modules if name.startswith(f"{package}.") and name != module
    )
    return [f"{scope}.{target}" for scope in scopes]


def _resolve_public_alias(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "py":
        return None
    found = set()
    for candidate in _candidates(node):
        obj = _import_dotted(candidate)
        # A type variable has no page of its own: its name is shown as text.
        if isinstance(obj, TypeVar):
            return contnode
        # A module's alias for another library (``st.SearchStrategy``): external, as above.
        if (inspect.isclass(obj) or inspect.isroutine(obj)) and not getattr(
            obj, "__module__", "sfa_core"
        ).startswith(("sfa_core", "builtins")):
            return contnode
        documented = _documented_name(env, candidate)
        if documented is not None:
            found.add(documented)
            if candidate == node["reftarget"]:
                break
    if len(found) != 1:
        return None  # unknown, or ambiguous: the warning stands
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], found.pop(), node, contnode
    )


def _hide_private_bases(app: Any, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Leave sfa_core's private helper classes (``_aggregates.QuoteMethods``) out of "Bases:"."""

    def private(base: Any) -> bool:
        path = f"{getattr(base, '__module__', '')}.{getattr(base, '__qualname__', '')}"
        return path.startswith("sfa_core.") and any(p.startswith("_") for p in path.split("."))

    bases[:] = [base for base in bases if not private(base)]


def _doc_comment_of_reexport(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Give a constant documented under its package the ``#:`` comment of its module.

    ``.. autodata:: sfa_core.ports.STORE_REPOSITORIES`` finds no comment in the
    package's ``__init__`` and would show the docstring of ``dict``; the comment
    is in the module that defines the constant and lists it in ``__all__``.
    """
    if what != "data":
        return
    package, _, short = name.rpartition(".")
    for module_name in sorted(sys.modules):
        module = sys.modules[module_name]
        if not module_name.startswith(f"{package}.") or module is None:
            continue
        if short not in getattr(module, "__all__", ()) or getattr(module, short, None) is not obj:
            continue
        comment = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", short))
        if comment:
            lines[:] = list(comment)
            return


def setup(app: Any) -> None:
    app.connect("missing-reference", _resolve_public_alias)
    # Before napoleon (priority 500), which then reads the comment like any docstring.
    app.connect("autodoc-process-docstring", _doc_comment_of_reexport, priority=400)
    app.connect("autodoc-process-bases", _hide_private_bases)
