import { describe, expect, it } from 'vitest';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { generateScenario, SCENARIO_SIZES, type GenerateScenarioOptions } from './generateScenario.ts';
import { Prng } from './prng.ts';
import type { TenantScenario } from './TenantScenario.ts';

const SMALL: GenerateScenarioOptions = { seed: 7, subscriptions: 3, clustersPerSubscription: 2, bindingsPerCluster: 40, principals: 300, groupNestingDepth: 4, roleAssignments: 1_500 };

/** Everything, lazily built cluster content included. */
const serialise = (s: TenantScenario) => JSON.stringify({ ...s, clusters: s.clusters.map((c) => ({ arm: c.arm, kubernetes: c.kubernetes })) });

/** Longest chain of groups nested in groups (1 = no nesting). */
function nestingDepth(scenario: TenantScenario): number {
  const groups = new Map(scenario.entra.groups.map((g) => [g.id, g]));
  const memo = new Map<string, number>();
  const depth = (id: string, path: Set<string>): number => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    if (path.has(id)) throw new Error('cycle');
    path.add(id);
    const children = (groups.get(id)?.memberIds ?? []).filter((m) => groups.has(m));
    const d = 1 + Math.max(0, ...children.map((c) => depth(c, path)));
    path.delete(id);
    memo.set(id, d);
    return d;
  };
  return Math.max(...[...groups.keys()].map((id) => depth(id, new Set())));
}

describe('Prng', () => {
  it('is deterministic per seed and spreads its output', () => {
    const a = new Prng('x');
    const b = new Prng('x');
    const c = new Prng('y');
    const seqA = Array.from({ length: 5 }, () => a.next32());
    expect(Array.from({ length: 5 }, () => b.next32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next32())).not.toEqual(seqA);
    const r = new Prng(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const k = r.int(4);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const n of counts.values()) expect(n).toBeGreaterThan(850);
  });

  it('makes version-4 UUIDs', () => {
    const r = new Prng(3);
    const ids = Array.from({ length: 1000 }, () => r.uuid());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1000);
  });
});

describe('generateScenario: determinism', () => {
  it('the same seed gives the same tenant, object for object', () => {
    expect(serialise(generateScenario(SMALL))).toBe(serialise(generateScenario(SMALL)));
  });

  it('a different seed gives a different tenant', () => {
    const a = generateScenario(SMALL);
    const b = generateScenario({ ...SMALL, seed: 8 });
    expect(b.tenantId).not.toBe(a.tenantId);
    expect(b.azure.roleAssignments.map((r) => r.id)).not.toEqual(a.azure.roleAssignments.map((r) => r.id));
    expect(serialise(b)).not.toBe(serialise(a));
  });

  it('lazy clusters hold exactly what eager ones hold, however often and in whatever order they are read', () => {
    const eager = generateScenario(SMALL);
    const lazy = generateScenario({ ...SMALL, kubernetes: 'lazy' });
    const order = [5, 0, 3, 0, 1, 2, 4, 5, 5, 1];
    for (const i of order) expect(JSON.stringify(lazy.clusters[i]?.kubernetes)).toBe(JSON.stringify(eager.clusters[i]?.kubernetes));
    expect(serialise(lazy)).toBe(serialise(eager));
  });
});

describe('generateScenario: sizes and shape', () => {
  const scenario = generateScenario(SMALL);

  it('has the requested numbers of subscriptions, clusters, principals, assignments and nesting depth', () => {
    expect(scenario.subscriptions).toHaveLength(3);
    expect(scenario.clusters).toHaveLength(6);
    const { users, groups, servicePrincipals } = scenario.entra;
    const applications = servicePrincipals.filter((s) => s.servicePrincipalType === 'Application');
    expect(users.length + groups.length + applications.length).toBe(300);
    expect(scenario.azure.roleAssignments).toHaveLength(1_500);
    expect(nestingDepth(scenario)).toBe(4);
    expect(generateScenario({ ...SMALL, clustersPerSubscription: undefined, clusters: 5 }).clusters).toHaveLength(5);
  });

  it('each cluster has the built-in objects plus the requested team bindings, with unique names', () => {
    for (const cluster of scenario.clusters) {
      const builtIn = cluster.kubernetes.bindings.filter((b) => b.source !== 'generated');
      const team = cluster.kubernetes.bindings.filter((b) => b.source === 'generated');
      expect(team).toHaveLength(40);
      expect(builtIn.some((b) => b.name === 'aks-cluster-admin-binding')).toBe(true);
      const keys = cluster.kubernetes.bindings.map((b) => `${b.kind}/${b.namespace}/${b.name}`);
      expect(new Set(keys).size).toBe(keys.length);
      const namespaces = new Set(cluster.kubernetes.namespaces.map((n) => n.name));
      for (const b of team) if (b.namespace !== '') expect(namespaces.has(b.namespace)).toBe(true);
      for (const pod of cluster.kubernetes.pods) expect(cluster.kubernetes.serviceAccounts.some((s) => s.namespace === pod.namespace && s.name === pod.serviceAccountName), pod.name).toBe(true);
    }
  });

  it('references resolve: assignment principals and roles, cluster identities, admin groups, subnets', () => {
    const principals = new Set([...scenario.entra.users, ...scenario.entra.groups, ...scenario.entra.servicePrincipals].map((p) => p.id));
    const roles = new Set(scenario.azure.roleDefinitions.map((r) => r.name));
    for (const a of scenario.azure.roleAssignments) {
      expect(principals.has(a.principalId)).toBe(true);
      expect(roles.has(a.roleDefinitionId.split('/').at(-1) ?? '')).toBe(true);
    }
    const groups = new Set(scenario.entra.groups.map((g) => g.id));
    const subnets = new Set(scenario.subnets.map((s) => s.id));
    for (const cluster of scenario.clusters) {
      const aks = normalizeManagedCluster(cluster.arm, 'generated');
      for (const g of aks.adminGroupObjectIds) expect(groups.has(g)).toBe(true);
      expect(principals.has(aks.kubeletIdentity?.objectId ?? '')).toBe(true);
      const pool = (cluster.arm.properties as { agentPoolProfiles: { vnetSubnetID?: string }[] }).agentPoolProfiles[0];
      if (pool?.vnetSubnetID !== undefined) expect(subnets.has(pool.vnetSubnetID)).toBe(true);
    }
  });

  it('the M tenant has the promised sizes (S and M generate in well under the unit-test timeout)', () => {
    const s = generateScenario(SCENARIO_SIZES.S);
    expect(s.clusters).toHaveLength(10);
    const m = generateScenario(SCENARIO_SIZES.M);
    expect(m.clusters).toHaveLength(100);
    expect(m.subscriptions).toHaveLength(10);
    expect(m.azure.roleAssignments).toHaveLength(50_000);
    expect(m.clusters[0]?.kubernetes.bindings.filter((b) => b.source === 'generated')).toHaveLength(500);
    expect(nestingDepth(m)).toBe(4);
  });

  it('mixes the features the engine must handle: Azure RBAC, local accounts, private clusters, eligible and conditional assignments, deny assignments', () => {
    const m = generateScenario(SCENARIO_SIZES.M);
    const clusters = m.clusters.map((c) => normalizeManagedCluster(c.arm, 'generated'));
    expect(clusters.some((c) => c.azureRbac)).toBe(true);
    expect(clusters.some((c) => c.entraIntegration && !c.azureRbac)).toBe(true);
    expect(clusters.some((c) => c.localAccountsEnabled)).toBe(true);
    expect(clusters.some((c) => c.identity?.type === 'UserAssigned')).toBe(true);
    expect(m.clusters.some((c) => (c.arm.properties as { apiServerAccessProfile?: unknown }).apiServerAccessProfile !== undefined)).toBe(true);
    expect(m.azure.roleAssignments.some((a) => a.state === 'eligible')).toBe(true);
    expect(m.azure.roleAssignments.some((a) => a.condition !== undefined)).toBe(true);
    expect(m.azure.denyAssignments.length).toBeGreaterThan(0);
  });

  it('rejects impossible options', () => {
    expect(() => generateScenario({ ...SMALL, clusters: 4 })).toThrow('give exactly one of clusters and clustersPerSubscription');
    expect(() => generateScenario({ ...SMALL, subscriptions: 0 })).toThrow('subscriptions must be a whole number >= 1');
  });
});
