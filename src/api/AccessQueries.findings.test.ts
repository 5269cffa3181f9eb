/** AccessQueries.findings over contoso's generations in Cosmos (the in-process server): filters, suppressions, coded errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessQueries } from './AccessQueries.ts';
import type { ClusterGeneration, IndexStore } from '../store/IndexStore.ts';
import type { Finding } from '../engine/findings/Finding.ts';
import { parseSuppressions } from '../engine/findings/suppressions.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../../test/helpers/cosmosServer.ts';
import { writeContosoWithFindings } from '../../test/helpers/contosoFindings.ts';

let cosmos: CosmosTestServer;
let store: IndexStore;
let generations: ClusterGeneration[];
let stored: Finding[];
const NOW = Date.parse('2026-11-29T12:00:00Z');

beforeAll(async () => {
  cosmos = await startCosmosServer();
  ({ store } = await createTestIndexStore(cosmos));
  generations = await writeContosoWithFindings(store);
  // In the order findings() lists them: clusters by ARM id.
  stored = [...generations].sort((a, b) => (a.clusterId.toLowerCase() < b.clusterId.toLowerCase() ? -1 : 1)).flatMap((g) => g.findings?.findings ?? []);
}, 30_000);

afterAll(async () => {
  await cosmos.close();
});

describe('AccessQueries.findings', () => {
  it('every cluster’s stored findings, unfiltered and unsuppressed', async () => {
    const answer = await new AccessQueries(store).findings();
    expect(answer.clusters.map((c) => c.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    expect(answer.findings).toEqual(stored);
    expect(answer.findings.some((f) => f.kind === 'missing-cluster-identity-permission')).toBe(true);
    expect(answer.findings.some((f) => f.kind === 'risky-access')).toBe(true);
    expect(answer).toMatchObject({ suppressed: [], suppressedCount: 0, expiredSuppressions: [] });
  });

  it.each<[string, Parameters<AccessQueries['findings']>[0], (f: Finding) => boolean]>([
    ['one cluster by name', { clusters: ['aks-dev-weu'] }, (f) => f.clusterName === 'aks-dev-weu'],
    ['a category', { kinds: ['cluster-identity'] }, (f) => f.kind === 'missing-cluster-identity-permission' || f.kind === 'over-privileged-cluster-identity'],
    ['a finding kind, and a category beside it', { kinds: ['Missing-Cluster-Identity-Permission', 'escalation'] }, (f) => f.kind === 'missing-cluster-identity-permission' || f.kind === 'escalation-path'],
    ['a severity, case aside', { severities: ['CRITICAL', 'low'] }, (f) => f.severity === 'critical' || f.severity === 'low'],
    ['all together', { clusters: ['aks-prod-weu'], kinds: ['risky'], severities: ['high'] }, (f) => f.clusterName === 'aks-prod-weu' && f.kind === 'risky-access' && f.severity === 'high'],
  ])('filters: %s — exactly the matching findings', async (_name, query, wanted) => {
    const expected = stored.filter(wanted);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(stored.length);
    expect((await new AccessQueries(store).findings(query)).findings).toEqual(expected);
  });

  it('a clean control: nothing but risky access on aks-payments-prod', async () => {
    const answer = await new AccessQueries(store).findings({ clusters: ['aks-payments-prod'], kinds: ['cluster-identity'] });
    expect(answer.findings).toEqual([]);
  });

  it('applies suppressions at the query’s clock: suppressed counted (listed with includeSuppressed), expired reported', async () => {
    const suppressions = parseSuppressions(
      [
        { match: { kind: 'cluster-identity', cluster: 'aks-dev-weu', rule: 'acr-attach' }, owner: 'platform', reason: 'image pull via pull secret', expires: '2026-12-31' },
        { match: { kind: 'cluster-identity', cluster: 'aks-prod-weu' }, owner: 'network', reason: 'old', expires: '2026-11-01' },
      ],
      'AKS_ACCESS_SUPPRESSIONS',
    );
    const queries = new AccessQueries(store, { now: () => NOW, suppressions: () => Promise.resolve({ suppressions, warnings: [] }) });
    const answer = await queries.findings({ kinds: ['cluster-identity'] });
    const acr = stored.filter((f) => f.clusterName === 'aks-dev-weu' && f.kind === 'missing-cluster-identity-permission' && f.condition === 'acr-attach');
    expect(acr).toHaveLength(1);
    expect(answer.findings).toEqual(stored.filter((f) => f.kind !== 'risky-access' && f.kind !== 'escalation-path' && !acr.includes(f)));
    expect(answer.suppressedCount).toBe(1);
    expect(answer.suppressed).toEqual([]);
    expect(answer.expiredSuppressions.map((e) => [e.entry, e.wouldMatch])).toEqual([['AKS_ACCESS_SUPPRESSIONS entry 2', 6]]);
    expect(answer.warnings).toContain('expired suppression: AKS_ACCESS_SUPPRESSIONS entry 2 (owner network, expired 2026-11-01) no longer applies — 6 finding(s) it covered are reported again; renew its expiry or remove it');
    const listed = await queries.findings({ kinds: ['cluster-identity'], includeSuppressed: true });
    expect(listed.suppressed).toEqual([{ finding: acr[0], suppression: { entry: 'AKS_ACCESS_SUPPRESSIONS entry 1', owner: 'platform', reason: 'image pull via pull secret', expires: '2026-12-31' } }]);
  });

  it('bad filters and unknown clusters are coded errors naming what is allowed', async () => {
    const queries = new AccessQueries(store);
    await expect(queries.findings({ kinds: ['riskey'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'unknown finding kind "riskey": use cluster-identity, risky, escalation, missing-cluster-identity-permission, over-privileged-cluster-identity, risky-access, escalation-path' });
    await expect(queries.findings({ severities: ['urgent'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'unknown severity "urgent": use critical, high, medium, low' });
    await expect(queries.findings({ clusters: ['aks-nope'] })).rejects.toMatchObject({ code: 'UNKNOWN_CLUSTER' });
  });

  it('a generation compiled before findings existed says so instead of claiming a clean cluster', async () => {
    const { store: old } = await createTestIndexStore(cosmos);
    const first = generations[0];
    if (first === undefined) throw new Error('no generation');
    await old.writeGeneration({ clusterId: first.clusterId, generation: first.generation, compiledAt: first.compiledAt, input: first.input });
    const answer = await new AccessQueries(old).findings();
    expect(answer.findings).toEqual([]);
    expect(answer.warnings).toEqual([`${first.input.clusters[0]?.name ?? ''}: generation gen-1 was compiled before findings were; the next sync computes them`]);
  });
});
