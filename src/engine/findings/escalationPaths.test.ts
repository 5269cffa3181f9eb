/**
 * Escalation paths: each chain with the cases that must be found and the near misses that must not (a
 * resourceNames-restricted impersonate, bind without create bindings, bind on bindings instead of roles, create
 * pods where the service accounts hold nothing, a workload-identity client id that matches no principal), the
 * Azure admin-credential chain, and contoso (planted chains found, the clean cluster without any).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { PolicyRule } from '../../model/k8sRbac.ts';
import type { K8sServiceAccount } from '../../model/k8sInventory.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';
import { clusterKey } from '../access/accessModel.ts';
import type { EscalationFinding } from './EscalationFinding.ts';
import { escalationFindings, WORKLOAD_IDENTITY_CLIENT_ID, type EscalationInput, type FederatedCredential } from './escalationPaths.ts';
import {
  assignment,
  block,
  cluster,
  clusterRole,
  clusterRoleBinding,
  deny,
  group,
  nsRole,
  groupSubject,
  rbacObjects,
  rg,
  ROLE,
  roleBinding,
  rule,
  saSubject,
  servicePrincipal,
  user,
  userSubject,
  world,
  type World,
} from '../../../test/helpers/azureFixtures.ts';

const RBAC = 'rbac.authorization.k8s.io';
const C = cluster('c1', { oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/tenant/c1/' });

/**
 * The cluster every table case runs on: system:masters and a user "boss" hold cluster-admin, service account
 * ops/admin-bot is cluster-admin, apps/reader-bot reads the secrets of apps, and namespace empty has a service
 * account that holds nothing.
 */
const BASE = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])]),
  clusterRole('secret-reader', [rule(['get', 'list'], [''], ['secrets'])]),
  clusterRoleBinding('cluster-admin', 'cluster-admin', [groupSubject('system:masters')]),
  clusterRoleBinding('boss-admin', 'cluster-admin', [userSubject('boss')]),
  clusterRoleBinding('admin-bot', 'cluster-admin', [saSubject('ops', 'admin-bot')]),
  roleBinding('apps', 'reader-bot', { kind: 'ClusterRole', name: 'secret-reader' }, [saSubject('apps', 'reader-bot')]),
];
const ACCOUNTS: K8sServiceAccount[] = [
  { namespace: 'ops', name: 'admin-bot', annotations: {} },
  { namespace: 'apps', name: 'reader-bot', annotations: {} },
  { namespace: 'empty', name: 'nobody', annotations: {} },
];

/** The chains user "u" gets from one role (cluster-wide, or bound in namespace ns), as technique:target. */
function chainsOf(rules: PolicyRule[], ns?: string, input: EscalationInput = {}): string[] {
  const objects = rbacObjects(
    ...BASE,
    clusterRole('r', rules),
    ns === undefined ? clusterRoleBinding('b', 'r', [userSubject('u')]) : roleBinding(ns, 'b', { kind: 'ClusterRole', name: 'r' }, [userSubject('u')]),
  );
  const model = world({ clusters: [C], kubernetes: [[C, objects]] });
  const found = escalationFindings(model, { inventories: new Map([[clusterKey(C.id), { serviceAccounts: ACCOUNTS }]]), ...input }).findings;
  return found.filter((f) => f.subject.name === 'u').map((f) => `${f.technique}:${f.target}`);
}

const imp = (resource: string, names: string[] = []) => rule(['impersonate'], [''], [resource], names);

describe('Kubernetes chains: found and near misses', () => {
  it.each<[string, PolicyRule[], string | undefined, string[]]>([
    // impersonate
    ['impersonate users and groups: group system:masters', [imp('users'), imp('groups')], undefined, ['impersonate:cluster-admin']],
    ['impersonate groups only: Impersonate-Group needs Impersonate-User', [imp('groups')], undefined, []],
    ['impersonate any user: user boss is cluster-admin', [imp('users')], undefined, ['impersonate:cluster-admin']],
    ['impersonate users restricted by resourceNames to a user holding nothing', [imp('users', ['intern'])], undefined, []],
    ['impersonate users restricted to boss', [imp('users', ['boss'])], undefined, ['impersonate:cluster-admin']],
    ['impersonate group system:masters by name, with any user', [imp('users'), imp('groups', ['system:masters'])], undefined, ['impersonate:cluster-admin']],
    ['impersonate groups restricted to a harmless group, with any user', [imp('users', ['intern']), imp('groups', ['readers'])], undefined, []],
    ['impersonate service accounts in ops: admin-bot', [imp('serviceaccounts')], 'ops', ['impersonate:cluster-admin']],
    ['impersonate service accounts in apps: reader-bot reads secrets', [imp('serviceaccounts')], 'apps', ['impersonate:secret-read']],
    ['impersonate service accounts where none holds anything', [imp('serviceaccounts')], 'empty', []],
    ['impersonate in another API group is not impersonation', [rule(['impersonate'], ['example.com'], ['users', 'groups'])], undefined, []],
    // bind / escalate
    ['bind clusterroles + create clusterrolebindings', [rule(['bind'], [RBAC], ['clusterroles']), rule(['create'], [RBAC], ['clusterrolebindings'])], undefined, ['bind-escalate:cluster-admin']],
    ['bind restricted to cluster-admin + create clusterrolebindings', [rule(['bind'], [RBAC], ['clusterroles'], ['cluster-admin']), rule(['create'], [RBAC], ['clusterrolebindings'])], undefined, ['bind-escalate:cluster-admin']],
    ['bind restricted to view + create clusterrolebindings', [rule(['bind'], [RBAC], ['clusterroles'], ['view']), rule(['create'], [RBAC], ['clusterrolebindings'])], undefined, []],
    ['bind on roles without create bindings', [rule(['bind'], [RBAC], ['clusterroles', 'roles'])], undefined, []],
    ['create clusterrolebindings without bind', [rule(['create'], [RBAC], ['clusterrolebindings'])], undefined, []],
    ['bind on bindings (not roles) + create clusterrolebindings', [rule(['bind'], [RBAC], ['clusterrolebindings']), rule(['create'], [RBAC], ['clusterrolebindings'])], undefined, []],
    ['escalate + update clusterroles, bound by a ClusterRoleBinding', [rule(['escalate', 'update'], [RBAC], ['clusterroles'])], undefined, ['bind-escalate:cluster-admin']],
    ['escalate alone', [rule(['escalate'], [RBAC], ['clusterroles'])], undefined, []],
    ['bind clusterroles + create rolebindings in apps: every secret of apps', [rule(['bind'], [RBAC], ['clusterroles']), rule(['create'], [RBAC], ['rolebindings'])], 'apps', ['bind-escalate:secret-read']],
    // run as a service account
    ['create pods in ops: run as admin-bot', [rule(['create'], [''], ['pods'])], 'ops', ['service-account-pivot:cluster-admin']],
    ['create deployments in ops', [rule(['create'], ['apps'], ['deployments'])], 'ops', ['service-account-pivot:cluster-admin']],
    ['patch deployments in ops (change the template)', [rule(['patch'], ['apps'], ['deployments'])], 'ops', ['service-account-pivot:cluster-admin']],
    ['create jobs in ops', [rule(['create'], ['batch'], ['jobs'])], 'ops', ['service-account-pivot:cluster-admin']],
    ['create a token for admin-bot', [rule(['create'], [''], ['serviceaccounts/token'], ['admin-bot'])], 'ops', ['service-account-pivot:cluster-admin']],
    ['create a token for another account only', [rule(['create'], [''], ['serviceaccounts/token'], ['nobody'])], 'ops', []],
    ['create pods in apps: run as reader-bot', [rule(['create'], [''], ['pods'])], 'apps', ['service-account-pivot:secret-read']],
    ['create pods in apps, already reading its secrets', [rule(['create'], [''], ['pods']), rule(['get', 'list'], [''], ['secrets'])], 'apps', []],
    ['create pods where the service accounts hold nothing', [rule(['create'], [''], ['pods'])], 'empty', []],
    ['create pods/exec in ops is not create pods', [rule(['create'], [''], ['pods/exec'])], 'ops', []],
    ['get/list pods in ops', [rule(['get', 'list'], [''], ['pods'])], 'ops', []],
    ['deployments in the wrong API group', [rule(['create'], ['extensions.example'], ['deployments'])], 'ops', []],
    // already at the top
    ['cluster-admin itself: nothing to escalate to', [rule(['*'], ['*'], ['*'])], undefined, []],
  ])('%s', (_label, rules, ns, expected) => {
    expect(chainsOf(rules, ns)).toEqual(expected);
  });

  it('escalate + update roles in a namespace where a Role is bound to it: every secret there; without the own Role binding, nothing', () => {
    const of = (bindRole: boolean) => {
      const objects = rbacObjects(
        ...BASE,
        nsRole('apps', 'team', [rule(['escalate', 'update'], [RBAC], ['roles']), rule(['get'], [''], ['pods'])]),
        clusterRole('team-c', [rule(['escalate', 'update'], [RBAC], ['roles'])]),
        bindRole ? roleBinding('apps', 'team-b', { kind: 'Role', name: 'team' }, [userSubject('u')]) : roleBinding('apps', 'team-b', { kind: 'ClusterRole', name: 'team-c' }, [userSubject('u')]),
      );
      return escalationFindings(world({ clusters: [C], kubernetes: [[C, objects]] })).findings.filter((f) => f.subject.name === 'u');
    };
    expect(of(true).map((f) => [f.technique, f.target, f.scope])).toEqual([['bind-escalate', 'secret-read', `${C.id}/namespaces/apps`]]);
    expect(of(true)[0]?.steps[2]?.evidence[0]?.ref).toBe('RoleBinding apps/team-b');
    expect(of(false)).toEqual([]);
  });

  it('a binding to group system:serviceaccounts:NS: a pod under any account of NS holds it', () => {
    const objects = (ns: string) =>
      rbacObjects(...BASE, clusterRoleBinding('ops-accounts-admin', 'cluster-admin', [groupSubject('system:serviceaccounts:team')]), clusterRole('r', [rule(['create'], [''], ['pods'])]), roleBinding(ns, 'b', { kind: 'ClusterRole', name: 'r' }, [userSubject('u')]));
    const of = (ns: string) => escalationFindings(world({ clusters: [C], kubernetes: [[C, objects(ns)]] })).findings.filter((f) => f.subject.name === 'u');
    const [f] = of('team');
    expect(f).toMatchObject({ technique: 'service-account-pivot', target: 'cluster-admin' });
    expect(f?.steps[1]?.evidence.map((e) => e.ref)).toEqual(['ClusterRoleBinding ops-accounts-admin']);
    expect(of('empty')).toEqual([]);
  });

  it('a service account the inventory does not list cannot be run as (only when an inventory is given)', () => {
    const objects = rbacObjects(...BASE, clusterRoleBinding('ghost', 'cluster-admin', [saSubject('ghosts', 'ghost')]), roleBinding('ghosts', 'b', { kind: 'ClusterRole', name: 'r' }, [userSubject('u')]), clusterRole('r', [rule(['create'], [''], ['pods'])]));
    const model = world({ clusters: [C], kubernetes: [[C, objects]] });
    const of = (input: EscalationInput) => escalationFindings(model, input).findings.filter((f) => f.subject.name === 'u').map((f) => f.technique);
    expect(of({ inventories: new Map([[clusterKey(C.id), { serviceAccounts: ACCOUNTS }]]) })).toEqual([]);
    expect(of({})).toEqual(['service-account-pivot']);
  });

  it('each step carries the objects that make it true', () => {
    const objects = rbacObjects(...BASE, clusterRole('r', [imp('users'), imp('groups', ['system:masters'])]), clusterRoleBinding('b', 'r', [userSubject('u')]));
    const [f] = escalationFindings(world({ clusters: [C], kubernetes: [[C, objects]] })).findings.filter((x) => x.subject.name === 'u');
    expect(f).toMatchObject({ kind: 'escalation-path', technique: 'impersonate', target: 'cluster-admin', severity: 'critical', clusterId: C.id, clusterName: 'c1', permission: 'cluster-admin', scope: C.id });
    expect(f?.steps.map((s) => [s.plane, s.action, s.evidence.map((e) => `${e.type} ${e.ref}`)])).toEqual([
      ['kubernetes', 'impersonate Group system:masters', ['kubernetes-binding ClusterRoleBinding b']],
      ['kubernetes', 'impersonate a user to carry the group (impersonate any user)', ['kubernetes-binding ClusterRoleBinding b']],
      ['kubernetes', 'act as Group system:masters: cluster-admin', ['kubernetes-binding Group system:masters']],
    ]);
  });

  it('built-in subjects do not start chains unless asked', () => {
    const objects = rbacObjects(...BASE, clusterRole('r', [rule(['create'], [''], ['pods'])]), roleBinding('ops', 'system:controller:x', { kind: 'ClusterRole', name: 'r' }, [saSubject('kube-system', 'x')]));
    const model = world({ clusters: [C], kubernetes: [[C, objects]] });
    expect(escalationFindings(model).findings.filter((f) => f.subject.name === 'x')).toEqual([]);
    expect(escalationFindings(model, { includeBaseline: true }).findings.filter((f) => f.subject.name === 'x').map((f) => [f.technique, f.baseline])).toEqual([['service-account-pivot', true]]);
    expect(chainsOf([rule(['create'], [''], ['pods'])], 'ops', { includeBaseline: true })).toEqual(['service-account-pivot:cluster-admin']);
  });
});

describe('Azure role → admin kubeconfig → system:masters', () => {
  const ERIN = user('e2170000-0000-4000-8000-000000000005', 'erin@contoso.com', 'Erin');
  const CONTROL = '0c000000-0000-4000-8000-0000000000c1';
  const LOCAL = cluster('local', { localAccountsEnabled: true, identity: { type: 'SystemAssigned', principalId: CONTROL, userAssignedIdentityIds: [] } });
  const OFF = cluster('off', { localAccountsEnabled: false });
  const NO_ENTRA = cluster('plain', { localAccountsEnabled: true, entraIntegration: false, azureRbac: false });
  const chains = (w: Partial<World>, c: AksCluster, input: EscalationInput = {}) =>
    escalationFindings(world({ clusters: [c], users: [ERIN], ...w }), input).findings.filter((f) => f.technique === 'admin-credential').map((f) => `${f.subject.displayName ?? f.subject.name}:${f.steps[2]?.evidence[0]?.ref ?? ''}`);

  it.each<[string, Partial<World>, AksCluster, string[]]>([
    ['Cluster Admin Role with local accounts on', { assignments: [assignment(ERIN.id, ROLE.clusterAdminRole, LOCAL.id)] }, LOCAL, ['Erin:Group system:masters']],
    ['Contributor at the resource group', { assignments: [assignment(ERIN.id, ROLE.contributor, rg('rg-aks'))] }, LOCAL, ['Erin:Group system:masters']],
    ['local accounts off: the credential is an Entra kubeconfig', { assignments: [assignment(ERIN.id, ROLE.clusterAdminRole, OFF.id)] }, OFF, []],
    ['Reader cannot list credentials', { assignments: [assignment(ERIN.id, ROLE.reader, LOCAL.id)] }, LOCAL, []],
    ['PIM-eligible only', { assignments: [assignment(ERIN.id, ROLE.clusterAdminRole, LOCAL.id, { state: 'eligible' })] }, LOCAL, []],
    [
      'a deny assignment on the action',
      {
        assignments: [assignment(ERIN.id, ROLE.clusterAdminRole, LOCAL.id)],
        denies: [deny('no-creds', LOCAL.id, [], [ERIN.id], { permissions: [block({ actions: ['Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'] })] })],
      },
      LOCAL,
      [],
    ],
    ['without Entra integration the user credential is cluster-admin too', { assignments: [assignment(ERIN.id, ROLE.clusterUserRole, NO_ENTRA.id)] }, NO_ENTRA, ['Erin:ClusterRoleBinding aks-cluster-admin-binding']],
    ["the cluster's own identity is baseline", { assignments: [assignment(CONTROL, ROLE.contributor, LOCAL.id, { principalType: 'ServicePrincipal' })] }, LOCAL, []],
  ])('%s', (_label, w, c, expected) => {
    expect(chains(w, c)).toEqual(expected);
  });

  it("the cluster's own identity is reported with includeBaseline, marked baseline", () => {
    const model = world({ clusters: [LOCAL], assignments: [assignment(CONTROL, ROLE.contributor, LOCAL.id, { principalType: 'ServicePrincipal' }), assignment(ERIN.id, ROLE.contributor, LOCAL.id)], users: [ERIN] });
    expect(escalationFindings(model, { includeBaseline: true }).findings.map((f) => [f.principalId, f.baseline ?? false])).toEqual([
      [CONTROL, true],
      [ERIN.id, false],
    ]);
  });

  it('the steps: role assignment → local accounts → system:masters, with the remediation command', () => {
    const model = world({ clusters: [LOCAL], users: [ERIN], assignments: [assignment(ERIN.id, ROLE.clusterAdminRole, LOCAL.id)] });
    const [f] = escalationFindings(model).findings;
    expect(f?.principalId).toBe(ERIN.id);
    expect(f?.steps.map((s) => [s.plane, s.evidence[0]?.type])).toEqual([
      ['azure', 'azure-role-assignment'],
      ['azure', 'cluster-setting'],
      ['kubernetes', 'kubernetes-binding'],
    ]);
    expect(f?.remediation?.azCli).toBe('az aks update --resource-group rg-aks --name local --disable-local-accounts');
  });
});

describe('cluster → cloud: workload identity', () => {
  const CLIENT = 'c1d00000-0000-4000-8000-0000000000c1';
  const MI = { ...servicePrincipal('5a000000-0000-4000-8000-0000000000a1', 'ManagedIdentity', 'id-payments'), appId: CLIENT };
  const KV = `${rg('rg-data')}/providers/Microsoft.KeyVault/vaults/kv-payments`;
  const ISSUER = C.oidcIssuerUrl ?? '';
  const objects = rbacObjects(
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])]),
    clusterRole('deployer', [rule(['create'], [''], ['pods'])]),
    roleBinding('payments', 'u-deploys', { kind: 'ClusterRole', name: 'deployer' }, [userSubject('u')]),
    roleBinding('frontend', 'v-deploys', { kind: 'ClusterRole', name: 'deployer' }, [userSubject('v')]),
    clusterRoleBinding('boss-admin', 'cluster-admin', [userSubject('boss')]),
  );
  const account = (annotations: Record<string, string>): K8sServiceAccount => ({ namespace: 'payments', name: 'api', annotations });
  const credential = (fields: Partial<FederatedCredential> = {}): FederatedCredential => ({ clientId: CLIENT, id: 'fic-api', issuer: ISSUER, subject: 'system:serviceaccount:payments:api', ...fields });

  function run(accounts: K8sServiceAccount[], extra: Partial<World> = {}, input: EscalationInput = {}) {
    const model = world({ clusters: [C], kubernetes: [[C, objects]], servicePrincipals: [MI], assignments: [assignment(MI.id, ROLE.reader, KV, { principalType: 'ServicePrincipal' })], ...extra });
    return escalationFindings(model, { inventories: new Map([[clusterKey(C.id), { serviceAccounts: accounts }]]), ...input });
  }
  const summary = (fs: EscalationFinding[]) => fs.filter((f) => f.technique === 'workload-identity').map((f) => `${f.subject.name} → ${f.permission} @ ${f.scope === KV ? 'kv' : f.scope} (${f.claimedBy ?? ''})`);

  it('who can create pods in the namespace reaches the managed identity’s roles; others and cluster-admins do not', () => {
    const result = run([account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })]);
    expect(summary(result.findings)).toEqual(['u → Reader @ kv (annotation)']);
    const [f] = result.findings;
    expect(f?.steps.map((s) => s.plane)).toEqual(['kubernetes', 'workload-identity', 'entra', 'azure']);
    expect(f?.steps[3]?.evidence[0]?.type).toBe('azure-role-assignment');
  });
  it.each<[string, K8sServiceAccount[], Partial<World>, EscalationInput, string[]]>([
    ['client id in another letter case', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT.toUpperCase() })], {}, {}, ['u → Reader @ kv (annotation)']],
    ['no annotation', [account({})], {}, {}, []],
    ['a client id that matches no principal', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: 'ffffffff-0000-4000-8000-000000000000' })], {}, {}, []],
    ['an identity without role assignments', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], { assignments: [] }, {}, []],
    ['only an eligible assignment', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], { assignments: [assignment(MI.id, ROLE.reader, KV, { state: 'eligible' })] }, {}, []],
    ['a role through a group of the identity', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], { groups: [group('9a000000-0000-4000-8000-0000000000g1', [MI.id], 'data-readers')], assignments: [assignment('9a000000-0000-4000-8000-0000000000g1', ROLE.reader, KV, { principalType: 'Group' })] }, {}, ['u → Reader @ kv (annotation)']],
    ['a federated credential for the account (issuer without the trailing slash)', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], {}, { federatedCredentials: [credential({ issuer: ISSUER.slice(0, -1) })] }, ['u → Reader @ kv (federated-credential)']],
    ['credentials known for the identity, none for this account', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], {}, { federatedCredentials: [credential({ subject: 'system:serviceaccount:payments:other' })] }, []],
    ["a credential for another cluster's issuer", [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], {}, { federatedCredentials: [credential({ issuer: 'https://elsewhere.example/' })] }, []],
    ['credentials of other identities only: this one is unknown, claimed by the annotation', [account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], {}, { federatedCredentials: [credential({ clientId: 'aaaaaaaa-0000-4000-8000-000000000000' })] }, ['u → Reader @ kv (annotation)']],
  ])('%s', (_label, accounts, extra, input, expected) => {
    expect(summary(run(accounts, extra, input).findings)).toEqual(expected);
  });
  it('an unknown client id is a warning', () => {
    expect(run([account({ [WORKLOAD_IDENTITY_CLIENT_ID]: 'ffffffff-0000-4000-8000-000000000000' })]).warnings.join('\n')).toMatch(/payments\/api .* matches no service principal/);
  });
  it('several roles of the identity: one finding per subject and account, every role in permission, scope and the last step', () => {
    const owner = assignment(MI.id, ROLE.owner, rg('rg-data'), { principalType: 'ServicePrincipal' });
    const reader = assignment(MI.id, ROLE.reader, KV, { principalType: 'ServicePrincipal' });
    const fs = run([account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], { assignments: [reader, owner] }).findings;
    expect(fs.map((f) => [f.subject.name, f.permission, f.scope, f.severity])).toEqual([['u', 'Owner, Reader', `${rg('rg-data')} ${KV}`, 'critical']]);
    expect(fs[0]?.steps[3]?.evidence.map((e) => e.ref).sort()).toEqual([owner.id, reader.id].sort());
  });
  it('Owner through a workload identity is critical', () => {
    const fs = run([account({ [WORKLOAD_IDENTITY_CLIENT_ID]: CLIENT })], { assignments: [assignment(MI.id, ROLE.owner, rg('rg-data'), { principalType: 'ServicePrincipal' })] }).findings;
    expect(fs.map((f) => [f.permission, f.severity])).toEqual([['Owner', 'critical']]);
  });
});

describe('contoso', () => {
  let findings: EscalationFinding[];
  beforeAll(async () => {
    const { scenario, modelInput, identityInput } = await loadContoso();
    const inventories = new Map(scenario.clusters.map((c, i) => [clusterKey(modelInput.clusters[i]?.id ?? ''), c.kubernetes]));
    findings = escalationFindings(identityInput.model, { inventories }).findings;
  });
  const chains = (cluster: string) => findings.filter((f) => f.clusterName === cluster).map((f) => `${f.technique} ${f.subject.displayName ?? f.subject.name} → ${f.target === 'azure-role' ? f.permission : f.target}`);

  it('the clean cluster has no escalation path', () => {
    expect(chains('aks-payments-prod')).toEqual([]);
  });
  it('aks-ops-weu: Contributor on nonprod lists the admin credential (local accounts on)', () => {
    expect(chains('aks-ops-weu').filter((c) => c.startsWith('admin-credential')).sort()).toEqual(['admin-credential platform-team → cluster-admin', 'admin-credential terraform-platform → cluster-admin']);
  });
  it('aks-prod-weu: whoever deploys to payments reaches the payments Key Vault through workload identity (the CI account by patching deployments)', () => {
    const prod = chains('aks-prod-weu');
    expect(prod).toContain('workload-identity payments-devs → Contoso Payments Secrets Reader');
    expect(prod).toContain('workload-identity ci → Contoso Payments Secrets Reader');
    expect(prod).toContain('workload-identity id-ci-deployer → Contoso Payments Secrets Reader');
    // An identity does not escalate to its own roles.
    expect(prod).not.toContain('workload-identity id-ci-deployer → Azure Kubernetes Service RBAC Writer');
  });
  it('aks-dev-weu: the planted chains, and not the near misses (bob binds without creating bindings, mallory impersonates a user who holds nothing)', () => {
    expect(chains('aks-dev-weu')).toEqual([
      'impersonate Heidi Novak → cluster-admin',
      'bind-escalate Ivan Petrov → cluster-admin',
      'service-account-pivot payments-devs → cluster-admin',
    ]);
  });
  it('aks-ops-weu: the frontend team deploys dashboards as grafana, whose workload identity reads the management group', () => {
    const [f] = findings.filter((x) => x.clusterName === 'aks-ops-weu' && x.technique === 'workload-identity');
    expect(f).toMatchObject({ subject: { displayName: 'frontend-team' }, target: 'azure-role', permission: 'Reader', scope: '/providers/Microsoft.Management/managementGroups/contoso-platform', claimedBy: 'annotation', severity: 'high' });
    expect(f?.steps.map((s) => [s.plane, s.evidence.map((e) => e.type)])).toEqual([
      ['kubernetes', ['kubernetes-binding']],
      ['workload-identity', ['service-account', 'federated-credential']],
      ['entra', ['service-principal']],
      ['azure', ['azure-role-assignment']],
    ]);
    expect(f?.steps[0]?.evidence[0]?.ref).toBe('RoleBinding monitoring/frontend-dashboards');
    expect(f?.steps[1]?.evidence[0]?.ref).toBe('ServiceAccount monitoring/grafana');
    expect(f?.steps[3]?.evidence[0]?.ref).toMatch(/^\/providers\/Microsoft\.Management\/managementGroups\/contoso-platform\/providers\/Microsoft\.Authorization\/roleAssignments\//);
  });
  it('no built-in subject starts a chain', () => {
    expect(findings.filter((f) => f.subject.name.startsWith('system:') || f.subject.namespace === 'kube-system')).toEqual([]);
  });
});
