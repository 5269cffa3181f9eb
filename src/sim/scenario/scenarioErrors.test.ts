import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from './scenarioFile.ts';
import { ScenarioError } from './ScenarioError.ts';

/** A small valid tenant; each test breaks one thing in it. */
const BASE = `tenant: {name: fabrikam}
managementGroups:
  - {name: fabrikam, displayName: Fabrikam}
subscriptions:
  - {name: prod, managementGroup: fabrikam, resourceGroups: [rg-aks, rg-net]}
  - {name: dev, managementGroup: fabrikam, resourceGroups: [rg-aks]}
users:
  - alice@fabrikam.com
groups:
  - {name: ops, members: [alice@fabrikam.com]}
managedIdentities:
  - {name: id-control, resourceGroup: prod/rg-aks}
virtualNetworks:
  - name: vnet
    resourceGroup: prod/rg-net
    subnets: [{name: snet, addressPrefix: 10.0.0.0/24}]
customRoles:
  - {name: Prod Reader, assignableScopes: [sub:prod], actions: [Microsoft.ContainerService/managedClusters/read]}
clusters:
  - name: aks-prod
    resourceGroup: prod/rg-aks
    entra: {azureRbac: true, adminGroups: [ops]}
    kubernetes:
      namespaces: [payments]
roleAssignments:
  - {principal: ops, role: Reader, scope: cluster:aks-prod}
`;

async function errorOf(text: string, source = 'bad.yaml'): Promise<ScenarioError> {
  try {
    await parseScenario(text, source, { baseDir: tmpdir() });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected parseScenario to fail');
}

const message = async (text: string) => (await errorOf(text)).message;

describe('scenario files: the base document is valid', () => {
  it('parses', async () => {
    const scenario = await parseScenario(BASE, 'base.yaml', { baseDir: tmpdir() });
    expect(scenario.clusters).toHaveLength(1);
    expect(scenario.azure.roleAssignments).toHaveLength(1);
  });
});

describe('scenario files: errors name the file, line, path and problem', () => {
  it('an unknown admin group, with line and column', async () => {
    const error = await errorOf(BASE.replace('adminGroups: [ops]', 'adminGroups: [ops, platform]'));
    expect(error.message).toBe("bad.yaml:22:49: clusters[0].entra.adminGroups[1]: unknown group 'platform'");
    expect(error).toMatchObject({ source: 'bad.yaml', path: 'clusters[0].entra.adminGroups[1]', line: 22, column: 49 });
  });

  it('an admin group that is a user', async () => {
    expect(await message(BASE.replace('adminGroups: [ops]', 'adminGroups: [alice@fabrikam.com]'))).toBe(
      "bad.yaml:22:44: clusters[0].entra.adminGroups[0]: 'alice@fabrikam.com' is a user (users[0]); expected group",
    );
  });

  it('an unknown field, with a suggestion', async () => {
    expect(await message(BASE.replace('adminGroups: [ops]', 'adminGroup: [ops]'))).toMatch(/^bad\.yaml:22:\d+: clusters\[0\]\.entra\.adminGroup: unknown field 'adminGroup' \(did you mean 'adminGroups'\?\); expected one of azureRbac, adminGroups$/);
    expect(await message(`${BASE}clustrs: []\n`)).toMatch(/^bad\.yaml:\d+:1: clustrs: unknown field 'clustrs' \(did you mean 'clusters'\?\)/);
  });

  it('unknown principals, roles and scopes, with suggestions', async () => {
    expect(await message(BASE.replace('principal: ops,', 'principal: opps,'))).toMatch(/roleAssignments\[0\]\.principal: unknown principal 'opps' \(did you mean 'ops'\?\)$/);
    expect(await message(BASE.replace('role: Reader,', 'role: Readr,'))).toMatch(/roleAssignments\[0\]\.role: unknown role 'Readr' \(did you mean 'Reader'\?\)$/);
    expect(await message(BASE.replace('scope: cluster:aks-prod}', 'scope: cluster:aks-prd}'))).toMatch(/roleAssignments\[0\]\.scope: unknown cluster 'aks-prd' \(did you mean 'aks-prod'\?\)$/);
    expect(await message(BASE.replace('scope: cluster:aks-prod}', 'scope: rg:prod/rg-ask}'))).toMatch(/roleAssignments\[0\]\.scope: unknown resource group 'rg-ask' in subscription 'prod' \(did you mean 'rg-aks'\?\)$/);
    expect(await message(BASE.replace('scope: cluster:aks-prod}', 'scope: subscription:prod}'))).toMatch(/roleAssignments\[0\]\.scope: unknown scope kind 'subscription:'.*; use mg:NAME, sub:NAME/);
    expect(await message(BASE.replace('scope: cluster:aks-prod}', 'scope: /subscription/x}'))).toMatch(/roleAssignments\[0\]\.scope: '\/subscription\/x' is not an ARM scope/);
    expect(await message(BASE.replace('scope: cluster:aks-prod}', 'scope: cluster:aks-prod/namespaces/Payments}'))).toMatch(/'Payments' is not a Kubernetes namespace name$/);
  });

  it('a custom role outside its assignable scopes', async () => {
    expect(await message(BASE.replace('role: Reader, scope: cluster:aks-prod', 'role: Prod Reader, scope: sub:dev'))).toMatch(
      /roleAssignments\[0\]\.scope: role 'Prod Reader' cannot be assigned at \/subscriptions\/[0-9a-f-]+ \(its assignableScopes: \/subscriptions\/[0-9a-f-]+\)$/,
    );
  });

  it('duplicates: a principal name, a role assignment', async () => {
    expect(await message(BASE.replace("  - {name: ops, members: [alice@fabrikam.com]}", "  - {name: ops, members: [alice@fabrikam.com]}\n  - {name: ops}"))).toMatch(
      /groups\[1\]\.name: the name 'ops' is already taken by groups\[0\]; principal names must be unique$/,
    );
    expect(await message(`${BASE}  - {principal: ops, role: Reader, scope: cluster:aks-prod}\n`)).toMatch(/roleAssignments\[1\]: the same active assignment \(principal, role, scope\) as roleAssignments\[0\]; ARM rejects duplicates$/);
  });

  it('AKS rules: a custom private DNS zone needs a user-assigned identity; local accounts off needs Entra', async () => {
    expect(await message(BASE.replace('    entra: {azureRbac: true, adminGroups: [ops]}', '    privateCluster: {privateDnsZone: prod/rg-net/privatelink.westeurope.azmk8s.io}'))).toMatch(
      /clusters\[0\]\.privateCluster\.privateDnsZone: a custom private DNS zone needs a user-assigned control-plane identity/,
    );
    const withIdentity = BASE.replace('    entra: {azureRbac: true, adminGroups: [ops]}', '    privateCluster: {privateDnsZone: prod/rg-net/privatelink.westeurope.azmk8s.io}\n    identity: {userAssigned: id-control}');
    await expect(parseScenario(withIdentity, 'ok.yaml', { baseDir: tmpdir() })).resolves.toBeDefined();
    expect(await message(BASE.replace('    entra: {azureRbac: true, adminGroups: [ops]}', '    localAccounts: false'))).toMatch(/clusters\[0\]\.localAccounts: local accounts can only be disabled on a cluster with Entra integration/);
  });

  it('type errors: a number for a string (with the text as written), a word for a number', async () => {
    expect(await message(BASE.replace('    entra:', '    kubernetesVersion: 1.30\n    entra:'))).toMatch(/clusters\[0\]\.kubernetesVersion: expected a string, got number 1\.3 \(quote it: "1\.30"\)$/);
    expect(await message(BASE.replace('    entra:', '    nodeCount: three\n    entra:'))).toMatch(/clusters\[0\]\.nodeCount: expected a whole number >= 1, got string "three"$/);
    expect(await message(BASE.replace('tenant: {name: fabrikam}', 'tenant: fabrikam'))).toMatch(/^bad\.yaml:1:9: tenant: expected a tenant mapping \{name, id, location\}, got string "fabrikam"$/);
  });

  it('Kubernetes content: unknown namespace, missing service account, clash with a built-in object', async () => {
    const k8s = (extra: string) => BASE.replace('      namespaces: [payments]', `      namespaces: [payments]\n${extra}`);
    expect(await message(k8s('      serviceAccounts: [{namespace: paymnts, name: api}]'))).toMatch(/clusters\[0\]\.kubernetes\.serviceAccounts\[0\]\.namespace: unknown namespace 'paymnts' in this cluster/);
    expect(await message(k8s('      pods: [{namespace: payments, name: api-1, serviceAccount: api, images: [nginx]}]'))).toMatch(
      /clusters\[0\]\.kubernetes\.pods\[0\]\.serviceAccount: service account 'api' does not exist in namespace 'payments'/,
    );
    expect(await message(k8s('      bindings: [{name: aks-cluster-admin-binding, role: ClusterRole/view, subjects: [ops]}]'))).toMatch(
      /ClusterRoleBinding aks-cluster-admin-binding is defined twice: src\/sim\/scenario\/data\/aks-managed-rbac\.yaml items\[0\] and clusters\[0\]\.kubernetes\.bindings\[0\] \(a built-in object; set kubernetes\.builtIn: false/,
    );
    expect(await message(k8s('      bindings: [{name: x, role: Role/deployer, subjects: [ops]}]'))).toMatch(/role: a ClusterRoleBinding \(no namespace\) can only refer to a ClusterRole$/);
    expect(await message(k8s('      bindings: [{name: x, namespace: payments, role: ClusterRole/view, subjects: [bob]}]'))).toMatch(/subjects\[0\]: unknown principal 'bob'$/);
    expect(await message(k8s('      roles: [{name: r, namespace: payments, rules: [{verb: [get]}]}]'))).toMatch(/roles\[0\]\.rules\[0\]\.verb: unknown field 'verb' \(did you mean 'verbs'\?\)/);
    expect(await message(k8s('      serviceAccounts: [{namespace: payments, name: api, workloadIdentity: ops}]'))).toMatch(/workloadIdentity: 'ops' is a group \(groups\[0\]\); expected service principal$/);
  });

  it('manifests: a missing file, a malformed inline object', async () => {
    const k8s = (extra: string) => BASE.replace('      namespaces: [payments]', `      namespaces: [payments]\n${extra}`);
    expect(await message(k8s('      manifests: [no-such-dir/rbac.yaml]'))).toMatch(/clusters\[0\]\.kubernetes\.manifests\[0\]: .*no-such-dir\/rbac\.yaml: cannot read \(no such file or directory\)$/);
    expect(await message(k8s('      manifests:\n        - {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r, namespace: payments}, rules: [{verbs: get}]}'))).toMatch(
      /clusters\[0\]\.kubernetes\.manifests\[0\]: bad\.yaml clusters\[0\]\.kubernetes\.manifests\[0\]: Role "r" rules\[0\]\.verbs must be a list of strings, got "get"$/,
    );
    expect(await message(k8s('      manifests:\n        - {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r, namespace: other}, rules: []}'))).toMatch(
      /Role "r" is in namespace 'other', which this cluster does not have$/,
    );
  });

  it('invalid YAML, with its position', async () => {
    expect(await message('tenant: {name: x\nclusters: [')).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('loadScenario: a missing file; relative manifest paths resolve against the scenario file', async () => {
    await expect(loadScenario('/nonexistent/scenario.yaml')).rejects.toThrow('/nonexistent/scenario.yaml: cannot read (no such file)');
    const dir = await mkdtemp(join(tmpdir(), 'scenario-'));
    await writeFile(join(dir, 'extra.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: payments}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: jobs}\n');
    await writeFile(
      join(dir, 'tenant.yaml'),
      BASE.replace('      namespaces: [payments]', '      namespaces: [payments]\n      manifests: [extra.yaml]\n      serviceAccounts: [{namespace: jobs, name: runner}]\n      bindings: [{name: b, namespace: jobs, role: ClusterRole/view, subjects: ["sa:runner", "group:system:authenticated"]}]'),
    );
    const scenario = await loadScenario(join(dir, 'tenant.yaml'));
    const k8s = scenario.clusters[0]?.kubernetes;
    expect(k8s?.serviceAccounts).toContainEqual({ namespace: 'payments', name: 'api', annotations: {} });
    expect(k8s?.serviceAccounts).toContainEqual({ namespace: 'jobs', name: 'runner', annotations: {} });
    expect(k8s?.namespaces).toContainEqual({ name: 'jobs', labels: { 'kubernetes.io/metadata.name': 'jobs' } });
    expect(k8s?.bindings.find((b) => b.name === 'b')?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'runner', namespace: 'jobs', apiGroup: '' },
      { kind: 'Group', name: 'system:authenticated', namespace: '', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
  });
});
