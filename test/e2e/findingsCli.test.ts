/**
 * `aks-access findings` as a process: contoso exported the way an operator exports a real tenant (az JSON
 * and kubectl Lists, src/sim/scenario/exportScenarioFiles.ts) yields exactly its planted cluster-identity
 * gaps and the same risky access as the engine; the bundled examples; errors exit 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { exportScenarioFiles } from '../../src/sim/scenario/exportScenarioFiles.ts';
import { CONTOSO_PATH, scenarioInputs } from '../../src/sim/scenario/findingsInputs.ts';
import { riskyAccessFindings } from '../../src/engine/findings/riskyAccess.ts';
import { escalationFindings } from '../../src/engine/findings/escalationPaths.ts';
import { clusterKey } from '../../src/engine/access/accessModel.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(NODE, ['bin/aks-access.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(new Error(`aks-access ${args.join(' ')}: ${error.message}`));
    });
  });
}

interface FindingJson {
  kind: string;
  clusterName: string;
  clusterId: string;
  identity?: string;
  principalId?: string;
  permission?: string;
  scope?: string;
  condition?: string;
  reason?: string;
  rule?: string;
  subject?: { name: string };
  remediation?: { azCli: string; bicep: string; role: string };
}

let contosoArgs: string[];
let expectedRisky: number;
let expectedEscalation: number;

beforeAll(async () => {
  const s = await loadScenario(CONTOSO_PATH);
  const out = await exportScenarioFiles(s, await mkdtemp(join(tmpdir(), 'aks-access-findings-')));
  contosoArgs = ['--azure-files', out.azure, '--from-files', ...out.clusters.map((c) => `${c.name}=${c.dir}`)];
  const inputs = scenarioInputs(s);
  expectedRisky = riskyAccessFindings(inputs.identityInput.model).findings.length;
  const inventories = new Map(s.clusters.map((c, i) => [clusterKey(inputs.modelInput.clusters[i]?.id ?? ''), c.kubernetes]));
  expectedEscalation = escalationFindings(inputs.identityInput.model, { inventories }).findings.length;
});

describe('aks-access findings on exported contoso', () => {
  it('cluster-identity: exactly the planted gaps, with scope, condition, reason and remediation; nothing on aks-payments-prod', async () => {
    const run = await cli('findings', '--kind', 'cluster-identity', ...contosoArgs, '-o', 'json');
    expect(run.code).toBe(0);
    const { findings } = JSON.parse(run.stdout) as { findings: FindingJson[] };
    expect(findings.map((f) => [f.clusterName, f.identity, f.permission, f.scope?.split('/').slice(-1)[0], f.condition])).toEqual([
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/virtualNetworks/subnets/read', 'snet-aks-prod', 'custom-vnet-subnet-in-another-rg'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/virtualNetworks/subnets/join/action', 'snet-aks-prod', 'custom-vnet-subnet-in-another-rg'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/routeTables/routes/read', 'rt-prod-egress', 'route-table-in-another-rg'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/routeTables/routes/write', 'rt-prod-egress', 'route-table-in-another-rg'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/networkSecurityGroups/write', 'nsg-aks-prod', 'nsg-in-another-rg'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/networkSecurityGroups/read', 'nsg-aks-prod', 'nsg-in-another-rg'],
      ['aks-dev-weu', 'kubelet', 'Microsoft.ContainerRegistry/registries/pull/read', 'contosoacr', 'acr-attach'],
    ]);
    const acr = findings[6];
    expect(acr?.remediation?.azCli).toBe(`az role assignment create --assignee-object-id ${acr?.principalId ?? ''} --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${acr?.scope ?? ''}`);
    expect(acr?.reason).toMatch(/^Required to pull container images from Azure Container Registry\./);
  });

  it('risky: the same findings as the engine over the scenario, the admin credential only on aks-ops-weu', async () => {
    const run = await cli('findings', '--kind', 'risky', ...contosoArgs, '-o', 'json');
    expect(run.code).toBe(0);
    const { findings } = JSON.parse(run.stdout) as { findings: FindingJson[] };
    expect(findings.length).toBe(expectedRisky);
    expect(new Set(findings.filter((f) => f.rule === 'admin-credential-local-accounts').map((f) => f.clusterName))).toEqual(new Set(['aks-ops-weu']));
    expect(findings.every((f) => f.kind === 'risky-access')).toBe(true);
  });

  it('escalation: the same chains as the engine over the scenario, one of each kind, each step with evidence; nothing on aks-payments-prod', async () => {
    const run = await cli('findings', '--kind', 'escalation', ...contosoArgs, '-o', 'json');
    expect(run.code).toBe(0);
    type Step = { plane: string; evidence: { type: string; ref: string }[] };
    const { findings } = JSON.parse(run.stdout) as { findings: (FindingJson & { technique: string; target: string; claimedBy?: string; steps: Step[] })[] };
    expect(findings.length).toBe(expectedEscalation);
    expect(findings.every((f) => f.kind === 'escalation-path' && f.steps.length >= 2 && f.steps.every((s) => s.evidence.length > 0))).toBe(true);
    expect(new Set(findings.map((f) => f.technique))).toEqual(new Set(['admin-credential', 'impersonate', 'bind-escalate', 'service-account-pivot', 'workload-identity']));
    expect(findings.filter((f) => f.clusterName === 'aks-payments-prod')).toEqual([]);
    const pivot = findings.find((f) => f.clusterName === 'aks-ops-weu' && f.technique === 'workload-identity');
    expect(pivot).toMatchObject({ target: 'azure-role', permission: 'Reader', scope: '/providers/Microsoft.Management/managementGroups/contoso-platform', claimedBy: 'annotation' });
    expect(pivot?.steps.map((s) => s.plane)).toEqual(['kubernetes', 'workload-identity', 'entra', 'azure']);
    expect(run.stderr).toMatch(/frontend\/legacy-uploader on aks-dev-weu names workload identity client id 0d5e1e7e-0000-4000-8000-00000000dead, which matches no service principal/);
  });

  it('escalation with az identity list + federated credentials exported: the workload-identity chains rest on the credential', async () => {
    const out = await exportScenarioFiles(await loadScenario(CONTOSO_PATH), await mkdtemp(join(tmpdir(), 'aks-access-fic-')), { federatedCredentials: true });
    const run = await cli('findings', '--kind', 'escalation', '--azure-files', out.azure, '--from-files', ...out.clusters.map((c) => `${c.name}=${c.dir}`), '-o', 'json');
    expect(run.code).toBe(0);
    type Evidence = { type: string; ref: string; text: string };
    const { findings } = JSON.parse(run.stdout) as { findings: (FindingJson & { technique: string; claimedBy?: string; steps: { evidence: Evidence[] }[] })[] };
    const pivots = findings.filter((f) => f.technique === 'workload-identity');
    expect(pivots.length).toBeGreaterThan(0);
    expect(pivots.every((f) => f.claimedBy === 'federated-credential')).toBe(true);
    const grafana = pivots.find((f) => f.clusterName === 'aks-ops-weu');
    expect(grafana?.steps[1]?.evidence[1]).toMatchObject({ type: 'federated-credential', ref: expect.stringMatching(/\/userAssignedIdentities\/id-grafana\/federatedIdentityCredentials\/aks-ops-weu-monitoring-grafana$/) as unknown });
    expect(grafana?.steps[1]?.evidence[1]?.text).toContain('subject system:serviceaccount:monitoring:grafana');
  });

  it('--include-baseline adds the AKS-managed and bootstrap subjects, marked as baseline', async () => {
    const run = await cli('findings', '--kind', 'risky', ...contosoArgs, '--cluster', 'aks-payments-prod', '--include-baseline', '-o', 'json');
    expect(run.code).toBe(0);
    const { findings } = JSON.parse(run.stdout) as { findings: (FindingJson & { baseline?: boolean; subject: { name: string; namespace?: string } })[] };
    const baseline = findings.filter((f) => f.baseline === true);
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.some((f) => f.subject.namespace === 'kube-system' || f.subject.name.startsWith('system:'))).toBe(true);
    expect(findings.filter((f) => f.baseline !== true).every((f) => f.clusterName === 'aks-payments-prod')).toBe(true);
  });

  it('--cluster narrows; the table names cluster, finding and identity', async () => {
    const run = await cli('findings', ...contosoArgs, '--cluster', 'aks-dev-weu', '--kind', 'cluster-identity');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^SEVERITY\s+CLUSTER\s+FINDING\s+IDENTITY\s+WHAT$/);
    expect(run.stdout).toMatch(/aks-dev-weu\s+missing-cluster-identity-permission\s+kubelet/);
    expect(run.stdout).not.toContain('aks-prod-weu');
  });
});

describe('aks-access findings on the bundled examples', () => {
  it('runs on examples/azure + examples/k8s: risky access found, no identity gap claimed without network input', async () => {
    const run = await cli('findings', '--azure-files', 'examples/azure', '--from-files', 'aks-prod-weu=examples/k8s/aks-contoso', '-o', 'json');
    expect(run.code).toBe(0);
    const { findings } = JSON.parse(run.stdout) as { findings: FindingJson[] };
    // Escalation paths are found too (erin's Contributor with local accounts on); identity gaps need network input.
    expect(findings.filter((f) => f.kind !== 'risky-access' && f.kind !== 'escalation-path')).toEqual([]);
    expect(findings.some((f) => f.rule === 'secrets-read' && f.subject?.name === 'bob@contoso.com')).toBe(true);
  });

  it('errors exit 2', async () => {
    expect((await cli('findings', '--kind', 'bogus', '--azure-files', 'examples/azure')).code).toBe(2);
    expect((await cli('findings')).code).toBe(2);
    expect((await cli('findings', '--azure-files', 'examples/azure', '-o', 'yaml')).code).toBe(2);
  });
});
