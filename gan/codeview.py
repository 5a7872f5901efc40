"""Read the project's own source at run time and find the lines that implement each formula.

The Principles page shows real code next to the theory, so it can never drift from what runs.
Source files mark the lines that implement a formula or a training step with comments::

    # formula: L_D = -[E log D(x) + E log(1 - D(G(z)))]
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()

    # step: update D
    opt_d.zero_grad(); loss.backward(); opt_d.step()

A marker's *label* is the text after ``formula:`` or ``step:`` up to an optional `` = ...``
("L_D", "L_G minimax", "update D"). The marked block is the marker line plus the code lines that
follow it, up to a blank line, the next marker, a line indented less than the block's first line,
or a ``return`` that is not the block's first line (the function's bookkeeping is not the formula).

Everything here is pure (``inspect`` plus plain text scanning). A missing object gives ``None``;
a missing marker just means no highlight for it. Nothing in this module raises for a bad name.
"""
from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"#\s*(formula|step)\s*:\s*(.+?)\s*$")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mark:
    kind: str    # "formula" or "step"
    label: str   # "L_D", "L_G minimax", "update D", ...
    text: str    # the whole comment after "formula:"/"step:" (may include "= ...")
    start: int   # first line of the block, 1-based, relative to the snippet
    end: int     # last line of the block (inclusive)

    def lines(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"


@dataclass(frozen=True)
class Snippet:
    name: str              # the dotted name asked for, e.g. "gan.losses.d_loss"
    path: str              # file path relative to the project root (or as given, if outside it)
    first_line: int        # line number of the snippet's first line in that file
    code: str              # dedented source
    marks: tuple[Mark, ...] = field(default=())

    @property
    def last_line(self) -> int:
        return self.first_line + self.code.count("\n")

    def file_line(self, snippet_line: int) -> int:
        """The file line number of a 1-based snippet line."""
        return self.first_line + snippet_line - 1

    def find(self, label: str) -> list[Mark]:
        return [m for m in self.marks if m.label == label]


def resolve(dotted: str) -> object | None:
    """Import the longest module prefix of ``dotted`` and walk the remaining attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def _label(text: str) -> str:
    return text.split(" = ", 1)[0].split("=", 1)[0].strip() if "=" in text else text.strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def find_marks(code: str) -> tuple[Mark, ...]:
    """All ``# formula:`` / ``# step:`` markers in ``code`` with the line ranges they cover."""
    lines = code.splitlines()
    marks: list[Mark] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("#"):
            continue
        m = MARKER.match(stripped)
        if not m:
            continue
        kind, text = m.group(1), m.group(2)
        end = i
        block_indent = None
        for j in range(i + 1, len(lines)):
            nxt = lines[j]
            if not nxt.strip() or MARKER.match(nxt.strip()):
                break
            if block_indent is None:
                block_indent = _indent(nxt)
            elif _indent(nxt) < block_indent or (_indent(nxt) == block_indent
                                                 and nxt.lstrip().startswith("return")):
                break
            end = j
        marks.append(Mark(kind, _label(text), text, i + 1, end + 1))
    return tuple(marks)


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return Path(path).name


def snippet(dotted: str) -> Snippet | None:
    """The source of a function, method or class named by ``dotted``, with its markers; or None."""
    obj = resolve(dotted)
    if obj is None:
        return None
    obj = inspect.unwrap(obj) if callable(obj) else obj
    try:
        lines, first = inspect.getsourcelines(obj)
        path = inspect.getsourcefile(obj) or "?"
    except (OSError, TypeError):
        return None
    code = textwrap.dedent("".join(lines)).rstrip("\n")
    return Snippet(dotted, _relative(path), first, code, find_marks(code))


def snippets(names: list[str]) -> list[Snippet]:
    """The snippets that exist among ``names``, in order."""
    return [s for s in (snippet(n) for n in names) if s is not None]
