/**
 * Managed clusters from `az aks list/show` (flattened, `enableAzureRbac`) and ARM (`properties`,
 * `enableAzureRBAC`), shapes as in the azure-rest-api-specs 2025-05-01 examples.
 */
import { describe, expect, it } from 'vitest';
import { normalizeManagedCluster } from './normalizeManagedCluster.ts';
import { extractAzureObjects } from './extractAzureObjects.ts';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1';

const armCluster = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: ID,
  location: 'location1',
  name: 'clustername1',
  type: 'Microsoft.ContainerService/ManagedClusters',
  properties: { provisioningState: 'Succeeded', kubernetesVersion: '1.31.2', nodeResourceGroup: 'MC_rg1_clustername1_location1', ...properties },
  ...extra,
});

const azCluster = (fields: Record<string, unknown>) => ({
  id: ID,
  name: 'clustername1',
  location: 'westeurope',
  resourceGroup: 'rg1',
  type: 'Microsoft.ContainerService/ManagedClusters',
  kubernetesVersion: '1.31.2',
  enableRbac: true,
  ...fields,
});

describe('normalizeManagedCluster', () => {
  it('ARM: Entra + Azure RBAC (enableAzureRBAC), admin groups null, local accounts default on', () => {
    const c = normalizeManagedCluster(armCluster({ enableRBAC: true, aadProfile: { managed: true, adminGroupObjectIDs: null, enableAzureRBAC: true, tenantID: 't' } }), 'x');
    expect(c).toEqual({
      id: ID,
      name: 'clustername1',
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'rg1',
      location: 'location1',
      entraIntegration: true,
      azureRbac: true,
      adminGroupObjectIds: [],
      localAccountsEnabled: true,
      kubernetesRbac: true,
      nodeResourceGroup: 'MC_rg1_clustername1_location1',
    });
  });

  it('az CLI: enableAzureRbac (camel-case Rbac), adminGroupObjectIDs, disableLocalAccounts', () => {
    const c = normalizeManagedCluster(
      azCluster({ aadProfile: { adminGroupObjectIDs: ['4f9c2a1e-7b3d-4c55-9e0a-1d2b3c4d5e6f'], enableAzureRbac: true, managed: true }, disableLocalAccounts: true }),
      'x',
    );
    expect(c).toMatchObject({ entraIntegration: true, azureRbac: true, adminGroupObjectIds: ['4f9c2a1e-7b3d-4c55-9e0a-1d2b3c4d5e6f'], localAccountsEnabled: false, resourceGroup: 'rg1', location: 'westeurope' });
  });

  it('Entra without Azure RBAC: enableAzureRbac false or absent', () => {
    expect(normalizeManagedCluster(azCluster({ aadProfile: { managed: true, enableAzureRbac: false } }), 'x')).toMatchObject({ entraIntegration: true, azureRbac: false });
    expect(normalizeManagedCluster(azCluster({ aadProfile: { managed: true } }), 'x')).toMatchObject({ entraIntegration: true, azureRbac: false });
  });

  it('aadProfile null or absent: no Entra integration, no Azure RBAC, no admin groups', () => {
    for (const c of [normalizeManagedCluster(azCluster({ aadProfile: null }), 'x'), normalizeManagedCluster(armCluster({}), 'x')]) {
      expect(c).toMatchObject({ entraIntegration: false, azureRbac: false, adminGroupObjectIds: [] });
    }
  });

  it('disableLocalAccounts false/null → local accounts on; enableRBAC false → Kubernetes RBAC off', () => {
    expect(normalizeManagedCluster(azCluster({ disableLocalAccounts: false }), 'x').localAccountsEnabled).toBe(true);
    expect(normalizeManagedCluster(azCluster({ disableLocalAccounts: null }), 'x').localAccountsEnabled).toBe(true);
    expect(normalizeManagedCluster(armCluster({ enableRBAC: false }), 'x').kubernetesRbac).toBe(false);
    expect(normalizeManagedCluster(azCluster({ enableRbac: false }), 'x').kubernetesRbac).toBe(false);
  });

  it('identities: system-assigned principal, user-assigned ids, kubelet identity', () => {
    const system = normalizeManagedCluster(
      azCluster({
        identity: { principalId: 'pid', tenantId: 't', type: 'SystemAssigned', userAssignedIdentities: null },
        identityProfile: { kubeletidentity: { clientId: 'cid', objectId: 'oid', resourceId: '/subscriptions/s/resourcegroups/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agentpool' } },
      }),
      'x',
    );
    expect(system.identity).toEqual({ type: 'SystemAssigned', principalId: 'pid', userAssignedIdentityIds: [] });
    expect(system.kubeletIdentity).toEqual({ objectId: 'oid', clientId: 'cid', resourceId: '/subscriptions/s/resourcegroups/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agentpool' });
    const uami = '/subscriptions/0/resourcegroups/rgName1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity1';
    const user = normalizeManagedCluster(armCluster({}, { identity: { type: 'UserAssigned', userAssignedIdentities: { [uami]: { principalId: 'principalId1', clientId: 'clientId1' } } } }), 'x');
    expect(user.identity).toEqual({ type: 'UserAssigned', userAssignedIdentityIds: [uami], userAssigned: [{ resourceId: uami, principalId: 'principalId1', clientId: 'clientId1' }] });
  });

  it('OIDC issuer: ARM issuerURL and az issuerUrl when enabled; none when disabled or absent', () => {
    const url = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster/';
    expect(normalizeManagedCluster(armCluster({ oidcIssuerProfile: { enabled: true, issuerURL: url } }), 'c').oidcIssuerUrl).toBe(url);
    expect(normalizeManagedCluster(azCluster({ oidcIssuerProfile: { enabled: true, issuerUrl: url } }), 'c').oidcIssuerUrl).toBe(url);
    expect(normalizeManagedCluster(armCluster({ oidcIssuerProfile: { enabled: false, issuerURL: url } }), 'c').oidcIssuerUrl).toBeUndefined();
    expect(normalizeManagedCluster(armCluster({}), 'c').oidcIssuerUrl).toBeUndefined();
  });

  it('name and resource group from the id when the fields are missing', () => {
    const c = normalizeManagedCluster({ id: ID.replace('resourcegroups', 'resourceGroups'), properties: { kubernetesVersion: '1' } }, 'x');
    expect(c).toMatchObject({ name: 'clustername1', resourceGroup: 'rg1', subscriptionId: '00000000-0000-0000-0000-000000000000' });
  });

  it('malformed: names the item and field', () => {
    expect(() => normalizeManagedCluster(azCluster({ id: undefined }), 'clusters.json [1]')).toThrow(/clusters\.json \[1\]: id is required/);
    expect(() => normalizeManagedCluster(azCluster({ aadProfile: { enableAzureRbac: 'true' } }), 'clusters.json [1]')).toThrow(/clusters\.json \[1\]: enableAzureRBAC must be true or false, got "true"/);
    expect(() => normalizeManagedCluster(azCluster({ aadProfile: { adminGroupObjectIDs: 'g1' } }), 'clusters.json [1]')).toThrow(/clusters\.json \[1\]: adminGroupObjectIDs must be a list of strings/);
    expect(() => normalizeManagedCluster(azCluster({ disableLocalAccounts: 'no' }), 'clusters.json [1]')).toThrow(/clusters\.json \[1\]: disableLocalAccounts must be true or false/);
  });
});

describe('managed clusters through extractAzureObjects', () => {
  it('az aks list (array) and ARM list ({value}) are both recognised; the type check ignores case', () => {
    const result = extractAzureObjects([
      { source: 'aks.json', value: [azCluster({ aadProfile: null })] },
      { source: 'arm.json', value: { value: [armCluster({ aadProfile: { enableAzureRBAC: true } }, { id: `${ID}-2`, name: 'c2' })] } },
      // no type at all: recognised by agentPoolProfiles
      { source: 'untyped.json', value: { id: `${ID}-3`, name: 'c3', agentPoolProfiles: [] } },
    ]);
    expect(result.clusters.map((c) => [c.name, c.azureRbac])).toEqual([
      ['clustername1', false],
      ['c2', true],
      ['c3', false],
    ]);
    expect(result.counts.get('managedCluster')).toBe(3);
  });
});
