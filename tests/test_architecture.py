"""The import graph points one way: cli -> service -> {live, spark} -> scoring -> fusion ->
{quantify, simulate} -> {detectors, model} -> {ml, text, io, baselines} -> core; the runtime
never imports the training layer or the benchmarks (the CLI may load the training layer lazily), and
importing the scoring pipeline pulls no fitting or plotting library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "botcomments"

LAYERS: dict[str, int] = {
    "records": 0,
    "configfile": 0,
    "segments": 0,
    "thresholds": 0,
    "ml": 1,  # fitted-model evaluation on the array helpers of ``segments``
    "text": 1,
    "io": 1,
    "baselines": 1,
    "detectors": 2,
    "model": 2,
    "quantify": 3,
    "simulate": 3,
    "fusion": 4,
    "scoring": 5,
    "live": 6,
    "spark": 6,
    "service": 7,
    "cli": 8,
}
"""Rank of each runtime subpackage/module: imports go to strictly lower ranks only."""

OUTSIDE = ("botcomments_training", "benchmarks", "training")
"""Top-level packages the runtime must not import (the CLI may, lazily)."""


def imports(path: Path) -> Iterator[tuple[str, bool]]:
    """Absolute module names a file imports, each with whether it is lazy (in a body)."""
    tree = ast.parse(path.read_text("utf-8"))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, id(node) not in top
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) not in top


def unit_of(path: Path) -> str:
    """Layer unit of a runtime file: its subpackage, or its module name at top level."""
    parts = path.relative_to(RUNTIME).with_suffix("").parts
    return parts[0]


def violations(edges: list[tuple[str, str, bool]]) -> list[str]:
    """Edges (unit, imported module, lazy) that break the layering.

    Args:
        edges: One entry per import in the runtime package.

    Returns:
        Human-readable descriptions of the bad edges.
    """
    bad = []
    for unit, module, lazy in edges:
        top, *rest = module.split(".")
        if top in OUTSIDE:
            if not (unit == "cli" and lazy and top == "botcomments_training"):
                bad.append(f"{unit} imports {module} (outside the runtime)")
            continue
        if top != "botcomments" or not rest or unit == "__init__":
            continue  # third-party, the root package (its __version__), or the facade
        target = rest[0]
        if target == unit:
            continue
        if target not in LAYERS or unit not in LAYERS:
            bad.append(f"{unit} -> {target}: add the unit to LAYERS")
        elif LAYERS[target] >= LAYERS[unit]:
            bad.append(f"{unit} (layer {LAYERS[unit]}) imports {module} (layer {LAYERS[target]})")
    return bad


def runtime_edges() -> list[tuple[str, str, bool]]:
    return [
        (unit_of(path), module, lazy)
        for path in sorted(RUNTIME.rglob("*.py"))
        for module, lazy in imports(path)
    ]


def test_runtime_imports_point_down_only() -> None:
    edges = runtime_edges()
    assert len(edges) > 100  # the walk found the package
    assert violations(edges) == []


@pytest.mark.parametrize(
    ("edge", "message"),
    [
        (("detectors", "botcomments.scoring.pipeline", False), "imports botcomments.scoring"),
        (("quantify", "botcomments.fusion.learned", True), "layer 4"),
        (("simulate", "botcomments.quantify", False), "layer 3"),
        (("quantify", "botcomments_training.fitting", True), "outside the runtime"),
        (("cli", "benchmarks.common", True), "outside the runtime"),
        (("newpkg", "botcomments.text", False), "add the unit to LAYERS"),
    ],
)
def test_checker_catches_bad_edges(edge: tuple[str, str, bool], message: str) -> None:
    found = violations([edge])
    assert len(found) == 1 and message in found[0]


def test_checker_allows_good_edges() -> None:
    good = [
        ("scoring", "botcomments.fusion.learned", False),
        ("cli", "botcomments_training.finetune", True),
        ("model", "botcomments", True),
        ("__init__", "botcomments.scoring.pipeline", True),
        ("fusion", "numpy", False),
    ]
    assert violations(good) == []


def test_scoring_imports_no_fitting_or_plotting_library() -> None:
    code = (
        "import sys, botcomments.scoring.pipeline, botcomments.cli; "
        "print(sorted(m for m in ('sklearn', 'scipy', 'matplotlib', 'torch', "
        "'botcomments_training') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
