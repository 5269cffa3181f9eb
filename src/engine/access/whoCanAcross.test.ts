/**
 * who-can across planes: every subject with every path (Kubernetes RBAC, Azure data actions, admin groups,
 * local-account credentials), escalations and eligibility on the side, deny assignments applied, and
 * `expandGroups` listing members with their chains. Ends with a property: for random small tenants,
 * whoCanAcross (with expandGroups) and canAcross agree for every Entra principal.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nonResourceRequest, resourceRequest, type AccessRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { DenyAssignment, RoleAssignment } from '../../model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../model/entra.ts';
import type { Binding, Role, Subject } from '../../model/k8sRbac.ts';
import { mapToDataActions } from '../aks/aksDataActions.ts';
import { canAcross } from './canAcross.ts';
import { entraIdentity } from './principalIdentity.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneSubject } from './whoCanAcross.ts';
import {
  assignment,
  block,
  cluster,
  customRole,
  clusterId,
  clusterRole,
  clusterRoleBinding,
  deny,
  group,
  groupSubject,
  mg,
  nsRole,
  nsScope,
  OTHER_SUB,
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
const ERIN = user('e2170000-0000-4000-8000-000000000005', 'erin@contoso.com', 'Erin');
const FRANK = user('f2a70000-0000-4000-8000-000000000006', 'frank@contoso.com', 'Frank');
const CI = servicePrincipal('5b000000-0000-4000-8000-0000000005b1', 'ManagedIdentity', 'id-ci');
const GH = servicePrincipal('5b000000-0000-4000-8000-0000000005b2', 'Application', 'github');
const ENG = group('e9000000-0000-4000-8000-0000000000e1', [ALICE.id, FRANK.id], 'eng');
const PAYMENTS = group('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', [ENG.id, CI.id], 'payments-devs');
const ADMINS = group('4f9c2a1e-7b3d-4c55-9e0a-1d2b3c4d5e6f', [CAROL.id], 'aks-admins');

const PROD = cluster('prod', { adminGroupObjectIds: [ADMINS.id], localAccountsEnabled: true });
const NO_AZ = cluster('no-azure-rbac', { id: clusterId('no-azure-rbac'), azureRbac: false });
const LEGACY = cluster('legacy', { id: clusterId('legacy'), entraIntegration: false, azureRbac: false, localAccountsEnabled: true });

const k8s = rbacObjects(
  clusterRole('secret-reader', [rule(['get', 'list'], [''], ['secrets'])]),
  roleBinding('payments', 'payments-devs-read', { kind: 'ClusterRole', name: 'secret-reader' }, [groupSubject(PAYMENTS.id)]),
  roleBinding('payments', 'alice-read', { kind: 'ClusterRole', name: 'secret-reader' }, [userSubject('alice@contoso.com')]),
  roleBinding('payments', 'sa-read', { kind: 'ClusterRole', name: 'secret-reader' }, [saSubject('', 'deployer')]),
  nsRole('frontend', 'fe', [rule(['get'], [''], ['secrets'])]),
  roleBinding('frontend', 'fe-bob', { kind: 'Role', name: 'fe' }, [userSubject('bob@contoso.com')]),
);

const model = world({
  clusters: [PROD, NO_AZ, LEGACY],
  kubernetes: [[PROD, k8s], [NO_AZ, k8s]],
  users: [ALICE, BOB, CAROL, DAVE, ERIN, FRANK],
  groups: [ENG, PAYMENTS, ADMINS],
  servicePrincipals: [CI, GH],
  assignments: [
    assignment(BOB.id, ROLE.rbacWriter, rg('rg-aks'), { principalName: 'bob@contoso.com' }),
    assignment(PAYMENTS.id, ROLE.rbacReader, PROD.id, { principalType: 'Group' }),
    assignment(ENG.id, ROLE.rbacWriter, nsScope(PROD.id, 'payments'), { principalType: 'Group' }),
    assignment(DAVE.id, ROLE.contributor, SUB),
    assignment(ERIN.id, ROLE.rbacClusterAdmin, SUB, { state: 'eligible' }),
    assignment(GH.id, ROLE.clusterUserRole, LEGACY.id, { principalType: 'ServicePrincipal' }),
    assignment(CI.id, ROLE.rbacWriter, nsScope(PROD.id, 'payments'), { principalType: 'ServicePrincipal', condition: "@Resource[x] StringEquals 'y'" }),
  ],
  // Frank (in eng) may not read secrets in production: drops his Azure paths only
  denies: [deny('frank-no-secrets', SUB, ['Microsoft.ContainerService/managedClusters/secrets/*'], [FRANK.id])],
});

const getSecrets = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' });
const byName = <T extends CrossPlaneSubject>(subjects: readonly T[], name: string): T | undefined => subjects.find((s) => s.name === name || s.displayName === name);

describe('whoCanAcross: subjects', () => {
  const answer = whoCanAcross(model, getSecrets, [PROD]);

  it('Entra users from Kubernetes bindings carry object id, type and display name', () => {
    expect(byName(answer.subjects, 'alice@contoso.com')).toMatchObject({
      kind: 'User',
      name: 'alice@contoso.com',
      objectId: ALICE.id,
      principalType: 'User',
      displayName: 'Alice',
      conditional: false,
      via: [expect.objectContaining({ plane: 'kubernetes', kind: 'rbac', binding: { kind: 'RoleBinding', name: 'alice-read', namespace: 'payments' } })],
    });
  });

  it('Entra groups are named by object id, with both planes in via', () => {
    const payments = byName(answer.subjects, 'payments-devs');
    expect(payments).toMatchObject({ kind: 'Group', name: PAYMENTS.id, objectId: PAYMENTS.id, principalType: 'Group' });
    expect(payments?.via.map((p) => `${p.plane}:${p.kind}`)).toEqual(['kubernetes:rbac']);
    const eng = byName(answer.subjects, 'eng');
    expect(eng?.via).toEqual([expect.objectContaining({ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', scope: nsScope(PROD.id, 'payments') })]);
  });

  it('Azure holders: a user assignment inherited from the resource group', () => {
    expect(byName(answer.subjects, 'bob@contoso.com')?.via).toEqual([expect.objectContaining({ plane: 'azure', kind: 'dataAction', principalId: BOB.id, scope: rg('rg-aks') })]);
  });

  it('service principals / managed identities are Users named by object id; conditional only → flagged', () => {
    expect(byName(answer.subjects, 'id-ci')).toMatchObject({ kind: 'User', name: CI.id, objectId: CI.id, principalType: 'ManagedIdentity', conditional: true });
  });

  it('service accounts are subjects with their namespace', () => {
    expect(answer.subjects.find((s) => s.kind === 'ServiceAccount')).toMatchObject({ kind: 'ServiceAccount', name: 'deployer', namespace: 'payments' });
  });

  it('admin groups → cluster-admin; local accounts + Contributor → admin credential', () => {
    expect(byName(answer.subjects, 'aks-admins')?.via).toEqual([{ plane: 'azure', kind: 'adminGroup', cluster: 'prod', groupId: ADMINS.id }]);
    const dave = byName(answer.subjects, 'dave@contoso.com')?.via;
    expect(dave).toEqual([expect.objectContaining({ kind: 'adminCredential', roleName: 'Contributor' })]);
    expect(dave?.[0]?.kind === 'adminCredential' ? dave[0].becomes : '').toMatch(/system:masters/);
  });

  it('escalations and eligibility are on the side, not subjects', () => {
    expect(answer.escalations.map((e) => [e.subject.name, e.path.action])).toEqual([
      ['dave@contoso.com', 'Microsoft.ContainerService/managedClusters/write'],
      ['dave@contoso.com', 'Microsoft.ContainerService/managedClusters/runCommand/action'],
    ]);
    expect(answer.eligible.map((e) => [e.subject.name, e.path.kind, e.path.kind === 'dataAction' ? e.path.roleName : ''])).toEqual([['erin@contoso.com', 'dataAction', 'Azure Kubernetes Service RBAC Cluster Admin']]);
    expect(byName(answer.subjects, 'erin@contoso.com')).toBeUndefined();
  });

  it('users come first, then groups, then service accounts; notes carry system:masters', () => {
    const kinds = answer.subjects.map((s) => s.kind);
    expect([...kinds].sort((a, b) => ['User', 'Group', 'ServiceAccount'].indexOf(a) - ['User', 'Group', 'ServiceAccount'].indexOf(b))).toEqual(kinds);
    expect(answer.notes[0]).toMatch(/system:masters/);
  });

  it('bob is not a subject in another namespace without his Azure scope reaching it… but his RG assignment does', () => {
    const other = whoCanAcross(model, resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'frontend' }), [PROD]);
    expect(byName(other.subjects, 'bob@contoso.com')?.via.map((p) => p.plane).sort()).toEqual(['azure', 'kubernetes']);
    expect(byName(other.subjects, 'eng')).toBeUndefined();
  });
});

describe('whoCanAcross: expandGroups', () => {
  const answer = whoCanAcross(model, getSecrets, [PROD], { expandGroups: true });

  it('lists members of group subjects, transitively, with the chain', () => {
    const alice = byName(answer.subjects, 'alice@contoso.com');
    const viaPayments = alice?.via.find((p) => p.kind === 'rbac' && p.binding.name === 'payments-devs-read');
    expect(viaPayments).toMatchObject({ viaGroup: { groupId: PAYMENTS.id, chain: [ENG.id, PAYMENTS.id] } });
    const viaEng = alice?.via.find((p) => p.kind === 'dataAction');
    expect(viaEng).toMatchObject({ roleName: 'Azure Kubernetes Service RBAC Writer', viaGroup: { groupId: ENG.id, chain: [ENG.id] } });
    expect(byName(answer.subjects, 'carol@contoso.com')?.via).toEqual([{ plane: 'azure', kind: 'adminGroup', cluster: 'prod', groupId: ADMINS.id, viaGroup: { groupId: ADMINS.id, chain: [ADMINS.id] } }]);
  });

  it('a deny assignment on a member drops only its Azure paths', () => {
    const frank = byName(answer.subjects, 'frank@contoso.com');
    expect(frank?.via.map((p) => `${p.plane}:${p.kind}`)).toEqual(['kubernetes:rbac']);
    // and without the Kubernetes binding he would not be listed at all
    const configmaps = whoCanAcross(model, resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'payments' }), [PROD], { expandGroups: true });
    expect(byName(configmaps.subjects, 'frank@contoso.com')).toBeUndefined();
    expect(byName(configmaps.subjects, 'alice@contoso.com')).toBeDefined();
  });

  it('a member with its own grant keeps both', () => {
    const ci = byName(answer.subjects, 'id-ci');
    expect(ci?.via.map((p) => `${p.plane}:${p.kind}`).sort()).toEqual(['azure:dataAction', 'kubernetes:rbac']);
    expect(ci?.conditional).toBe(false);
  });

  it('the groups themselves stay in the answer', () => {
    expect(byName(answer.subjects, 'payments-devs')).toBeDefined();
    expect(byName(answer.subjects, 'eng')).toBeDefined();
  });
});

describe('whoCanAcross: expandGroups evaluates each member as Azure does', () => {
  const C = cluster('c');
  const TEAM = group('7ea70000-0000-4000-8000-0000000000a1', [ALICE.id, BOB.id], 'team');
  const base = { clusters: [C], users: [ALICE, BOB], groups: [TEAM] };
  const secretsIn = (namespace: string) => resourceRequest({ verb: 'get', resource: 'secrets', namespace });
  const names = (m: ReturnType<typeof world>, request: AccessRequest) => whoCanAcross(m, request, [C], { expandGroups: true }).subjects.map((x) => x.name).sort();
  const SECRETS = ['Microsoft.ContainerService/managedClusters/secrets/*'];

  it('a deny at the namespace scope stops a member whose group holds the role higher up', () => {
    const m = world({ ...base, assignments: [assignment(TEAM.id, ROLE.rbacWriter, SUB, { principalType: 'Group' })], denies: [deny('ns', nsScope(C.id, 'app'), SECRETS, [ALICE.id])] });
    expect(names(m, secretsIn('app'))).toEqual([TEAM.id, 'bob@contoso.com']);
    expect(names(m, secretsIn('other'))).toEqual([TEAM.id, 'alice@contoso.com', 'bob@contoso.com']);
  });

  it('a doNotApplyToChildScopes deny at the cluster does not stop a namespaced request', () => {
    const m = world({ ...base, assignments: [assignment(TEAM.id, ROLE.rbacWriter, C.id, { principalType: 'Group' })], denies: [deny('c', C.id, SECRETS, [ALICE.id], { doNotApplyToChildScopes: true })] });
    expect(names(m, secretsIn('app'))).toEqual([TEAM.id, 'alice@contoso.com', 'bob@contoso.com']);
    expect(names(m, resourceRequest({ verb: 'list', resource: 'secrets' }))).toEqual([TEAM.id, 'bob@contoso.com']);
  });

  it('a deny on Everyone but one member: the group is denied, the excluded member is not', () => {
    const everyone = deny('everyone', SUB, SECRETS, ['00000000-0000-0000-0000-000000000000'], { excludePrincipals: [{ id: ALICE.id, type: 'User' }] });
    const m = world({ ...base, assignments: [assignment(TEAM.id, ROLE.rbacWriter, C.id, { principalType: 'Group' })], denies: [everyone] });
    const answer = whoCanAcross(m, secretsIn('app'), [C], { expandGroups: true });
    expect(answer.subjects.map((x) => x.name)).toEqual(['alice@contoso.com']);
    expect(answer.subjects[0]?.via).toEqual([expect.objectContaining({ kind: 'dataAction', viaGroup: { groupId: TEAM.id, chain: [TEAM.id] } })]);
    expect(answer.denied.map((d) => d.subject.name)).toEqual([TEAM.id]);
  });

  it('a deny on the credential action stops a member whose group holds it', () => {
    const LOCAL = cluster('c', { localAccountsEnabled: true });
    const d0 = { ...deny('creds', SUB, [], [ALICE.id]), permissions: [block({ actions: ['Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'] })] };
    const m = world({ clusters: [LOCAL], users: [ALICE, BOB], groups: [TEAM], assignments: [assignment(TEAM.id, ROLE.clusterAdminRole, SUB, { principalType: 'Group' })], denies: [d0] });
    expect(whoCanAcross(m, secretsIn('app'), [LOCAL], { expandGroups: true }).subjects.map((x) => x.name).sort()).toEqual([TEAM.id, 'bob@contoso.com']);
  });

  // `* pods` needs pods/read, write, delete and exec/action; split over two roles.
  const P = 'Microsoft.ContainerService/managedClusters/pods';
  const readWrite = customRole('5ec00000-0000-4000-8000-000000000001', 'pods read/write', [block({ dataActions: [`${P}/read`, `${P}/write`] })]);
  const deleteExec = customRole('5ec00000-0000-4000-8000-000000000002', 'pods delete/exec', [block({ dataActions: [`${P}/delete`, `${P}/exec/action`] })]);
  const everythingOnPods = resourceRequest({ verb: '*', resource: 'pods', namespace: 'app' });

  it('a wildcard request: a member allowed only by two groups together is found on expandGroups', () => {
    const G1 = group('7ea70000-0000-4000-8000-0000000000a2', [ALICE.id, BOB.id], 'g1');
    const G2 = group('7ea70000-0000-4000-8000-0000000000a3', [ALICE.id], 'g2');
    const m = world({ clusters: [C], users: [ALICE, BOB], groups: [G1, G2], roles: [readWrite, deleteExec], assignments: [assignment(G1.id, readWrite.name, C.id, { principalType: 'Group' }), assignment(G2.id, deleteExec.name, C.id, { principalType: 'Group' })] });
    expect(canAcross(m, entraIdentity(m.entra, ALICE), everythingOnPods, C).allowed).toBe(true);
    expect(canAcross(m, entraIdentity(m.entra, BOB), everythingOnPods, C).allowed).toBe(false);
    const answer = whoCanAcross(m, everythingOnPods, [C], { expandGroups: true });
    expect(answer.subjects.map((x) => x.name)).toEqual(['alice@contoso.com']);
    expect(answer.subjects[0]?.via.map((p) => (p.kind === 'dataAction' ? p.dataAction.split('/').slice(-2).join('/') : p.kind)).sort()).toEqual(['exec/action', 'pods/delete', 'pods/read', 'pods/write']);
    // without expandGroups neither group is a subject, and the member is not listed (a documented limit)
    expect(whoCanAcross(m, everythingOnPods, [C]).subjects).toEqual([]);
  });

  it('a wildcard request: a direct grant (not of the first action) plus a group grant, without expandGroups', () => {
    const m = world({ ...base, roles: [readWrite, deleteExec], assignments: [assignment(TEAM.id, readWrite.name, C.id, { principalType: 'Group' }), assignment(ALICE.id, deleteExec.name, C.id)] });
    const answer = whoCanAcross(m, everythingOnPods, [C]);
    expect(answer.subjects.map((x) => x.name)).toEqual(['alice@contoso.com']);
    expect(answer.subjects[0]?.via).toHaveLength(4);
  });
});

describe('whoCanAcross: cluster kinds', () => {
  it('a cluster without Azure RBAC: data-action roles grant nothing; a note says so', () => {
    const answer = whoCanAcross(model, getSecrets, [NO_AZ]);
    expect(byName(answer.subjects, 'bob@contoso.com')).toBeUndefined();
    expect(byName(answer.subjects, 'eng')).toBeUndefined();
    expect(byName(answer.subjects, 'alice@contoso.com')).toBeDefined();
    expect(answer.notes.join('\n')).toMatch(/no-azure-rbac does not use Azure RBAC for Kubernetes/);
  });

  it('a cluster without Entra: listClusterUserCredential holders are cluster admins, admin credential too; no data actions', () => {
    const answer = whoCanAcross(model, getSecrets, [LEGACY]);
    expect(byName(answer.subjects, 'github')?.via).toEqual([expect.objectContaining({ kind: 'adminCredential', action: 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action' })]);
    expect(byName(answer.subjects, 'dave@contoso.com')?.via.map((p) => (p.kind === 'adminCredential' ? p.action.split('/').at(-2) : p.kind)).sort()).toEqual(['listClusterAdminCredential', 'listClusterUserCredential']);
    expect(byName(answer.subjects, 'bob@contoso.com')).toBeUndefined();
    expect(answer.warnings).toEqual([expect.stringMatching(/no Kubernetes RBAC objects loaded for cluster legacy/)]);
  });

  it('local accounts disabled: no credential subjects', () => {
    const off = cluster('prod', { localAccountsEnabled: false });
    const m = world({ clusters: [off], users: [DAVE], assignments: [assignment(DAVE.id, ROLE.contributor, SUB)] });
    const answer = whoCanAcross(m, getSecrets, [off]);
    expect(answer.subjects).toEqual([]);
    expect(answer.escalations).toHaveLength(2);
  });

  it('discovery paths: no subjects needed, a note says every Entra identity can', () => {
    const answer = whoCanAcross(model, nonResourceRequest('get', '/healthz'), [PROD]);
    expect(answer.notes.join('\n')).toMatch(/every Entra identity can do this/);
  });
});

describe('whoCanAcross: deny assignments', () => {
  const PLAIN = cluster('plain');
  it('a holder stopped by a deny is listed as denied, with the reason', () => {
    const m = world({
      clusters: [PLAIN],
      users: [BOB],
      assignments: [assignment(BOB.id, ROLE.rbacWriter, PLAIN.id)],
      denies: [deny('no-secrets', SUB, ['Microsoft.ContainerService/managedClusters/secrets/*'], [BOB.id])],
    });
    const answer = whoCanAcross(m, getSecrets, [PLAIN]);
    expect(answer.subjects).toEqual([]);
    expect(answer.denied.map((d) => d.subject.name)).toEqual(['bob@contoso.com']);
    expect(answer.denied[0]?.reason).toMatch(/deny assignment "no-secrets" at .* denies Microsoft.ContainerService\/managedClusters\/secrets\/read/);
  });

  it('an assignment to a principal the directory does not know keeps its principalName', () => {
    const m = world({ clusters: [PLAIN], assignments: [assignment('0e000000-0000-4000-8000-00000000000e', ROLE.rbacWriter, PLAIN.id, { principalName: 'ghost@contoso.com' })] });
    expect(whoCanAcross(m, getSecrets, [PLAIN]).subjects).toEqual([expect.objectContaining({ kind: 'User', name: 'ghost@contoso.com', objectId: '0e000000-0000-4000-8000-00000000000e', principalType: 'User' })]);
  });
});

describe('whoCanAcrossAnyNamespace', () => {
  it('cluster-wide grants hold everywhere (*), RoleBindings and namespace assignments in their namespace', () => {
    const answer = whoCanAcrossAnyNamespace(model, resourceRequest({ verb: 'get', resource: 'secrets' }), [PROD]);
    const ns = (name: string) => byName(answer.subjects, name)?.namespaces;
    expect(ns('bob@contoso.com')).toEqual(['*']);
    expect(ns('alice@contoso.com')).toEqual(['payments']);
    expect(ns('eng')).toEqual(['payments']);
    expect(ns('aks-admins')).toEqual(['*']);
  });
});

describe('identity join edge cases', () => {
  const dave = user('da7e0000-0000-4000-8000-000000000004', 'Dave@Contoso.com');
  const objects = rbacObjects(
    clusterRole('secret-reader', [rule(['get'], [''], ['secrets'])]),
    // Kubernetes compares names exactly: a user is known by its UPN as written in the directory
    clusterRoleBinding('by-oid', 'secret-reader', [userSubject(dave.id)]),
    clusterRoleBinding('other-case', 'secret-reader', [userSubject('dave@contoso.com')]),
    clusterRoleBinding('group-upper', 'secret-reader', [groupSubject(ENG.id.toUpperCase())]),
  );
  const m = world({ clusters: [PROD], kubernetes: [[PROD, objects]], users: [dave, ALICE], groups: [group(ENG.id, [ALICE.id], 'eng')] });

  it('bindings that do not name the user as Kubernetes sees it are not the Entra user', () => {
    const answer = whoCanAcross(m, getSecrets, [PROD], { expandGroups: true });
    expect(answer.subjects.filter((s) => s.objectId?.toLowerCase() === dave.id)).toEqual([]);
    expect(canAcross(m, entraIdentity(m.entra, dave), getSecrets, PROD).allowed).toBe(false);
    // the subjects are still listed, as plain Kubernetes names
    expect(answer.subjects.map((s) => s.name)).toEqual(expect.arrayContaining([dave.id, 'dave@contoso.com', ENG.id.toUpperCase()]));
    expect(answer.subjects.find((s) => s.objectId?.toLowerCase() === ALICE.id)).toBeUndefined();
    expect(canAcross(m, entraIdentity(m.entra, ALICE), getSecrets, PROD).allowed).toBe(false);
  });
});

// --- property: whoCanAcross (expanded) and canAcross agree ---------------------------------------

const SUB_ID_PROP = SUB;
const CLUSTER_A = clusterId('pa');
const P_USERS = [
  user('00000000-0000-4000-8000-0000000000a1', 'u1@contoso.com'),
  user('00000000-0000-4000-8000-0000000000a2', 'u2@contoso.com'),
  user('00000000-0000-4000-8000-0000000000a3', ''),
];
const P_SPS = [servicePrincipal('00000000-0000-4000-8000-0000000000b1', 'ManagedIdentity')];
const P_GROUP_IDS = ['00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-0000000000c3'];
const PRINCIPALS = [...P_USERS.map((u) => u.id), ...P_SPS.map((s) => s.id)];
const EVERYONE = '00000000-0000-0000-0000-000000000000';
const ROLES_FOR_PROPERTY = [ROLE.rbacReader, ROLE.rbacWriter, ROLE.rbacAdmin, ROLE.rbacClusterAdmin, ROLE.contributor, ROLE.clusterUserRole, ROLE.clusterAdminRole, ROLE.contosoNoSecrets, ROLE.owner, ROLE.aksContributorRole];
const SCOPES = [SUB_ID_PROP, rg('rg-aks'), rg('rg-aks2'), CLUSTER_A, nsScope(CLUSTER_A, 'a'), nsScope(CLUSTER_A, 'b'), mg('top'), OTHER_SUB, '/'];
const REQUESTS: AccessRequest[] = [
  resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'a' }),
  resourceRequest({ verb: 'list', resource: 'pods' }),
  resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'b' }),
  resourceRequest({ verb: 'delete', resource: 'namespaces', name: 'a' }),
  resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }),
  resourceRequest({ verb: 'update', resource: 'resourcequotas', namespace: 'a' }),
  resourceRequest({ verb: '*', apiGroup: '', resource: 'secrets', namespace: 'a' }),
  resourceRequest({ verb: 'get', apiGroup: '*', resource: '*', namespace: 'b' }),
  nonResourceRequest('get', '/metrics'),
  nonResourceRequest('get', '/healthz'),
];

// Mostly Entra + Azure RBAC clusters, where the planes interact most.
const arbCluster = fc.record({
  entraIntegration: fc.constantFrom(true, true, true, false),
  azureRbac: fc.constantFrom(true, true, false),
  localAccountsEnabled: fc.boolean(),
  admins: fc.subarray(P_GROUP_IDS, { maxLength: 1 }),
}).map(({ entraIntegration, azureRbac, localAccountsEnabled, admins }): AksCluster =>
  cluster('pa', { id: CLUSTER_A, entraIntegration, azureRbac: entraIntegration && azureRbac, localAccountsEnabled, adminGroupObjectIds: admins }));

const arbGroups = fc.tuple(...P_GROUP_IDS.map((id) => fc.subarray([...PRINCIPALS, ...P_GROUP_IDS], { maxLength: 3 }).map((members): EntraGroup => group(id, members))));

const arbAssignment = fc.record({
  principal: fc.constantFrom(...PRINCIPALS, ...P_GROUP_IDS),
  role: fc.constantFrom(...ROLES_FOR_PROPERTY),
  scope: fc.constantFrom(...SCOPES),
  conditional: fc.boolean(),
  eligible: fc.boolean(),
}).map(({ principal, role, scope, conditional, eligible }): RoleAssignment =>
  assignment(principal, role, scope, {
    principalType: P_GROUP_IDS.includes(principal) ? 'Group' : P_SPS.some((s) => s.id === principal) ? 'ServicePrincipal' : 'User',
    ...(conditional ? { condition: 'x' } : {}),
    ...(eligible ? { state: 'eligible' as const } : {}),
  }));

const arbDeny = fc.record({
  principals: fc.subarray([...PRINCIPALS, ...P_GROUP_IDS, EVERYONE], { minLength: 1, maxLength: 2 }),
  exclude: fc.subarray([...PRINCIPALS, ...P_GROUP_IDS], { maxLength: 2 }),
  actions: fc.constantFrom(['Microsoft.ContainerService/managedClusters/secrets/*'], ['Microsoft.ContainerService/managedClusters/*'], ['*']),
  controlPlane: fc.boolean(),
  scope: fc.constantFrom(SUB_ID_PROP, CLUSTER_A, nsScope(CLUSTER_A, 'a')),
  childScopes: fc.boolean(),
}).map(({ principals, exclude, actions, controlPlane, scope, childScopes }, ): DenyAssignment => ({
  ...deny(`d-${principals.join('-')}`, scope, [], principals, { doNotApplyToChildScopes: !childScopes, excludePrincipals: exclude.map((id) => ({ id, type: 'User' })) }),
  permissions: [controlPlane ? block({ actions: ['Microsoft.ContainerService/managedClusters/list*'] }) : block({ dataActions: actions })],
}));

// Kubernetes subjects name principals as Kubernetes sees them, or in ways that must NOT match them.
const arbSubject: fc.Arbitrary<Subject> = fc.oneof(
  fc.constantFrom(...P_USERS.filter((u) => u.userPrincipalName !== '').map((u) => userSubject(u.userPrincipalName))),
  fc.constantFrom(...P_USERS.map((u) => userSubject(u.id))),
  fc.constantFrom(...P_USERS.filter((u) => u.userPrincipalName !== '').map((u) => userSubject(u.userPrincipalName.toUpperCase()))),
  fc.constantFrom(...P_SPS.map((s) => userSubject(s.id))),
  fc.constantFrom(...P_GROUP_IDS.map((g) => groupSubject(g))),
  fc.constantFrom(...P_GROUP_IDS.map((g) => groupSubject(g.toUpperCase()))),
  fc.constantFrom(...P_USERS.map((u) => groupSubject(u.id))),
);
const K8S_ROLES: Role[] = [
  clusterRole('secrets', [rule(['get', 'list'], [''], ['secrets'])]),
  clusterRole('all', [rule(['*'], ['*'], ['*'])]),
  clusterRole('pods', [rule(['list', 'create'], [''], ['pods', 'pods/exec'])]),
];
const arbBinding: fc.Arbitrary<Binding> = fc.record({
  role: fc.constantFrom('secrets', 'all', 'pods'),
  ns: fc.constantFrom('', 'a', 'b'),
  subjects: fc.array(arbSubject, { minLength: 1, maxLength: 2 }),
  n: fc.nat(1000),
}).map(({ role, ns, subjects, n }) =>
  ns === '' ? clusterRoleBinding(`crb-${n}`, role, subjects) : roleBinding(ns, `rb-${n}`, { kind: 'ClusterRole', name: role }, subjects));

describe('property: whoCanAcross (expandGroups) lists p unconditionally iff canAcross(p) is allowed (and never wrongly without)', () => {
  it('holds for random small tenants', () => {
    fc.assert(
      fc.property(
        arbCluster,
        arbGroups,
        fc.array(arbAssignment, { maxLength: 8 }),
        fc.array(arbDeny, { maxLength: 2 }),
        fc.array(arbBinding, { maxLength: 3 }),
        fc.constantFrom(...REQUESTS),
        (c, groups, assignments, denies, bindings, request) => {
          const m = world({
            clusters: [c],
            kubernetes: [[c, rbacObjects(...K8S_ROLES, ...bindings)]],
            users: P_USERS,
            servicePrincipals: P_SPS,
            groups,
            assignments,
            denies,
            hierarchy: [{ id: SUB_ID_PROP, parentId: mg('top') }],
          });
          const answer = whoCanAcross(m, request, [c], { expandGroups: true });
          const plain = whoCanAcross(m, request, [c]);
          const discovery = c.entraIntegration && c.azureRbac && mapToDataActions(request, c.id).discoveryShortcut;
          for (const p of [...P_USERS, ...P_SPS] as (EntraUser | EntraServicePrincipal)[]) {
            const listed = answer.subjects.some((s) => s.objectId?.toLowerCase() === p.id.toLowerCase() && !s.conditional);
            const decision = canAcross(m, entraIdentity(m.entra, p), request, c);
            // Discovery paths: who-can answers with a note ("every Entra identity"), not a subject list.
            const expected = listed || discovery;
            if ((decision.allowed === true) !== expected) {
              throw new Error(`${p.id}: canAcross=${String(decision.allowed)} (${decision.reason}) but whoCanAcross ${listed ? 'lists' : 'does not list'} it`);
            }
            // Without expandGroups the principal may be represented by a group, but it is never listed wrongly.
            const listedPlain = plain.subjects.some((s) => s.objectId?.toLowerCase() === p.id.toLowerCase() && !s.conditional);
            if (listedPlain && decision.allowed !== true) throw new Error(`${p.id}: listed without expandGroups but canAcross=${String(decision.allowed)}`);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
