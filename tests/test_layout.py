"""The layout rules of DESIGN.md that a test can check: pages and ui/ stay thin and leave the math to gan/."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 350
THIN = sorted(p for folder in ("app_pages", "ui") for p in (ROOT / folder).rglob("*.py"))


def test_the_thin_folders_have_files():
    assert any(p.parent.name == "app_pages" for p in THIN) and any(p.parent.name == "ui" for p in THIN)


@pytest.mark.parametrize("path", THIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_or_ui_module_is_longer_than_350_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(ROOT)} has {n} lines (at most {MAX_LINES}): move pieces to ui/ or gan/"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", THIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_or_ui_module_imports_torch(path):
    torch = sorted(m for m in _imported_modules(path) if m == "torch" or m.startswith("torch."))
    assert not torch, f"{path.relative_to(ROOT)} imports {torch}: tensor math belongs in gan/"
