"""gan.codeview: source of named objects and the lines that implement each formula."""
from __future__ import annotations

import sys
import textwrap

import pytest

from gan import codeview

FIXTURE = textwrap.dedent('''
    import math


    def loss(a, b):
        """Doc."""
        if a > b:
            # formula: L_D = -[log a + log b]
            total = math.log(a)
            total += math.log(b)
            return -total
        # formula: L_G minimax = log(1 - b)
        return math.log(1 - b)


    def plain(x):
        return x + 1


    class Trainer:
        def step(self):
            # step: generate
            x = 1
            # step: update D
            y = x + 1
            z = (y,
                 x)

            return z
''')


@pytest.fixture
def fixture_module(tmp_path, monkeypatch):
    (tmp_path / "cv_fixture_mod.py").write_text(FIXTURE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "cv_fixture_mod"
    sys.modules.pop("cv_fixture_mod", None)


def test_marks_cover_the_implementing_lines(fixture_module):
    s = codeview.snippet(f"{fixture_module}.loss")
    assert s.code.startswith("def loss(a, b):")
    assert s.first_line == 5 and s.last_line == 13
    lines = s.code.splitlines()
    (ld,) = s.find("L_D")
    assert ld.kind == "formula" and ld.text == "L_D = -[log a + log b]"
    assert lines[ld.start - 1].strip().startswith("# formula: L_D")
    # The block ends before the `return` (it is not the block's first line).
    assert [l.strip() for l in lines[ld.start:ld.end]] == ["total = math.log(a)", "total += math.log(b)"]
    (mm,) = s.find("L_G minimax")
    assert lines[mm.end - 1].strip() == "return math.log(1 - b)" and mm.lines() == f"{mm.start}–{mm.end}"
    assert s.find("L_G") == []      # "L_G minimax" is its own label
    assert s.file_line(ld.start) == s.first_line + ld.start - 1


def test_method_of_a_class_and_continuation_lines(fixture_module):
    s = codeview.snippet(f"{fixture_module}.Trainer.step")
    assert s.code.startswith("def step(self):")
    labels = [(m.kind, m.label) for m in s.marks]
    assert labels == [("step", "generate"), ("step", "update D")]
    gen, upd = s.marks
    assert gen.end == gen.start + 1                 # stops at the next marker
    assert upd.end == upd.start + 3                 # includes the continuation line, stops at the blank line


def test_missing_markers_and_missing_objects_never_crash(fixture_module):
    s = codeview.snippet(f"{fixture_module}.plain")
    assert s.marks == () and "return x + 1" in s.code
    assert codeview.snippet(f"{fixture_module}.nothing") is None
    assert codeview.snippet("no_such_package.module.f") is None
    assert codeview.snippet("math.sqrt") is None     # a builtin has no Python source
    assert [x.name for x in codeview.snippets([f"{fixture_module}.plain", "nope.x"])] == [f"{fixture_module}.plain"]


def test_find_marks_on_plain_text():
    code = "x = 1\n# formula: GP\ny = 2\n\n# step: update G\nz = 3\n"
    marks = codeview.find_marks(code)
    assert [(m.label, m.start, m.end) for m in marks] == [("GP", 2, 3), ("update G", 5, 6)]


def test_the_real_losses_and_training_step_are_marked():
    """The lead's markers in gan/losses.py and gan/train.py are found (what the Principles page shows)."""
    expected = {
        "gan.losses.d_loss": ["L_D"],
        "gan.losses.g_loss": ["L_G", "L_G minimax"],
        "gan.losses.gradient_penalty": ["GP"],
        "gan.train.Trainer._d_step": ["generate", "classify", "update D"],
        "gan.train.Trainer._g_step": ["generate", "update G"],
    }
    for name, labels in expected.items():
        s = codeview.snippet(name)
        assert s is not None, name
        assert s.path.startswith("gan/")
        assert [m.label for m in s.marks] == labels, name
        for m in s.marks:
            block = s.code.splitlines()[m.start - 1:m.end]
            assert len(block) >= 2 and all(line.strip() for line in block)
    d = codeview.snippet("gan.losses.d_loss")
    (ld,) = d.find("L_D")
    assert "softplus(-real_logits)" in d.code.splitlines()[ld.end - 1]
    for cls in ("gan.models.dcgan.DCGANGenerator", "gan.models.dcgan.DCGANDiscriminator"):
        assert codeview.snippet(cls).code.startswith("class ")
