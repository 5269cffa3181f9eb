/**
 * The cross-plane CLI as a process, over the bundled Contoso tenant (examples/azure, az CLI and ARM shapes)
 * and the Kubernetes manifests of aks-prod-weu (examples/k8s). Each spawn costs ~0.3-0.5 s, so every test
 * asks one question and checks everything about its answer; the spawns run concurrently.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Node 22 from devDependencies: the system node may be older and unable to strip types. */
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const AZURE = ['--azure-files', 'examples/azure'];
const PROD = [...AZURE, '--cluster', 'aks-prod-weu', '--from-files', 'examples/k8s'];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(NODE, ['bin/aks-access.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(new Error(`aks-access ${args.join(' ')}: ${error.message}`));
    });
  });
}

interface PathJson {
  plane: 'kubernetes' | 'azure';
  kind: string;
  cluster: string;
  roleName?: string;
  scope?: string;
  dataAction?: string;
  action?: string;
  condition?: string;
  becomes?: string;
  binding?: { kind: string; name: string; namespace?: string };
  viaGroup?: { groupId: string; chain: string[] };
}
interface SubjectJson {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  namespaces?: string[];
  objectId?: string;
  principalType?: string;
  displayName?: string;
  conditional?: boolean;
  via: PathJson[];
}
interface WhoCanJson {
  subjects: SubjectJson[];
  eligible: SubjectJson[];
  escalations: SubjectJson[];
  denied: (Omit<SubjectJson, 'via'> & { reason: string })[];
  notes: string[];
  warnings: string[];
}
interface CanIJson {
  allowed: boolean | 'conditional';
  reason: string;
  cluster: string;
  principal: { kubernetesName: string; groups: string[]; objectId?: string; principalType?: string; displayName?: string };
  via: PathJson[];
  eligible: PathJson[];
  escalations: PathJson[];
  azureDenials: string[];
  notes: string[];
  warnings: string[];
}

const IDS = {
  alice: 'a11ce000-0000-4000-8000-000000000001',
  carol: 'ca201000-0000-4000-8000-000000000003',
  admins: '4f9c2a1e-7b3d-4c55-9e0a-1d2b3c4d5e6f',
  payments: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  eng: 'e9000000-0000-4000-8000-0000000000e1',
  ciDeployer: '5b000000-0000-4000-8000-0000000005b1',
};
const find = (subjects: SubjectJson[], name: string) => subjects.find((s) => s.name === name);

describe.concurrent('cross-plane CLI over examples/azure + examples/k8s', () => {
  it('who-can get secrets -n payments -o json: subjects of both planes, escalations, eligibility, deny', async () => {
    const run = await cli('who-can', 'get', 'secrets', '-n', 'payments', ...PROD, '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as WhoCanJson;
    for (const s of answer.subjects) {
      expect(['User', 'Group', 'ServiceAccount']).toContain(s.kind);
      expect(s.name).not.toBe('');
      expect(s.via.length).toBeGreaterThan(0);
      for (const p of s.via) {
        expect(['kubernetes', 'azure']).toContain(p.plane);
        expect(p.cluster).toBe('aks-prod-weu');
      }
      if (s.objectId !== undefined) expect(['User', 'Group', 'ServiceAccount', 'ManagedIdentity']).toContain(s.principalType);
    }
    // Azure RBAC Writer on the resource group (az CLI `resourceGroups` casing vs the cluster's `resourcegroups`)
    expect(find(answer.subjects, 'bob@contoso.com')).toMatchObject({
      kind: 'User',
      objectId: 'b0b00000-0000-4000-8000-000000000002',
      principalType: 'User',
      displayName: 'Bob Jones',
      via: [{ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read' }],
    });
    // RBAC Cluster Admin at a management group above the subscription
    expect(find(answer.subjects, 'dave@contoso.com')?.via).toEqual([expect.objectContaining({ plane: 'azure', roleName: 'Azure Kubernetes Service RBAC Cluster Admin', scope: '/providers/Microsoft.Management/managementGroups/contoso-platform' })]);
    // a managed identity with a namespace-scoped assignment: a User named by object id
    expect(find(answer.subjects, IDS.ciDeployer)).toMatchObject({ kind: 'User', principalType: 'ManagedIdentity', displayName: 'id-ci-deployer' });
    // Contributor + local accounts → admin kubeconfig
    expect(find(answer.subjects, 'erin@contoso.com')?.via).toEqual([expect.objectContaining({ plane: 'azure', kind: 'adminCredential', roleName: 'Contributor' })]);
    // conditional assignment
    expect(find(answer.subjects, 'grace@contoso.com')).toMatchObject({ conditional: true, via: [{ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Admin' }] });
    expect(find(answer.subjects, 'grace@contoso.com')?.via[0]?.condition).toMatch(/ActionMatches/);
    // Entra groups by object id: admin group (both the AKS binding and aadProfile), a team's RoleBinding
    expect(find(answer.subjects, IDS.admins)).toMatchObject({ kind: 'Group', displayName: 'aks-prod-admins' });
    expect(find(answer.subjects, IDS.admins)?.via.map((p) => `${p.plane}:${p.kind}`).sort()).toEqual(['azure:adminGroup', 'kubernetes:rbac']);
    expect(find(answer.subjects, IDS.payments)?.via).toEqual([expect.objectContaining({ plane: 'kubernetes', kind: 'rbac', binding: { kind: 'RoleBinding', name: 'payments-devs-edit', namespace: 'payments' } })]);
    // Kubernetes-only subjects keep their plain names
    expect(find(answer.subjects, 'csi-azurefile-node-sa')).toMatchObject({ kind: 'ServiceAccount', namespace: 'kube-system' });
    expect(find(answer.subjects, 'clusterAdmin')?.objectId).toBeUndefined();
    // without --expand-groups members are not listed
    expect(find(answer.subjects, 'alice@contoso.com')).toBeUndefined();
    expect(answer.eligible.map((e) => [e.name, e.via[0]?.roleName])).toEqual([['frank@contoso.com', 'Azure Kubernetes Service RBAC Cluster Admin']]);
    expect(answer.escalations.map((e) => [e.name, e.via[0]?.action])).toEqual([
      ['erin@contoso.com', 'Microsoft.ContainerService/managedClusters/write'],
      ['erin@contoso.com', 'Microsoft.ContainerService/managedClusters/runCommand/action'],
    ]);
    expect(answer.denied.map((d) => [d.displayName, d.reason])).toEqual([['contractors', expect.stringMatching(/^deny assignment "contractors may not read secrets"/) as unknown]]);
    expect(answer.notes[0]).toMatch(/system:masters/);
  });

  it('who-can --expand-groups: members with their chains (nested and cyclic groups)', async () => {
    const run = await cli('who-can', 'get', 'secrets', '-n', 'payments', ...PROD, '--expand-groups', '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as WhoCanJson;
    expect(find(answer.subjects, 'alice@contoso.com')?.via).toEqual([expect.objectContaining({ plane: 'kubernetes', viaGroup: { groupId: IDS.payments, chain: [IDS.payments] } })]);
    // dave is in eng, which is in payments-devs (which is in eng again: a cycle)
    expect(find(answer.subjects, 'dave@contoso.com')?.via.find((p) => p.plane === 'kubernetes')?.viaGroup).toEqual({ groupId: IDS.payments, chain: [IDS.eng, IDS.payments] });
    const carol = find(answer.subjects, 'carol@contoso.com');
    expect(carol?.via.map((p) => `${p.plane}:${p.kind}`).sort()).toEqual(['azure:adminGroup', 'kubernetes:rbac']);
    expect(carol?.via.every((p) => p.viaGroup?.groupId === IDS.admins)).toBe(true);
  });

  it('who-can -A -o json: namespaces per subject', async () => {
    const run = await cli('who-can', 'get', 'secrets', '-A', ...PROD, '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as WhoCanJson;
    expect(find(answer.subjects, 'bob@contoso.com')?.namespaces).toEqual(['*']);
    expect(find(answer.subjects, 'ivan@contoso.com')?.namespaces).toEqual(['frontend']);
    expect(find(answer.subjects, IDS.ciDeployer)?.namespaces).toEqual(['payments']);
  });

  it('can-i as bob: "allowed": true through Azure, exit 0', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', 'bob@contoso.com', ...PROD, '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer).toMatchObject({
      allowed: true,
      cluster: 'aks-prod-weu',
      principal: { kubernetesName: 'bob@contoso.com', objectId: 'b0b00000-0000-4000-8000-000000000002', principalType: 'User', displayName: 'Bob Jones' },
      via: [{ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer' }],
    });
    expect(answer.reason).toMatch(/^allowed: \[azure\]/);
  });

  it('can-i as grace (object id): "allowed": "conditional" with the condition, exit 1', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', '92ace000-0000-4000-8000-000000000007', ...PROD, '-o', 'json');
    expect(run.code).toBe(1);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer.allowed).toBe('conditional');
    expect(answer.via[0]?.condition).toMatch(/ActionMatches/);
    expect(answer.reason).toMatch(/^conditional: .* only if: /);
  });

  it('can-i as ivan: "no" (notDataActions), exit 1; text output says why', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', 'ivan@contoso.com', ...PROD);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^no\n/);
    expect(run.stdout).toMatch(/excludes Microsoft.ContainerService\/managedClusters\/secrets\/read through its notDataActions/);
  });

  it('can-i with an unknown --as-principal: exit 2, says what to add', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', 'nobody@contoso.com', ...PROD);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--as-principal nobody@contoso.com: no user, service principal or managed identity/);
  });

  it('an unknown --cluster: exit 2, lists the clusters', async () => {
    const run = await cli('who-can', 'get', 'secrets', '-n', 'payments', ...AZURE, '--cluster', 'aks-nope', '--from-files', 'examples/k8s');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown cluster "aks-nope".*aks-prod-weu, aks-dev-weu/);
  });

  it('manifests without a cluster when several clusters exist: exit 2, asks which', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', 'bob@contoso.com', ...AZURE, '--from-files', 'examples/k8s');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/which cluster does examples\/k8s belong to\? Use --cluster NAME, or --from-files CLUSTER=examples\/k8s/);
  });

  it('--from-files CLUSTER=PATH on the cluster without Entra: listClusterUserCredential (in RBAC Cluster Admin) makes cluster-admin, data actions nothing', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', 'dave@contoso.com', ...AZURE, '--from-files', 'aks-dev-weu=examples/k8s/aks-contoso', '--cluster', 'aks-dev-weu', '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer).toMatchObject({ allowed: true, cluster: 'aks-dev-weu' });
    expect(answer.via.map((p) => [p.plane, p.kind, p.action, p.roleName])).toEqual([
      ['azure', 'adminCredential', 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', 'Azure Kubernetes Service RBAC Cluster Admin'],
    ]);
  });

  it('can-i as a service principal by object id, Azure input only: principalType as in who-can, exit 0', async () => {
    const run = await cli('can-i', 'get', 'secrets', '-n', 'payments', '--as-principal', '5b000000-0000-4000-8000-0000000005b2', ...AZURE, '--cluster', 'aks-dev-weu', '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer.principal).toMatchObject({ kubernetesName: '5b000000-0000-4000-8000-0000000005b2', principalType: 'ServicePrincipal', displayName: 'github-actions' });
    expect(answer.via.map((p) => p.roleName)).toEqual(['Azure Kubernetes Service Cluster User Role']);
    expect(answer.warnings).toContainEqual(expect.stringMatching(/no Kubernetes RBAC objects loaded for cluster aks-dev-weu/));
  });
});
