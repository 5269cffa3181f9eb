import { beforeAll, describe, expect, it } from 'vitest';
import { buildAccessModel, clusterKey, type AccessModelInput } from '../access/accessModel.ts';
import { sliceForCluster } from '../access/sliceForCluster.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';
import type { TenantScenario } from '../../sim/scenario/TenantScenario.ts';
import { clusterIdentityFindings, type ClusterIdentityInput } from './clusterIdentityFindings.ts';
import { riskyAccessFindings } from './riskyAccess.ts';
import { clusterIdentityPrincipals, findingsForCluster, withPrincipalGrants, workloadIdentityPrincipals } from './findingsForCluster.ts';
import { escalationFindings } from './escalationPaths.ts';

let tenant: AccessModelInput;
let scenario: TenantScenario;
let identityInput: ClusterIdentityInput;
const idOf = (name: string) => tenant.clusters.find((c) => c.name === name)?.id ?? '';

beforeAll(async () => {
  const contoso = await loadContoso();
  tenant = contoso.modelInput;
  scenario = contoso.scenario;
  identityInput = contoso.identityInput;
});

function clusterFindings(name: string, widen: boolean) {
  const id = idOf(name);
  const cluster = tenant.clusters.find((c) => c.id === id);
  if (cluster === undefined) throw new Error(name);
  const slice = sliceForCluster(tenant, id);
  const principals = [...clusterIdentityPrincipals(cluster), ...workloadIdentityPrincipals(tenant, id)];
  return findingsForCluster(widen ? withPrincipalGrants(slice, tenant, principals) : slice, id, { subnets: scenario.subnets, registries: scenario.registries });
}

describe('findingsForCluster on contoso', () => {
  it.each(['aks-prod-weu', 'aks-dev-weu', 'aks-payments-prod', 'aks-ops-weu'])('%s: the same findings as the engine over the whole tenant', (name) => {
    const model = buildAccessModel(tenant);
    const cluster = model.clusters.find((c) => c.name === name);
    if (cluster === undefined) throw new Error(name);
    const whole = [
      ...clusterIdentityFindings({ model, clusters: [cluster], inventories: identityInput.inventories, subnets: scenario.subnets, registries: scenario.registries }).findings,
      ...riskyAccessFindings(model, { clusters: [cluster] }).findings,
      ...escalationFindings(model, { clusters: [cluster], inventories: new Map(scenario.clusters.map((c, i) => [clusterKey(tenant.clusters[i]?.id ?? ''), c.kubernetes])) }).findings,
    ];
    expect(clusterFindings(name, true).findings).toEqual(whole);
  });

  it('without its identities’ grants elsewhere, the slice alone would claim a gap that is not there (AcrPull on the shared registry)', () => {
    const sliceOnly = clusterFindings('aks-payments-prod', false).findings.filter((f) => f.kind === 'missing-cluster-identity-permission');
    expect(sliceOnly.map((f) => f.condition)).toContain('acr-attach');
    expect(clusterFindings('aks-payments-prod', true).findings.filter((f) => f.kind !== 'risky-access')).toEqual([]);
  });

  it('the workload identities the service accounts name are widened in: without them the cluster → cloud pivot would be lost', () => {
    // id-payments-api's only role is on the payments Key Vault, outside anything that reaches aks-prod-weu.
    const keyVault = (widen: boolean) => clusterFindings('aks-prod-weu', widen).findings.filter((f) => f.kind === 'escalation-path' && f.permission === 'Contoso Payments Secrets Reader');
    const spId = (name: string) => scenario.entra.servicePrincipals.find((p) => p.displayName === name)?.id;
    expect(workloadIdentityPrincipals(tenant, idOf('aks-prod-weu')).sort()).toEqual([spId('id-payments-api'), spId('id-ci-deployer')].sort());
    expect(workloadIdentityPrincipals(tenant, idOf('aks-dev-weu'))).toEqual([]);
    expect(keyVault(true).length).toBeGreaterThan(0);
    expect(keyVault(false)).toEqual([]);
  });
});

describe('withPrincipalGrants', () => {
  it('adds the principals’ assignments at any scope and no one else’s', () => {
    const id = idOf('aks-payments-prod');
    const cluster = tenant.clusters.find((c) => c.id === id);
    if (cluster === undefined) throw new Error('aks-payments-prod');
    const principals = clusterIdentityPrincipals(cluster);
    expect(principals.length).toBeGreaterThan(0);
    const slice = sliceForCluster(tenant, id);
    const widened = withPrincipalGrants(slice, tenant, principals);
    const added = widened.azure.roleAssignments.filter((a) => !slice.azure.roleAssignments.includes(a));
    const own = new Set(principals.map((p) => p.toLowerCase()));
    // Must: every assignment of the identities in the tenant is there.
    for (const a of tenant.azure.roleAssignments.filter((x) => own.has(x.principalId.toLowerCase()))) expect(widened.azure.roleAssignments.map((x) => x.id)).toContain(a.id);
    // Must not: anything added belongs to someone else.
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((a) => own.has(a.principalId.toLowerCase()))).toBe(true);
    expect(new Set(widened.azure.roleAssignments.map((a) => a.id)).size).toBe(widened.azure.roleAssignments.length);
    expect(widened.kubernetes).toBe(slice.kubernetes);
    expect(withPrincipalGrants(slice, tenant, [])).toBe(slice);
  });
});
