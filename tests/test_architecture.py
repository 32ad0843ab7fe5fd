"""Layers that only point down: every import inside ``src/tillgang`` goes to the same or a lower layer, and no
two packages import each other, directly or round a loop.

The order is written once, in ``LAYERS`` below, and shown in docs/architecture.md (a test keeps the two equal).
Every import counts: at module level and inside functions, relative and absolute.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

SRC = ROOT / "src"
PACKAGE = "tillgang"

# Bottom to top. A unit is a top-level module or package under tillgang ("tillgang" itself is its __init__).
# A unit may import units of its own layer (without a cycle) and of the layers below it, never above.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "tillgang",
        "errors",
        "limits",
        "netaddr",
        "model",
        "outcomes",
        "lang",
        "textutil",
        "aria",
        "colour",
        "timeutil",
        "config",
        "wcag",
        "catalogue",
        "registry",
        "report",
    ),
    ("readers",),
    ("sniff",),
    ("checks",),
    ("engine",),
    ("browser",),
    ("pools",),
    ("render",),
    ("statement",),
    ("crawl",),
    ("register",),
    ("web",),
    ("distributed",),
    ("cli",),
    ("__main__",),
)
RANK = {unit: rank for rank, layer in enumerate(LAYERS) for unit in layer}

# Known upward imports, each with its reason: (importing module, imported unit). Temporary only: a stale entry
# fails test_every_allowance_is_still_needed, so it is removed when the import goes.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "tillgang.crawl.run"
    path: str  # its file, relative to the repository
    line: int
    target: str  # the imported module (or package attribute), e.g. "tillgang.distributed.pool"

    @property
    def source_unit(self) -> str:
        return unit_of(self.module)

    @property
    def target_unit(self) -> str:
        return unit_of(self.target)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.target}"


def unit_of(module: str) -> str:
    """'tillgang.crawl.run' -> 'crawl'; 'tillgang' and 'tillgang.__version__' (not a unit) -> 'tillgang'."""
    parts = module.split(".")
    if len(parts) == 1 or (parts[1].startswith("__") and parts[1] not in RANK):
        return PACKAGE
    return parts[1]


def imports_in(source: str, module: str, is_package: bool, path: str = "") -> Iterator[Import]:
    """Every import of a tillgang module in ``source`` (the text of ``module``), wherever it stands."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from tillgang import x" and "from . import x" may name modules: count each name
            names = [f"{stem}.{alias.name}" for alias in node.names]
            targets = names if stem == PACKAGE or not node.module else [stem]
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                yield Import(module, path, node.lineno, target)


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module, is_package = module_name(path)
        rel = str(path.relative_to(ROOT))
        found.extend(imports_in(path.read_text(encoding="utf-8"), module, is_package, rel))
    return found


def upward(imports: Iterable[Import], allowed: dict[tuple[str, str], str]) -> list[str]:
    """An import of a higher layer, or of a unit in no layer, named with its module and line."""
    problems = []
    for imp in imports:
        src, dst = imp.source_unit, imp.target_unit
        if src == dst or (imp.module, dst) in allowed:
            continue
        if src not in RANK or dst not in RANK:
            unknown = src if src not in RANK else dst
            problems.append(f"{imp}: '{unknown}' is in no layer (add it to LAYERS and docs/architecture.md)")
        elif RANK[dst] > RANK[src]:
            problems.append(f"{imp}: upward, from {src} (layer {RANK[src]}) to {dst} (layer {RANK[dst]})")
    return problems


def cycles(imports: Iterable[Import], allowed: dict[tuple[str, str], str]) -> list[str]:
    """Units that import each other, directly or round a loop (Tarjan's strongly connected components), each
    with the imports that close the loop."""
    by_edge: dict[tuple[str, str], Import] = {}
    for imp in imports:
        src, dst = imp.source_unit, imp.target_unit
        if src != dst and (imp.module, dst) not in allowed:
            by_edge.setdefault((src, dst), imp)
    graph: dict[str, set[str]] = {}
    for src, dst in by_edge:
        graph.setdefault(src, set()).add(dst)
        graph.setdefault(dst, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    problems = []
    for component in components:
        inside = [str(imp) for (s, d), imp in sorted(by_edge.items()) if s in component and d in component]
        problems.append(f"cycle between {', '.join(component)}: " + "; ".join(inside))
    return problems


# ------------------------------------------------------------------ the package


def test_every_import_points_down() -> None:
    problems = upward(all_imports(), ALLOWED)
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_no_cycles_between_packages() -> None:
    problems = cycles(all_imports(), ALLOWED)
    assert not problems, "\n".join(problems)


def test_every_unit_has_a_layer() -> None:
    units = {unit_of(module_name(p)[0]) for p in (SRC / PACKAGE).rglob("*.py")}
    assert units - set(RANK) == set()
    assert set(RANK) - units == set(), "LAYERS names a unit that does not exist"


def test_every_allowance_is_still_needed() -> None:
    used = {(imp.module, imp.target_unit) for imp in all_imports()}
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"remove these from ALLOWED (the import is gone): {stale}"


def test_the_documented_layers_are_these() -> None:
    """docs/architecture.md lists the layers top to bottom, one line each, between two markers."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\s*```\n(.*?)```\s*<!-- /layers -->", text, re.DOTALL)
    assert block, "docs/architecture.md has no layers block"
    documented = [tuple(line.split(":", 1)[1].split()) for line in block.group(1).strip().splitlines()]
    assert documented == list(reversed(LAYERS))


# ------------------------------------------------------------------ the checker itself


def _synthetic(source: str, module: str, is_package: bool = False) -> list[Import]:
    return list(imports_in(source, module, is_package, path=module.replace(".", "/") + ".py"))


def test_an_upward_import_inside_a_function_is_found() -> None:
    source = "import os\n\n\ndef f():\n    from ..cli import main\n    return main\n"
    problems = upward(_synthetic(source, "tillgang.readers.pdf"), {})
    assert problems == [
        "tillgang/readers/pdf.py:5: tillgang.readers.pdf imports tillgang.cli: "
        "upward, from readers (layer 1) to cli (layer 13)"
    ]


def test_absolute_relative_and_package_imports_resolve() -> None:
    source = (
        "import tillgang.engine\n"
        "from tillgang import __version__, statement\n"
        "from . import fetch\n"
        "from .. import render\n"
        "from ...tillgang_elsewhere import x\n"
    )
    targets = [(i.target, i.target_unit) for i in _synthetic(source, "tillgang.crawl", is_package=True)]
    assert targets == [
        ("tillgang.engine", "engine"),
        ("tillgang.__version__", "tillgang"),
        ("tillgang.statement", "statement"),
        ("tillgang.crawl.fetch", "crawl"),
        ("tillgang.render", "render"),
    ]


def test_a_cycle_within_a_layer_is_found_and_an_allowance_excuses_an_edge() -> None:
    imports = _synthetic("from .limits import Limits\n", "tillgang.errors") + _synthetic(
        "def f():\n    from . import errors\n", "tillgang.limits"
    )
    assert upward(imports, {}) == []
    (problem,) = cycles(imports, {})
    assert problem.startswith("cycle between errors, limits: ")
    assert "tillgang/limits.py:2: tillgang.limits imports tillgang.errors" in problem
    assert cycles(imports, {("tillgang.limits", "errors"): "a test"}) == []


# ------------------------------------------------------------------ private names stay in their package


def private_crossings(source: str, module: str, is_package: bool, path: str = "") -> list[str]:
    """Imports from another unit of a name or module that is private there (a leading underscore):
    ``from ..readers._html_model import Page`` or ``from ..engine import _worker_init``."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not (
            node.level or (node.module or "").startswith(PACKAGE)
        ):
            continue
        if node.level:
            stem = ".".join(here[: len(here) - (node.level - 1)] + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        if unit_of(stem) == unit_of(module) and stem != PACKAGE:
            continue
        private_parts = [p for p in stem.split(".")[1:] if p.startswith("_") and not p.startswith("__")]
        private_names = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
        if private_parts or private_names:
            what = ", ".join(private_parts + private_names)
            problems.append(f"{path}:{node.lineno}: {module} imports private {what} from {stem}")
    return problems


def test_no_private_name_is_imported_from_another_package() -> None:
    problems = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module, is_package = module_name(path)
        problems += private_crossings(
            path.read_text(encoding="utf-8"), module, is_package, str(path.relative_to(ROOT))
        )
    assert not problems, "\n".join(problems)


def test_a_private_import_from_another_package_is_found() -> None:
    found = private_crossings(
        "from ..readers._html_model import Page\n", "tillgang.checks.html_aria", False, "x.py"
    )
    assert found == [
        "x.py:1: tillgang.checks.html_aria imports private _html_model from tillgang.readers._html_model"
    ]
    found = private_crossings("from ..engine import _worker_init\n", "tillgang.crawl.aiopool", False, "y.py")
    assert found == ["y.py:1: tillgang.crawl.aiopool imports private _worker_init from tillgang.engine"]
    assert private_crossings("from ._html_model import Page\n", "tillgang.readers.native", False) == []
