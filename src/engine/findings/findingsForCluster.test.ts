import { beforeAll, describe, expect, it } from 'vitest';
import { buildAccessModel, type AccessModelInput } from '../access/accessModel.ts';
import { sliceForCluster } from '../access/sliceForCluster.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';
import type { TenantScenario } from '../../sim/scenario/TenantScenario.ts';
import { clusterIdentityFindings, type ClusterIdentityInput } from './clusterIdentityFindings.ts';
import { riskyAccessFindings } from './riskyAccess.ts';
import { clusterIdentityPrincipals, findingsForCluster, withPrincipalGrants } from './findingsForCluster.ts';

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
  return findingsForCluster(widen ? withPrincipalGrants(slice, tenant, clusterIdentityPrincipals(cluster)) : slice, id, { subnets: scenario.subnets, registries: scenario.registries });
}

describe('findingsForCluster on contoso', () => {
  it.each(['aks-prod-weu', 'aks-dev-weu', 'aks-payments-prod', 'aks-ops-weu'])('%s: the same findings as the engine over the whole tenant', (name) => {
    const model = buildAccessModel(tenant);
    const cluster = model.clusters.find((c) => c.name === name);
    if (cluster === undefined) throw new Error(name);
    const whole = [
      ...clusterIdentityFindings({ model, clusters: [cluster], inventories: identityInput.inventories, subnets: scenario.subnets, registries: scenario.registries }).findings,
      ...riskyAccessFindings(model, { clusters: [cluster] }).findings,
    ];
    expect(clusterFindings(name, true).findings).toEqual(whole);
  });

  it('without its identities’ grants elsewhere, the slice alone would claim a gap that is not there (AcrPull on the shared registry)', () => {
    const sliceOnly = clusterFindings('aks-payments-prod', false).findings.filter((f) => f.kind === 'missing-cluster-identity-permission');
    expect(sliceOnly.map((f) => f.condition)).toContain('acr-attach');
    expect(clusterFindings('aks-payments-prod', true).findings.filter((f) => f.kind !== 'risky-access')).toEqual([]);
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
