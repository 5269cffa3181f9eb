import { SEVERITIES, type ComplianceReport } from '../ComplianceReport.ts';
import { splitRuleKey } from '../buildReport.ts';
import { findingRow } from '../findingRow.ts';

/**
 * Text in a Markdown table cell: Markdown syntax and inline HTML are escaped (a subject named `<script>` or
 * `**x**` stays literal), a `|` would end the cell, and a line break the row — both are escaped or replaced.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header.map(markdownCell)), line(header.map((_, i) => (align[i] === 'r' ? '---:' : '---'))), ...rows.map((r) => line(r.map(markdownCell)))];
}

/** The report as Markdown (GitHub-flavoured tables): for a wiki page, a pull request or an email. */
export function renderMarkdown(report: ComplianceReport): string {
  const s = report.summary;
  const out: string[] = ['# AKS access compliance report', ''];
  out.push(`Generated ${markdownCell(report.generatedAt)}${report.tenantId === undefined ? '' : ` for tenant ${markdownCell(report.tenantId)}`} (report ${markdownCell(report.id)}).`, '');

  out.push('## Summary', '');
  out.push(
    ...table(
      ['', 'count'],
      [
        ['Clusters', `${s.clusters}`],
        ['Stale clusters', `${s.staleClusters}`],
        ['Principals with findings', `${s.principals}`],
        ['Open findings', `${s.findings}`],
        ['Suppressed findings', `${s.suppressed}`],
        ...SEVERITIES.map((sev) => [sev, `${s.bySeverity[sev]}`]),
      ],
      ['l', 'r'],
    ),
    '',
  );

  out.push('## Findings by cluster', '');
  out.push(...table(['cluster', 'total', ...SEVERITIES], s.byCluster.map((c) => [c.name, `${c.total}`, ...SEVERITIES.map((sev) => `${c.bySeverity[sev]}`)]), ['l', 'r', 'r', 'r', 'r', 'r']), '');

  out.push('## Findings by kind', '');
  const kinds = Object.entries(s.byRule);
  out.push(...(kinds.length === 0 ? ['No findings.'] : table(['kind', 'rule', 'findings'], kinds.map(([key, n]) => [...splitRuleKey(key), `${n}`]), ['l', 'l', 'r'])), '');

  out.push(`## Trend (last ${report.trend.length} run${report.trend.length === 1 ? '' : 's'})`, '');
  out.push(...table(['run', 'total', ...SEVERITIES], report.trend.map((t) => [t.at, `${t.total}`, ...SEVERITIES.map((sev) => `${t.bySeverity[sev]}`)]), ['l', 'r', 'r', 'r', 'r', 'r']), '');

  if (report.staleClusters.length > 0) {
    out.push('## Stale clusters', '', 'Their findings come from older data: the last sync of a unit that feeds them failed.', '');
    out.push(...table(['cluster', 'compiled at', 'why'], report.staleClusters.map((c) => [c.name, c.compiledAt ?? '', c.reasons.join('\n')])), '');
  }
  if (report.units.failing.length > 0) {
    out.push(`## Failing sync units (${report.units.failing.length} of ${report.units.total})`, '');
    out.push(...table(['unit', 'state', 'last success', 'message', 'permission needed'], report.units.failing.map((u) => [u.unit, u.state, u.lastSuccess ?? 'never', u.message ?? '', u.permission ?? ''])), '');
  }

  out.push('## Findings', '');
  if (report.findings.length === 0) {
    out.push('No open findings.', '');
  } else {
    const rows = report.findings.map((f, i) => {
      const r = findingRow(f);
      return [`${i + 1}`, r.severity, r.kind, r.rule, r.cluster, r.subject, r.permission, r.scope, r.detail, r.evidence, r.remediation];
    });
    out.push(...table(['#', 'severity', 'kind', 'rule', 'cluster', 'subject', 'permission', 'scope', 'why', 'evidence', 'remediation'], rows, ['r']), '');
  }

  if (report.suppressed.length > 0) {
    out.push('## Suppressed findings', '');
    const rows = report.suppressed.map((x) => {
      const r = findingRow(x.finding);
      return [r.severity, r.kind, r.rule, r.cluster, r.subject, r.permission, x.suppression.owner, x.suppression.reason, x.suppression.expires];
    });
    out.push(...table(['severity', 'kind', 'rule', 'cluster', 'subject', 'permission', 'owner', 'reason', 'expires'], rows), '');
  }
  if (report.expiredSuppressions.length > 0) {
    out.push('## Expired suppressions', '', 'They cover nothing any more: renew them (new expiry, owner and reason) or remove them.', '');
    out.push(...table(['entry', 'owner', 'reason', 'expired', 'would cover'], report.expiredSuppressions.map((x) => [x.entry, x.owner, x.reason, x.expires, `${x.wouldMatch}`]), ['l', 'l', 'l', 'l', 'r']), '');
  }
  if (report.warnings.length > 0) {
    out.push('## Warnings', '', ...report.warnings.map((w) => `- ${markdownCell(w)}`), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
