/**
 * Access-digest history in CosmosIndexStore against the in-process Cosmos server: a digest written per
 * generation is read back whole (across chunks), the latest at or before a time is the one returned (not a
 * later one, not an earlier one), every history document carries the history ttl, and the history never mixes
 * with a cluster's other documents (its Kubernetes objects' cleanup leaves it alone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessDigest, DigestPrincipal } from '../engine/changes/accessDigest.ts';
import { clusterId } from '../../test/helpers/azureFixtures.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer, type TestIndexStore } from '../../test/helpers/cosmosServer.ts';
import { CONTAINERS } from './containers.ts';

const AKS = clusterId('aks-history');

function principal(n: number, grants = 1): DigestPrincipal {
  return {
    key: `k8s:User:user-${String(n).padStart(4, '0')}`,
    kind: 'KubernetesUser',
    id: `user-${n}`,
    name: `user-${n}`,
    grants: Array.from({ length: grants }, (_, i) => ({ key: `k8s|RoleBinding|ns|b${i}|Role|r|h`, plane: 'kubernetes' as const, text: `RoleBinding ns/b${i} → Role r (in namespace ns)`, rules: 'h' })),
    groups: [],
    risky: [],
  };
}

const digest = (users: number, tag: string): AccessDigest => ({
  version: 1,
  clusterId: AKS,
  clusterName: 'aks-history',
  principals: Array.from({ length: users }, (_, i) => principal(i, 3)),
  rules: { h: [`get pods [core] ${tag}`] },
});

let server: CosmosTestServer;
let t: TestIndexStore;

beforeAll(async () => {
  server = await startCosmosServer();
  // Small chunks: a digest of 200 principals spans many documents.
  t = await createTestIndexStore(server, { maxChunkBytes: 8_000, historyTtlSeconds: 3_600 });
}, 30_000);

afterAll(async () => {
  await server.close();
});

describe('access digest history', () => {
  it('is empty before the first write', async () => {
    expect(await t.store.readAccessDigestAt(AKS, '2099-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('returns the latest digest compiled at or before the time, whole across its chunks', async () => {
    const first = digest(200, 'first');
    const second = digest(150, 'second');
    await t.store.writeAccessDigest(AKS, 'gen-20260101T000000000Z-a', '2026-01-01T00:00:00.000Z', first);
    await t.store.writeAccessDigest(AKS, 'gen-20260102T000000000Z-b', '2026-01-02T00:00:00.000Z', second);

    const cases: [string, string | undefined][] = [
      ['2025-12-31T23:59:59.999Z', undefined],
      ['2026-01-01T00:00:00.000Z', 'gen-20260101T000000000Z-a'],
      ['2026-01-01T12:00:00.000Z', 'gen-20260101T000000000Z-a'],
      ['2026-01-02T00:00:00.000Z', 'gen-20260102T000000000Z-b'],
      ['2027-01-01T00:00:00.000Z', 'gen-20260102T000000000Z-b'],
    ];
    for (const [at, generation] of cases) expect((await t.store.readAccessDigestAt(AKS, at))?.generation, at).toBe(generation);

    const read = await t.store.readAccessDigestAt(AKS.toUpperCase(), '2026-01-01T12:00:00.000Z');
    expect(read).toEqual({ clusterId: AKS, generation: 'gen-20260101T000000000Z-a', compiledAt: '2026-01-01T00:00:00.000Z', digest: first });
  });

  it('keeps each generation in several documents of the cluster’s partition, each with the history ttl', async () => {
    const { resources } = await t.client
      .database(t.databaseId)
      .container(CONTAINERS.clusters.id)
      .items.query<{ generation: string; ttl: number; clusterId: string }>({ query: 'SELECT c.generation, c.ttl, c.clusterId FROM c WHERE c.type = @type', parameters: [{ name: '@type', value: 'accessDigest' }] })
      .fetchAll();
    expect(resources.filter((r) => r.generation === 'gen-20260101T000000000Z-a').length).toBeGreaterThan(3);
    expect(new Set(resources.map((r) => r.ttl))).toEqual(new Set([3_600]));
    expect(new Set(resources.map((r) => r.clusterId))).toEqual(new Set([AKS.toLowerCase()]));
  });

  it('rewriting a generation’s digest replaces it', async () => {
    const smaller = digest(2, 'rewritten');
    await t.store.writeAccessDigest(AKS, 'gen-20260103T000000000Z-c', '2026-01-03T00:00:00.000Z', digest(120, 'x'));
    await t.store.writeAccessDigest(AKS, 'gen-20260103T000000000Z-c', '2026-01-03T00:00:00.000Z', smaller);
    expect((await t.store.readAccessDigestAt(AKS, '2026-01-03T00:00:00.000Z'))?.digest).toEqual(smaller);
  });

  it('a digest identical to the previous one is kept as one reference document, read back whole under its own generation', async () => {
    const same = digest(150, 'second');
    const countDocuments = async () => {
      const { resources } = await t.client
        .database(t.databaseId)
        .container(CONTAINERS.clusters.id)
        .items.query<{ generation: string; sameAs?: string }>({ query: 'SELECT c.generation, c.sameAs FROM c WHERE c.type = @type', parameters: [{ name: '@type', value: 'accessDigest' }] })
        .fetchAll();
      return resources;
    };
    const before = await countDocuments();
    await t.store.writeAccessDigest(AKS, 'gen-20260104T000000000Z-d', '2026-01-04T00:00:00.000Z', same);
    const afterFirstCopy = await countDocuments();
    expect(afterFirstCopy.length - before.length).toBeGreaterThan(3); // content differs from gen c: a full copy
    await t.store.writeAccessDigest(AKS, 'gen-20260105T000000000Z-e', '2026-01-05T00:00:00.000Z', same);
    await t.store.writeAccessDigest(AKS, 'gen-20260106T000000000Z-f', '2026-01-06T00:00:00.000Z', same);
    const after = await countDocuments();
    expect(after.filter((d) => !afterFirstCopy.some((x) => x.generation === d.generation))).toEqual([
      { generation: 'gen-20260105T000000000Z-e', sameAs: 'gen-20260104T000000000Z-d' },
      { generation: 'gen-20260106T000000000Z-f', sameAs: 'gen-20260104T000000000Z-d' },
    ]);
    const reads: [string, string, string][] = [
      ['2026-01-05T12:00:00.000Z', 'gen-20260105T000000000Z-e', '2026-01-05T00:00:00.000Z'],
      ['2026-01-06T23:00:00.000Z', 'gen-20260106T000000000Z-f', '2026-01-06T00:00:00.000Z'],
    ];
    for (const [at, generation, compiledAt] of reads) {
      expect(await t.store.readAccessDigestAt(AKS, at)).toEqual({ clusterId: AKS, generation, compiledAt, digest: same });
    }
    // Different content again: a full copy.
    await t.store.writeAccessDigest(AKS, 'gen-20260107T000000000Z-g', '2026-01-07T00:00:00.000Z', digest(150, 'third'));
    expect((await countDocuments()).filter((d) => d.generation === 'gen-20260107T000000000Z-g').length).toBeGreaterThan(3);
  });
});
