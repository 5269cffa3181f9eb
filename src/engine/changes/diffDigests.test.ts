/**
 * Access digests and their diff: a principal that gained, lost or changed access is reported with the grants and
 * risky capabilities that differ; an unchanged principal — or one only renamed — is not. Each case builds two
 * worlds (before, after) and compares their digests.
 */
import { describe, expect, it } from 'vitest';
import type { Binding, Role } from '../../model/k8sRbac.ts';
import type { EntraGroup, EntraUser } from '../../model/entra.ts';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';
import { buildAccessModel } from '../access/accessModel.ts';
import { riskyAccessFindings } from '../findings/riskyAccess.ts';
import { PUBLISHED_AKS_DATA_ACTIONS } from '../aks/publishedDataActions.ts';
import { accessDigest, type RiskyCapabilityName } from './accessDigest.ts';
import { diffDigests, type AccessChange } from './diffDigests.ts';
import {
  assignment,
  cluster,
  clusterRole,
  clusterRoleBinding,
  group,
  groupSubject,
  nsRole,
  rbacObjects,
  ROLE,
  roleBinding,
  rule,
  saSubject,
  user,
  userSubject,
  world,
} from '../../../test/helpers/azureFixtures.ts';

const C = cluster('c1');
const ALICE = user('a1a1a1a1-0000-4000-8000-000000000001', 'alice@contoso.com', 'Alice');
const BOB = user('b0b0b0b0-0000-4000-8000-000000000002', 'bob@contoso.com', 'Bob');
const ADMINS = 'ad000000-0000-4000-8000-0000000000ad';

interface Side {
  readonly objects?: readonly (Role | Binding)[];
  readonly users?: readonly EntraUser[];
  readonly groups?: readonly EntraGroup[];
  readonly assignments?: readonly RoleAssignment[];
  readonly cluster?: AksCluster;
}

const BASE: readonly (Role | Binding)[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])]),
  clusterRole('view', [rule(['get', 'list', 'watch'], [''], ['pods', 'configmaps'])]),
  nsRole('payments', 'pod-reader', [rule(['get'], [''], ['pods'])]),
];

function digestOf(side: Side) {
  const c = side.cluster ?? C;
  const model = world({
    clusters: [c],
    kubernetes: [[c, rbacObjects(...BASE, ...(side.objects ?? []))]],
    users: side.users ?? [ALICE, BOB],
    groups: side.groups ?? [],
    assignments: side.assignments ?? [],
  });
  return accessDigest(model, c);
}

/** principal name → change, what was added/removed (as text) and the risky capabilities gained/lost. */
function summary(changes: AccessChange[]) {
  return Object.fromEntries(
    changes.map((c) => [
      c.principal.name,
      {
        change: c.change,
        added: c.grantsAdded.map((g) => `${g.text}${g.viaGroup === undefined ? '' : ` via ${g.viaGroup}`}`),
        removed: c.grantsRemoved.map((g) => g.text),
        riskyGained: c.riskyGained.map((r) => r.capability).sort(),
        riskyLost: c.riskyLost.map((r) => r.capability).sort(),
      },
    ]),
  );
}

const adminBinding = (name: string, ...subjects: Binding['subjects']) => clusterRoleBinding(name, 'cluster-admin', [...subjects]);
const viewIn = (ns: string, ...subjects: Binding['subjects']) => roleBinding(ns, `view-${ns}`, { kind: 'ClusterRole', name: 'view' }, [...subjects]);
const ALL_RISKY_OF_CLUSTER_ADMIN: RiskyCapabilityName[] = ['cluster-admin', 'csr-approval', 'impersonate', 'nodes-proxy', 'pods-exec', 'rbac-bind', 'rbac-escalate', 'secrets-read', 'serviceaccount-token', 'webhook-config-write', 'wildcard', 'workloads-in-kube-system'];

describe('diffDigests: gained, lost, changed, unchanged', () => {
  it.each<[string, Side, Side, ReturnType<typeof summary>]>([
    [
      'a user gains cluster-admin through a new ClusterRoleBinding',
      { objects: [viewIn('payments', userSubject('alice@contoso.com'))] },
      { objects: [viewIn('payments', userSubject('alice@contoso.com')), adminBinding('alice-admin', userSubject('bob@contoso.com'))] },
      {
        'bob@contoso.com': {
          change: 'gained',
          added: ['ClusterRoleBinding alice-admin → ClusterRole cluster-admin (cluster-wide)'],
          removed: [],
          riskyGained: ALL_RISKY_OF_CLUSTER_ADMIN,
          riskyLost: [],
        },
      },
    ],
    [
      'a user loses all access',
      { objects: [viewIn('payments', userSubject('alice@contoso.com'))] },
      { objects: [] },
      { 'alice@contoso.com': { change: 'lost', added: [], removed: ['RoleBinding payments/view-payments → ClusterRole view (in namespace payments)'], riskyGained: [], riskyLost: [] } },
    ],
    [
      'a service account moves from view in one namespace to view in another: changed, nothing risky',
      { objects: [viewIn('payments', saSubject('payments', 'deployer'))] },
      { objects: [viewIn('payments'), viewIn('shop', saSubject('payments', 'deployer'))] },
      {
        'system:serviceaccount:payments:deployer': {
          change: 'changed',
          added: ['RoleBinding shop/view-shop → ClusterRole view (in namespace shop)'],
          removed: ['RoleBinding payments/view-payments → ClusterRole view (in namespace payments)'],
          riskyGained: [],
          riskyLost: [],
        },
      },
    ],
    [
      'a role gains secrets: the same binding is a changed grant, and secret read is gained',
      { objects: [roleBinding('payments', 'pr', { kind: 'Role', name: 'pod-reader' }, [userSubject('alice@contoso.com')])] },
      {
        objects: [
          nsRole('payments', 'pod-reader', [rule(['get'], [''], ['pods', 'secrets'])]),
          roleBinding('payments', 'pr', { kind: 'Role', name: 'pod-reader' }, [userSubject('alice@contoso.com')]),
        ],
      },
      {
        'alice@contoso.com': {
          change: 'changed',
          added: ['RoleBinding payments/pr → Role pod-reader (in namespace payments)'],
          removed: ['RoleBinding payments/pr → Role pod-reader (in namespace payments)'],
          riskyGained: ['secrets-read'],
          riskyLost: [],
        },
      },
    ],
    [
      'a user added to an Entra group bound to cluster-admin gains it via the group (the group itself is unchanged)',
      { objects: [adminBinding('admins', groupSubject(ADMINS))], groups: [group(ADMINS, [ALICE.id], 'aks-admins')] },
      { objects: [adminBinding('admins', groupSubject(ADMINS))], groups: [group(ADMINS, [ALICE.id, BOB.id], 'aks-admins')] },
      {
        'bob@contoso.com': {
          change: 'gained',
          added: ['ClusterRoleBinding admins → ClusterRole cluster-admin (cluster-wide) via aks-admins'],
          removed: [],
          riskyGained: ALL_RISKY_OF_CLUSTER_ADMIN,
          riskyLost: [],
        },
      },
    ],
    [
      'an Azure RBAC Cluster Admin assignment on the cluster',
      { assignments: [] },
      { assignments: [assignment(BOB.id, ROLE.rbacClusterAdmin, C.id, { id: `${C.id}/providers/Microsoft.Authorization/roleAssignments/ra-bob` })] },
      {
        'bob@contoso.com': {
          change: 'gained',
          added: [`role "Azure Kubernetes Service RBAC Cluster Admin" assigned at ${C.id}: ${PUBLISHED_AKS_DATA_ACTIONS.length} Kubernetes data actions`],
          removed: [],
          riskyGained: ALL_RISKY_OF_CLUSTER_ADMIN,
          riskyLost: [],
        },
      },
    ],
    [
      'unchanged: no entry',
      { objects: [viewIn('payments', userSubject('alice@contoso.com')), adminBinding('ops', userSubject('bob@contoso.com'))] },
      { objects: [viewIn('payments', userSubject('alice@contoso.com')), adminBinding('ops', userSubject('bob@contoso.com'))] },
      {},
    ],
    [
      'a renamed display name is not a change',
      { objects: [adminBinding('ops', groupSubject(ADMINS))], groups: [group(ADMINS, [ALICE.id], 'aks-admins')], users: [ALICE, BOB] },
      { objects: [adminBinding('ops', groupSubject(ADMINS))], groups: [group(ADMINS, [ALICE.id], 'AKS Administrators')], users: [{ ...ALICE, displayName: 'Alice Smith' }, BOB] },
      {},
    ],
  ])('%s', (_label, before, after, expected) => {
    expect(summary(diffDigests(digestOf(before), digestOf(after)))).toEqual(expected);
  });

  it('a principal in a changed entry is named by its current display name and kind', () => {
    const changes = diffDigests(digestOf({}), digestOf({ objects: [adminBinding('ops', userSubject('bob@contoso.com'))], users: [ALICE, { ...BOB, displayName: 'Robert' }] }));
    expect(changes.map((c) => c.principal)).toEqual([{ key: `entra:${BOB.id}`, id: BOB.id, kind: 'User', name: 'bob@contoso.com', displayName: 'Robert' }]);
    expect(changes[0]?.evidence[0]).toBe('gained: ClusterRoleBinding ops → ClusterRole cluster-admin (cluster-wide)');
    expect(changes[0]?.evidence.some((e) => e.startsWith('now cluster-admin (critical): [kubernetes] ClusterRoleBinding ops → ClusterRole cluster-admin'))).toBe(true);
  });

  it('a Kubernetes user that is not in Entra is its own principal; a UPN-looking name of no Entra user too', () => {
    const d = digestOf({ objects: [adminBinding('ops', userSubject('ci-robot'), userSubject('ghost@contoso.com'), groupSubject('system:masters'))] });
    expect(d.principals.map((p) => [p.key, p.kind])).toEqual(
      expect.arrayContaining([
        ['k8s:User:ci-robot', 'KubernetesUser'],
        ['k8s:User:ghost@contoso.com', 'KubernetesUser'],
        ['k8s:Group:system:masters', 'KubernetesGroup'],
      ]),
    );
  });

  it('with no digest before (a cluster first indexed) everything it holds is gained; with none after, lost', () => {
    const after = digestOf({ objects: [viewIn('payments', userSubject('alice@contoso.com'))] });
    expect(diffDigests(undefined, after).find((c) => c.principal.name === 'alice@contoso.com')?.change).toBe('gained');
    expect(diffDigests(after, undefined).find((c) => c.principal.name === 'alice@contoso.com')?.change).toBe('lost');
    expect(diffDigests(undefined, undefined)).toEqual([]);
  });

  it('the digest is the same whatever order the objects come in (a re-listed cluster is not a change)', () => {
    const objects = [viewIn('payments', userSubject('alice@contoso.com')), adminBinding('ops', userSubject('bob@contoso.com'), saSubject('kube-system', 'x'))];
    expect(digestOf({ objects: [...objects].reverse() })).toEqual(digestOf({ objects }));
  });
});

describe('accessDigest on contoso', () => {
  it('every cluster digests deterministically, its risky capabilities are exactly the risky-access findings, and it diffs to nothing against itself', async () => {
    const model = buildAccessModel((await loadContoso()).modelInput);
    for (const c of model.clusters) {
      const d = accessDigest(model, c);
      expect(accessDigest(model, c)).toEqual(d);
      expect(diffDigests(d, d)).toEqual([]);
      const fromDigest = d.principals.flatMap((p) => p.risky.filter((r) => r.capability !== 'cluster-admin').map((r) => `${p.name} ${r.capability}`));
      const fromFindings = riskyAccessFindings(model, { clusters: [c] }).findings.map((f) => `${f.subject.kind === 'ServiceAccount' ? `system:serviceaccount:${f.subject.namespace ?? ''}:${f.subject.name}` : f.subject.name} ${f.rule}`);
      expect(new Set(fromDigest)).toEqual(new Set(fromFindings));
    }
  });
});
