/**
 * Golden tests over the REAL Azure built-in role definitions (examples/azure/role-definitions.json, the same
 * permission blocks as shared/reference/azure-builtin-roles): what each AKS-relevant role lets its holder do
 * inside a cluster with Entra integration + Azure RBAC, evaluated exactly as the AKS webhook would ask Azure.
 */
import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest, type AccessRequest } from '../../src/model/accessRequest.ts';
import type { DenyAssignment, RoleAssignment, RoleDefinition } from '../../src/model/azureRbac.ts';
import { buildAzureRbacIndex, type AzureIdentity } from '../../src/engine/azure/azureRbacIndex.ts';
import { mapToDataActions } from '../../src/engine/aks/aksDataActions.ts';
import { canAcross } from '../../src/engine/access/canAcross.ts';
import { entraIdentity } from '../../src/engine/access/principalIdentity.ts';
import {
  assignment,
  block,
  cluster,
  clusterId,
  customRole,
  deny,
  exampleRoleDefinitions,
  group,
  mg,
  nsScope,
  OTHER_SUB,
  rg,
  ROLE,
  SUB,
  user,
  world,
} from '../helpers/azureFixtures.ts';

const ROLES = exampleRoleDefinitions();
const C = clusterId('aks1');
const C2 = clusterId('aks2', 'rg-other');
const C_OTHER_SUB = clusterId('aks3', 'rg-aks', OTHER_SUB);
const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const TEAM = '7ea70000-0000-4000-8000-0000000000a1';
const me: AzureIdentity = { principalId: ALICE, groups: [] };
const inTeam: AzureIdentity = { principalId: ALICE, groups: [{ groupId: TEAM, chain: [TEAM] }] };

function azure(assignments: RoleAssignment[], extra: { roles?: RoleDefinition[]; denies?: DenyAssignment[] } = {}) {
  return buildAzureRbacIndex({ roleDefinitions: [...ROLES, ...(extra.roles ?? [])], roleAssignments: assignments, denyAssignments: extra.denies ?? [], hierarchy: [] });
}

/** The decision Azure would give the webhook for this request on cluster `cluster`. */
function decide(index: ReturnType<typeof azure>, identity: AzureIdentity, request: AccessRequest, cluster = C) {
  const mapping = mapToDataActions(request, cluster);
  return index.evaluate(identity, mapping.actions, 'dataAction', mapping.scope);
}

const get = (resource: string, namespace = 'app', apiGroup = '') => resourceRequest({ verb: 'get', resource, namespace, apiGroup });
const exec = (namespace = 'app') => resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web', namespace });

describe('the example role definitions are the published built-ins', () => {
  it('has the AKS roles with their published permission blocks', () => {
    const byGuid = new Map(ROLES.map((r) => [r.name, r]));
    expect(byGuid.get(ROLE.rbacReader)?.roleName).toBe('Azure Kubernetes Service RBAC Reader');
    expect(byGuid.get(ROLE.rbacAdmin)?.permissions).toEqual([
      {
        actions: [
          'Microsoft.Authorization/*/read',
          'Microsoft.Resources/subscriptions/operationresults/read',
          'Microsoft.Resources/subscriptions/read',
          'Microsoft.Resources/subscriptions/resourceGroups/read',
          'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
        ],
        notActions: [],
        dataActions: ['Microsoft.ContainerService/managedClusters/*'],
        notDataActions: [
          'Microsoft.ContainerService/managedClusters/resourcequotas/write',
          'Microsoft.ContainerService/managedClusters/resourcequotas/delete',
          'Microsoft.ContainerService/managedClusters/namespaces/write',
          'Microsoft.ContainerService/managedClusters/namespaces/delete',
        ],
      },
    ]);
    expect(byGuid.get(ROLE.owner)?.permissions).toEqual([{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }]);
  });
});

describe('Azure Kubernetes Service RBAC Reader', () => {
  const index = azure([assignment(ALICE, ROLE.rbacReader, C)]);
  it.each([
    ['get pods', get('pods')],
    ['list pods -A', resourceRequest({ verb: 'list', resource: 'pods' })],
    ['get pods/log (subresource dropped)', resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'app' })],
    ['watch deployments.apps', resourceRequest({ verb: 'watch', resource: 'deployments', apiGroup: 'apps', namespace: 'app' })],
    ['get configmaps', get('configmaps')],
    ['get namespaces', resourceRequest({ verb: 'get', resource: 'namespaces', name: 'app', namespace: 'app' })],
  ])('can %s', (_l, request) => {
    expect(decide(index, me, request).decision).toBe('allowed');
  });
  it.each([
    ['get secrets', get('secrets')],
    ['list secrets -A', resourceRequest({ verb: 'list', resource: 'secrets' })],
    ['create pods/exec', exec()],
    ['update configmaps', resourceRequest({ verb: 'update', resource: 'configmaps', namespace: 'app' })],
    ['get roles', get('roles', 'app', 'rbac.authorization.k8s.io')],
    ['get nodes', resourceRequest({ verb: 'get', resource: 'nodes' })],
    ['impersonate serviceaccounts', resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', namespace: 'app' })],
    ['get /metrics', nonResourceRequest('get', '/metrics')],
  ])('cannot %s', (_l, request) => {
    expect(decide(index, me, request).decision).toBe('notGranted');
  });
});

describe('Azure Kubernetes Service RBAC Writer', () => {
  const index = azure([assignment(ALICE, ROLE.rbacWriter, rg('rg-aks'))]);
  it.each([
    ['get secrets', get('secrets'), 'Microsoft.ContainerService/managedClusters/secrets/*'],
    ['delete secrets', resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'app' }), 'Microsoft.ContainerService/managedClusters/secrets/*'],
    ['create pods/exec', exec(), 'Microsoft.ContainerService/managedClusters/pods/*'],
    ['impersonate serviceaccounts (act as any SA in scope)', resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', name: 'default', namespace: 'app' }), 'Microsoft.ContainerService/managedClusters/serviceaccounts/*'],
    ['patch deployments/scale', resourceRequest({ verb: 'patch', resource: 'deployments', apiGroup: 'apps', subresource: 'scale', namespace: 'app' }), 'Microsoft.ContainerService/managedClusters/apps/deployments/*'],
  ])('can %s', (_l, request, pattern) => {
    const e = decide(index, me, request);
    expect(e.decision).toBe('allowed');
    expect(e.grants[0]?.matchedBy).toBe(pattern);
    expect(e.grants[0]?.role.roleName).toBe('Azure Kubernetes Service RBAC Writer');
  });
  it.each([
    ['create roles', resourceRequest({ verb: 'create', resource: 'roles', apiGroup: 'rbac.authorization.k8s.io', namespace: 'app' })],
    ['create rolebindings', resourceRequest({ verb: 'create', resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', namespace: 'app' })],
    ['update resourcequotas', resourceRequest({ verb: 'update', resource: 'resourcequotas', namespace: 'app' })],
    ['impersonate groups', resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' })],
  ])('cannot %s', (_l, request) => {
    expect(decide(index, me, request).decision).toBe('notGranted');
  });
});

describe('Azure Kubernetes Service RBAC Admin', () => {
  describe('at namespace scope', () => {
    const index = azure([assignment(ALICE, ROLE.rbacAdmin, nsScope(C, 'app'))]);
    it('grants in that namespace only', () => {
      expect(decide(index, me, get('secrets', 'app')).decision).toBe('allowed');
      expect(decide(index, me, resourceRequest({ verb: 'create', resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', namespace: 'app' })).decision).toBe('allowed');
      expect(decide(index, me, get('secrets', 'other')).decision).toBe('notGranted');
      expect(decide(index, me, get('secrets', 'app'), C2).decision).toBe('notGranted');
    });
    it('does not reach cluster-wide requests (list -A, nodes)', () => {
      expect(decide(index, me, resourceRequest({ verb: 'list', resource: 'secrets' })).decision).toBe('notGranted');
      expect(decide(index, me, resourceRequest({ verb: 'get', resource: 'nodes' })).decision).toBe('notGranted');
    });
    it('cannot write or delete resourcequotas (notDataActions), and says which pattern excludes it', () => {
      for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
        const e = decide(index, me, resourceRequest({ verb, resource: 'resourcequotas', namespace: 'app' }));
        expect(e.decision).toBe('notGranted');
        expect(e.exclusions[0]?.notPattern).toMatch(/resourcequotas\/(write|delete)$/);
      }
      expect(decide(index, me, resourceRequest({ verb: 'get', resource: 'resourcequotas', namespace: 'app' })).decision).toBe('allowed');
    });
    it('can impersonate service accounts in its namespace, but groups are cluster-scoped', () => {
      expect(decide(index, me, resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', name: 'sa', namespace: 'app' })).decision).toBe('allowed');
      expect(decide(index, me, resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' })).decision).toBe('notGranted');
    });
  });

  describe('at cluster scope', () => {
    const index = azure([assignment(ALICE, ROLE.rbacAdmin, C)]);
    it('cannot write or delete namespaces (notDataActions) but can read them', () => {
      for (const verb of ['create', 'update', 'patch', 'delete']) {
        const e = decide(index, me, resourceRequest({ verb, resource: 'namespaces', name: 'x' }));
        expect(e.decision).toBe('notGranted');
        expect(e.exclusions.map((x) => x.notPattern)).toEqual([expect.stringMatching(/namespaces\/(write|delete)$/)]);
      }
      expect(decide(index, me, resourceRequest({ verb: 'list', resource: 'namespaces' })).decision).toBe('allowed');
    });
    it('can impersonate users and groups: escalation to system:masters', () => {
      const e = decide(index, me, resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }));
      expect(e.decision).toBe('allowed');
      expect(e.grants[0]?.action).toBe('Microsoft.ContainerService/managedClusters/groups/impersonate/action');
      expect(e.grants[0]?.matchedBy).toBe('Microsoft.ContainerService/managedClusters/*');
      expect(decide(index, me, resourceRequest({ verb: 'impersonate', resource: 'users', name: 'clusterAdmin' })).decision).toBe('allowed');
    });
    it('grants verbs with no data action through its wildcard (approve signers)', () => {
      expect(decide(index, me, resourceRequest({ verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' })).decision).toBe('allowed');
    });
    it('wildcard request * * in a namespace: resourcequotas/write is still excluded → not all of it', () => {
      expect(decide(index, me, resourceRequest({ verb: '*', apiGroup: '*', resource: '*', namespace: 'app' })).decision).toBe('notGranted');
      expect(decide(index, me, resourceRequest({ verb: 'get', apiGroup: '*', resource: '*', namespace: 'app' })).decision).toBe('allowed');
    });
  });
});

describe('Azure Kubernetes Service RBAC Cluster Admin', () => {
  const index = buildAzureRbacIndex({
    roleDefinitions: ROLES,
    roleAssignments: [assignment(ALICE, ROLE.rbacClusterAdmin, SUB), assignment('bob', ROLE.rbacClusterAdmin, mg('platform'))],
    denyAssignments: [],
    hierarchy: [{ id: SUB, parentId: mg('platform') }],
  });
  const bob: AzureIdentity = { principalId: 'bob', groups: [] };
  it('at subscription scope: inherited by every cluster and namespace in the subscription', () => {
    for (const c of [C, C2]) {
      for (const request of [get('secrets'), resourceRequest({ verb: 'create', resource: 'namespaces', name: 'x' }), resourceRequest({ verb: '*', apiGroup: '*', resource: '*' }), nonResourceRequest('get', '/metrics')]) {
        expect(decide(index, me, request, c).decision).toBe('allowed');
      }
    }
  });
  it('not in another subscription', () => {
    expect(decide(index, me, get('secrets'), C_OTHER_SUB).decision).toBe('notGranted');
  });
  it('at a management group above the subscription: inherited too', () => {
    expect(decide(index, bob, get('secrets'), C2).decision).toBe('allowed');
    expect(decide(index, bob, get('secrets'), C_OTHER_SUB).decision).toBe('notGranted');
  });
});

describe('Owner / Contributor / AKS Contributor (control plane only)', () => {
  const index = azure([assignment(ALICE, ROLE.owner, SUB), assignment('carl', ROLE.contributor, SUB), assignment('ken', ROLE.aksContributorRole, SUB)]);
  const carl: AzureIdentity = { principalId: 'carl', groups: [] };
  const ken: AzureIdentity = { principalId: 'ken', groups: [] };
  it('`actions: *` grants NO data actions', () => {
    for (const id of [me, carl, ken]) {
      expect(decide(index, id, get('pods')).decision).toBe('notGranted');
      expect(decide(index, id, get('secrets')).decision).toBe('notGranted');
      expect(decide(index, id, nonResourceRequest('get', '/metrics')).decision).toBe('notGranted');
    }
  });
  it('Contributor: listClusterAdminCredential/action, managedClusters/write, runCommand — but not roleAssignments/write (notActions)', () => {
    const can = (action: string) => index.evaluate(carl, [action], 'action', C).decision;
    expect(can('Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action')).toBe('allowed');
    expect(can('Microsoft.ContainerService/managedClusters/write')).toBe('allowed');
    expect(can('Microsoft.ContainerService/managedClusters/runCommand/action')).toBe('allowed');
    expect(can('Microsoft.Authorization/roleAssignments/write')).toBe('notGranted');
    const e = index.evaluate(carl, ['Microsoft.Authorization/roleAssignments/write'], 'action', C);
    expect(e.exclusions.map((x) => x.notPattern)).toEqual(['Microsoft.Authorization/*/Write']);
  });
  it('Owner: roleAssignments/write as well', () => {
    expect(index.evaluate(me, ['Microsoft.Authorization/roleAssignments/write'], 'action', C).decision).toBe('allowed');
  });
  it('AKS Contributor Role (2025-06 definition): managedClusters/* includes the admin credential', () => {
    expect(index.evaluate(ken, ['Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'], 'action', C).decision).toBe('allowed');
    expect(index.evaluate(ken, ['Microsoft.Authorization/roleAssignments/write'], 'action', C).decision).toBe('notGranted');
  });

  it('cross-plane: Contributor on a cluster with local accounts = admin kubeconfig (system:masters), escalations reported', () => {
    const c = cluster('aks1', { localAccountsEnabled: true });
    const carlUser = user('carl', 'carl@contoso.com');
    const model = world({ clusters: [c], assignments: [assignment('carl', ROLE.contributor, SUB)], users: [carlUser] });
    const d = canAcross(model, entraIdentity(model.entra, carlUser), get('secrets'), c);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([expect.objectContaining({ kind: 'adminCredential', action: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', roleName: 'Contributor' })]);
    expect(d.escalations.map((e) => e.action)).toEqual(['Microsoft.ContainerService/managedClusters/write', 'Microsoft.ContainerService/managedClusters/runCommand/action']);
    // Owner also holds roleAssignments/write
    const o = world({ clusters: [c], assignments: [assignment('carl', ROLE.owner, SUB)], users: [carlUser] });
    expect(canAcross(o, entraIdentity(o.entra, carlUser), get('secrets'), c).escalations.map((e) => e.action)).toContain('Microsoft.Authorization/roleAssignments/write');
  });
});

describe('not* subtracts within one permission block only', () => {
  const noSecrets = ROLES.find((r) => r.name === ROLE.contosoNoSecrets);
  it('the example custom role excludes secrets', () => {
    expect(noSecrets?.permissions[0]?.notDataActions).toEqual(['Microsoft.ContainerService/managedClusters/secrets/*']);
  });
  it('alone: no secrets, everything else', () => {
    const index = azure([assignment(ALICE, ROLE.contosoNoSecrets, C)]);
    const e = decide(index, me, get('secrets'));
    expect(e.decision).toBe('notGranted');
    expect(e.exclusions).toEqual([expect.objectContaining({ notPattern: 'Microsoft.ContainerService/managedClusters/secrets/*' })]);
    expect(decide(index, me, get('configmaps')).decision).toBe('allowed');
  });
  it('plus a second assignment granting secrets (Writer on the namespace) → allowed there', () => {
    const index = azure([assignment(ALICE, ROLE.contosoNoSecrets, C), assignment(ALICE, ROLE.rbacWriter, nsScope(C, 'app'))]);
    const e = decide(index, me, get('secrets', 'app'));
    expect(e.decision).toBe('allowed');
    expect(e.grants.map((g) => g.role.roleName)).toEqual(['Azure Kubernetes Service RBAC Writer']);
    expect(decide(index, me, get('secrets', 'other')).decision).toBe('notGranted');
  });
  it('the second grant may come through a group', () => {
    const index = azure([assignment(ALICE, ROLE.contosoNoSecrets, C), assignment(TEAM, ROLE.rbacReader, C, { principalType: 'Group' }), assignment(TEAM, ROLE.rbacWriter, C, { principalType: 'Group' })]);
    const e = decide(index, inTeam, get('secrets'));
    expect(e.decision).toBe('allowed');
    expect(e.grants[0]?.viaGroup?.groupId).toBe(TEAM);
  });
  it('two blocks in one role: a not-pattern in one block does not remove what the other grants', () => {
    const twoBlocks = customRole('2b000000-0000-4000-8000-000000000001', 'two blocks', [
      block({ dataActions: ['Microsoft.ContainerService/managedClusters/*'], notDataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'] }),
      block({ dataActions: ['Microsoft.ContainerService/managedClusters/secrets/read'] }),
    ]);
    const index = azure([assignment(ALICE, twoBlocks.name, C)], { roles: [twoBlocks] });
    expect(decide(index, me, get('secrets')).decision).toBe('allowed');
    expect(decide(index, me, resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'app' })).decision).toBe('notGranted');
  });
});

describe('deny assignments', () => {
  const secretsDeny = (extra: Partial<DenyAssignment> = {}, principals = [ALICE]) => deny('no-secrets', SUB, ['Microsoft.ContainerService/managedClusters/secrets/*'], principals, extra);

  it('deny beats allow (even RBAC Cluster Admin)', () => {
    const index = azure([assignment(ALICE, ROLE.rbacClusterAdmin, C)], { denies: [secretsDeny()] });
    const e = decide(index, me, get('secrets'));
    expect(e.decision).toBe('denied');
    expect(e.denials[0]?.denyAssignment.name).toBe('no-secrets');
    expect(decide(index, me, get('pods')).decision).toBe('allowed');
  });
  it('a deny on a group reaches its (nested) members', () => {
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C)], { denies: [secretsDeny({}, [TEAM])] });
    expect(decide(index, inTeam, get('secrets')).decision).toBe('denied');
    expect(decide(index, me, get('secrets')).decision).toBe('allowed');
  });
  it('Everyone (all-zero principal) with excludePrincipals: the excluded principal is exempt, directly or through a group', () => {
    const everyone = '00000000-0000-0000-0000-000000000000';
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C), assignment('bob', ROLE.rbacWriter, C)], {
      denies: [secretsDeny({ excludePrincipals: [{ id: ALICE, type: 'User' }] }, [everyone])],
    });
    expect(decide(index, me, get('secrets')).decision).toBe('allowed');
    expect(decide(index, { principalId: 'bob', groups: [] }, get('secrets')).decision).toBe('denied');
    const viaGroup = azure([assignment('bob', ROLE.rbacWriter, C)], { denies: [secretsDeny({ excludePrincipals: [{ id: TEAM, type: 'Group' }] }, [everyone])] });
    expect(decide(viaGroup, { principalId: 'bob', groups: [{ groupId: TEAM, chain: [TEAM] }] }, get('secrets')).decision).toBe('allowed');
  });
  it('doNotApplyToChildScopes: applies at its own scope only', () => {
    const atCluster = deny('cluster-only', C, ['Microsoft.ContainerService/managedClusters/secrets/*'], [ALICE], { doNotApplyToChildScopes: true });
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C)], { denies: [atCluster] });
    expect(decide(index, me, resourceRequest({ verb: 'list', resource: 'secrets' })).decision).toBe('denied'); // scope = cluster
    expect(decide(index, me, get('secrets', 'app')).decision).toBe('allowed'); // scope = cluster/namespaces/app, a child
    const inherited = azure([assignment(ALICE, ROLE.rbacWriter, C)], { denies: [{ ...atCluster, doNotApplyToChildScopes: false }] });
    expect(decide(inherited, me, get('secrets', 'app')).decision).toBe('denied');
  });
  it('a deny at an unrelated scope does not apply', () => {
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C)], { denies: [deny('elsewhere', OTHER_SUB, ['*'], [ALICE])] });
    expect(decide(index, me, get('secrets')).decision).toBe('allowed');
  });
  it('notDataActions in a deny assignment carve out of the deny', () => {
    const d: DenyAssignment = { ...secretsDeny(), permissions: [block({ dataActions: ['Microsoft.ContainerService/managedClusters/*'], notDataActions: ['Microsoft.ContainerService/managedClusters/pods/read'] })] };
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C)], { denies: [d] });
    expect(decide(index, me, get('pods')).decision).toBe('allowed');
    expect(decide(index, me, get('configmaps')).decision).toBe('denied');
  });
});

describe('conditional (ABAC) and eligible (PIM) assignments', () => {
  const condition = "((!(ActionMatches{'Microsoft.ContainerService/managedClusters/secrets/read'})) OR (@Resource[Microsoft.ContainerService/managedClusters/namespaces:name] StringEquals 'app'))";
  it('a conditional assignment gives "conditional" with the condition text', () => {
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C, { condition, conditionVersion: '2.0' })]);
    const e = decide(index, me, get('secrets'));
    expect(e.decision).toBe('conditional');
    expect(e.grants[0]?.assignment.condition).toBe(condition);
  });
  it('an unconditional grant for the same action makes it plainly allowed', () => {
    const index = azure([assignment(ALICE, ROLE.rbacWriter, C, { condition }), assignment(ALICE, ROLE.rbacReader, C)]);
    expect(decide(index, me, get('pods')).decision).toBe('allowed');
    expect(decide(index, me, get('secrets')).decision).toBe('conditional');
  });
  it('cross-plane: can-i says "conditional" and carries the condition', () => {
    const c = cluster('aks1');
    const alice = user(ALICE, 'alice@contoso.com');
    const model = world({ clusters: [c], assignments: [assignment(ALICE, ROLE.rbacWriter, C, { condition })], users: [alice] });
    const d = canAcross(model, entraIdentity(model.entra, alice), get('secrets'), c);
    expect(d.allowed).toBe('conditional');
    expect(d.paths).toEqual([expect.objectContaining({ kind: 'dataAction', condition })]);
    expect(d.reason).toContain(condition);
  });
  it('an eligible assignment allows nothing and is listed as eligible', () => {
    const index = azure([assignment(ALICE, ROLE.rbacClusterAdmin, SUB, { state: 'eligible', startDateTime: '2026-01-01T00:00:00Z' })]);
    const e = decide(index, me, get('secrets'));
    expect(e.decision).toBe('notGranted');
    expect(e.grants).toEqual([]);
    expect(e.eligible.map((g) => g.role.roleName)).toEqual(['Azure Kubernetes Service RBAC Cluster Admin']);

    const c = cluster('aks1');
    const alice = user(ALICE, 'alice@contoso.com');
    const model = world({ clusters: [c], assignments: [assignment(ALICE, ROLE.rbacClusterAdmin, SUB, { state: 'eligible' })], users: [alice], groups: [group(TEAM, [])] });
    const d = canAcross(model, entraIdentity(model.entra, alice), get('secrets'), c);
    expect(d.allowed).toBe(false);
    expect(d.eligible).toEqual([expect.objectContaining({ kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Cluster Admin', scope: SUB })]);
    expect(d.reason).toMatch(/eligible \(PIM, not active\)/);
  });
});
