/**
 * The cross-plane decision of DESIGN §2 for one identity:
 * system:masters OR Kubernetes RBAC OR (Entra identity AND Entra integration AND Azure RBAC AND Azure allows
 * every derived data action), plus admin groups, local-account credentials, and escalations (reported, not counted).
 */
import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest } from '../../model/accessRequest.ts';
import { impersonatedUser, serviceAccountUser } from '../k8s/identity.ts';
import { canAcross } from './canAcross.ts';
import { entraIdentity, kubernetesIdentity } from './principalIdentity.ts';
import type { AccessModel } from './accessModel.ts';
import {
  assignment,
  cluster,
  clusterRole,
  clusterRoleBinding,
  deny,
  group,
  groupSubject,
  nsRole,
  rbacObjects,
  rg,
  ROLE,
  roleBinding,
  rule,
  saSubject,
  servicePrincipal,
  SUB,
  user,
  userSubject,
  world,
} from '../../../test/helpers/azureFixtures.ts';

const ALICE = user('a11ce000-0000-4000-8000-000000000001', 'alice@contoso.com', 'Alice');
const BOB = user('b0b00000-0000-4000-8000-000000000002', 'bob@contoso.com', 'Bob');
const CAROL = user('ca201000-0000-4000-8000-000000000003', 'carol@contoso.com', 'Carol');
const DAVE = user('da7e0000-0000-4000-8000-000000000004', 'dave@contoso.com', 'Dave');
const NOUPN = user('00c00000-0000-4000-8000-000000000005', '');
const CI = servicePrincipal('5b000000-0000-4000-8000-0000000005b1', 'ManagedIdentity', 'id-ci');
// alice ∈ eng ∈ payments-devs ; carol ∈ platform ∈ aks-admins
const ENG = group('e9000000-0000-4000-8000-0000000000e1', [ALICE.id], 'eng');
const PAYMENTS = group('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', [ENG.id], 'payments-devs');
const PLATFORM = group('91a70000-0000-4000-8000-0000000000f1', [CAROL.id], 'platform');
const ADMINS = group('4f9c2a1e-7b3d-4c55-9e0a-1d2b3c4d5e6f', [PLATFORM.id], 'aks-admins');

const PROD = cluster('prod', { adminGroupObjectIds: [ADMINS.id] });
const PROD_LOCAL = cluster('prod-local', { adminGroupObjectIds: [ADMINS.id], localAccountsEnabled: true });
const ENTRA_ONLY = cluster('entra-only', { azureRbac: false, adminGroupObjectIds: [ADMINS.id], localAccountsEnabled: true });
const LEGACY = cluster('legacy', { entraIntegration: false, azureRbac: false, localAccountsEnabled: true });
const LEGACY_NO_LOCAL = cluster('legacy-no-local', { entraIntegration: false, azureRbac: false, localAccountsEnabled: false });

const k8s = rbacObjects(
  clusterRole('secret-reader', [rule(['get', 'list'], [''], ['secrets'])]),
  roleBinding('payments', 'payments-devs-read', { kind: 'ClusterRole', name: 'secret-reader' }, [groupSubject(PAYMENTS.id)]),
  nsRole('payments', 'cm-reader', [rule(['get'], [''], ['configmaps'])]),
  roleBinding('payments', 'alice-cm', { kind: 'Role', name: 'cm-reader' }, [userSubject('alice@contoso.com')]),
  // a binding naming Dave by object id: Dave's Kubernetes username is his UPN, so it does not apply
  roleBinding('payments', 'dave-by-oid', { kind: 'Role', name: 'cm-reader' }, [userSubject(DAVE.id)]),
  // a user without a UPN is known by object id; a service principal by object id
  roleBinding('payments', 'noupn', { kind: 'Role', name: 'cm-reader' }, [userSubject(NOUPN.id), userSubject(CI.id)]),
  clusterRoleBinding('ci-sa-secrets', 'secret-reader', [saSubject('ci', 'deployer')]),
);

const model: AccessModel = world({
  clusters: [PROD, PROD_LOCAL, ENTRA_ONLY, LEGACY, LEGACY_NO_LOCAL],
  kubernetes: [[PROD, k8s], [PROD_LOCAL, k8s], [ENTRA_ONLY, k8s], [LEGACY, k8s]],
  users: [ALICE, BOB, CAROL, DAVE, NOUPN],
  groups: [ENG, PAYMENTS, PLATFORM, ADMINS],
  servicePrincipals: [CI],
  assignments: [
    // bob: RBAC Writer on the whole resource group (every cluster in it)
    assignment(BOB.id, ROLE.rbacWriter, rg('rg-aks')),
    // dave: Contributor on the subscription (control plane only)
    assignment(DAVE.id, ROLE.contributor, SUB),
    // CI: Cluster User Role on legacy (non-Entra) and on prod
    assignment(CI.id, ROLE.clusterUserRole, LEGACY.id, { principalType: 'ServicePrincipal' }),
    assignment(CI.id, ROLE.clusterUserRole, PROD.id, { principalType: 'ServicePrincipal' }),
    assignment(CI.id, ROLE.clusterUserRole, LEGACY_NO_LOCAL.id, { principalType: 'ServicePrincipal' }),
    // payments-devs (alice, nested): RBAC Reader on prod
    assignment(PAYMENTS.id, ROLE.rbacReader, PROD.id, { principalType: 'Group' }),
  ],
});

const as = (p: Parameters<typeof entraIdentity>[1]) => entraIdentity(model.entra, p);
const getSecrets = resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'payments' });
const getPods = resourceRequest({ verb: 'get', resource: 'pods', name: 'p', namespace: 'payments' });
const getConfigmaps = resourceRequest({ verb: 'get', resource: 'configmaps', name: 'c', namespace: 'payments' });

describe('system:masters', () => {
  it('a member of system:masters is allowed everything, before RBAC', () => {
    const d = canAcross(model, kubernetesIdentity(impersonatedUser('clusterAdmin', ['system:masters'])), resourceRequest({ verb: 'delete', resource: 'nodes', name: 'n' }), PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([{ plane: 'kubernetes', kind: 'systemMasters', cluster: 'prod' }]);
    expect(d.reason).toMatch(/system:masters/);
  });
});

describe('Kubernetes RBAC for Entra identities', () => {
  it('an Entra user is named by UPN', () => {
    const d = canAcross(model, as(ALICE), getConfigmaps, PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths.filter((p) => p.plane === 'kubernetes')).toEqual([expect.objectContaining({ plane: 'kubernetes', kind: 'rbac', binding: { kind: 'RoleBinding', name: 'alice-cm', namespace: 'payments' } })]);
  });

  it('a binding naming a user by object id does not apply when the user has a UPN', () => {
    expect(canAcross(model, as(DAVE), getConfigmaps, PROD).allowed).toBe(false);
  });

  it('a user without a UPN, and a service principal, are named by object id', () => {
    expect(canAcross(model, as(NOUPN), getConfigmaps, PROD).allowed).toBe(true);
    expect(canAcross(model, as(CI), getConfigmaps, PROD).allowed).toBe(true);
  });

  it('Entra groups by object id, through nested membership, with the chain', () => {
    const d = canAcross(model, as(ALICE), getSecrets, PROD);
    expect(d.allowed).toBe(true);
    const p = d.paths.find((x) => x.kind === 'rbac');
    expect(p).toMatchObject({ plane: 'kubernetes', binding: { name: 'payments-devs-read' }, viaGroup: { groupId: PAYMENTS.id, chain: [ENG.id, PAYMENTS.id] } });
  });

  it('on a cluster without Entra integration an Entra identity cannot sign in: its UPN bindings do not apply', () => {
    // LEGACY carries the same manifests (alice-cm names alice's UPN) but authenticates certificates only.
    const d = canAcross(model, as(ALICE), getConfigmaps, LEGACY);
    expect(d.paths.filter((p) => p.plane === 'kubernetes')).toEqual([]);
    expect(d.notes).toContainEqual(expect.stringMatching(/no Entra integration/));
    // The same name as a plain Kubernetes identity (a certificate user) is still allowed by the binding.
    expect(canAcross(model, kubernetesIdentity(impersonatedUser('alice@contoso.com', [])), getConfigmaps, LEGACY).allowed).toBe(true);
  });

  it('the identity carries its transitive groups and system:authenticated', () => {
    const id = as(ALICE);
    expect(id.kubernetes.name).toBe('alice@contoso.com');
    expect([...id.kubernetes.groups].sort()).toEqual([ENG.id, PAYMENTS.id, 'system:authenticated'].sort());
    expect(id.azure?.principalId).toBe(ALICE.id);
  });
});

describe('Azure data actions', () => {
  it('Entra integration + Azure RBAC: granted by the role assignment (inherited from the resource group)', () => {
    const d = canAcross(model, as(BOB), getSecrets, PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([
      expect.objectContaining({ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', scope: rg('rg-aks'), dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read', principalId: BOB.id }),
    ]);
  });

  it('a group assignment reaches a nested member, with the chain', () => {
    const d = canAcross(model, as(ALICE), getPods, PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([expect.objectContaining({ kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Reader', viaGroup: { groupId: PAYMENTS.id, chain: [ENG.id, PAYMENTS.id] } })]);
  });

  it('a cluster with Entra but without Azure RBAC: data-action roles grant nothing inside it', () => {
    const d = canAcross(model, as(BOB), getSecrets, ENTRA_ONLY);
    expect(d.allowed).toBe(false);
    expect(d.notes.join('\n')).toMatch(/does not use Azure RBAC for Kubernetes/);
  });

  it('a cluster without Entra integration: no Azure data actions either', () => {
    expect(canAcross(model, as(BOB), getSecrets, LEGACY).allowed).toBe(false);
  });

  it('Azure RBAC and Kubernetes RBAC add up (OR)', () => {
    const d = canAcross(model, as(ALICE), getSecrets, PROD);
    expect(d.paths.map((p) => p.plane)).toEqual(['kubernetes']);
    const both = canAcross(model, as(ALICE), resourceRequest({ verb: 'get', resource: 'configmaps', namespace: 'payments' }), PROD);
    expect(both.paths.map((p) => `${p.plane}:${p.kind}`).sort()).toEqual(['azure:dataAction', 'kubernetes:rbac']);
  });

  it('get on a discovery path is allowed to every Entra identity without asking Azure; /livez is not', () => {
    const d = canAcross(model, as(DAVE), nonResourceRequest('get', '/healthz'), PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([{ plane: 'azure', kind: 'discovery', cluster: 'prod' }]);
    expect(canAcross(model, as(DAVE), nonResourceRequest('get', '/livez'), PROD).allowed).toBe(false);
    // no Azure RBAC on the cluster: no discovery shortcut (the webhook is not there)
    expect(canAcross(model, as(BOB), nonResourceRequest('get', '/healthz'), ENTRA_ONLY).paths.filter((p) => p.kind === 'discovery')).toEqual([]);
  });
});

describe('identities that never reach Azure', () => {
  it('a service account: only Kubernetes RBAC', () => {
    const sa = kubernetesIdentity(serviceAccountUser('ci', 'deployer'));
    expect(canAcross(model, sa, getSecrets, PROD)).toMatchObject({ allowed: true, paths: [expect.objectContaining({ plane: 'kubernetes', binding: { kind: 'ClusterRoleBinding', name: 'ci-sa-secrets' } })] });
    expect(canAcross(model, sa, getPods, PROD).allowed).toBe(false);
  });

  it('a Kubernetes identity named like an Entra user (certificate user) gets no Azure paths', () => {
    const d = canAcross(model, kubernetesIdentity(impersonatedUser('bob@contoso.com', [])), getSecrets, PROD);
    expect(d.allowed).toBe(false);
    expect(d.escalations).toEqual([]);
  });

  it('a system: username never reaches Azure even with an Azure identity', () => {
    const odd = user('5e000000-0000-4000-8000-000000000009', 'system:kube-proxy');
    const m = world({ clusters: [PROD], users: [odd], assignments: [assignment(odd.id, ROLE.rbacClusterAdmin, SUB)] });
    expect(canAcross(m, entraIdentity(m.entra, odd), getSecrets, PROD).allowed).toBe(false);
  });
});

describe('tenant paths into the cluster', () => {
  it('admin groups → cluster-admin, through nested groups', () => {
    const d = canAcross(model, as(CAROL), resourceRequest({ verb: 'delete', resource: 'nodes', name: 'n' }), PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([{ plane: 'azure', kind: 'adminGroup', cluster: 'prod', groupId: ADMINS.id, viaGroup: { groupId: ADMINS.id, chain: [PLATFORM.id, ADMINS.id] } }]);
  });

  it('admin groups count on an Entra cluster without Azure RBAC too, but not without Entra integration', () => {
    expect(canAcross(model, as(CAROL), getSecrets, ENTRA_ONLY).allowed).toBe(true);
    const noEntra = cluster('x', { entraIntegration: false, azureRbac: false, adminGroupObjectIds: [ADMINS.id] });
    const m = world({ clusters: [noEntra], users: [CAROL], groups: [PLATFORM, ADMINS] });
    expect(canAcross(m, entraIdentity(m.entra, CAROL), getSecrets, noEntra).allowed).toBe(false);
  });

  it('local accounts on + listClusterAdminCredential → admin kubeconfig (system:masters)', () => {
    const d = canAcross(model, as(DAVE), getSecrets, PROD_LOCAL);
    expect(d.allowed).toBe(true);
    expect(d.paths).toEqual([expect.objectContaining({ plane: 'azure', kind: 'adminCredential', action: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', roleName: 'Contributor' })]);
    const p0 = d.paths[0];
    expect(p0?.kind === 'adminCredential' ? p0.becomes : '').toMatch(/system:masters/);
  });

  it('local accounts off → the admin credential gives nothing', () => {
    const d = canAcross(model, as(DAVE), getSecrets, PROD);
    expect(d.allowed).toBe(false);
    expect(d.paths).toEqual([]);
  });

  it('listClusterUserCredential: cluster-admin on a non-Entra cluster with local accounts, nothing on an Entra cluster', () => {
    const legacy = canAcross(model, as(CI), getSecrets, LEGACY);
    expect(legacy.allowed).toBe(true);
    expect(legacy.paths).toEqual([expect.objectContaining({ kind: 'adminCredential', action: 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', roleName: 'Azure Kubernetes Service Cluster User Role' })]);
    expect(canAcross(model, as(CI), getSecrets, PROD).allowed).toBe(false);
    expect(canAcross(model, as(CI), getSecrets, LEGACY_NO_LOCAL).allowed).toBe(false);
  });

  it('escalations (managedClusters/write, runCommand) are reported but not counted; Contributor lacks roleAssignments/write', () => {
    const d = canAcross(model, as(DAVE), getSecrets, PROD);
    expect(d.allowed).toBe(false);
    expect(d.escalations.map((e) => e.action)).toEqual(['Microsoft.ContainerService/managedClusters/write', 'Microsoft.ContainerService/managedClusters/runCommand/action']);
    expect(d.escalations[0]).toMatchObject({ plane: 'azure', kind: 'escalation', roleName: 'Contributor', scope: SUB, principalId: DAVE.id });
  });

  it('roleAssignments/write (User Access Administrator) is an escalation, through a group too', () => {
    const uaa = group('0aa00000-0000-4000-8000-000000000001', [BOB.id], 'uaa');
    const m = world({ clusters: [PROD], users: [BOB], groups: [uaa], assignments: [assignment(uaa.id, ROLE.userAccessAdministrator, SUB, { principalType: 'Group' })] });
    const d = canAcross(m, entraIdentity(m.entra, BOB), getSecrets, PROD);
    expect(d.allowed).toBe(false);
    expect(d.escalations).toEqual([expect.objectContaining({ action: 'Microsoft.Authorization/roleAssignments/write', viaGroup: { groupId: uaa.id, chain: [uaa.id] } })]);
  });
});

describe('deny assignments and exclusions', () => {
  it('a deny for the user drops its Azure path, not its Kubernetes path', () => {
    const d0 = deny('no-secrets', SUB, ['Microsoft.ContainerService/managedClusters/secrets/*', 'Microsoft.ContainerService/managedClusters/configmaps/*'], [ALICE.id]);
    const m = world({
      clusters: [PROD],
      kubernetes: [[PROD, k8s]],
      users: [ALICE],
      groups: [ENG, PAYMENTS],
      assignments: [assignment(ALICE.id, ROLE.rbacWriter, PROD.id)],
      denies: [d0],
    });
    const d = canAcross(m, entraIdentity(m.entra, ALICE), getConfigmaps, PROD);
    expect(d.allowed).toBe(true);
    expect(d.paths.map((p) => p.plane)).toEqual(['kubernetes']);
    expect(d.azureDenials).toEqual([expect.stringMatching(/deny assignment "no-secrets"/)]);
    // and where only Azure would have allowed it, the answer is no
    const pods = canAcross(m, entraIdentity(m.entra, ALICE), resourceRequest({ verb: 'create', resource: 'configmaps', namespace: 'payments' }), PROD);
    expect(pods.allowed).toBe(false);
    expect(pods.reason).toMatch(/deny assignment "no-secrets"/);
  });

  it('a deny does not stop the admin group path (it is not a data action)', () => {
    const m = world({ clusters: [PROD], users: [CAROL], groups: [PLATFORM, ADMINS], denies: [deny('all', SUB, ['*'], [CAROL.id])] });
    expect(canAcross(m, entraIdentity(m.entra, CAROL), getSecrets, PROD).allowed).toBe(true);
  });

  it('a deny on the credential action stops the credential path', () => {
    const d0 = { ...deny('no-creds', SUB, [], [DAVE.id]), permissions: [{ actions: ['Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'], notActions: [], dataActions: [], notDataActions: [] }] };
    const m = world({ clusters: [PROD_LOCAL], users: [DAVE], assignments: [assignment(DAVE.id, ROLE.contributor, SUB)], denies: [d0] });
    const d = canAcross(m, entraIdentity(m.entra, DAVE), getSecrets, PROD_LOCAL);
    expect(d.allowed).toBe(false);
    expect(d.escalations).toHaveLength(2);
  });

  it('notDataActions give the reason when nothing else allows', () => {
    const m = world({ clusters: [PROD], users: [ALICE], assignments: [assignment(ALICE.id, ROLE.contosoNoSecrets, PROD.id)] });
    const d = canAcross(m, entraIdentity(m.entra, ALICE), getSecrets, PROD);
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/excludes Microsoft.ContainerService\/managedClusters\/secrets\/read through its notDataActions/);
  });
});

describe('conditional and eligible', () => {
  it('only a conditional path → "conditional"; plus an unconditional one → true', () => {
    const cond = "@Resource[Microsoft.ContainerService/managedClusters/namespaces:name] StringEquals 'payments'";
    const m = world({ clusters: [PROD], kubernetes: [[PROD, k8s]], users: [ALICE, BOB], groups: [ENG, PAYMENTS], assignments: [assignment(BOB.id, ROLE.rbacWriter, PROD.id, { condition: cond }), assignment(ALICE.id, ROLE.rbacWriter, PROD.id, { condition: cond })] });
    expect(canAcross(m, entraIdentity(m.entra, BOB), getSecrets, PROD).allowed).toBe('conditional');
    // alice also has the Kubernetes group binding: unconditional wins
    const a = canAcross(m, entraIdentity(m.entra, ALICE), getSecrets, PROD);
    expect(a.allowed).toBe(true);
    expect(a.paths).toHaveLength(2);
  });

  it('a conditional credential path is conditional too', () => {
    const m = world({ clusters: [PROD_LOCAL], users: [DAVE], assignments: [assignment(DAVE.id, ROLE.clusterAdminRole, SUB, { condition: 'x' })] });
    expect(canAcross(m, entraIdentity(m.entra, DAVE), getSecrets, PROD_LOCAL).allowed).toBe('conditional');
  });

  it('an eligible credential assignment is listed as eligible, not allowed', () => {
    const m = world({ clusters: [PROD_LOCAL], users: [DAVE], assignments: [assignment(DAVE.id, ROLE.clusterAdminRole, SUB, { state: 'eligible' })] });
    const d = canAcross(m, entraIdentity(m.entra, DAVE), getSecrets, PROD_LOCAL);
    expect(d.allowed).toBe(false);
    expect(d.eligible).toEqual([expect.objectContaining({ kind: 'adminCredential', roleName: 'Azure Kubernetes Service Cluster Admin Role' })]);
  });
});

describe('missing Kubernetes objects', () => {
  it('warns that only Azure paths are evaluated', () => {
    const d = canAcross(model, as(BOB), getSecrets, LEGACY_NO_LOCAL);
    expect(d.warnings).toEqual([expect.stringMatching(/no Kubernetes RBAC objects loaded for cluster legacy-no-local/)]);
  });
});
