import type { InvocationContext, Timer } from '@azure/functions';
import type { Finding } from '../engine/findings/Finding.ts';
import type { ExpiredSuppression, SuppressedFinding } from '../engine/findings/suppressions.ts';
import { buildReport } from './buildReport.ts';
import { SEVERITIES, type ComplianceReport, type ReportClusterInput, type ReportUnitInput } from './ComplianceReport.ts';
import type { ReportStore } from './ReportStore.ts';

/** The current findings, as the index answers them (AccessQueries.findings({ includeSuppressed: true }) has these fields). */
export interface CurrentFindings {
  readonly findings: readonly Finding[];
  readonly suppressed?: readonly SuppressedFinding[];
  readonly expiredSuppressions?: readonly ExpiredSuppression[];
  readonly warnings?: readonly string[];
}

/** What a report reads from the index: the clusters with their freshness, the units' status, the findings. */
export interface ReportSources {
  clusters(): Promise<readonly ReportClusterInput[]>;
  indexStatus(): Promise<readonly ReportUnitInput[]>;
  findings(): Promise<CurrentFindings>;
}

export interface ReportHandlerDeps {
  readonly sources: ReportSources;
  readonly store: ReportStore;
  readonly now: () => Date;
  readonly tenantId?: string;
  /** Runs in the trend, this one included (default 30). */
  readonly trendRuns?: number;
}

export type ReportTimerHandler = (timer: Timer, context: InvocationContext) => Promise<ComplianceReport>;

/** One report run: read the index and the earlier summaries, build, store. Returns the stored report. */
export async function runReport(deps: ReportHandlerDeps): Promise<ComplianceReport> {
  const trendRuns = deps.trendRuns ?? 30;
  const [clusters, units, current, previous] = await Promise.all([deps.sources.clusters(), deps.sources.indexStatus(), deps.sources.findings(), deps.store.listSummaries(trendRuns)]);
  const report = buildReport(
    {
      findings: current.findings,
      ...(current.suppressed === undefined ? {} : { suppressed: current.suppressed }),
      ...(current.expiredSuppressions === undefined ? {} : { expiredSuppressions: current.expiredSuppressions }),
      ...(current.warnings === undefined ? {} : { warnings: current.warnings }),
      clusters,
      units,
      previous,
      ...(deps.tenantId === undefined ? {} : { tenantId: deps.tenantId }),
    },
    deps.now(),
    { trendRuns },
  );
  await deps.store.writeReport(report);
  return report;
}

/**
 * The report timer's handler (functions/reportTimer.ts). A failure is logged and rethrown, so the invocation
 * shows as failed in Application Insights and the next schedule tries again; nothing is half-written (the
 * report's summary is stored after its body).
 */
export function createReportHandler(deps: ReportHandlerDeps): ReportTimerHandler {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('report timer is past due (the host was down or busy at the scheduled time); reporting now');
    try {
      const report = await runReport(deps);
      const s = report.summary;
      const severities = SEVERITIES.map((sev) => `${sev} ${s.bySeverity[sev]}`).join(', ');
      context.log(`report ${report.id} stored: ${s.findings} open findings (${severities}), ${s.suppressed} suppressed, ${s.clusters} clusters (${s.staleClusters} stale), trend over ${report.trend.length} runs`);
      for (const c of report.staleClusters) context.warn(`report ${report.id}: cluster ${c.name} is stale: ${c.reasons.join('; ')}`);
      return report;
    } catch (error) {
      context.error(`report failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}
