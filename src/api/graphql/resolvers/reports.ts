import type { ComplianceReport, ReportSummary } from '../../../reports/ComplianceReport.ts';
import { renderReport, type ReportFormat } from '../../../reports/render/renderReport.ts';
import { REPORT_ID, splitRuleKey } from '../../../reports/buildReport.ts';
import { QueryError } from '../../QueryError.ts';
import { withoutUnitDetails } from '../../../reports/withoutUnitDetails.ts';
import { ROLE_ADMIN } from '../../auth/Caller.ts';
import { hasRole } from '../../auth/roles.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';

const FORMATS: Readonly<Record<string, ReportFormat>> = { JSON: 'json', CSV: 'csv', MD: 'md', HTML: 'html' };

function readerOf(context: GraphqlContext): NonNullable<GraphqlContext['reports']> {
  if (context.reports === undefined) throw new QueryError('NOT_INDEXED', 'compliance reports are not configured on this host');
  return context.reports;
}

/** Query.reports: the latest summaries, newest first. */
export async function reports(_parent: unknown, args: { readonly first?: number | null }, context: GraphqlContext): Promise<ReportSummary[]> {
  return readerOf(context).listSummaries(args.first ?? 30);
}

/** Query.report: the latest stored report, or one by id; null when there is none. */
export async function report(_parent: unknown, args: { readonly id?: string | null }, context: GraphqlContext): Promise<ComplianceReport | null> {
  const reader = readerOf(context);
  if (args.id !== undefined && args.id !== null && !REPORT_ID.test(args.id)) throw new QueryError('BAD_REQUEST', `report id "${args.id}" is not a report id: expected the generation time, e.g. 20261129T060000Z`);
  const found = args.id === undefined || args.id === null ? await reader.readLatest() : await reader.readReport(args.id);
  if (found === undefined) return null;
  // As /status: the failing units' messages and needed permissions are for Access.Admin.
  return hasRole(context.caller, ROLE_ADMIN) ? found : withoutUnitDetails(found, ROLE_ADMIN);
}

/** byKind from the summary's `kind:rule` counts; document renders the report. */
export const reportTypeResolvers = {
  ReportSummary: {
    byKind: (summary: ReportSummary) =>
      Object.entries(summary.byRule).map(([key, count]) => {
        const [kind, rule] = splitRuleKey(key);
        return { kind, rule, count };
      }),
  },
  ComplianceReport: {
    document: (r: ComplianceReport, args: { readonly format: string }) => renderReport(r, FORMATS[args.format] ?? 'json'),
  },
};
