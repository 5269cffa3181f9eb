import type { ComplianceReport } from '../../reports/ComplianceReport.ts';
import { findingRow } from '../../reports/findingRow.ts';
import { REPORT_ID } from '../../reports/buildReport.ts';
import { withoutUnitDetails } from '../../reports/withoutUnitDetails.ts';
import { ROLE_ADMIN } from '../auth/Caller.ts';
import { hasRole } from '../auth/roles.ts';
import { isReportFormat, renderReport, REPORT_CONTENT_TYPES, REPORT_FORMATS, type ReportFormat } from '../../reports/render/renderReport.ts';
import { SEVERITIES } from '../../reports/ComplianceReport.ts';
import { QueryError } from '../QueryError.ts';
import type { Endpoint } from './endpoints.ts';
import { ParameterError, type ParameterSpec } from './parameters.ts';
import type { ChatView } from './render/ChatView.ts';

/** The HTML report fetches nothing and runs nothing; the header says so to the browser as well as the page's own meta tag. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const REPORT_FORMAT_PARAMETER: ParameterSpec = {
  name: 'format',
  type: 'string',
  enum: REPORT_FORMATS,
  default: 'json',
  description: 'json (the whole report, default), csv (one row per finding, RFC 4180), md (Markdown tables) or html (a self-contained page with SVG charts).',
  expected: REPORT_FORMATS.join(', '),
};


/** The report as a chat message, for completeness (the endpoint's own formats are what callers ask for). */
function reportView(report: ComplianceReport): ChatView {
  const s = report.summary;
  return {
    title: `Compliance report ${report.id}`,
    summary: `${s.findings} open findings on ${s.clusters} clusters (${s.staleClusters} stale), ${s.suppressed} suppressed`,
    sections: [
      {
        heading: 'Open findings',
        facts: SEVERITIES.map((sev) => [sev, `${s.bySeverity[sev]}`] as const),
        items: report.findings.slice(0, 10).map((f) => {
          const r = findingRow(f);
          return { title: `${r.severity} · ${r.rule} · ${r.cluster}`, detail: `${r.subject}: ${r.permission}` };
        }),
        more: Math.max(0, report.findings.length - 10),
      },
    ],
    notes: report.staleClusters.map((c) => `${c.name} is stale: ${c.reasons.join('; ')}`),
  };
}

/**
 * GET /api/v1/report: the latest stored compliance report (or one by id) as JSON, CSV, Markdown or HTML.
 * The report timer writes them (docs/reports.md); this endpoint only reads.
 */
export const reportEndpoint: Endpoint = {
  path: '/report',
  operationId: 'report',
  summary: 'The latest compliance report (or one by id): JSON, CSV, Markdown, or a self-contained HTML page with charts',
  description:
    'Built on a schedule by the report timer (AKS_ACCESS_REPORT_SCHEDULE, daily by default) from the current findings: counts by severity, kind and cluster, stale clusters, suppressed findings and the trend over the last runs. `aks-access report --api URL` reads it.',
  pathParameters: [],
  parameters: [{ name: 'id', type: 'string', pattern: REPORT_ID, description: 'A stored report id (`20261129T060000Z`, its generation time); default the latest.', expected: 'a report id such as 20261129T060000Z', example: '20261129T060000Z' }],
  documentFormats: {
    parameter: REPORT_FORMAT_PARAMETER,
    contentTypes: REPORT_CONTENT_TYPES,
    render: (json, format) => {
      const chosen: ReportFormat = isReportFormat(format) ? format : 'json';
      const headers: Record<string, string> = chosen === 'html' ? { 'Content-Security-Policy': HTML_CSP } : {};
      return { body: renderReport(json as ComplianceReport, chosen), contentType: REPORT_CONTENT_TYPES[chosen], headers };
    },
  },
  run: async ({ params, reports, caller }) => {
    if (reports === undefined) throw new QueryError('NOT_INDEXED', 'compliance reports are not configured on this host');
    const id = params.text('id');
    const report = id === undefined ? await reports.readLatest() : await reports.readReport(id);
    if (report === undefined) {
      if (id !== undefined) {
        const recent = (await reports.listSummaries(5)).map((r) => r.id);
        throw new ParameterError('id', `no stored report "${id}"${recent.length === 0 ? '' : `; the latest are ${recent.join(', ')}`}`, 'a report id such as 20261129T060000Z, or no id for the latest');
      }
      throw new QueryError('NOT_INDEXED', 'no compliance report has been stored yet: the report timer writes one on its schedule (AKS_ACCESS_REPORT_SCHEDULE, daily by default)');
    }
    // As /status: the failing units' messages and needed permissions are for Access.Admin.
    const shown = hasRole(caller, ROLE_ADMIN) ? report : withoutUnitDetails(report, ROLE_ADMIN);
    return { json: shown, chat: () => reportView(shown) };
  },
};
