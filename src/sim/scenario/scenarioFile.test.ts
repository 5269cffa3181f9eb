import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import { EVERYONE_PRINCIPAL_ID } from '../../model/azureRbac.ts';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { uuidV5 } from './deterministicIds.ts';
import { loadScenario } from './scenarioFile.ts';
import type { SimCluster, TenantScenario } from './TenantScenario.ts';

const CONTOSO = fileURLToPath(new URL('../../../scenarios/contoso.yaml', import.meta.url));

let contoso: TenantScenario;
beforeAll(async () => {
  contoso = await loadScenario(CONTOSO);
});

const cluster = (name: string): SimCluster => {
  const found = contoso.clusters.find((c) => c.arm.name === name);
  if (found === undefined) throw new Error(`no cluster ${name}`);
  return found;
};
const aks = (name: string) => normalizeManagedCluster(cluster(name).arm, name);
const principalId = (name: string): string => {
  const { users, groups, servicePrincipals } = contoso.entra;
  const found = users.find((u) => u.userPrincipalName === name) ?? groups.find((g) => g.displayName === name) ?? servicePrincipals.find((s) => s.displayName === name);
  if (found === undefined) throw new Error(`no principal ${name}`);
  return found.id;
};
const roleGuid = (roleName: string): string => {
  const role = contoso.azure.roleDefinitions.find((r) => r.roleName === roleName);
  if (role === undefined) throw new Error(`no role ${roleName}`);
  return role.name;
};
const assignmentsOf = (name: string): RoleAssignment[] => contoso.azure.roleAssignments.filter((a) => a.principalId === principalId(name));
const guidOf = (roleDefinitionId: string) => roleDefinitionId.split('/').at(-1) ?? '';
const sub = (displayName: string) => contoso.subscriptions.find((s) => s.displayName === displayName)?.subscriptionId ?? '';

/** Transitive groups of a principal (through nested groups). */
function groupsOf(id: string): Set<string> {
  const out = new Set<string>();
  const visit = (member: string) => {
    for (const g of contoso.entra.groups) {
      if (g.memberIds.includes(member) && !out.has(g.displayName ?? g.id)) {
        out.add(g.displayName ?? g.id);
        visit(g.id);
      }
    }
  };
  visit(id);
  return out;
}

describe('contoso.yaml: the tenant', () => {
  it('has a management group with three subscriptions under the tenant root group', () => {
    expect(contoso.managementGroups.map((m) => [m.name, m.parent])).toEqual([
      [contoso.tenantId, undefined],
      ['contoso', contoso.tenantId],
      ['contoso-platform', 'contoso'],
      ['contoso-sandbox', 'contoso'],
    ]);
    expect(contoso.subscriptions.map((s) => [s.displayName, s.managementGroup])).toEqual([
      ['contoso-prod', 'contoso-platform'],
      ['contoso-nonprod', 'contoso-platform'],
      ['contoso-shared', 'contoso-platform'],
    ]);
    expect(contoso.azure.hierarchy).toContainEqual({ id: `/subscriptions/${sub('contoso-prod')}`, parentId: '/providers/Microsoft.Management/managementGroups/contoso-platform', displayName: 'contoso-prod' });
  });

  it('has the expected numbers of everything', () => {
    expect({
      users: contoso.entra.users.length,
      groups: contoso.entra.groups.length,
      servicePrincipals: contoso.entra.servicePrincipals.length,
      managedIdentities: contoso.managedIdentities?.length,
      roleDefinitions: contoso.azure.roleDefinitions.length,
      roleAssignments: contoso.azure.roleAssignments.length,
      eligible: contoso.azure.roleAssignments.filter((a) => a.state === 'eligible').length,
      conditional: contoso.azure.roleAssignments.filter((a) => a.condition !== undefined).length,
      denyAssignments: contoso.azure.denyAssignments.length,
      clusters: contoso.clusters.length,
      registries: contoso.registries.length,
      subnets: contoso.subnets.length,
    }).toEqual({
      users: 11,
      groups: 12,
      // 2 applications + 5 declared managed identities + 3 system-assigned cluster identities + 3 AKS-made kubelet identities
      servicePrincipals: 13,
      managedIdentities: 8,
      roleDefinitions: 19,
      roleAssignments: 26,
      eligible: 2,
      conditional: 1,
      denyAssignments: 2,
      clusters: 4,
      registries: 1,
      subnets: 2,
    });
  });

  it('derives ids from names: the tenant id is the UUIDv5 of its name, and two loads are identical', async () => {
    expect(contoso.tenantId).toBe(uuidV5('tenant/contoso'));
    expect(contoso.tenantId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await loadScenario(CONTOSO);
    expect(JSON.stringify(again)).toBe(JSON.stringify(contoso));
    const ids = [...contoso.entra.users, ...contoso.entra.groups, ...contoso.entra.servicePrincipals].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every role assignment names an existing principal, role and scope', () => {
    const principals = new Set([...contoso.entra.users, ...contoso.entra.groups, ...contoso.entra.servicePrincipals].map((p) => p.id));
    const roles = new Set(contoso.azure.roleDefinitions.map((r) => r.name));
    const known = [
      ...contoso.managementGroups.map((m) => `/providers/Microsoft.Management/managementGroups/${m.name}`),
      ...contoso.subscriptions.map((s) => `/subscriptions/${s.subscriptionId}`),
      ...(contoso.resourceGroups ?? []).map((rg) => `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`),
      ...contoso.clusters.map((c) => String(c.arm.id)),
      ...contoso.registries.map((r) => r.id),
      ...contoso.subnets.map((s) => s.id),
      ...(contoso.managedIdentities ?? []).map((m) => m.id),
      (cluster('aks-payments-prod').arm.properties as { apiServerAccessProfile: { privateDNSZone: string } }).apiServerAccessProfile.privateDNSZone,
    ].map((id) => id.toLowerCase());
    const resourceGroups = (contoso.resourceGroups ?? []).map((rg) => `/subscriptions/${rg.subscriptionId}/resourcegroups/${rg.name}/`.toLowerCase());
    for (const a of contoso.azure.roleAssignments) {
      expect(principals.has(a.principalId), a.id).toBe(true);
      expect(roles.has(guidOf(a.roleDefinitionId)), a.id).toBe(true);
      const scope = a.scope.toLowerCase().replace(/\/namespaces\/[^/]+$/, '');
      // A declared object, or (the Key Vault) a resource inside a declared resource group.
      expect(known.includes(scope) || resourceGroups.some((rg) => scope.startsWith(rg)), a.scope).toBe(true);
      expect(a.id.startsWith(`${a.scope}/providers/Microsoft.Authorization/${a.state === 'eligible' ? 'roleEligibilityScheduleInstances' : 'roleAssignments'}/`)).toBe(true);
    }
  });

  it('resolves readable scopes: namespace scopes, management groups, the DNS zone in another subscription', () => {
    const scopes = (name: string) => assignmentsOf(name).map((a) => a.scope);
    const prodCluster = `/subscriptions/${sub('contoso-prod')}/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu`;
    expect(scopes('payments-devs')).toEqual([`${prodCluster}/namespaces/payments`]);
    expect(scopes('dave@contoso.com')).toEqual(['/providers/Microsoft.Management/managementGroups/contoso-platform']);
    expect(scopes('id-aks-payments-control')).toContain(`/subscriptions/${sub('contoso-shared')}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`);
    expect(scopes('id-payments-api')).toEqual([`/subscriptions/${sub('contoso-prod')}/resourceGroups/rg-payments-data/providers/Microsoft.KeyVault/vaults/kv-payments-prod`]);
  });

  it('nested groups resolve transitively (alice → payments-devs → eng → platform-readers; mallory → contractors)', () => {
    expect([...groupsOf(principalId('alice@contoso.com'))].sort()).toEqual(['eng', 'payments-devs', 'platform-readers']);
    expect([...groupsOf(principalId('mallory@contoso.com'))].sort()).toEqual(['contractors', 'eng', 'payments-contractors', 'payments-devs', 'platform-readers']);
    expect(groupsOf(principalId('frank@contoso.com'))).toEqual(new Set(['sre', 'platform-team', 'payments-oncall', 'aks-payments-admins', 'eng', 'aks-dev-admins', 'platform-readers']));
    expect(groupsOf(principalId('github-actions'))).toEqual(new Set(['platform-readers']));
  });

  it('has a PIM-eligible, a conditional and two deny assignments', () => {
    const [frank] = assignmentsOf('frank@contoso.com');
    expect(frank).toMatchObject({ state: 'eligible', startDateTime: '2026-09-01T00:00:00Z', endDateTime: '2027-09-01T00:00:00Z', scope: `/subscriptions/${sub('contoso-prod')}` });
    expect(guidOf(frank?.roleDefinitionId ?? '')).toBe(roleGuid('Azure Kubernetes Service RBAC Cluster Admin'));
    const [grace] = assignmentsOf('grace@contoso.com');
    expect(grace?.condition).toContain("StringEqualsIgnoreCase 'cert-manager.io'");
    expect(grace?.conditionVersion).toBe('2.0');
    const [contractors, dnsStack] = contoso.azure.denyAssignments;
    expect(contractors).toMatchObject({
      name: 'contractors may not read secrets',
      principals: [{ id: principalId('contractors'), type: 'Group' }],
      permissions: [{ dataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'], actions: [] }],
      doNotApplyToChildScopes: false,
    });
    expect(dnsStack).toMatchObject({ principals: [{ id: EVERYONE_PRINCIPAL_ID, type: 'SystemDefined' }], excludePrincipals: [{ id: principalId('terraform-platform'), type: 'ServicePrincipal' }] });
  });
});

describe('contoso.yaml: the clusters', () => {
  it('aks-prod-weu: Entra + Azure RBAC, admin group, local accounts off, custom subnet in another resource group', () => {
    const c = aks('aks-prod-weu');
    expect(c).toMatchObject({ entraIntegration: true, azureRbac: true, adminGroupObjectIds: [principalId('aks-prod-admins')], localAccountsEnabled: false, kubernetesRbac: true, resourceGroup: 'rg-aks-prod' });
    const pool = (cluster('aks-prod-weu').arm.properties as { agentPoolProfiles: { vnetSubnetID: string }[] }).agentPoolProfiles[0];
    expect(pool?.vnetSubnetID).toMatch(/\/resourceGroups\/rg-network-prod\/providers\/Microsoft\.Network\/virtualNetworks\/vnet-prod-spoke\/subnets\/snet-aks-prod$/);
    expect(contoso.subnets.find((s) => s.id === pool?.vnetSubnetID)).toMatchObject({ addressPrefix: '10.20.0.0/22', routeTableId: expect.stringMatching(/routeTables\/rt-prod-egress$/) as unknown });
    // The finding: its system-assigned identity holds nothing on the network resource group.
    expect(c.identity).toMatchObject({ type: 'SystemAssigned', principalId: principalId('aks-prod-weu') });
    expect(contoso.azure.roleAssignments.filter((a) => a.principalId === c.identity?.principalId)).toEqual([]);
  });

  it('aks-dev-weu: Entra without Azure RBAC, with an admin group; its kubelet lacks AcrPull for the images it runs', () => {
    const c = aks('aks-dev-weu');
    expect(c).toMatchObject({ entraIntegration: true, azureRbac: false, adminGroupObjectIds: [principalId('aks-dev-admins')], localAccountsEnabled: false });
    expect(c.kubeletIdentity?.resourceId).toMatch(/\/resourcegroups\/MC_rg-aks-dev_aks-dev-weu_westeurope\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/aks-dev-weu-agentpool$/);
    const acr = contoso.registries[0];
    const images = cluster('aks-dev-weu').kubernetes.pods.flatMap((p) => p.images);
    expect(images.some((i) => i.startsWith(`${acr?.loginServer ?? '?'}/`))).toBe(true);
    const acrPull = roleGuid('AcrPull');
    const pullers = contoso.azure.roleAssignments.filter((a) => guidOf(a.roleDefinitionId) === acrPull).map((a) => a.principalId);
    expect(pullers).not.toContain(c.kubeletIdentity?.objectId);
    expect(pullers).toContain(aks('aks-prod-weu').kubeletIdentity?.objectId);
  });

  it('aks-ops-weu: local accounts enabled', () => {
    expect(aks('aks-ops-weu')).toMatchObject({ entraIntegration: true, localAccountsEnabled: true, adminGroupObjectIds: [principalId('sre')] });
  });

  it('aks-payments-prod: private, custom DNS zone in another subscription and resource group, user-assigned identities', () => {
    const arm = cluster('aks-payments-prod').arm as { properties: { apiServerAccessProfile: { enablePrivateCluster: boolean; privateDNSZone: string }; fqdn?: string; privateFQDN?: string } };
    expect(arm.properties.apiServerAccessProfile.enablePrivateCluster).toBe(true);
    expect(arm.properties.apiServerAccessProfile.privateDNSZone).toBe(`/subscriptions/${sub('contoso-shared')}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`);
    expect(arm.properties.fqdn).toBeUndefined();
    expect(arm.properties.privateFQDN).toMatch(/\.privatelink\.westeurope\.azmk8s\.io$/);
    const c = aks('aks-payments-prod');
    const control = contoso.managedIdentities?.find((m) => m.name === 'id-aks-payments-control');
    const kubelet = contoso.managedIdentities?.find((m) => m.name === 'id-aks-payments-kubelet');
    expect(c.identity).toEqual({
      type: 'UserAssigned',
      userAssignedIdentityIds: [control?.id],
      // The principal of a user-assigned control-plane identity comes from ARM's userAssignedIdentities map.
      userAssigned: [{ resourceId: control?.id, principalId: control?.principalId, clientId: control?.clientId }],
    });
    expect(c.kubeletIdentity).toEqual({ objectId: kubelet?.principalId, clientId: kubelet?.clientId, resourceId: kubelet?.id });
  });

  it('ARM shape: lower-case resourcegroups in the id, ManagedClusters type, identity top level, workload identity with an OIDC issuer', () => {
    const arm = cluster('aks-prod-weu').arm as { id: string; type: string; identity: { type: string; tenantId: string }; properties: Record<string, unknown> };
    expect(arm.id).toBe(`/subscriptions/${sub('contoso-prod')}/resourcegroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu`);
    expect(arm.type).toBe('Microsoft.ContainerService/ManagedClusters');
    expect(arm.identity).toMatchObject({ type: 'SystemAssigned', tenantId: contoso.tenantId });
    expect(arm.properties).toMatchObject({ enableRBAC: true, disableLocalAccounts: true, aadProfile: { managed: true, enableAzureRBAC: true, tenantID: contoso.tenantId }, securityProfile: { workloadIdentity: { enabled: true } } });
    expect((arm.properties.oidcIssuerProfile as { issuerURL: string }).issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
  });

  it('every cluster has the upstream bootstrap policy and the RBAC objects AKS installs', () => {
    for (const c of contoso.clusters) {
      const roles = new Set(c.kubernetes.roles.map((r) => `${r.kind}/${r.name}`));
      const bindings = new Map(c.kubernetes.bindings.map((b) => [`${b.kind}/${b.name}`, b]));
      for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:node', 'aks-service', 'csi-azurefile-node-secret-role']) expect(roles.has(`ClusterRole/${name}`), name).toBe(true);
      expect(roles.has('Role/extension-apiserver-authentication-reader')).toBe(true);
      expect(bindings.get('ClusterRoleBinding/aks-cluster-admin-binding')?.subjects.map((s) => s.name)).toEqual(['clusterAdmin', 'clusterUser']);
      expect(bindings.get('ClusterRoleBinding/system:aks-client-nodes')?.subjects).toEqual([{ kind: 'Group', name: 'system:nodes', namespace: '', apiGroup: 'rbac.authorization.k8s.io' }]);
      expect(bindings.get('ClusterRoleBinding/aks-service-rolebinding')?.roleRef.name).toBe('aks-service');
      const admins = normalizeManagedCluster(c.arm, 'x').adminGroupObjectIds;
      expect(bindings.get('ClusterRoleBinding/aks-cluster-admin-binding-aad')?.subjects.map((s) => s.name)).toEqual(admins);
      expect(c.kubernetes.namespaces.map((n) => n.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
      expect(c.kubernetes.serviceAccounts.some((s) => s.namespace === 'kube-system' && s.name === 'csi-azurefile-node-sa')).toBe(true);
      expect(c.kubernetes.pods.some((p) => p.namespace === 'kube-system' && p.name.startsWith('coredns-'))).toBe(true);
    }
  });

  it('team RBAC: Entra groups by object id, users by UPN, service accounts; manifests from files and inline', () => {
    const k = cluster('aks-prod-weu').kubernetes;
    const binding = (ns: string, name: string) => k.bindings.find((b) => b.namespace === ns && b.name === name);
    expect(binding('payments', 'payments-devs-edit')).toMatchObject({ kind: 'RoleBinding', roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: principalId('payments-devs') }] });
    expect(binding('payments', 'alice-db-password')?.subjects).toEqual([{ kind: 'User', name: 'alice@contoso.com', namespace: '', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(binding('payments', 'ci-deployer')?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ci', namespace: 'payments', apiGroup: '' }]);
    expect(binding('payments', 'legacy-ops')?.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'legacy-ops' });
    const dev = cluster('aks-dev-weu').kubernetes;
    expect(dev.bindings.find((b) => b.name === 'github-actions-deploy')?.subjects).toEqual([{ kind: 'User', name: principalId('github-actions'), namespace: '', apiGroup: 'rbac.authorization.k8s.io' }]);
    for (const name of ['aks-prod-weu', 'aks-ops-weu']) {
      const content = cluster(name).kubernetes;
      expect(content.bindings.find((b) => b.name === 'prometheus-scraper')?.source).toMatch(/contoso\/monitoring-rbac\.yaml document 3$/);
      expect(content.serviceAccounts).toContainEqual({ namespace: 'monitoring', name: 'prometheus', annotations: {} });
    }
    expect(k.roles.find((r) => r.name === 'contoso:certificates-viewer')?.labels).toEqual({ 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
  });

  it('service accounts carry workload identity client ids; their pods the use label', () => {
    const miClient = (name: string) => contoso.managedIdentities?.find((m) => m.name === name)?.clientId;
    const k = cluster('aks-prod-weu').kubernetes;
    expect(k.serviceAccounts.find((s) => s.namespace === 'payments' && s.name === 'payments-api')?.annotations).toEqual({ 'azure.workload.identity/client-id': miClient('id-payments-api') });
    expect(k.serviceAccounts.find((s) => s.namespace === 'payments' && s.name === 'ci')?.annotations).toEqual({ 'azure.workload.identity/client-id': miClient('id-ci-deployer') });
    expect(cluster('aks-ops-weu').kubernetes.serviceAccounts.find((s) => s.name === 'grafana')?.annotations['azure.workload.identity/client-id']).toBe(miClient('id-grafana'));
    const pod = k.pods.find((p) => p.name === 'payments-api-7c9f6d8b5-k2x4q');
    expect(pod).toMatchObject({ serviceAccountName: 'payments-api', labels: { app: 'payments-api', 'azure.workload.identity/use': 'true' } });
    expect(k.serviceAccounts).toContainEqual({ namespace: 'payments', name: 'default', annotations: {} });
    // Without workload identity in use the webhook is not installed and the OIDC issuer stays off.
    expect(cluster('aks-dev-weu').kubernetes.pods.some((p) => p.name.startsWith('azure-wi-webhook'))).toBe(false);
    expect(k.pods.some((p) => p.name.startsWith('azure-wi-webhook'))).toBe(true);
  });
});
