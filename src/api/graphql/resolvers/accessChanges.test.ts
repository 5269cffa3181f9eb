/**
 * Query.accessChanges over contoso's two stored generations (the second makes heidi cluster-admin on
 * aks-prod-weu): exactly that change since a time between them, nothing for the clusters that did not change,
 * everything as gained (and said so) since before the first, filters by principal and capability, and precise
 * errors for a bad `since`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { ask, codes } from '../../../../test/helpers/graphqlClient.ts';
import { createTestIssuer, TEST_CLIENT_ID, TEST_TENANT } from '../../../../test/helpers/entraTokens.ts';
import { BETWEEN, CHANGED_CLUSTER, contosoChangesStore, DAY1, DAY2, GAINED_BY } from '../../../../test/helpers/contosoChanges.ts';
import { AccessQueries } from '../../AccessQueries.ts';
import { createAuthenticate } from '../../auth/createAuthenticate.ts';
import { createYoga, type GraphqlServer } from '../createYoga.ts';

let yoga: GraphqlServer;

beforeAll(async () => {
  const store = await contosoChangesStore();
  const issuer = await createTestIssuer();
  const authenticate = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks), localMode: true });
  yoga = createYoga({ queries: new AccessQueries(store, { now: () => Date.parse('2026-11-30T00:00:00Z') }), authenticate, log: () => undefined });
}, 60_000);

const QUERY = `query Changes($since: DateTime!, $cluster: String, $principal: String, $capability: String) {
  accessChanges(since: $since, cluster: $cluster, principal: $principal, capability: $capability) {
    since
    clusters {
      cluster { name generation }
      stale
      from { generation compiledAt }
      to { generation compiledAt }
      firstIndexedAfterSince
      note
      changes {
        change
        principal { key kind name displayName }
        grantsAdded { plane text rules viaGroup }
        grantsRemoved { text }
        riskyGained { capability severity evidence }
        riskyLost { capability }
        evidence
      }
    }
  }
}`;

interface Reply {
  accessChanges: {
    since: string;
    clusters: {
      cluster: { name: string; generation: string };
      from: { generation: string; compiledAt: string } | null;
      to: { generation: string; compiledAt: string };
      firstIndexedAfterSince: boolean;
      note: string | null;
      changes: {
        change: string;
        principal: { key: string; kind: string; name: string; displayName: string | null };
        grantsAdded: { plane: string; text: string; rules: string[]; viaGroup: string | null }[];
        grantsRemoved: { text: string }[];
        riskyGained: { capability: string; severity: string; evidence: string[] }[];
        riskyLost: { capability: string }[];
        evidence: string[];
      }[];
    }[];
  };
}

describe('Query.accessChanges', () => {
  it('since between the generations: exactly heidi gaining cluster-admin on aks-prod-weu, nothing elsewhere', async () => {
    const reply = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN } });
    expect(reply.errors).toEqual([]);
    const clusters = reply.data?.accessChanges.clusters ?? [];
    expect(reply.data?.accessChanges.since).toBe(BETWEEN);
    expect(clusters.length).toBeGreaterThan(1);
    for (const c of clusters) {
      expect(c.from).toEqual({ generation: 'gen-20261128T100000000Z-1', compiledAt: DAY1 });
      expect(c.to).toEqual({ generation: 'gen-20261129T100000000Z-2', compiledAt: DAY2 });
      expect(c.firstIndexedAfterSince).toBe(false);
    }
    expect(clusters.filter((c) => c.changes.length > 0).map((c) => c.cluster.name)).toEqual([CHANGED_CLUSTER]);
    const [change, ...others] = clusters.find((c) => c.cluster.name === CHANGED_CLUSTER)?.changes ?? [];
    expect(others).toEqual([]);
    // heidi already held access on aks-prod-weu (through her groups): she changed, and gained what cluster-admin adds.
    expect(change?.change).toBe('changed');
    expect(change?.principal).toMatchObject({ kind: 'User', name: GAINED_BY, displayName: 'Heidi Novak' });
    expect(change?.grantsAdded).toEqual([{ plane: 'kubernetes', text: 'ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin (cluster-wide)', rules: expect.arrayContaining(['* * [*]']) as string[], viaGroup: null }]);
    expect(change?.grantsRemoved).toEqual([]);
    expect(change?.riskyGained.map((r) => r.capability).sort()).toEqual(['cluster-admin', 'csr-approval', 'nodes-proxy', 'rbac-bind', 'rbac-escalate', 'webhook-config-write', 'wildcard', 'workloads-in-kube-system']);
    expect(change?.riskyGained.find((r) => r.capability === 'cluster-admin')?.evidence).toEqual(['[kubernetes] ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin rule #0']);
    expect(change?.riskyLost).toEqual([]);
  });

  it('who gained cluster-admin since yesterday: the capability filter', async () => {
    const reply = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN, capability: 'cluster-admin' } });
    const gained = (reply.data?.accessChanges.clusters ?? []).flatMap((c) => c.changes.filter((x) => x.riskyGained.some((r) => r.capability === 'cluster-admin')).map((x) => `${c.cluster.name}: ${x.principal.name}`));
    expect(gained).toEqual([`${CHANGED_CLUSTER}: ${GAINED_BY}`]);
  });

  it('the principal filter matches a UPN, a display name or an object id; another principal has no change', async () => {
    for (const principal of [GAINED_BY, 'heidi novak']) {
      const reply = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN, cluster: CHANGED_CLUSTER, principal } });
      expect(reply.data?.accessChanges.clusters.map((c) => c.changes.map((x) => x.principal.name))).toEqual([[GAINED_BY]]);
    }
    const other = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN, cluster: CHANGED_CLUSTER, principal: 'alice@contoso.com' } });
    expect(other.data?.accessChanges.clusters[0]?.changes).toEqual([]);
  });

  it('since after the latest generation: no change; since before the first: everything gained, and said so', async () => {
    const after = await ask<Reply>(yoga, QUERY, { variables: { since: '2026-11-29T12:00:00Z' } });
    expect((after.data?.accessChanges.clusters ?? []).flatMap((c) => c.changes)).toEqual([]);

    const before = await ask<Reply>(yoga, QUERY, { variables: { since: '2026-11-01T00:00:00Z', cluster: CHANGED_CLUSTER } });
    const c = before.data?.accessChanges.clusters[0];
    expect(c?.from).toBeNull();
    expect(c?.firstIndexedAfterSince).toBe(true);
    expect(c?.note).toMatch(/^aks-prod-weu has no access digest at or before 2026-11-01T00:00:00.000Z: it was first indexed after that/);
    expect(c?.changes.length).toBeGreaterThan(5);
    expect(new Set(c?.changes.map((x) => x.change))).toEqual(new Set(['gained']));
    expect(c?.changes.map((x) => x.principal.name)).toContain(GAINED_BY);
  });

  it('refuses a since in the future, an unknown capability and an unknown cluster, precisely', async () => {
    const future = await ask<Reply>(yoga, QUERY, { variables: { since: '2027-01-01T00:00:00Z' } });
    expect(codes(future)).toEqual(['BAD_REQUEST']);
    expect(future.errors[0]?.message).toBe('since=2027-01-01T00:00:00.000Z is in the future: changes are told up to now');
    const capability = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN, capability: 'root' } });
    expect(codes(capability)).toEqual(['BAD_REQUEST']);
    expect(capability.errors[0]?.message).toMatch(/^unknown capability "root": use one of cluster-admin, /);
    const cluster = await ask<Reply>(yoga, QUERY, { variables: { since: BETWEEN, cluster: 'aks-nowhere' } });
    expect(codes(cluster)).toEqual(['UNKNOWN_CLUSTER']);
    const notADate = await ask<Reply>(yoga, QUERY, { variables: { since: 'yesterday' } });
    expect(notADate.errors.length).toBe(1);
  });
});
