// @ts-check
/**
 * Charts as SVG markup: scatter layers and lines over linear or log axes. Pure string
 * building, so the page sets it with one innerHTML and the Deno tests read the same output.
 * Every point that stands for a network carries `data-id`, which the page uses for hover and
 * click.
 */
import { escapeHtml, fmtTick } from "./figures.js";

/**
 * @typedef {{x: number, y: number, id?: string, label?: string, title?: string}} Point
 * @typedef {{
 *   name: string,
 *   points: Point[],
 *   shape?: "circle" | "diamond",
 *   r?: number,
 *   focusable?: boolean,
 *   line?: boolean,
 * }} Layer
 * @typedef {{
 *   width?: number,
 *   height?: number,
 *   xLabel: string,
 *   yLabel: string,
 *   xLog?: boolean,
 *   layers: Layer[],
 *   xDomain?: [number, number],
 *   yDomain?: [number, number],
 *   xIntegers?: boolean,
 *   empty?: string,
 * }} ChartSpec
 */

const MARGIN = { left: 62, right: 18, top: 14, bottom: 46 };

/** A number with at most one decimal, for coordinates. @param {number} v */
const c1 = (v) => String(Math.round(v * 10) / 10);

/**
 * Round tick values covering [lo, hi] (about `count` of them).
 * @param {number} lo @param {number} hi @param {number} [count]
 */
export function linearTicks(lo, hi, count = 6) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  }
  return out;
}

/**
 * Ticks of a log axis over [lo, hi] (lo > 0): powers of ten, plus 2 and 5 times them when
 * the range spans few decades.
 * @param {number} lo @param {number} hi
 */
export function logTicks(lo, hi) {
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const decades = Math.log10(hi / lo);
  const mults = decades < 1.2 ? [1, 1.5, 2, 3, 5, 7] : decades < 3 ? [1, 2, 5] : [1];
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mults) {
      const v = +(m * 10 ** e).toPrecision(6);
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out.length ? out : [lo, hi];
}

/**
 * The domain that shows every value with some room around it.
 * @param {number[]} values @param {boolean} log
 * @returns {[number, number]}
 */
export function paddedDomain(values, log) {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) {
    if (hi / lo < 1.01) return [lo / 2, hi * 2];
    const pad = (hi / lo) ** 0.05;
    return [lo / pad, hi * pad];
  }
  if (hi - lo < 1e-9) {
    lo -= Math.max(1, Math.abs(lo) * 0.1);
    hi += Math.max(1, Math.abs(hi) * 0.1);
    return [lo, hi];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Maps domain values to pixels.
 * @param {[number, number]} domain @param {[number, number]} range @param {boolean} [log]
 */
export function axisScale(domain, range, log = false) {
  const f = log ? Math.log10 : (/** @type {number} */ v) => v;
  const d0 = f(domain[0]), d1 = f(domain[1]);
  return (/** @type {number} */ v) => range[0] + ((f(v) - d0) / (d1 - d0)) * (range[1] - range[0]);
}

/** @param {Point} p */
function pointAttributes(p) {
  let a = "";
  if (p.id !== undefined) a += ` data-id="${escapeHtml(p.id)}"`;
  if (p.title) a += ` aria-label="${escapeHtml(p.title)}"`;
  return a;
}

/**
 * A chart with scatter and line layers, later layers drawn on top.
 * @param {ChartSpec} spec
 */
export function chartSvg(spec) {
  const W = spec.width ?? 560, H = spec.height ?? 360;
  const x0 = MARGIN.left, x1 = W - MARGIN.right, y0 = H - MARGIN.bottom, y1 = MARGIN.top;
  const all = spec.layers.flatMap((l) => l.points);
  const xDomain = spec.xDomain ?? paddedDomain(all.map((p) => p.x), !!spec.xLog);
  const yDomain = spec.yDomain ?? paddedDomain(all.map((p) => p.y), false);
  const sx = axisScale(xDomain, [x0, x1], spec.xLog);
  const sy = axisScale(yDomain, [y0, y1]);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" class="chart" role="img">`,
    `<rect class="plot-area" x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`,
  ];
  let xt = spec.xLog ? logTicks(...xDomain) : linearTicks(...xDomain);
  if (spec.xIntegers) xt = xt.filter((v) => Number.isInteger(v));
  for (const v of xt) {
    const x = c1(sx(v));
    parts.push(
      `<line class="grid" x1="${x}" x2="${x}" y1="${y1}" y2="${y0}"/>`,
      `<text class="tick" x="${x}" y="${y0 + 16}" text-anchor="middle">${fmtTick(v)}</text>`,
    );
  }
  for (const v of linearTicks(...yDomain, 5)) {
    const y = c1(sy(v));
    parts.push(
      `<line class="grid" x1="${x0}" x2="${x1}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${x0 - 6}" y="${y}" dy="0.32em" text-anchor="end">${
        fmtTick(v)
      }</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">${
      escapeHtml(spec.xLabel)
    }</text>`,
    `<text class="axis-label" transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  for (const layer of spec.layers) {
    const pts = layer.points.filter((p) =>
      Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.xLog || p.x > 0)
    );
    parts.push(`<g class="layer ${escapeHtml(layer.name)}">`);
    if (layer.line && pts.length > 1) {
      const d = pts.map((p, i) => `${i ? "L" : "M"}${c1(sx(p.x))} ${c1(sy(p.y))}`).join("");
      parts.push(`<path class="line" d="${d}"/>`);
    }
    const r = layer.r ?? 3;
    const focus = layer.focusable ? ` tabindex="0" role="button"` : "";
    for (const p of pts) {
      const x = sx(p.x), y = sy(p.y);
      const attrs = `class="pt"${pointAttributes(p)}${focus}`;
      parts.push(
        layer.shape === "diamond"
          ? `<path ${attrs} d="M${c1(x)} ${c1(y - r)}L${c1(x + r)} ${c1(y)}L${c1(x)} ${c1(y + r)}L${
            c1(x - r)
          } ${c1(y)}Z"/>`
          : `<circle ${attrs} cx="${c1(x)}" cy="${c1(y)}" r="${r}"/>`,
      );
      if (p.label) {
        // Labels near the right edge go to the left of their point.
        const left = x > x1 - 7 * p.label.length;
        parts.push(
          `<text class="pt-label" x="${c1(left ? x - r - 3 : x + r + 3)}" y="${c1(y)}" ` +
            `dy="0.32em"${left ? ` text-anchor="end"` : ""}>${escapeHtml(p.label)}</text>`,
        );
      }
    }
    parts.push(`</g>`);
  }
  if (!all.length && spec.empty) {
    parts.push(
      `<text class="empty" x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" text-anchor="middle">${
        escapeHtml(spec.empty)
      }</text>`,
    );
  }
  parts.push(`</svg>`);
  return parts.join("");
}
