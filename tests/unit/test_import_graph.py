"""The package's imports point one way and never loop.

Every ``import`` in ``src/sfa_core`` counts, wherever it sits: at module level,
inside a function, or under ``if TYPE_CHECKING:``. The kernel (errors, money,
rules and the private helpers) imports no domain package; the catalog builds on
the kernel; pricing and configuration on the catalog; quotes on those; and the
pure core imports neither the engine, nor the ports, nor an adapter.
(``pyproject.toml`` has no import-linter; these checks need nothing but ``ast``.)
"""

from __future__ import annotations

import ast
import pathlib

import pytest

import sfa_core

ROOT = pathlib.Path(sfa_core.__file__).parent

KERNEL = (
    "sfa_core.errors",
    "sfa_core.money",
    "sfa_core.rules",
    "sfa_core._validate",
    "sfa_core._fast",
    "sfa_core._frozen",
    "sfa_core._memo",
)
OUTSIDE_THE_CORE = (
    "sfa_core.engine",
    "sfa_core.ports",
    "sfa_core.adapters",
    "sfa_core._engine_quotes",
    "sfa_core._engine_configure",
)
DOMAIN = (
    "sfa_core.catalog",
    "sfa_core.pricing",
    "sfa_core.configure",
    "sfa_core.quotes",
    "sfa_core.directory",
)
# A module under the first name may not import one under any of the others.
FORBIDDEN = [
    *((kernel, *DOMAIN) for kernel in KERNEL),
    ("sfa_core.catalog", "sfa_core.pricing", "sfa_core.configure", "sfa_core.quotes"),
    ("sfa_core.pricing", "sfa_core.quotes"),
    ("sfa_core.configure", "sfa_core.quotes"),
    ("sfa_core.directory", "sfa_core.catalog", "sfa_core.pricing", "sfa_core.configure"),
    ("sfa_core.directory", "sfa_core.quotes"),
    *((core, *OUTSIDE_THE_CORE) for core in (*KERNEL, *DOMAIN)),
]


def _modules() -> dict[str, tuple[pathlib.Path, bool]]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = ["sfa_core", *path.relative_to(ROOT).with_suffix("").parts]
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        found[".".join(parts)] = (path, package)
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module ``name`` lives in (``sfa_core.quotes.Quote`` -> ``sfa_core.quotes``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    path, package = MODULES[module]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                if not package:
                    parts.pop()
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {
        owner
        for name in names
        if name.startswith("sfa_core") and (owner := _owner(name)) and owner != module
    }


GRAPH = {module: _imports(module) for module in MODULES}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_graph_sees_the_imports_it_should() -> None:
    assert "sfa_core.pricing.line" in GRAPH["sfa_core.quotes.pricer"]
    assert "sfa_core.errors" in GRAPH["sfa_core.quotes.priced"]  # inside a function


def test_no_module_imports_itself_through_others() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(GRAPH[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert cycles == []


@pytest.mark.parametrize("rule", FORBIDDEN, ids=lambda rule: rule[0])
def test_dependencies_point_one_way(rule: tuple[str, ...]) -> None:
    source, *forbidden = rule
    wrong = sorted(
        (module, other)
        for module, others in GRAPH.items()
        if _within(module, source)
        for other in others
        if any(_within(other, name) for name in forbidden)
    )
    assert wrong == []
