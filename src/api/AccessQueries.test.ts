import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../engine/access/sliceForCluster.ts';
import type { AccessModelInput } from '../engine/access/accessModel.ts';
import { resourceRequest } from '../model/accessRequest.ts';
import { MemoryIndexStore } from '../../test/helpers/memoryIndexStore.ts';
import { AccessQueries } from './AccessQueries.ts';
import { QueryError } from './QueryError.ts';
import { createTestIndexStore, startCosmosServer, type CosmosServerRequest, type CosmosTestServer, type TestIndexStore } from '../../test/helpers/cosmosServer.ts';
import { writeContoso } from '../../test/helpers/contosoGenerations.ts';
import type { ClusterGeneration, UnitKey, UnitStatus } from '../store/IndexStore.ts';
import { AZURE_RBAC_TENANT, ENTRA_TENANT, clusterUnit, subscriptionOfCluster, subscriptionUnits } from '../sync/units.ts';

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

/** What one request to the Cosmos server was, from its method, path and the headers the SDK sets. */
interface Seen {
  readonly container: string;
  /** `read` (a point read: GET of one document), `query`, `query plan`, or `METHOD` for anything else. */
  readonly kind: string;
  /** The document id of a point read. */
  readonly id?: string;
  /** False for a query without a partition key: it fans out over every partition of the container. */
  readonly onePartition: boolean;
}

function seen(r: CosmosServerRequest): Seen {
  const segments = (r.url.split('?')[0] ?? '').split('/').filter((x) => x !== '');
  const container = segments[3] ?? '';
  const header = (name: string) => r.headers[name];
  const partitioned = header('x-ms-documentdb-partitionkey') !== undefined;
  if (String(header('x-ms-cosmos-is-query-plan-request')).toLowerCase() === 'true') return { container, kind: 'query plan', onePartition: partitioned };
  if (header('x-ms-documentdb-isquery') !== undefined) return { container, kind: 'query', onePartition: partitioned };
  if (r.method === 'GET' && segments[4] === 'docs' && segments.length === 6) return { container, kind: 'read', id: decodeURIComponent(segments[5] ?? ''), onePartition: partitioned };
  return { container, kind: r.method, onePartition: partitioned };
}

describe('AccessQueries on Cosmos: a single-cluster question stays in its partitions', () => {
  let server: CosmosTestServer;
  let t: TestIndexStore;
  let generations: ClusterGeneration[];
  let prod: ClusterGeneration;
  const clock = { now: 1_000_000 };
  const TTL = 5_000;

  /** The requests the server received while `ask` ran. */
  const requestsOf = async (ask: () => Promise<unknown>): Promise<Seen[]> => {
    const from = server.requests.length;
    await ask();
    return server.requests.slice(from).map(seen);
  };
  const status = (unit: UnitKey, state: UnitStatus['state'] = 'ok'): UnitStatus => ({
    unit: `${unit.source}|${unit.scope}`,
    source: unit.source,
    scope: unit.scope,
    runId: 'run-1',
    state,
    lastAttempt: '2026-11-29T10:00:00Z',
    lastSuccess: '2026-11-29T09:00:00Z',
    ...(state === 'ok' ? {} : { message: 'list rolebindings: 403' }),
    objects: 1,
    durationMs: 1,
  });
  const feeding = (clusterId: string): UnitKey[] => [clusterUnit(clusterId), ...subscriptionUnits(subscriptionOfCluster(clusterId) ?? ''), AZURE_RBAC_TENANT, ENTRA_TENANT];
  const chunksOf = async (g: ClusterGeneration) => {
    const { resource } = await t.client.database(t.databaseId).container('clusters').item('pointer', g.clusterId.toLowerCase()).read<{ chunks: number }>();
    return resource?.chunks ?? 0;
  };

  beforeAll(async () => {
    server = await startCosmosServer();
    t = await createTestIndexStore(server, { maxChunkBytes: 20_000 });
    generations = await writeContoso(t.store);
    // The statuses sync records, spelt as sync spells the units (the scope as the listing returned it).
    const units = new Map(generations.flatMap((g) => feeding(g.clusterId)).map((u) => [`${u.source}|${u.scope}`, u]));
    for (const u of units.values()) await t.store.recordUnitStatus(status(u));
    const found = generations.find((g) => g.input.clusters[0]?.name === 'aks-prod-weu');
    if (found === undefined) throw new Error('contoso has no aks-prod-weu');
    prod = found;
  });

  afterAll(async () => {
    await server.close();
  });

  it('by ARM id: cold = the pointer, the generation chunks and the 5 feeding statuses, all point reads; warm = nothing; after the TTL = 6 point reads', async () => {
    const q = new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now });
    const chunks = await chunksOf(prod);
    expect(chunks).toBeGreaterThan(1);

    const cold = await requestsOf(() => q.whoCan(readSecrets, { clusters: [prod.clusterId] }));
    expect(cold.filter((r) => r.kind !== 'read')).toEqual([]);
    expect(cold.every((r) => r.onePartition)).toBe(true);
    expect(cold.filter((r) => r.container === 'clusters').map((r) => r.id).sort()).toEqual(['pointer', ...Array.from({ length: chunks }, (_, i) => expect.stringMatching(new RegExp(`^chunk\\|gen-1\\|.*\\|${i}$`)) as unknown)].sort());
    expect(cold.filter((r) => r.container === 'status')).toHaveLength(5);
    expect(cold).toHaveLength(1 + chunks + 5);

    expect(await requestsOf(() => q.whoCan(readSecrets, { clusters: [prod.clusterId] }))).toEqual([]);
    expect(await requestsOf(() => q.can({ principal: 'grace@contoso.com' }, readSecrets, prod.clusterId.toUpperCase()))).toEqual([]);

    clock.now += TTL;
    const later = await requestsOf(() => q.whoCan(readSecrets, { clusters: [prod.clusterId] }));
    expect(later.every((r) => r.kind === 'read' && r.onePartition)).toBe(true);
    expect(later.filter((r) => r.container === 'clusters').map((r) => r.id)).toEqual(['pointer']);
    expect(later).toHaveLength(6);
  });

  it('by name: the name is resolved from one list of pointers, then remembered; the answer is the same as by ARM id', async () => {
    const q = new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now });
    const first = await requestsOf(() => q.whoCan(readSecrets, { clusters: ['AKS-PROD-WEU'] }));
    // The list of pointers and of statuses: the only requests that span partitions (and their query plans).
    expect(first.filter((r) => !r.onePartition).map((r) => `${r.kind} ${r.container}`).sort()).toEqual(['query clusters', 'query plan clusters', 'query plan status', 'query status']);
    clock.now += TTL;
    const again = await requestsOf(() => q.whoCan(readSecrets, { clusters: ['aks-prod-weu'] }));
    expect(again.every((r) => r.kind === 'read' && r.onePartition)).toBe(true);
    expect(again).toHaveLength(6);
    const [byName] = await q.whoCan(readSecrets, { clusters: ['aks-prod-weu'] });
    const [byId] = await new AccessQueries(t.store).whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(byName?.answer).toEqual(byId?.answer);
    expect(byName?.cluster).toEqual(byId?.cluster);
  });

  it('every cluster at once does fan out (what the single-cluster counts are measured against)', async () => {
    const q = new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now });
    const all = await requestsOf(() => q.whoCan(readSecrets));
    expect(all.filter((r) => r.kind === 'query' && !r.onePartition).map((r) => r.container).sort()).toEqual(['clusters', 'status']);
  });

  it('a new generation is read once the TTL has passed, whole: never a mix, and the answer names it', async () => {
    const q = new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now });
    const [before] = await q.whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(before?.cluster.generation).toBe('gen-1');
    await t.store.writeGeneration({ ...prod, generation: 'gen-2', compiledAt: '2026-11-29T12:00:00Z' });
    const [cached] = await q.whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(cached?.cluster.generation).toBe('gen-1');
    clock.now += TTL;
    const chunks = await chunksOf(prod);
    const reads = await requestsOf(() => q.whoCan(readSecrets, { clusters: [prod.clusterId] }));
    // The pointer says gen-2: its chunks are read (after the pointer once more), nothing else.
    expect(reads.every((r) => r.kind === 'read' && r.onePartition)).toBe(true);
    expect(reads.filter((r) => r.id?.startsWith('chunk|')).every((r) => r.id?.startsWith('chunk|gen-2|'))).toBe(true);
    expect(reads).toHaveLength(6 + 1 + chunks);
    const [after] = await q.whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(after?.cluster).toMatchObject({ generation: 'gen-2', compiledAt: '2026-11-29T12:00:00Z' });
    expect(after?.answer).toEqual(before?.answer);
  });

  it('a failing feeding unit shows as stale once the TTL has passed; a status spelt in another case is still found', async () => {
    const q = new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now });
    const [fresh] = await q.whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(fresh?.cluster.stale).toBe(false);
    const sub = subscriptionUnits(subscriptionOfCluster(prod.clusterId) ?? '')[0] as UnitKey;
    await t.store.recordUnitStatus(status(sub, 'denied'));
    const [cached] = await q.whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(cached?.cluster.stale).toBe(false);
    clock.now += TTL;
    // Asked in lower case: the cluster's own status is spelt as sync spelt it, and is found under the pointer's spelling.
    const [stale] = await q.whoCan(readSecrets, { clusters: [prod.clusterId.toLowerCase()] });
    expect(stale?.cluster.stale).toBe(true);
    expect(stale?.cluster.staleReasons).toEqual([expect.stringMatching(/^azure-rbac\|sub:\S+ denied since 2026-11-29T10:00:00Z \(last success 2026-11-29T09:00:00Z\): list rolebindings: 403$/)]);
    await t.store.recordUnitStatus(status(sub));

    // The cluster's own status only under another spelling: no point read finds it, so the list (case-insensitive) decides — never "fresh" by default.
    expect(prod.clusterId).not.toBe(prod.clusterId.toLowerCase());
    const exact = clusterUnit(prod.clusterId);
    await t.client.database(t.databaseId).container('status').item('status', `${exact.source}|${exact.scope}`).delete();
    await t.store.recordUnitStatus(status(clusterUnit(prod.clusterId.toLowerCase()), 'transient'));
    const [other] = await new AccessQueries(t.store, { cacheTtlMs: TTL, now: () => clock.now }).whoCan(readSecrets, { clusters: [prod.clusterId] });
    expect(other?.cluster.stale).toBe(true);
    expect(other?.cluster.staleReasons).toEqual([expect.stringMatching(/^k8s-rbac\|cluster:\/subscriptions\/\S+ transient since/)]);
    await t.store.recordUnitStatus(status(exact));
  });
});
