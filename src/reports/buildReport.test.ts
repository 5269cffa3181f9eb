import { describe, expect, it } from 'vitest';
import { buildReport, reportIdAt } from './buildReport.ts';
import type { ReportInput } from './ComplianceReport.ts';
import { DEV, escalation, formulaSubject, impersonate, missingAcrPull, overPrivileged, PAYMENTS, PREVIOUS, PROD, REPORT_INPUT, REPORT_NOW, scriptSubject } from '../../test/helpers/reportFixtures.ts';

describe('buildReport', () => {
  const report = buildReport(REPORT_INPUT, REPORT_NOW);

  it('counts findings by severity, kind, rule and cluster; clean clusters are listed with zeros', () => {
    expect(report.summary.findings).toBe(6);
    expect(report.summary.bySeverity).toEqual({ critical: 2, high: 3, medium: 1, low: 0 });
    expect(report.summary.byKind).toEqual({ 'escalation-path': 1, 'missing-cluster-identity-permission': 1, 'over-privileged-cluster-identity': 1, 'risky-access': 3 });
    expect(report.summary.byRule).toEqual({
      'escalation-path:admin-credential': 1,
      'missing-cluster-identity-permission:acr-attach': 1,
      'over-privileged-cluster-identity:over-privileged': 1,
      'risky-access:impersonate': 1,
      'risky-access:pods-exec': 1,
      'risky-access:secrets-read': 1,
    });
    expect(report.summary.byCluster).toEqual([
      { clusterId: DEV, name: 'aks-dev-weu', total: 3, bySeverity: { critical: 1, high: 1, medium: 1, low: 0 } },
      { clusterId: PAYMENTS, name: 'aks-payments-prod', total: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 } },
      { clusterId: PROD, name: 'aks-prod-weu', total: 3, bySeverity: { critical: 1, high: 2, medium: 0, low: 0 } },
    ]);
    expect(report.summary.clusters).toBe(3);
    expect(report.summary.suppressed).toBe(1);
  });

  it('counts distinct principals: Entra object ids once across clusters, Kubernetes subjects per cluster', () => {
    // kubelet 1111, control plane 2222, <script> user (no object id, prod), group 4444, SA ci/deployer (dev), bob 6666.
    expect(report.summary.principals).toBe(6);
    const twice = buildReport({ ...REPORT_INPUT, findings: [...REPORT_INPUT.findings, { ...formulaSubject, clusterId: PROD, clusterName: 'aks-prod-weu' }, { ...impersonate, clusterId: PROD, clusterName: 'aks-prod-weu' }] }, REPORT_NOW);
    // The group (object id 4444) is still one principal; ci/deployer on another cluster is another service account.
    expect(twice.summary.principals).toBe(7);
  });

  it('orders findings most severe first, then by cluster, kind and subject', () => {
    expect(report.findings).toEqual([impersonate, escalation, formulaSubject, missingAcrPull, scriptSubject, overPrivileged]);
  });

  it('lists stale clusters with their reasons and the failing units, not the healthy ones', () => {
    expect(report.staleClusters).toEqual([{ clusterId: DEV, name: 'aks-dev-weu', compiledAt: '2026-11-27T05:50:00.000Z', reasons: ['k8s-rbac unit cluster:aks-dev-weu: transient (503 from the API server)'] }]);
    expect(report.summary.staleClusters).toBe(1);
    expect(report.units.total).toBe(2);
    expect(report.units.failing.map((u) => u.unit)).toEqual(['k8s-rbac/cluster:aks-dev-weu']);
  });

  it('draws the trend from earlier summaries oldest first, ending with this run', () => {
    expect(report.trend.map((t) => [t.at, t.total])).toEqual([
      ['2026-11-25T06:00:00.000Z', 11],
      ['2026-11-26T06:00:00.000Z', 9],
      ['2026-11-27T06:00:00.000Z', 8],
      ['2026-11-28T06:00:00.000Z', 6],
    ]);
    expect(report.trend.at(-1)?.bySeverity).toEqual(report.summary.bySeverity);
  });

  it('keeps only the last trendRuns runs, and never counts a summary from this run or a later one', () => {
    expect(buildReport(REPORT_INPUT, REPORT_NOW, { trendRuns: 2 }).trend.map((t) => t.at)).toEqual(['2026-11-27T06:00:00.000Z', '2026-11-28T06:00:00.000Z']);
    expect(buildReport(REPORT_INPUT, REPORT_NOW, { trendRuns: 1 }).trend.map((t) => t.at)).toEqual(['2026-11-28T06:00:00.000Z']);
    const replayed = buildReport({ ...REPORT_INPUT, previous: [...PREVIOUS, report.summary] }, new Date('2026-11-27T12:00:00.000Z'));
    expect(replayed.trend.map((t) => t.at)).toEqual(['2026-11-25T06:00:00.000Z', '2026-11-26T06:00:00.000Z', '2026-11-27T06:00:00.000Z', '2026-11-27T12:00:00.000Z']);
  });

  it('counts a finding on a cluster the index no longer lists under that cluster', () => {
    const gone = buildReport({ ...REPORT_INPUT, clusters: [] }, REPORT_NOW);
    expect(gone.summary.byCluster.map((c) => [c.name, c.total])).toEqual([
      ['aks-dev-weu', 3],
      ['aks-prod-weu', 3],
    ]);
    expect(gone.summary.clusters).toBe(0);
  });

  it('reports an empty index as zero findings, one trend point and no stale cluster', () => {
    const empty: ReportInput = { findings: [], clusters: [] };
    const r = buildReport(empty, REPORT_NOW);
    expect(r.summary).toMatchObject({ findings: 0, principals: 0, clusters: 0, suppressed: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 }, byKind: {}, byCluster: [] });
    expect(r.trend).toHaveLength(1);
    expect(r.staleClusters).toEqual([]);
    expect(r.tenantId).toBeUndefined();
  });

  it('is a pure function of its input and the time given', () => {
    expect(buildReport(REPORT_INPUT, REPORT_NOW)).toEqual(report);
    expect(report.generatedAt).toBe('2026-11-28T06:00:00.000Z');
    expect(report.id).toBe('20261128T060000Z');
    expect(reportIdAt(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});
