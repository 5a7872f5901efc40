"""content/glossary.md: one Chinese term per concept, and none of the listed alternatives in the app's texts."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def glossary() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in (ROOT / "content" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "---"):
            rows.append((cells[0], cells[1], [w.strip() for w in cells[2].split(",") if w.strip()]))
    return rows


def texts() -> dict[str, str]:
    files = list((ROOT / "content" / "zh").glob("*.md"))
    for folder in ("app_pages", "ui", "gan"):
        files += list((ROOT / folder).rglob("*.py"))
    files.append(ROOT / "app.py")
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}


def test_glossary_has_one_term_per_concept():
    rows = glossary()
    assert len(rows) >= 15
    terms = [zh for _, zh, _ in rows]
    assert len(set(terms)) == len(terms)
    for en, zh, alternatives in rows:
        assert zh not in alternatives, en


def test_no_alternative_term_is_used():
    found = [(name, alt, zh) for name, text in texts().items() for _, zh, alts in glossary() for alt in alts
             if alt in text]
    assert not found, "use the glossary's term instead: " + "; ".join(f"{n}: {a} -> {z}" for n, a, z in found)


def test_no_space_after_chinese_punctuation():
    import re
    bad = [(name, m.group(0)) for name, text in texts().items()
           for m in re.finditer(r"[，。：；！？、][ \t]+\S", text)]
    assert not bad, bad[:10]
