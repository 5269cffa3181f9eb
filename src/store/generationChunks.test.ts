import { describe, expect, it } from 'vitest';
import type { AccessModelInput } from '../engine/access/accessModel.ts';
import type { RbacObjects } from '../model/k8sRbac.ts';
import { assignment, cluster, clusterId, clusterRole, clusterRoleBinding, group, rbacObjects, ROLE, rule, SUB, user, userSubject } from '../../test/helpers/azureFixtures.ts';
import { generationDigest, joinGeneration, splitGeneration } from './generationChunks.ts';

const A = clusterId('aks-a').toLowerCase();
const B = clusterId('aks-b').toLowerCase();

function input(size: number): AccessModelInput {
  const roles = Array.from({ length: size }, (_, i) => clusterRole(`role-${i}`, [rule(['get', 'list'], [''], ['pods', 'secrets'], [`name-${i}`])]));
  const bindings = Array.from({ length: size }, (_, i) => clusterRoleBinding(`binding-${i}`, `role-${i}`, [userSubject(`user-${i}@contoso.com`)]));
  // Inventory and warnings beyond RbacObjects, as the k8s-rbac collector returns them, survive too.
  const a = { ...rbacObjects(...roles, ...bindings), namespaces: [{ name: 'apps', labels: {} }], warnings: ['w'] };
  return {
    clusters: [cluster('aks-a'), cluster('aks-b')],
    kubernetes: new Map<string, RbacObjects>([
      [A, a],
      [B, rbacObjects()],
    ]),
    azure: { roleDefinitions: [], roleAssignments: Array.from({ length: size }, (_, i) => assignment(`p-${i}`, ROLE.rbacReader, SUB)), denyAssignments: [], hierarchy: [] },
    entra: { users: [user('u1', 'u1@contoso.com')], groups: [group('g1', ['u1'])], servicePrincipals: [] },
  };
}

describe('generation chunks', () => {
  it('join(split(input)) is the input, Map and extra fields included, however small the chunks', () => {
    for (const maxBytes of [200, 2_000, 50_000, 1_000_000]) {
      const original = input(60);
      const chunks = splitGeneration(original, maxBytes);
      expect(joinGeneration(JSON.parse(JSON.stringify(chunks)) as typeof chunks)).toEqual(original);
    }
  });

  it('keeps every chunk within the budget unless one item alone is larger', () => {
    const chunks = splitGeneration(input(300), 4_000);
    expect(chunks.length).toBeGreaterThan(20);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThanOrEqual(4_000);
    const huge = input(1);
    const big = { ...huge, clusters: [cluster('aks-a', { adminGroupObjectIds: Array.from({ length: 500 }, (_, i) => `group-${i}`) })] };
    const split = splitGeneration(big, 1_000);
    expect(joinGeneration(split)).toEqual(big);
  });

  it('an empty input is one chunk and comes back empty (empty Map included)', () => {
    const empty: AccessModelInput = { clusters: [], kubernetes: new Map(), azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] }, entra: { users: [], groups: [], servicePrincipals: [] } };
    const chunks = splitGeneration(empty);
    expect(chunks).toHaveLength(1);
    expect(joinGeneration(chunks)).toEqual(empty);
  });

  it('the digest follows the content: same input same digest, other input other digest', () => {
    const one = input(10);
    expect(generationDigest(splitGeneration(one))).toBe(generationDigest(splitGeneration(structuredClone(one))));
    expect(generationDigest(splitGeneration(one))).not.toBe(generationDigest(splitGeneration({ ...one, clusters: one.clusters.slice(1) })));
  });

  it('joining the same chunks twice gives two independent inputs', () => {
    const chunks = splitGeneration(input(5), 500);
    const first = joinGeneration(chunks);
    const second = joinGeneration(chunks);
    expect(second).toEqual(first);
    expect(second.azure.roleAssignments).toHaveLength(5);
  });
});
