// The playground's plane drawn in the browser from gan.plots.compact's payload (see its layout table).
// Same geometry and colours as gan.plots.raster.plane_image; the canvas keeps its element between
// updates, so a new snapshot is one redraw, not a new picture to fetch and decode.
// CONFIG is filled in by ui/plane_canvas.py: {colors, scale, opacity}.
const CONFIG = __CONFIG__;
const MISSING = -32768;

function hex(c) {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

// D(x) in 0..255 -> RGB through the piecewise-linear colour scale
const LUT = (() => {
  const stops = CONFIG.scale.map(([s, c]) => [s, hex(c)]);
  const out = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v++) {
    const t = v / 255;
    let i = 0;
    while (i < stops.length - 2 && t > stops[i + 1][0]) i++;
    const [s0, c0] = stops[i], [s1, c1] = stops[i + 1];
    const f = s1 > s0 ? Math.min(1, Math.max(0, (t - s0) / (s1 - s0))) : 0;
    for (let k = 0; k < 3; k++) out[3 * v + k] = Math.round(c0[k] + f * (c1[k] - c0[k]));
  }
  return out;
})();

function parse(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== "GPL1") return null;
  const h = {
    step: dv.getUint32(4, true), flags: dv.getUint16(8, true), n: dv.getUint16(10, true),
    nReal: dv.getUint16(12, true), nFake: dv.getUint16(14, true), nArrows: dv.getUint16(16, true),
    g: dv.getUint16(18, true), width: dv.getUint16(20, true), extent: dv.getFloat32(24, true),
    scale: dv.getFloat32(28, true),
  };
  let pos = 32;
  const pad = (k) => k + ((4 - (k % 4)) % 4);
  h.grid = bytes.subarray(pos, pos + h.n * h.n);
  pos += pad(h.n * h.n);
  const ints = (count) => {
    const a = new Int16Array(count);
    for (let i = 0; i < count; i++) a[i] = dv.getInt16(pos + 2 * i, true);
    pos += pad(2 * count);
    return a;
  };
  h.real = ints(2 * h.nReal);
  h.fake = ints(2 * h.nFake);
  h.arrows = ints(4 * h.nArrows);
  h.manifold = ints(2 * h.g * h.g);
  return h;
}

function geometry(W) {  // as gan.plots.raster.plane_geometry(size, 1)
  const x0 = Math.floor(0.075 * W), bar = Math.floor(0.085 * W), y0 = Math.floor(0.04 * W);
  const side = W - x0 - bar;
  return { W, H: y0 + side + Math.floor(0.06 * W), x0, y0, side };
}

function draw(cv, h) {
  const { W, H, x0, y0, side } = geometry(h.width);
  const dpr = window.devicePixelRatio || 1;
  if (cv.width !== Math.round(W * dpr) || cv.height !== Math.round(H * dpr)) {
    cv.width = Math.round(W * dpr);
    cv.height = Math.round(H * dpr);
    cv.style.maxWidth = W + "px";
  }
  const ctx = cv.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  const E = h.extent, on = (bit) => (h.flags & bit) !== 0;
  const px = (x) => x0 + ((x / h.scale + E) / (2 * E)) * side;
  const py = (y) => y0 + ((E - y / h.scale) / (2 * E)) * side;
  // ticks and their labels
  ctx.font = "11px sans-serif";
  ctx.strokeStyle = "rgb(150,150,150)";
  ctx.fillStyle = "rgb(60,60,60)";
  ctx.lineWidth = 1;
  for (let v = -Math.floor(E); v <= Math.floor(E); v++) {
    const tx = x0 + ((v + E) / (2 * E)) * (side - 1), ty = y0 + ((E - v) / (2 * E)) * (side - 1);
    ctx.beginPath();
    ctx.moveTo(tx, y0 + side); ctx.lineTo(tx, y0 + side + 4);
    ctx.moveTo(x0 - 4, ty); ctx.lineTo(x0, ty);
    ctx.stroke();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.fillText(String(v), tx, y0 + side + 5);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ctx.fillText(String(v), x0 - 6, ty);
  }
  if (on(1)) {
    // D(x) on the grid, rows flipped (the payload's first row is y = -extent), scaled up smoothly
    const n = h.n, img = new ImageData(n, n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const v = h.grid[(n - 1 - r) * n + c], o = 4 * (r * n + c);
        img.data[o] = LUT[3 * v]; img.data[o + 1] = LUT[3 * v + 1]; img.data[o + 2] = LUT[3 * v + 2];
        img.data[o + 3] = 255;
      }
    }
    const src = document.createElement("canvas");
    src.width = n; src.height = n;
    src.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(src, 0.5, 0.5, n - 1, n - 1, x0, y0, side, side);  // grid points on the plot's edges
    // the colour bar: D(x) from 0 (bottom) to 1 (top)
    const bx0 = x0 + side + Math.floor(0.02 * W), bw = Math.floor(0.022 * W);
    const ramp = new ImageData(1, 256);
    for (let v = 0; v < 256; v++) {
      const o = 4 * (255 - v);
      ramp.data[o] = LUT[3 * v]; ramp.data[o + 1] = LUT[3 * v + 1]; ramp.data[o + 2] = LUT[3 * v + 2];
      ramp.data[o + 3] = 255;
    }
    const rc = document.createElement("canvas");
    rc.width = 1; rc.height = 256;
    rc.getContext("2d").putImageData(ramp, 0, 0);
    ctx.drawImage(rc, bx0, y0, bw, side);
    ctx.strokeRect(bx0 + 0.5, y0 + 0.5, bw - 1, side - 1);
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    for (const v of [0, 0.5, 1]) ctx.fillText(String(v), bx0 + bw + 3, y0 + (1 - v) * (side - 1));
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y0, side, side);
  ctx.clip();
  if (on(16) && h.g) {  // G's manifold: the rows and columns of the z grid
    ctx.strokeStyle = CONFIG.colors.manifold;
    ctx.globalAlpha = CONFIG.opacity.manifold;
    ctx.beginPath();
    for (const rows of [true, false]) {
      for (let a = 0; a < h.g; a++) {
        let pen = false;
        for (let b = 0; b < h.g; b++) {
          const i = 2 * (rows ? a * h.g + b : b * h.g + a);
          const x = h.manifold[i], y = h.manifold[i + 1];
          if (x === MISSING || y === MISSING) { pen = false; continue; }
          if (pen) ctx.lineTo(px(x), py(y)); else ctx.moveTo(px(x), py(y));
          pen = true;
        }
      }
    }
    ctx.stroke();
  }
  for (const [bit, name, pts] of [[2, "real", h.real], [4, "fake", h.fake]]) {
    if (!on(bit)) continue;
    ctx.fillStyle = CONFIG.colors[name];
    ctx.globalAlpha = CONFIG.opacity[name];
    ctx.beginPath();
    for (let i = 0; i < pts.length; i += 2) {
      if (pts[i] === MISSING || pts[i + 1] === MISSING) continue;
      const x = px(pts[i]), y = py(pts[i + 1]);
      ctx.moveTo(x + 2, y);
      ctx.arc(x, y, 2, 0, 2 * Math.PI);
    }
    ctx.fill();
  }
  if (on(8) && h.nArrows) {  // G's gradient: a line and a head per arrow
    ctx.globalAlpha = 1;
    ctx.strokeStyle = ctx.fillStyle = CONFIG.colors.arrow;
    const lines = new Path2D(), heads = new Path2D();
    for (let i = 0; i < h.arrows.length; i += 4) {
      const a = h.arrows.subarray(i, i + 4);
      if (a.includes(MISSING)) continue;
      const ax = px(a[0]), ay = py(a[1]), bx = px(a[2]), by = py(a[3]);
      const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
      if (!(len > 1)) continue;
      const ux = dx / len, uy = dy / len, hd = 4;
      lines.moveTo(ax, ay); lines.lineTo(bx, by);
      heads.moveTo(bx, by);
      heads.lineTo(bx - hd * ux + 0.6 * hd * uy, by - hd * uy - 0.6 * hd * ux);
      heads.lineTo(bx - hd * ux - 0.6 * hd * uy, by - hd * uy + 0.6 * hd * ux);
      heads.closePath();
    }
    ctx.stroke(lines);
    ctx.fill(heads);
  }
  ctx.restore();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = "rgb(150,150,150)";
  ctx.strokeRect(x0 + 0.5, y0 + 0.5, side - 1, side - 1);
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer || data);
  const h = parse(bytes);
  if (!h) return;
  let cv = parentElement.querySelector("canvas[data-testid=gan-plane]");
  if (!cv) {
    cv = document.createElement("canvas");
    cv.dataset.testid = "gan-plane";
    cv.style.width = "100%";
    cv.style.display = "block";
    parentElement.appendChild(cv);
  }
  draw(cv, h);
  // what tests and bench/playground.py read: the step drawn, and how many draws so far
  cv.dataset.step = String(h.step);
  cv.dataset.draws = String((Number(cv.dataset.draws) || 0) + 1);
}
