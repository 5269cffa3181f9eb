import type { FindingSeverity } from '../engine/findings/clusterIdentityFindings.ts';
import type { Finding } from '../engine/findings/Finding.ts';
import type { ExpiredSuppression, SuppressedFinding } from '../engine/findings/suppressions.ts';

/*
 * The compliance report: what an auditor files. Built from the current findings by buildReport (pure), stored
 * in Cosmos by the report timer, rendered as JSON, CSV, Markdown or a self-contained HTML page. The summary is
 * kept apart from the findings so trends over many runs read summaries only, never whole reports.
 */

/** Every finding a report can hold: cluster-identity gaps, risky access, escalation paths. */
export type ReportFinding = Finding;

export const SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low'];

export type SeverityCounts = Readonly<Record<FindingSeverity, number>>;

/** A finding set aside by a suppression: reported with who accepted it, why and until when — never dropped. */
export type SuppressedReportFinding = SuppressedFinding;

/** One indexed cluster as the report sees it (AccessQueries.clusters() gives these fields). */
export interface ReportClusterInput {
  readonly clusterId: string;
  readonly name: string;
  readonly generation?: string;
  readonly compiledAt?: string;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
}

/** The status of one sync unit, as far as a report needs it (UnitStatus of the store has these fields). */
export interface ReportUnitInput {
  readonly unit: string;
  readonly state: string;
  readonly lastAttempt?: string;
  readonly lastSuccess?: string;
  readonly message?: string;
  readonly permission?: string;
}

/** Everything buildReport needs; gathering it (store reads, the clock) is the caller's business. */
export interface ReportInput {
  readonly findings: readonly ReportFinding[];
  readonly suppressed?: readonly SuppressedReportFinding[];
  /** Suppressions past their expiry: they cover nothing any more, and the report says so. */
  readonly expiredSuppressions?: readonly ExpiredSuppression[];
  readonly clusters: readonly ReportClusterInput[];
  readonly units?: readonly ReportUnitInput[];
  /** Summaries of earlier reports, any order: the trend is drawn from them (the latest `trendRuns`). */
  readonly previous?: readonly ReportSummary[];
  /** Things the findings could not check (from the findings computation), shown in the report. */
  readonly warnings?: readonly string[];
  /** The tenant the report covers, when known. */
  readonly tenantId?: string;
}

export interface ClusterCounts {
  readonly clusterId: string;
  readonly name: string;
  readonly total: number;
  readonly bySeverity: SeverityCounts;
}

/** The counts of one report: stored with it and read back for the trends of later reports. */
export interface ReportSummary {
  readonly id: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly clusters: number;
  readonly staleClusters: number;
  /** Distinct principals (Entra object ids, or Kubernetes subjects) named by at least one finding. */
  readonly principals: number;
  readonly findings: number;
  readonly suppressed: number;
  readonly bySeverity: SeverityCounts;
  /** Finding kind → count. */
  readonly byKind: Readonly<Record<string, number>>;
  /** `kind:rule` (the risky-access rule, escalation technique or required-permission condition) → count. */
  readonly byRule: Readonly<Record<string, number>>;
  /** Every indexed cluster, clean ones with zeros, then findings on clusters the index no longer lists. */
  readonly byCluster: readonly ClusterCounts[];
}

export interface StaleCluster {
  readonly clusterId: string;
  readonly name: string;
  readonly compiledAt?: string;
  readonly reasons: readonly string[];
}

/** A unit whose last sync failed, as the report lists it. */
export type FailingUnit = ReportUnitInput;

export interface TrendPoint {
  readonly at: string;
  readonly total: number;
  readonly bySeverity: SeverityCounts;
}

export interface ComplianceReport {
  readonly schemaVersion: 1;
  readonly id: string;
  readonly generatedAt: string;
  readonly tenantId?: string;
  readonly summary: ReportSummary;
  /** Most severe first, then by cluster, kind and principal. */
  readonly findings: readonly ReportFinding[];
  readonly suppressed: readonly SuppressedReportFinding[];
  readonly expiredSuppressions: readonly ExpiredSuppression[];
  readonly staleClusters: readonly StaleCluster[];
  readonly units: { readonly total: number; readonly failing: readonly FailingUnit[] };
  /** Oldest first; the last point is this report. */
  readonly trend: readonly TrendPoint[];
  readonly warnings: readonly string[];
}
