import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../engine/access/sliceForCluster.ts';
import type { AccessModelInput } from '../engine/access/accessModel.ts';
import { resourceRequest } from '../model/accessRequest.ts';
import { MemoryIndexStore } from '../../test/helpers/memoryIndexStore.ts';
import { AccessQueries } from './AccessQueries.ts';
import { QueryError } from './QueryError.ts';

let store: MemoryIndexStore;
let queries: AccessQueries;

beforeAll(async () => {
  const s = await loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  const input: AccessModelInput = { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
  store = new MemoryIndexStore();
  for (const c of clusters) await store.writeGeneration({ clusterId: c.id, generation: 'gen-1', compiledAt: '2026-11-29T10:00:00Z', input: sliceForCluster(input, c.id) });
  queries = new AccessQueries(store);
});

const readSecrets = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' });

describe('AccessQueries', () => {
  it('lists the indexed clusters with their generation', async () => {
    const clusters = await queries.clusters();
    expect(clusters.map((c) => c.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    expect(clusters.every((c) => c.generation === 'gen-1' && !c.stale)).toBe(true);
  });

  it('who can, per cluster, from the stored generation; a cluster by name or id', async () => {
    const [prod] = await queries.whoCan(readSecrets, { clusters: ['AKS-PROD-WEU'] });
    expect(prod?.cluster.name).toBe('aks-prod-weu');
    expect(prod?.answer.subjects.some((s) => s.name === 'bob@contoso.com' && s.via.some((p) => p.plane === 'azure'))).toBe(true);
    expect(prod?.answer.subjects.some((s) => s.via.some((p) => p.plane === 'kubernetes'))).toBe(true);
  });

  it('can: an Entra principal by UPN; grace is conditional on aks-prod-weu', async () => {
    const grace = await queries.can({ principal: 'grace@contoso.com' }, readSecrets, 'aks-prod-weu');
    expect(grace.answer.allowed).toBe('conditional');
    const service = await queries.can({ user: 'system:serviceaccount:kube-system:namespace-controller' }, readSecrets, 'aks-prod-weu');
    expect(service.answer.allowed).toBe(true);
  });

  it('an unknown cluster or principal is a coded error naming what exists', async () => {
    await expect(queries.whoCan(readSecrets, { clusters: ['aks-nope'] })).rejects.toMatchObject({ code: 'UNKNOWN_CLUSTER', message: expect.stringMatching(/aks-prod-weu/) as unknown });
    await expect(queries.can({ principal: 'nobody@contoso.com' }, readSecrets, 'aks-prod-weu')).rejects.toBeInstanceOf(QueryError);
  });

  it('caches a cluster model by generation: a second question reads no generation again', async () => {
    const reads: string[] = [];
    const original = store.readCurrentGeneration.bind(store);
    store.readCurrentGeneration = async (id: string) => {
      reads.push(id);
      return original(id);
    };
    const fresh = new AccessQueries(store);
    await fresh.whoCan(readSecrets);
    await fresh.whoCan(resourceRequest({ verb: 'list', resource: 'pods' }));
    expect(reads).toHaveLength(4);
    store.readCurrentGeneration = original;
  });

  it('a cluster whose unit failed is stale and says why', async () => {
    const [prod] = await queries.clusters().then((cs) => cs.filter((c) => c.name === 'aks-prod-weu'));
    await store.recordUnitStatus({
      unit: `k8s-rbac|cluster:${prod?.clusterId.toLowerCase() ?? ''}`,
      source: 'k8s-rbac',
      scope: `cluster:${prod?.clusterId.toLowerCase() ?? ''}`,
      runId: 'run-2',
      state: 'denied',
      lastAttempt: '2026-11-29T11:00:00Z',
      lastSuccess: '2026-11-29T10:00:00Z',
      message: 'list rbac.authorization.k8s.io/rolebindings: 403',
      objects: 0,
      durationMs: 5,
    });
    const after = (await queries.clusters()).find((c) => c.name === 'aks-prod-weu');
    expect(after?.stale).toBe(true);
    expect(after?.staleReasons[0]).toMatch(/denied since 2026-11-29T11:00:00Z \(last success 2026-11-29T10:00:00Z\): list rbac/);
  });
});
