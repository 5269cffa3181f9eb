import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { AzureRbacData, RoleAssignment, RoleDefinition } from '../../model/azureRbac.ts';
import { buildAccessModel } from '../access/accessModel.ts';
import { clusterIdentityFindings, imageRegistryHost, type ClusterIdentityInput, type ClusterIdentityResult } from './clusterIdentityFindings.ts';
import { REQUIRED_PERMISSIONS } from './clusterIdentityPermissions.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';

let contoso: ClusterIdentityResult;
let ids: Map<string, string>;

beforeAll(async () => {
  const { identityInput } = await loadContoso();
  contoso = clusterIdentityFindings(identityInput);
  ids = new Map(identityInput.model.clusters.map((c) => [c.name, c.id]));
});

describe('cluster identity findings on contoso', () => {
  it('yields exactly the planted gaps: aks-prod-weu network permissions, aks-dev-weu AcrPull', () => {
    const summary = contoso.findings.map((f) =>
      f.kind === 'missing-cluster-identity-permission' ? [f.clusterName, f.identity, f.permission, f.scope.split('/').slice(-2).join('/'), f.condition, f.decision] : [f.clusterName, f.kind],
    );
    expect(summary).toEqual([
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/virtualNetworks/subnets/read', 'subnets/snet-aks-prod', 'custom-vnet-subnet-in-another-rg', 'notGranted'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/virtualNetworks/subnets/join/action', 'subnets/snet-aks-prod', 'custom-vnet-subnet-in-another-rg', 'notGranted'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/routeTables/routes/read', 'routeTables/rt-prod-egress', 'route-table-in-another-rg', 'notGranted'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/routeTables/routes/write', 'routeTables/rt-prod-egress', 'route-table-in-another-rg', 'notGranted'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/networkSecurityGroups/write', 'networkSecurityGroups/nsg-aks-prod', 'nsg-in-another-rg', 'notGranted'],
      ['aks-prod-weu', 'control-plane', 'Microsoft.Network/networkSecurityGroups/read', 'networkSecurityGroups/nsg-aks-prod', 'nsg-in-another-rg', 'notGranted'],
      ['aks-dev-weu', 'kubelet', 'Microsoft.ContainerRegistry/registries/pull/read', 'registries/contosoacr', 'acr-attach', 'notGranted'],
    ]);
    expect(contoso.findings.filter((f) => f.clusterName === 'aks-payments-prod')).toEqual([]);
    expect(contoso.warnings).toEqual([]);
  });

  it('names the principal, the verbatim reason and a remediation with the narrowest built-in role', () => {
    const acr = contoso.findings.find((f) => f.clusterName === 'aks-dev-weu');
    expect(acr).toMatchObject({
      kind: 'missing-cluster-identity-permission',
      severity: 'high',
      clusterId: ids.get('aks-dev-weu'),
      principalId: 'eeefff32-f3c5-5b74-a44f-5f21d5c3355c',
      reason: 'Required to pull container images from Azure Container Registry. Granted by the [`AcrPull`](/azure/role-based-access-control/built-in-roles/containers#acrpull) built-in role.',
      remediation: { role: 'AcrPull', roleDefinitionId: '7f951dda-4ed3-4680-a7ca-43fe172d538d' },
    });
    if (acr?.kind !== 'missing-cluster-identity-permission') throw new Error('no finding');
    expect(acr.remediation.azCli).toBe(
      `az role assignment create --assignee-object-id eeefff32-f3c5-5b74-a44f-5f21d5c3355c --assignee-principal-type ServicePrincipal --role "AcrPull" --scope ${acr.scope}`,
    );
    expect(acr.remediation.bicep).toContain("resource target 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {\n  name: 'contosoacr'\n}");
    expect(acr.remediation.bicep).toContain("principalId: 'eeefff32-f3c5-5b74-a44f-5f21d5c3355c'");
    const subnet = contoso.findings[1];
    expect(subnet?.kind === 'missing-cluster-identity-permission' && subnet.remediation.role).toBe('Network Contributor');
    expect(subnet?.kind === 'missing-cluster-identity-permission' && subnet.remediation.bicep).toContain("'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {\n  name: 'vnet-prod-spoke/snet-aks-prod'");
  });
});

describe('reasons are the published text', () => {
  const reference = '/work/shared/reference/aks-cluster-identity-permissions.json';
  it.runIf(existsSync(reference))('every table row checked carries its Reason column verbatim', () => {
    const rows = (JSON.parse(readFileSync(reference, 'utf8')) as { permissions: { permission: string; condition: string; reason: string }[] }).permissions;
    for (const p of REQUIRED_PERMISSIONS.filter((r) => r.condition !== 'user-assigned-kubelet-identity')) {
      const row = rows.find((r) => r.permission === p.permission && r.condition === p.condition);
      expect(row?.reason, `${p.condition} ${p.permission}`).toBe(p.reason);
    }
  });
});

// --- a small synthetic tenant for the conditions contoso does not plant --------------------------------
const SUB = '/subscriptions/11111111-1111-4111-8111-111111111111';
const NRG = 'MC_rg-aks_aks_westeurope';
const CP = 'cp-principal';
const KUBELET = 'kubelet-principal';
const role = (id: string, roleName: string, actions: string[], dataActions: string[] = [], notActions: string[] = []): RoleDefinition =>
  ({ id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${id}`, name: id, roleName, roleType: 'BuiltInRole', assignableScopes: ['/'], permissions: [{ actions, notActions, dataActions, notDataActions: [] }] });
const ROLES = [
  role('4d97b98b-1d4f-4787-a291-c67834d212e7', 'Network Contributor', ['Microsoft.Network/*']),
  role('b12aa53e-6015-4669-85d0-8515ebb3ae7f', 'Private DNS Zone Contributor', ['Microsoft.Network/privateDnsZones/*']),
  role('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'AcrPull', ['Microsoft.ContainerRegistry/registries/pull/read']),
  role('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', ['*'], [], ['Microsoft.Authorization/*/Write']),
  role('f1a07417-d97a-45cb-824c-7a7467783830', 'Managed Identity Operator', ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/read']),
  role('aaaaaaaa-0000-0000-0000-000000000001', 'Network Reader', ['Microsoft.Network/*/read']),
];
let n = 0;
const assign = (principalId: string, roleGuid: string, scope: string, extra: Partial<RoleAssignment> = {}): RoleAssignment =>
  ({ id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/a${String(++n)}`, principalId, principalType: 'ServicePrincipal', roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, scope, state: 'active', ...extra }) as unknown as RoleAssignment;
const SUBNET = `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks`;
const ZONE = `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;
const KUBELET_ID = `${SUB}/resourceGroups/rg-aks/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet`;
const ACR = `${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/acr1`;
const cluster = (over: Partial<AksCluster> = {}): AksCluster => ({
  id: `${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks`,
  name: 'aks',
  subscriptionId: '11111111-1111-4111-8111-111111111111',
  resourceGroup: 'rg-aks',
  entraIntegration: true,
  azureRbac: true,
  adminGroupObjectIds: [],
  localAccountsEnabled: false,
  kubernetesRbac: true,
  nodeResourceGroup: NRG,
  identity: { type: 'UserAssigned', userAssignedIdentityIds: ['x'], userAssigned: [{ resourceId: 'x', principalId: CP }] },
  kubeletIdentity: { objectId: KUBELET, resourceId: KUBELET_ID },
  agentPoolSubnetIds: [SUBNET],
  privateDnsZone: ZONE,
  ...over,
});
function run(assignments: RoleAssignment[], over: Partial<ClusterIdentityInput> = {}, c: AksCluster = cluster(), azureExtra: Partial<AzureRbacData> = {}) {
  const model = buildAccessModel({
    clusters: [c],
    kubernetes: new Map(),
    azure: { roleDefinitions: ROLES, roleAssignments: assignments, denyAssignments: [], hierarchy: [], ...azureExtra },
    entra: { users: [], groups: [], servicePrincipals: [] },
  });
  return clusterIdentityFindings({
    model,
    subnets: [{ id: SUBNET, routeTableId: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt`, networkSecurityGroupId: `${SUB}/resourceGroups/${NRG}/providers/Microsoft.Network/networkSecurityGroups/nsg` }],
    registries: [{ id: ACR, name: 'acr1', loginServer: 'acr1.azurecr.io' }],
    inventories: new Map([[c.id.toLowerCase(), { pods: [{ namespace: 'a', name: 'p', serviceAccountName: 'default', labels: {}, images: ['acr1.azurecr.io/app:1', 'nginx:1', 'docker.io/library/redis:7'] }] }]]),
    ...over,
  });
}
const conditions = (r: ClusterIdentityResult) => r.findings.map((f) => (f.kind === 'missing-cluster-identity-permission' ? `${f.identity} ${f.condition} ${f.permission} ${f.decision}` : `${f.kind} ${f.identity} ${f.role}`));
const FULL = () => [
  assign(CP, '4d97b98b-1d4f-4787-a291-c67834d212e7', `${SUB}/resourceGroups/rg-net`),
  assign(CP, 'b12aa53e-6015-4669-85d0-8515ebb3ae7f', ZONE),
  assign(CP, 'f1a07417-d97a-45cb-824c-7a7467783830', KUBELET_ID),
  assign(KUBELET, '7f951dda-4ed3-4680-a7ca-43fe172d538d', ACR),
];

describe('conditions from the cluster configuration', () => {
  it('fully granted: nothing (an NSG in the node resource group needs nothing)', () => {
    expect(conditions(run(FULL()))).toEqual([]);
  });
  it('nothing granted: subnet, route table, private DNS zone, Managed Identity Operator, AcrPull', () => {
    expect(conditions(run([]))).toEqual([
      'control-plane custom-vnet-subnet-in-another-rg Microsoft.Network/virtualNetworks/subnets/read notGranted',
      'control-plane custom-vnet-subnet-in-another-rg Microsoft.Network/virtualNetworks/subnets/join/action notGranted',
      'control-plane route-table-in-another-rg Microsoft.Network/routeTables/routes/read notGranted',
      'control-plane route-table-in-another-rg Microsoft.Network/routeTables/routes/write notGranted',
      'control-plane private-dns-zone-in-another-rg Microsoft.Network/privatednszones/* notGranted',
      'control-plane user-assigned-kubelet-identity Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action notGranted',
      'kubelet acr-attach Microsoft.ContainerRegistry/registries/pull/read notGranted',
    ]);
  });
  it('a read-only network role is not enough: only the write and join actions are reported', () => {
    const grants = [...FULL().slice(1), assign(CP, 'aaaaaaaa-0000-0000-0000-000000000001', `${SUB}/resourceGroups/rg-net`)];
    expect(conditions(run(grants))).toEqual([
      'control-plane custom-vnet-subnet-in-another-rg Microsoft.Network/virtualNetworks/subnets/join/action notGranted',
      'control-plane route-table-in-another-rg Microsoft.Network/routeTables/routes/write notGranted',
    ]);
  });
  it('an eligible (PIM) grant does not count, a conditional one is reported as conditional, a deny assignment wins', () => {
    const grants = FULL();
    grants[3] = assign(KUBELET, '7f951dda-4ed3-4680-a7ca-43fe172d538d', ACR, { state: 'eligible' });
    grants[1] = assign(CP, 'b12aa53e-6015-4669-85d0-8515ebb3ae7f', ZONE, { condition: '@Resource[x] StringEquals y' });
    const deny = { id: 'd1', name: 'no join', scope: `${SUB}/resourceGroups/rg-net`, principals: [{ id: CP }], excludePrincipals: [], doNotApplyToChildScopes: false, permissions: [{ actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'], notActions: [], dataActions: [], notDataActions: [] }] };
    const r = run(grants, {}, cluster(), { denyAssignments: [deny as unknown as AzureRbacData['denyAssignments'][number]] });
    expect(conditions(r)).toEqual([
      'control-plane custom-vnet-subnet-in-another-rg Microsoft.Network/virtualNetworks/subnets/join/action denied',
      'control-plane private-dns-zone-in-another-rg Microsoft.Network/privatednszones/* conditional',
      'kubelet acr-attach Microsoft.ContainerRegistry/registries/pull/read eligibleOnly',
    ]);
    expect(r.findings[0]?.kind === 'missing-cluster-identity-permission' && r.findings[0].evidence[0]).toMatch(/deny assignment "no join"/);
  });
  it('no custom subnet, system DNS zone, AKS-created kubelet identity, no ACR images: no requirement', () => {
    const c = cluster({ agentPoolSubnetIds: undefined, privateDnsZone: 'system', kubeletIdentity: { objectId: KUBELET, resourceId: `${SUB}/resourcegroups/${NRG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-agentpool` } });
    expect(conditions(run([], { inventories: new Map() }, c))).toEqual([]);
  });
  it('a subnet inside the node resource group needs nothing', () => {
    const inNrg = `${SUB}/resourceGroups/${NRG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s`;
    expect(conditions(run(FULL(), {}, cluster({ agentPoolSubnetIds: [inNrg] })))).toEqual([]);
  });
  it('configured registries, ABAC-mode registries, internal load balancer subnets', () => {
    const other = `${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/abac1`;
    const r = run(FULL(), {
      registries: [{ id: ACR, name: 'acr1', loginServer: 'acr1.azurecr.io' }, { id: other, name: 'abac1', loginServer: 'abac1.azurecr.io', roleAssignmentMode: 'AbacRepositoryPermissions' }],
      configuredRegistries: new Map([[cluster().id.toLowerCase(), [other]]]),
      internalLoadBalancerSubnets: new Map([[cluster().id.toLowerCase(), [`${SUB}/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/v/subnets/ilb`]]]),
    });
    expect(conditions(r)).toEqual([
      'control-plane internal-lb-in-another-rg Microsoft.Network/virtualNetworks/subnets/read notGranted',
      'kubelet acr-attach-abac-mode Microsoft.ContainerRegistry/registries/repositories/content/read notGranted',
      'kubelet acr-attach-abac-mode Microsoft.ContainerRegistry/registries/repositories/metadata/read notGranted',
    ]);
  });
  it('without az acr list, a registry named by role assignment scopes is still checked', () => {
    const other = assign('someone-else', '7f951dda-4ed3-4680-a7ca-43fe172d538d', ACR);
    const r = run([...FULL().slice(0, 3), other], { registries: [] });
    expect(conditions(r)).toEqual(['kubelet acr-attach Microsoft.ContainerRegistry/registries/pull/read notGranted']);
    expect(r.findings[0]?.kind === 'missing-cluster-identity-permission' && r.findings[0].scope).toBe(ACR);
    expect(conditions(run(FULL(), { registries: [] }))).toEqual([]);
  });
  it('an internal load balancer subnet given by name is a subnet of the nodes\' VNet', () => {
    const r = run(FULL(), { internalLoadBalancerSubnets: new Map([[cluster().id.toLowerCase(), ['snet-ilb']]]) });
    expect(r.findings.map((f) => (f.kind === 'missing-cluster-identity-permission' ? [f.condition, f.scope] : []))).toEqual([]);
    const denied = run([...FULL().slice(1), assign(CP, '4d97b98b-1d4f-4787-a291-c67834d212e7', SUBNET)], { internalLoadBalancerSubnets: new Map([[cluster().id.toLowerCase(), ['snet-ilb']]]) });
    expect(denied.findings.map((f) => (f.kind === 'missing-cluster-identity-permission' ? [f.condition, f.scope] : []))).toEqual([
      ['route-table-in-another-rg', `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt`],
      ['route-table-in-another-rg', `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt`],
      ['internal-lb-in-another-rg', `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-ilb`],
    ]);
  });
  it('an image from an ACR the input does not describe is a warning, not a finding', () => {
    const r = run(FULL(), { inventories: new Map([[cluster().id.toLowerCase(), { pods: [{ namespace: 'a', name: 'p', serviceAccountName: 'd', labels: {}, images: ['unknown.azurecr.io/x:1'] }] }]]) });
    expect(conditions(r)).toEqual([]);
    expect(r.warnings).toEqual([expect.stringContaining('unknown.azurecr.io')]);
  });
  it('over-privileged: Contributor at the subscription, not at a resource group', () => {
    const r = run([...FULL(), assign(KUBELET, 'b24988ac-6180-42a0-ab88-20f7382dd24c', SUB), assign(CP, 'b24988ac-6180-42a0-ab88-20f7382dd24c', `${SUB}/resourceGroups/rg-aks`)]);
    expect(conditions(r)).toEqual(['over-privileged-cluster-identity kubelet Contributor']);
    expect(r.findings[0]).toMatchObject({ scope: SUB, severity: 'high', principalId: KUBELET });
  });
});

describe('imageRegistryHost', () => {
  it.each([
    ['contosoacr.azurecr.io/payments/api:1', 'contosoacr.azurecr.io'],
    ['nginx:1', undefined],
    ['library/nginx', undefined],
    ['localhost:5000/x', 'localhost:5000'],
    ['Quay.io/prometheus/prometheus:v2', 'quay.io'],
  ])('%s → %s', (image, host) => {
    expect(imageRegistryHost(image)).toBe(host);
  });
});
