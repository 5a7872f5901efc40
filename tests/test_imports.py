"""gan/ stays free of Streamlit and of the app's ui/, and its modules import each other without cycles
(imports inside functions count too: they only hide a cycle until the function runs)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAN = ROOT / "gan"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in GAN.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module ``name`` imports anywhere in its file; gan-internal names resolved to modules."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            for a in node.names:  # "from . import losses" imports the module gan.losses
                if f"{mod}.{a.name}" in known:
                    found.add(f"{mod}.{a.name}")
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def test_gan_never_imports_streamlit_or_ui():
    bad = {name: sorted(i for i in deps if i.split(".")[0] in ("streamlit", "ui", "app_pages"))
           for name, deps in graph().items()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_no_import_cycles_in_gan():
    g = graph()
    known = set(g)
    # an edge to a submodule also runs its packages' __init__ first, but that is not a cycle of its own
    edges = {name: {d for d in deps if d in known and d != name and not name.startswith(d + ".")}
             for name, deps in g.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(edges[n]):
            if state.get(m) == 1:
                cycles.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    assert cycles == []


def test_the_checker_sees_a_cycle_hidden_in_a_function(tmp_path):
    """The check itself can fail: an import inside a function is found and resolved."""
    a = tmp_path / "gan" / "a.py"
    a.parent.mkdir()
    a.write_text("def f():\n    from .b import g\n")
    deps = imports_of("gan.a", a, {"gan.b"})
    assert "gan.b" in deps
