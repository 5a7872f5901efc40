"""The playground's plane as a compact binary payload that the browser draws itself (on a canvas).

A picture of the plane is ~40 KiB of JPEG drawn and encoded on the server for every redraw; this
payload is ~10 KiB of numbers packed in a few hundred microseconds, and the browser draws it with the
same colours and geometry as :func:`gan.plots.raster.plane_image` (``ui/plane_canvas.js``).

Layout (little-endian): a 32-byte header, then the arrays, each starting at a multiple of 4 bytes.

====== ======= =============================================================================
offset type    field
====== ======= =============================================================================
0      4 bytes ``b"GPL1"``
4      uint32  step of the snapshot
8      uint16  layers shown (bits: 1 heatmap, 2 real, 4 fake, 8 arrows, 16 manifold)
10     uint16  n, D's grid is n x n
12     uint16  real points, 14 uint16 generated points, 16 uint16 arrows, 18 uint16 manifold side g
20     uint16  width to draw at, in CSS pixels (22: two bytes of padding)
24     float32 extent (the plane is [-extent, extent]^2)
28     float32 coordinate scale (a coordinate is int16 / scale)
32     ...     D(x) on the grid as uint8 (0..255 for 0..1), rows from y = -extent up; real (x, y)
               pairs; generated pairs; arrows (x0, y0, x1, y1); manifold (g, g, 2); all int16,
               -32768 where a value is not finite
====== ======= =============================================================================
"""
from __future__ import annotations

import struct

import numpy as np

from .toy import EXTENT, arrow_segments, first_points

MAGIC = b"GPL1"
HEADER = struct.Struct("<4sIHHHHHHH2xff")
LAYERS = ("heatmap", "real", "fake", "arrows", "manifold")
SCALE = 1000.0  # int16 units per plane unit: 0.001 resolution, values up to +-32.7
MISSING = -32768


def _pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def _coords(xy, max_n: int | None = None) -> tuple[int, bytes]:
    a = np.asarray(xy, dtype=np.float32)
    a = a.reshape(-1, a.shape[-1]) if a.size else a.reshape(0, 2)
    if max_n is not None:
        a = first_points(a, max_n)
    finite = np.isfinite(a)
    q = np.where(finite, np.round(np.clip(np.where(finite, a, 0) * SCALE, -32767, 32767)), MISSING).astype("<i2")
    return len(a), _pad4(q.tobytes())


def plane_payload(snap: dict, show: dict[str, bool] | None = None, *, size: int = 480, extent: float = EXTENT,
                  max_points: int = 600) -> bytes:
    """``snap`` (a toy snapshot) packed for the browser to draw ``size`` CSS pixels wide; layers as in
    ``plane_image`` (manifold off by default)."""
    on = {"heatmap": True, "real": True, "fake": True, "arrows": True, "manifold": False}
    on.update(show or {})
    flags = sum(1 << i for i, name in enumerate(LAYERS) if on.get(name))
    d = np.asarray(snap["d_grid"], dtype=np.float32)
    n = d.shape[0]
    grid = _pad4((np.clip(np.nan_to_num(d, nan=0.5), 0, 1) * 255 + 0.5).astype(np.uint8).tobytes())
    n_real, real = _coords(snap["real"], max_points)
    n_fake, fake = _coords(snap["fake"], max_points)
    if on["arrows"] and len(snap.get("arrow_xy", ())):
        n_arrows, arrows = _coords(arrow_segments(snap["arrow_xy"], snap["arrow_dir"]).reshape(-1, 4))
    else:
        n_arrows, arrows = 0, b""
    m = snap.get("manifold")
    if on["manifold"] and m is not None:
        g = int(np.asarray(m).shape[0])
        _, manifold = _coords(np.asarray(m, dtype=np.float32).reshape(-1, 2))
    else:
        g, manifold = 0, b""
    head = HEADER.pack(MAGIC, int(snap.get("step", 0)), flags, n, n_real, n_fake, n_arrows, g, int(size),
                       float(extent), SCALE)
    return head + grid + real + fake + arrows + manifold


def read_payload(data: bytes) -> dict:
    """The arrays back from a payload (what the browser reads; for tests)."""
    magic, step, flags, n, n_real, n_fake, n_arrows, g, size, extent, scale = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a plane payload")
    pos = HEADER.size
    out = {"step": step, "show": {name: bool(flags >> i & 1) for i, name in enumerate(LAYERS)}, "extent": extent,
           "size": size}
    out["d_grid"] = np.frombuffer(data, np.uint8, n * n, pos).reshape(n, n) / 255.0
    pos += n * n + (-(n * n) % 4)
    for name, count, width in (("real", n_real, 2), ("fake", n_fake, 2), ("arrows", n_arrows, 4), ("manifold", g * g, 2)):
        q = np.frombuffer(data, "<i2", count * width, pos).reshape(count, width)
        out[name] = np.where(q == MISSING, np.nan, q / scale)
        pos += q.nbytes + (-q.nbytes % 4)
    if g:
        out["manifold"] = out["manifold"].reshape(g, g, 2)
    return out
