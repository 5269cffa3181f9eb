import type { FindingSeverity } from '../engine/findings/clusterIdentityFindings.ts';
import {
  SEVERITIES,
  type ClusterCounts,
  type ComplianceReport,
  type FailingUnit,
  type ReportFinding,
  type ReportInput,
  type ReportSummary,
  type SeverityCounts,
  type StaleCluster,
  type TrendPoint,
} from './ComplianceReport.ts';
import { findingRow, type FindingRow } from './findingRow.ts';

export interface BuildReportOptions {
  /** How many runs the trend shows, this one included (default 30: a month of daily reports). */
  readonly trendRuns?: number;
}

const RANK: Readonly<Record<FindingSeverity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

function zeroCounts(): Record<FindingSeverity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

/** What reportIdAt makes: the API accepts nothing else as a report id. */
export const REPORT_ID = /^\d{8}T\d{6}Z$/;

/** A `byRule` key, `risky-access:secrets-read` → [risky-access, secrets-read]. */
export function splitRuleKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 1)];
}

/** Ids sort in time order and are valid Cosmos ids (no / \ ? #): `20261129T210421Z`. */
export function reportIdAt(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Who a finding is about, for counting distinct principals: the Entra object id, else the Kubernetes subject. */
function principalKey(finding: ReportFinding, row: FindingRow): string {
  if (row.principalId !== '') return `entra:${row.principalId.toLowerCase()}`;
  return finding.kind === 'risky-access' || finding.kind === 'escalation-path' ? `k8s:${finding.clusterId.toLowerCase()}:${row.subject}` : `entra:${row.subject}`;
}

function compareRows(a: FindingRow, b: FindingRow): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    a.cluster.localeCompare(b.cluster, 'en') ||
    a.kind.localeCompare(b.kind, 'en') ||
    a.rule.localeCompare(b.rule, 'en') ||
    a.subject.localeCompare(b.subject, 'en') ||
    a.permission.localeCompare(b.permission, 'en') ||
    a.scope.localeCompare(b.scope, 'en')
  );
}

function increment(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/**
 * The compliance report of one run, from the current findings and the index's state. Pure: the caller reads
 * the store and the clock and passes them in, so the same input always gives the same report.
 */
export function buildReport(input: ReportInput, now: Date, options: BuildReportOptions = {}): ComplianceReport {
  const generatedAt = now.toISOString();
  const id = reportIdAt(now);
  const trendRuns = Math.max(1, options.trendRuns ?? 30);

  const rows = input.findings.map((finding) => ({ finding, row: findingRow(finding) }));
  rows.sort((a, b) => compareRows(a.row, b.row));

  const bySeverity = zeroCounts();
  const byKind: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  const principals = new Set<string>();
  const perCluster = new Map<string, { clusterId: string; name: string; total: number; bySeverity: Record<FindingSeverity, number> }>();
  for (const c of [...input.clusters].sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    perCluster.set(c.clusterId.toLowerCase(), { clusterId: c.clusterId, name: c.name, total: 0, bySeverity: zeroCounts() });
  }
  for (const { finding, row } of rows) {
    bySeverity[row.severity]++;
    increment(byKind, row.kind);
    increment(byRule, `${row.kind}:${row.rule}`);
    principals.add(principalKey(finding, row));
    const key = row.clusterId.toLowerCase();
    let counts = perCluster.get(key);
    if (counts === undefined) {
      // A finding on a cluster the index no longer lists still counts, under its own name.
      counts = { clusterId: row.clusterId, name: row.cluster, total: 0, bySeverity: zeroCounts() };
      perCluster.set(key, counts);
    }
    counts.total++;
    counts.bySeverity[row.severity]++;
  }
  const byCluster: ClusterCounts[] = [...perCluster.values()];

  const staleClusters: StaleCluster[] = input.clusters
    .filter((c) => c.stale)
    .map((c) => ({ clusterId: c.clusterId, name: c.name, ...(c.compiledAt === undefined ? {} : { compiledAt: c.compiledAt }), reasons: [...c.staleReasons] }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));

  const units = input.units ?? [];
  const failing: FailingUnit[] = units
    .filter((u) => u.state !== 'ok')
    .map((u) => ({
      unit: u.unit,
      state: u.state,
      ...(u.lastAttempt === undefined ? {} : { lastAttempt: u.lastAttempt }),
      ...(u.lastSuccess === undefined ? {} : { lastSuccess: u.lastSuccess }),
      ...(u.message === undefined ? {} : { message: u.message }),
      ...(u.permission === undefined ? {} : { permission: u.permission }),
    }))
    .sort((a, b) => a.unit.localeCompare(b.unit, 'en'));

  const summary: ReportSummary = {
    id,
    generatedAt,
    clusters: input.clusters.length,
    staleClusters: staleClusters.length,
    principals: principals.size,
    findings: rows.length,
    suppressed: input.suppressed?.length ?? 0,
    bySeverity,
    byKind: sortedRecord(byKind),
    byRule: sortedRecord(byRule),
    byCluster,
  };

  const earlier = (input.previous ?? [])
    .filter((p) => p.id !== id && p.generatedAt < generatedAt)
    .sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
  const trend: TrendPoint[] = [...earlier.slice(Math.max(0, earlier.length - (trendRuns - 1))), summary].map((s) => ({ at: s.generatedAt, total: s.findings, bySeverity: countsOf(s.bySeverity) }));

  const suppressed = [...(input.suppressed ?? [])].sort((a, b) => compareRows(findingRow(a.finding), findingRow(b.finding)));
  return {
    schemaVersion: 1,
    id,
    generatedAt,
    ...(input.tenantId === undefined ? {} : { tenantId: input.tenantId }),
    summary,
    findings: rows.map((r) => r.finding),
    suppressed,
    expiredSuppressions: [...(input.expiredSuppressions ?? [])],
    staleClusters,
    units: { total: units.length, failing },
    trend,
    warnings: [...new Set(input.warnings ?? [])],
  };
}

/** Stored summaries come back as JSON: take only the four severities, zero when missing. */
function countsOf(counts: Partial<SeverityCounts>): SeverityCounts {
  const out = zeroCounts();
  for (const s of SEVERITIES) out[s] = counts[s] ?? 0;
  return out;
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b, 'en')));
}
