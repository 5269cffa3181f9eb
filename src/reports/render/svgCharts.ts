import type { FindingSeverity } from '../../engine/findings/clusterIdentityFindings.ts';
import { SEVERITIES, type ClusterCounts, type SeverityCounts, type TrendPoint } from '../ComplianceReport.ts';

/*
 * Inline SVG charts for the HTML report: plain markup, no script, no external font or image, so the page
 * renders the same offline, in a mail client's viewer or as a file attached to an audit ticket. Every text
 * that comes from data (cluster names) is XML-escaped.
 */

export const SEVERITY_COLORS: Readonly<Record<FindingSeverity, string>> = { critical: '#8e1b1b', high: '#d9480f', medium: '#e0a100', low: '#1c6fb8' };
const TOTAL_COLOR = '#343a40';
const AXIS = '#868e96';
const GRID = '#e9ecef';
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12"';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A "nice" axis maximum (1, 2, 2.5, 5 × 10^n; 2.5 from 250 up, so half of it is a whole number) at or above the largest value, at least 1. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of magnitude >= 100 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function svgOpen(width: number, height: number, label: string, className: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${className}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}" ${FONT}><title>${escapeXml(label)}</title>`;
}

/** A value axis from 0 to max over plotH pixels below top: the y of a value, and grid lines at 0, half (when a whole count) and max. */
function valueAxis(top: number, plotH: number, max: number, left: number, right: number): { readonly yAt: (v: number) => number; readonly grid: string } {
  const yAt = (v: number) => r1(top + plotH - (v / max) * plotH);
  const grid = [0, max / 2, max].filter((tick) => Number.isInteger(tick)).map((tick) => `<line x1="${left}" y1="${yAt(tick)}" x2="${right}" y2="${yAt(tick)}" stroke="${GRID}"/><text x="${left - 6}" y="${r1(yAt(tick) + 4)}" text-anchor="end" fill="${AXIS}">${r1(tick)}</text>`);
  return { yAt, grid: grid.join('') };
}

/** Vertical bars, one per severity, each labelled with its count. */
export function severityBarChart(counts: SeverityCounts): string {
  const [width, height, left, right, top, bottom] = [360, 220, 36, 8, 16, 28];
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(...SEVERITIES.map((s) => counts[s])));
  const slot = (width - left - right) / SEVERITIES.length;
  const axis = valueAxis(top, plotH, max, left, width - right);
  const parts = [svgOpen(width, height, 'Open findings by severity', 'chart-severity'), axis.grid];
  SEVERITIES.forEach((s, i) => {
    const value = counts[s];
    const h = r1((value / max) * plotH);
    const x = r1(left + i * slot + slot * 0.2);
    const w = r1(slot * 0.6);
    const y = axis.yAt(value);
    parts.push(`<rect class="bar" x="${x}" y="${y}" width="${w}" height="${h}" fill="${SEVERITY_COLORS[s]}"><title>${s}: ${value}</title></rect>`);
    parts.push(`<text x="${r1(x + w / 2)}" y="${r1(y - 4)}" text-anchor="middle" font-weight="600">${value}</text>`);
    parts.push(`<text x="${r1(x + w / 2)}" y="${height - 10}" text-anchor="middle">${s}</text>`);
  });
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="${AXIS}"/></svg>`);
  return parts.join('');
}

/** Horizontal bars, one per cluster, stacked by severity; clean clusters show an empty bar and 0. */
export function clusterBarChart(clusters: readonly ClusterCounts[]): string {
  const width = 560;
  const labelW = 170;
  const row = 26;
  const top = 8;
  const legendH = 26;
  const height = top + Math.max(1, clusters.length) * row + legendH;
  const plotW = width - labelW - 44;
  const max = niceMax(Math.max(0, ...clusters.map((c) => c.total)));
  const parts = [svgOpen(width, height, 'Open findings by cluster', 'chart-clusters')];
  if (clusters.length === 0) parts.push(`<text x="${labelW}" y="${top + 16}" fill="${AXIS}">no cluster indexed</text>`);
  clusters.forEach((c, i) => {
    const y = top + i * row;
    const name = c.name.length > 26 ? `${c.name.slice(0, 25)}…` : c.name;
    parts.push(`<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${escapeXml(name)}<title>${escapeXml(c.clusterId)}</title></text>`);
    parts.push(`<rect x="${labelW}" y="${y + 4}" width="${plotW}" height="${row - 8}" fill="${GRID}"/>`);
    let x = labelW;
    for (const s of SEVERITIES) {
      const n = c.bySeverity[s];
      if (n === 0) continue;
      const w = r1((n / max) * plotW);
      parts.push(`<rect class="bar" x="${r1(x)}" y="${y + 4}" width="${w}" height="${row - 8}" fill="${SEVERITY_COLORS[s]}"><title>${escapeXml(c.name)} ${s}: ${n}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${r1(x + 6)}" y="${y + 16}" font-weight="600">${c.total}</text>`);
  });
  parts.push(legend(labelW, height - 8, SEVERITIES.map((s) => [s, SEVERITY_COLORS[s]])), '</svg>');
  return parts.join('');
}

function legend(x: number, y: number, entries: readonly (readonly [string, string])[]): string {
  return entries.map(([label, color], i) => `<rect x="${x + i * 90}" y="${y - 10}" width="12" height="12" fill="${color}"/><text x="${x + i * 90 + 16}" y="${y}">${escapeXml(label)}</text>`).join('');
}

/** Findings over the last runs: the total and one line per severity; a single run is drawn as points. */
export function trendLineChart(points: readonly TrendPoint[]): string {
  const [width, height, left, right, top, bottom] = [560, 240, 40, 16, 14, 58];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.total)));
  const xAt = (i: number) => r1(points.length <= 1 ? left + plotW / 2 : left + (i / (points.length - 1)) * plotW);
  const { yAt, grid } = valueAxis(top, plotH, max, left, width - right);
  const parts = [svgOpen(width, height, `Open findings over the last ${points.length} run${points.length === 1 ? '' : 's'}`, 'chart-trend'), grid];
  const series: readonly (readonly [string, string, (p: TrendPoint) => number])[] = [
    ['total', TOTAL_COLOR, (p) => p.total],
    ...SEVERITIES.map((s) => [s, SEVERITY_COLORS[s], (p: TrendPoint) => p.bySeverity[s]] as const),
  ];
  for (const [name, color, value] of series) {
    const coords = points.map((p, i) => `${xAt(i)},${yAt(value(p))}`);
    if (points.length > 1) parts.push(`<polyline class="line line-${name}" fill="none" stroke="${color}" stroke-width="${name === 'total' ? 2.5 : 1.5}" points="${coords.join(' ')}"/>`);
    points.forEach((p, i) => parts.push(`<circle cx="${xAt(i)}" cy="${yAt(value(p))}" r="${name === 'total' ? 3.5 : 2.5}" fill="${color}"><title>${escapeXml(p.at)} ${name}: ${value(p)}</title></circle>`));
  }
  // Dates under the first, middle and last points keep the axis readable at 30 runs.
  const labelled = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])].filter((i) => i >= 0);
  for (const i of labelled) {
    const at = points[i]?.at ?? '';
    // The first and last labels hang inwards so they stay inside the chart.
    const anchor = points.length === 1 ? 'middle' : i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
    parts.push(`<text x="${xAt(i)}" y="${top + plotH + 16}" text-anchor="${anchor}" fill="${AXIS}">${escapeXml(at.slice(0, 10))}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="${AXIS}"/>`);
  parts.push(legend(left, height - 10, series.map(([name, color]) => [name, color])), '</svg>');
  return parts.join('');
}
