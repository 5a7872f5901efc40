"""The GAN as a graph (z → G → G(z) → D ← x, D → L_D, L_G) drawn as SVG, with the part at work lit up.

The tutorial's five training steps map onto the graph: *initialise* (every part), *generate* (z, G,
G(z)), *classify* (x, G(z), D and the scores), *update* (D and L_D for a D step, G and L_G for a G step)
and *repeat*. :func:`phases` lists the phases one kind of step goes through; :func:`model_svg` draws
the graph for one phase, with the batch's numbers written beside the parts they belong to; phase
"loop" (while training runs) lets the browser move the lit part round a full step's phases by itself
(SVG animation), so nobody has to redraw the diagram four times a second. Pure: data in, an SVG string out.
"""
from __future__ import annotations

import html
import math

# node -> (x, y, w, h) in a 560 x 250 view box
NODES = {
    "z": (10, 40, 60, 40), "G": (110, 40, 70, 40), "G(z)": (220, 40, 70, 40),
    "x": (220, 150, 70, 40), "D": (330, 95, 70, 40), "L_D": (460, 55, 80, 40), "L_G": (460, 140, 80, 40),
}
EDGES = [("z", "G"), ("G", "G(z)"), ("G(z)", "D"), ("x", "D"), ("D", "L_D"), ("D", "L_G")]
# which nodes are lit in each phase
LIT = {
    "initialise": set(NODES),
    "generate": {"z", "G", "G(z)"},
    "classify": {"G(z)", "x", "D"},
    "update_d": {"D", "L_D"},
    "update_g": {"G", "G(z)", "D", "L_G"},  # G's gradient comes back through D (D itself is not changed)
    "idle": set(),
}
PHASES = {"d": ["generate", "classify", "update_d"], "g": ["generate", "classify", "update_g"],
          "both": ["generate", "classify", "update_d", "update_g"]}
COLORS = {"G": "#6C4AB6", "D": "#E65100", "data": "#2E7D32", "loss": "#1F1B2D", "dim": "#C9C4D6", "lit": "#FFF3C4"}
DEFAULT_TEXT = {"initialise": "initialise", "generate": "generate", "classify": "classify",
                "update_d": "update D", "update_g": "update G", "idle": "", "repeat": "repeat"}


def phases(kind: str) -> list[str]:
    """The phases of one step of ``kind`` ("d", "g" or "both"), in order."""
    if kind not in PHASES:
        raise ValueError("kind must be d, g or both")
    return list(PHASES[kind])


def lit(phase: str) -> set[str]:
    """The nodes at work in ``phase``."""
    if phase not in LIT:
        raise ValueError(f"unknown phase {phase!r}; known: {', '.join(LIT)}")
    return set(LIT[phase])


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    return f"{v:.3f}" if abs(v) < 100 else f"{v:.3g}"


def _node_color(name: str) -> str:
    if name in ("G", "G(z)"):
        return COLORS["G"]
    if name == "D":
        return COLORS["D"]
    if name == "x":
        return COLORS["data"]
    return COLORS["loss"]


LOOP_S = 1.0  # phase "loop": seconds for one round of a full step's phases


def _loop_opacity(parts: set[str] | tuple[str, str]) -> str:
    """An SVG animation showing an element during the phases of a full step in which ``parts`` are lit
    (a node: {name}; an edge: both ends lit)."""
    ph = PHASES["both"]
    names = {parts} if isinstance(parts, str) else set(parts)
    vals = ";".join("1" if names <= LIT[p] else "0" for p in ph)
    return (f'<animate attributeName="opacity" values="{vals}" dur="{LOOP_S:g}s" repeatCount="indefinite" '
            'calcMode="discrete"/>')


def model_svg(phase: str = "idle", values: dict | None = None, text: dict[str, str] | None = None,
              width: int = 560) -> str:
    """The graph with ``phase``'s parts lit; ``values`` (d_real, d_fake, loss_d, loss_g, grad_norm_d,
    grad_norm_g) are written beside their parts once the phase that computes them has run. Phase
    "loop": the lit part goes round generate, classify, update D, update G by itself."""
    loop = phase == "loop"
    on = set() if loop else lit(phase)
    t = {**DEFAULT_TEXT, **(text or {})}
    v = values or {}
    h = round(width * 250 / 560)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 250" width="{width}" height="{h}" '
           f'role="img" aria-label="{html.escape(t.get(phase, phase) or "G, D")}" data-phase="{phase}" '
           'font-family="sans-serif">',
           '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for a, b in EDGES:
        ax, ay, aw, ah = NODES[a]
        bx, by, bw, bh = NODES[b]
        for hot in ((False, True) if loop else (a in on and b in on,)):
            anim = _loop_opacity((a, b)) if loop and hot else ""
            out.append(f'<line x1="{ax + aw}" y1="{ay + ah / 2}" x2="{bx}" y2="{by + bh / 2}" '
                       f'stroke="{"#333" if hot else COLORS["dim"]}" stroke-width="{3 if hot else 1.5}" '
                       f'marker-end="url(#arr)">{anim}</line>')
    for name, (x, y, w, hh) in NODES.items():
        color = _node_color(name)
        for hot in ((False, True) if loop else (name in on,)):  # loop: a dim node, its lit copy on top
            anim = _loop_opacity(name) if loop and hot else ""
            attrs = f'data-node="{html.escape(name)}" data-lit="{"loop" if anim else str(hot).lower()}"'
            out.append(f'<g {attrs}>{anim}'
                       f'<rect x="{x}" y="{y}" width="{w}" height="{hh}" rx="8" '
                       f'fill="{COLORS["lit"] if hot else "#FFFFFF"}" stroke="{color if hot else COLORS["dim"]}" '
                       f'stroke-width="{3 if hot else 1.5}"/>'
                       f'<text x="{x + w / 2}" y="{y + hh / 2 + 5}" text-anchor="middle" font-size="15" '
                       f'font-weight="{"bold" if hot else "normal"}" fill="{color if hot else "#8A84A0"}">'
                       f'{html.escape(name)}</text></g>')
    notes = []
    if "d_real" in v or "d_fake" in v:
        notes.append((300, 215, f"D(x) = {_fmt(v.get('d_real'))}"))
        notes.append((300, 30, f"D(G(z)) = {_fmt(v.get('d_fake'))}"))
    if "loss_d" in v:
        notes.append((500, 45, f"{_fmt(v.get('loss_d'))} · |∇D| {_fmt(v.get('grad_norm_d'))}"))
    if "loss_g" in v:
        notes.append((500, 200, f"{_fmt(v.get('loss_g'))} · |∇G| {_fmt(v.get('grad_norm_g'))}"))
    for x, y, s in notes:
        out.append(f'<text x="{x}" y="{y}" text-anchor="middle" font-size="12" fill="#333">{html.escape(s)}</text>')
    for i, ph in enumerate(PHASES["both"] if loop else [phase]):
        label = t.get(ph, ph)
        if label:  # loop: each phase's caption shown during its quarter of the round
            anim = (f'<animate attributeName="opacity" values="{";".join("1" if j == i else "0" for j in range(4))}" '
                    f'dur="{LOOP_S:g}s" repeatCount="indefinite" calcMode="discrete"/>') if loop else ""
            out.append(f'<text x="10" y="240" font-size="13" fill="#555" data-caption="1">{anim}'
                       f'{html.escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def values_seen(phase: str, event_values: dict) -> dict:
    """The numbers known once ``phase`` has run, from a finished step's values (for slow motion)."""
    keys = {"generate": (), "classify": ("d_real", "d_fake"),
            "update_d": ("d_real", "d_fake", "loss_d", "grad_norm_d"),
            "update_g": ("d_real", "d_fake", "loss_d", "grad_norm_d", "loss_g", "grad_norm_g")}.get(phase)
    if keys is None:
        return dict(event_values)
    return {k: event_values[k] for k in keys if k in event_values}
