import { SEVERITIES, type ComplianceReport } from '../ComplianceReport.ts';
import { findingRow } from '../findingRow.ts';
import { splitRuleKey } from '../buildReport.ts';
import { clusterBarChart, escapeXml, SEVERITY_COLORS, severityBarChart, trendLineChart } from './svgCharts.ts';

/*
 * One self-contained HTML page: inline CSS and inline SVG, no script and nothing fetched. The
 * Content-Security-Policy says so to the browser too (default-src 'none'), so even a data value that escaped
 * escaping could not load or run anything. Every data value goes through escapeXml.
 */

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; background: #f8f9fa; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #dee2e6; padding-bottom: 4px; }
.meta { color: #6c757d; margin: 0 0 20px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card .n { font-size: 26px; font-weight: 700; }
.card .l { color: #6c757d; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.panel { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; padding: 12px; }
.panel h3 { margin: 0 0 8px; font-size: 14px; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 13px; }
th, td { border: 1px solid #dee2e6; padding: 5px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td.id { overflow-wrap: anywhere; min-width: 8em; }
/* The findings table is laid out by its column widths, not its content: ARM ids and commands wrap inside
   their column instead of pushing the table past the page. */
table.findings { table-layout: fixed; }
table.findings td { overflow-wrap: anywhere; }
th { background: #f1f3f5; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.wrap { white-space: pre-wrap; }
.sev { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
${SEVERITIES.map((s) => `.sev-${s} { background: ${SEVERITY_COLORS[s]}; }`).join('\n')}
.warn { background: #fff3bf; border: 1px solid #ffe066; border-radius: 6px; padding: 8px 12px; }
code { font-size: 12px; overflow-wrap: anywhere; }
`;

/** A cell: text, a number (right-aligned), or markup already escaped; `id` cells may break anywhere (ARM ids, commands). */
type Cell = string | { readonly html: string; readonly id?: boolean } | { readonly num: number };

function cell(value: Cell, header = false): string {
  const tag = header ? 'th' : 'td';
  if (typeof value === 'string') return `<${tag}${value.includes('\n') ? ' class="wrap"' : ''}>${escapeXml(value)}</${tag}>`;
  if ('num' in value) return `<${tag} class="num">${value.num}</${tag}>`;
  return `<${tag}${value.id === true ? ' class="id"' : ''}>${value.html}</${tag}>`;
}

function table(className: string, header: readonly string[], rows: readonly (readonly Cell[])[], numeric: ReadonlySet<number> = new Set(), widths?: readonly number[]): string {
  const head = header.map((h, i) => (numeric.has(i) ? `<th class="num">${escapeXml(h)}</th>` : cell(h, true))).join('');
  const cols = widths === undefined ? '' : `<colgroup>${widths.map((w) => `<col style="width: ${w}%">`).join('')}</colgroup>`;
  return `<table class="${className}">${cols}<thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c)).join('')}</tr>`).join('')}</tbody></table>`;
}

function badge(severity: string): Cell {
  return { html: `<span class="sev sev-${escapeXml(severity)}">${escapeXml(severity)}</span>` };
}

function code(text: string): Cell {
  return text === '' ? '' : { html: `<code>${escapeXml(text)}</code>`, id: true };
}

function long(text: string): Cell {
  return { html: escapeXml(text), id: true };
}

export function renderHtml(report: ComplianceReport): string {
  const s = report.summary;
  const card = (n: number, label: string) => `<div class="card"><div class="n">${n}</div><div class="l">${escapeXml(label)}</div></div>`;
  const body: string[] = [];
  body.push('<h1>AKS access compliance report</h1>');
  body.push(`<p class="meta">Generated ${escapeXml(report.generatedAt)}${report.tenantId === undefined ? '' : ` for tenant ${escapeXml(report.tenantId)}`} · report ${escapeXml(report.id)}</p>`);
  body.push(
    `<div class="cards">${card(s.findings, 'open findings')}${SEVERITIES.map((sev) => card(s.bySeverity[sev], sev)).join('')}${card(s.principals, 'principals')}${card(s.clusters, 'clusters')}${card(s.staleClusters, 'stale clusters')}${card(s.suppressed, 'suppressed')}</div>`,
  );
  body.push('<h2>Charts</h2><div class="charts">');
  body.push(`<div class="panel"><h3>By severity</h3>${severityBarChart(s.bySeverity)}</div>`);
  body.push(`<div class="panel"><h3>By cluster</h3>${clusterBarChart(s.byCluster)}</div>`);
  body.push(`<div class="panel"><h3>Trend (last ${report.trend.length} run${report.trend.length === 1 ? '' : 's'})</h3>${trendLineChart(report.trend)}</div>`);
  body.push('</div>');

  if (report.staleClusters.length > 0) {
    body.push('<h2>Stale clusters</h2><p>Their findings come from older data: the last sync of a unit that feeds them failed.</p>');
    body.push(table('stale', ['cluster', 'compiled at', 'why'], report.staleClusters.map((c) => [c.name, c.compiledAt ?? '', c.reasons.join('\n')])));
  }
  if (report.units.failing.length > 0) {
    body.push(`<h2>Failing sync units (${report.units.failing.length} of ${report.units.total})</h2>`);
    body.push(table('units', ['unit', 'state', 'last success', 'message', 'permission needed'], report.units.failing.map((u) => [u.unit, u.state, u.lastSuccess ?? 'never', u.message ?? '', u.permission ?? ''])));
  }

  body.push('<h2>Findings by cluster</h2>');
  body.push(table('by-cluster', ['cluster', 'total', ...SEVERITIES], s.byCluster.map((c) => [c.name, { num: c.total }, ...SEVERITIES.map((sev) => ({ num: c.bySeverity[sev] }))]), new Set([1, 2, 3, 4, 5])));
  const kinds = Object.entries(s.byRule);
  if (kinds.length > 0) {
    body.push('<h2>Findings by kind</h2>');
    body.push(table('by-kind', ['kind', 'rule', 'findings'], kinds.map(([key, n]) => [...splitRuleKey(key), { num: n }]), new Set([2])));
  }

  body.push(`<h2>Findings (${report.findings.length})</h2>`);
  if (report.findings.length === 0) {
    body.push('<p>No open findings.</p>');
  } else {
    const rows = report.findings.map((f, i): Cell[] => {
      const r = findingRow(f);
      return [{ num: i + 1 }, badge(r.severity), r.kind, r.rule, r.cluster, long(r.subject), long(r.permission), code(r.scope), r.detail, long(r.evidence), code(r.remediation)];
    });
    body.push(table('findings', ['#', 'severity', 'kind', 'rule', 'cluster', 'subject', 'permission', 'scope', 'why', 'evidence', 'remediation'], rows, new Set([0]), [3, 7, 9, 9, 8, 10, 9, 12, 11, 11, 11]));
  }
  if (report.suppressed.length > 0) {
    body.push(`<h2>Suppressed findings (${report.suppressed.length})</h2>`);
    const rows = report.suppressed.map((x): Cell[] => {
      const r = findingRow(x.finding);
      return [badge(r.severity), r.kind, r.rule, r.cluster, r.subject, r.permission, x.suppression.owner, x.suppression.reason, x.suppression.expires];
    });
    body.push(table('suppressed', ['severity', 'kind', 'rule', 'cluster', 'subject', 'permission', 'owner', 'reason', 'expires'], rows));
  }
  if (report.expiredSuppressions.length > 0) {
    body.push(`<h2>Expired suppressions (${report.expiredSuppressions.length})</h2><p>They cover nothing any more: renew them (new expiry, owner and reason) or remove them.</p>`);
    body.push(table('expired', ['entry', 'owner', 'reason', 'expired', 'would cover'], report.expiredSuppressions.map((x) => [x.entry, x.owner, x.reason, x.expires, { num: x.wouldMatch }]), new Set([4])));
  }
  if (report.warnings.length > 0) {
    body.push(`<h2>Warnings</h2><div class="warn"><ul>${report.warnings.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul></div>`);
  }

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>AKS access compliance report ${escapeXml(report.generatedAt.slice(0, 10))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
