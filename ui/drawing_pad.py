"""A drawing area: draw with the mouse, a finger or a pen; the drawing comes back to Python as a PNG.

A small custom component (Streamlit's components v2, inline HTML/CSS/JS, nothing to download or build).
Python -> browser: the texts and the current drawing (so a pad drawn again, after a switch of tab or
option, shows what Python holds). Browser -> Python: the state value ``png``, a
``data:image/png;base64,...`` string of the whole pad (dark ink on white), set when a stroke ends and
None after "Clear". Decoding and the MNIST-like 28x28 image are :mod:`gan.drawing`'s job.
"""
from __future__ import annotations

import streamlit as st

SIDE = 280  # the pad's pixels (10x MNIST's 28); the ink is as wide as an MNIST stroke once scaled down
LINE = 20

HTML = f"""<div class="pad">
  <canvas width="{SIDE}" height="{SIDE}" role="img"></canvas>
  <div class="row"><button type="button" class="clear"></button><span class="hint"></span></div>
</div>"""

CSS = f"""
.pad {{ display: flex; flex-direction: column; gap: 0.5rem; font-family: var(--st-font, sans-serif); }}
canvas {{ width: {SIDE}px; height: {SIDE}px; background: #fff; border: 1px solid var(--st-border-color, #ccc);
  border-radius: 0.5rem; touch-action: none; cursor: crosshair; }}
.row {{ display: flex; align-items: center; gap: 0.75rem; }}
button {{ font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #ccc); background: var(--st-secondary-background-color, #f0f2f6);
  color: var(--st-text-color, #31333f); }}
.hint {{ color: var(--st-text-color, #31333f); opacity: 0.7; font-size: 0.875rem; }}
"""

JS = f"""
export default function (component) {{
  const {{ data, parentElement, setStateValue }} = component;
  const canvas = parentElement.querySelector("canvas");
  const clear = parentElement.querySelector("button.clear");
  const hint = parentElement.querySelector(".hint");
  const ctx = canvas.getContext("2d");
  clear.textContent = data.clear;
  hint.textContent = data.hint;
  canvas.setAttribute("aria-label", data.label);
  const blank = () => {{ ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, {SIDE}, {SIDE}); canvas.dataset.ink = "0"; }};
  if (!canvas.dataset.ready) {{
    canvas.dataset.ready = "1";
    blank();
    if (data.png) {{  // the drawing Python holds: show it again on a fresh pad
      const img = new Image();
      img.onload = () => {{ ctx.drawImage(img, 0, 0, {SIDE}, {SIDE}); canvas.dataset.ink = "1"; }};
      img.src = data.png;
    }}
    let last = null;
    const at = (e) => {{
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * {SIDE} / r.width, (e.clientY - r.top) * {SIDE} / r.height];
    }};
    const dot = (p) => {{ ctx.beginPath(); ctx.arc(p[0], p[1], {LINE} / 2, 0, 2 * Math.PI); ctx.fill(); }};
    canvas.addEventListener("pointerdown", (e) => {{
      canvas.setPointerCapture(e.pointerId);
      ctx.fillStyle = "#000"; ctx.strokeStyle = "#000"; ctx.lineWidth = {LINE};
      ctx.lineCap = "round"; ctx.lineJoin = "round";
      last = at(e); dot(last); canvas.dataset.ink = "1";
    }});
    canvas.addEventListener("pointermove", (e) => {{
      if (!last) return;
      const p = at(e);
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
      last = p;
    }});
    const end = () => {{
      if (!last) return;
      last = null;
      setStateValue("png", canvas.toDataURL("image/png"));
    }};
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clear.addEventListener("click", () => {{ blank(); setStateValue("png", null); }});
  }}
}}
"""

_pad = None  # registered on first use, inside a script run (at import time there is no runtime to tell)


def _changed() -> None:
    """The drawing changed (a stroke ended, or Clear): the script reruns and reads the new state."""


def drawing_pad(key: str, *, label: str, clear: str, hint: str) -> str | None:
    """Draw the pad; return the drawing as a PNG data URL, or None while it is blank."""
    global _pad
    if _pad is None:
        _pad = st.components.v2.component("gan_studio.drawing_pad", html=HTML, css=CSS, js=JS)
    held = st.session_state.get(key)
    png = held.get("png") if isinstance(held, dict) else None
    result = _pad(key=key, data={"label": label, "clear": clear, "hint": hint, "png": png},
                  default={"png": None}, on_png_change=_changed, width="content")
    return result.get("png")
