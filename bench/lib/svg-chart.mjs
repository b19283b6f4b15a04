/**
 * A small SVG line chart for the scaling cell, written by hand so the bench needs no plotting
 * package: two panels side by side sharing a logarithmic x axis (concurrent sessions), one line
 * per server in each. Every text is escaped; the output is a self-contained file.
 */

const PANEL = { width: 420, height: 300, left: 64, right: 16, top: 40, bottom: 48 };
const COLOURS = ['#1b6ac9', '#d1495b', '#2e933c', '#8f5bd1', '#e08e0b'];

const escapeXml = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Round numbers for an axis from 0 (or `min` on a log axis) to at least `max`. */
function linearTicks(max) {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
  const ticks = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function logTicks(min, max) {
  const ticks = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) ticks.push(10 ** p);
  return ticks;
}

const label = (v) =>
  v >= 1000
    ? `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`
    : String(+v.toPrecision(3));

/**
 * One panel: `series` is `[{ name, points: [{ x, y }] }]`; `yLog` makes the y axis logarithmic.
 */
function panel(offsetX, title, yTitle, series, xs, yLog) {
  const { width, height, left, right, top, bottom } = PANEL;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const xPos = (x) =>
    left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin) || 1)) * plotW;
  let yTicks;
  let yPos;
  if (yLog) {
    yTicks = logTicks(Math.min(...ys), Math.max(...ys));
    const lo = Math.log10(yTicks[0]);
    const hi = Math.log10(yTicks[yTicks.length - 1]);
    yPos = (y) => top + plotH - ((Math.log10(Math.max(y, yTicks[0])) - lo) / (hi - lo || 1)) * plotH;
  } else {
    yTicks = linearTicks(Math.max(...ys, 1));
    const hi = yTicks[yTicks.length - 1];
    yPos = (y) => top + plotH - (y / hi) * plotH;
  }
  const parts = [`<g transform="translate(${offsetX},0)">`];
  parts.push(
    `<text x="${left + plotW / 2}" y="22" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
  );
  for (const y of yTicks) {
    const py = yPos(y).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${py}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${py}" dy="4" text-anchor="end">${escapeXml(label(y))}</text>`);
  }
  for (const x of xs) {
    const px = xPos(x).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${px}" y="${top + plotH + 16}" text-anchor="middle">${escapeXml(label(x))}</text>`);
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">concurrent sessions (log scale)</text>`,
    `<text transform="translate(14,${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yTitle)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = s.points.filter((p) => p.y > 0 || !yLog);
    const path = points.map((p) => `${xPos(p.x).toFixed(1)},${yPos(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of points)
      parts.push(
        `<circle cx="${xPos(p.x).toFixed(1)}" cy="${yPos(p.y).toFixed(1)}" r="3" fill="${colour}"/>`,
      );
  });
  parts.push('</g>');
  return parts.join('\n');
}

/**
 * The scaling chart: throughput (msgs/s) and p99 reply latency (ms) against concurrent sessions.
 * `series` is `[{ name, points: [{ sessions, rate, p99 }] }]`.
 */
export function scalingChart({ title, subtitle, series }) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.sessions)))].sort((a, b) => a - b);
  const width = PANEL.width * 2;
  const legendY = PANEL.height + 8;
  const height = legendY + 18 * series.length + 12;
  const rate = series.map((s) => ({
    name: s.name,
    points: s.points.map((p) => ({ x: p.sessions, y: p.rate })),
  }));
  const p99 = series.map((s) => ({
    name: s.name,
    points: s.points.map((p) => ({ x: p.sessions, y: p.p99 })),
  }));
  const legend = series.map((s, i) => {
    const y = legendY + 18 * i + 10;
    const colour = COLOURS[i % COLOURS.length];
    return `<line x1="70" x2="96" y1="${y - 4}" y2="${y - 4}" stroke="${colour}" stroke-width="3"/><text x="104" y="${y}">${escapeXml(s.name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 24}" viewBox="0 0 ${width} ${height + 24}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<g transform="translate(0,24)">`,
    panel(0, 'Throughput', 'messages per second', rate, xs, false),
    panel(PANEL.width, 'p99 reply latency', 'milliseconds (log scale)', p99, xs, true),
    ...legend,
    '</g>',
    `<text x="${width / 2}" y="16" text-anchor="middle">${escapeXml(subtitle)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
