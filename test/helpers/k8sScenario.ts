/**
 * A small simulated tenant for the Kubernetes API tests: two clusters, the first carrying the upstream
 * bootstrap policy plus Contoso's objects (examples/k8s), a custom aggregated ClusterRole, namespaces,
 * service accounts (one with Azure workload identity) and pods; the second a handful of objects, so a test
 * sees that each cluster's API serves its own.
 */
import { fileURLToPath } from 'node:url';
import { aggregateClusterRoles } from '../../src/engine/k8s/aggregateClusterRoles.ts';
import { readManifestFiles } from '../../src/manifests/readManifestFiles.ts';
import type { K8sInventory } from '../../src/model/k8sInventory.ts';
import type { Binding, RbacObjects, Role } from '../../src/model/k8sRbac.ts';
import type { SimCluster, TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/k8s/', import.meta.url));

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
export const PROD_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
export const DEV_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev`;
export const WORKLOAD_CLIENT_ID = '0f1e2d3c-4b5a-4697-8877-665544332211';

const role = (kind: Role['kind'], name: string, namespace: string, rules: Role['rules'], labels: Record<string, string> = {}): Role => ({ kind, name, namespace, labels, rules, source: 'test' });

const rule = (verbs: string[], apiGroups: string[], resources: string[]) => ({ verbs, apiGroups, resources, resourceNames: [], nonResourceURLs: [] });

function arm(id: string, azureRbac: boolean): Record<string, unknown> {
  const name = id.split('/').at(-1) ?? '';
  return {
    id,
    location: 'westeurope',
    name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    properties: { kubernetesVersion: '1.30.5', dnsPrefix: name, enableRBAC: true, aadProfile: { managed: true, enableAzureRBAC: azureRbac, adminGroupObjectIDs: [] } },
  };
}

const INVENTORY: K8sInventory = {
  namespaces: ['default', 'kube-system', 'kube-public', 'payments', 'frontend', 'monitoring'].map((name) => ({
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...(name === 'payments' ? { team: 'payments', 'azure-workload-identity': 'enabled' } : {}) },
  })),
  serviceAccounts: [
    ...['default', 'kube-system', 'payments', 'frontend', 'monitoring'].map((namespace) => ({ namespace, name: 'default', annotations: {} })),
    { namespace: 'payments', name: 'ci', annotations: { 'azure.workload.identity/client-id': WORKLOAD_CLIENT_ID, 'azure.workload.identity/tenant-id': 'aaaaaaaa-0000-0000-0000-000000000001' } },
    { namespace: 'monitoring', name: 'prometheus', annotations: {} },
    { namespace: 'kube-system', name: 'csi-azurefile-node-sa', annotations: {} },
  ],
  pods: [
    { namespace: 'payments', name: 'payments-api-7d9f8-abcde', serviceAccountName: 'ci', images: ['contosoacr.azurecr.io/payments/api:1.4.2', 'contosoacr.azurecr.io/tools/envoy:1.29'], labels: { app: 'payments-api' } },
    { namespace: 'payments', name: 'payments-worker-5c6b7-fghij', serviceAccountName: 'default', images: ['contosoacr.azurecr.io/payments/worker:1.4.2'], labels: { app: 'payments-worker' } },
    { namespace: 'frontend', name: 'web-6f5d4-klmno', serviceAccountName: 'default', images: ['docker.io/library/nginx:1.27'], labels: {} },
    { namespace: 'monitoring', name: 'prometheus-0', serviceAccountName: 'prometheus', images: ['quay.io/prometheus/prometheus:v2.53.0'], labels: { app: 'prometheus' } },
    { namespace: 'kube-system', name: 'csi-azurefile-node-x2x4q', serviceAccountName: 'csi-azurefile-node-sa', images: ['mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.30.3'], labels: {} },
  ],
};

/** Bootstrap policy + examples/k8s/aks-contoso + a custom aggregated ClusterRole (matchExpressions). */
export async function prodRbac(): Promise<RbacObjects> {
  const loaded = await readManifestFiles([`${EXAMPLES}kubernetes-bootstrap`, `${EXAMPLES}aks-contoso`]);
  const custom: Role[] = [
    { ...role('ClusterRole', 'contoso:platform-reader', '', []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: {}, matchExpressions: [{ key: 'contoso.com/aggregate-to-platform-reader', operator: 'In', values: ['true'] }] }] } },
    role('ClusterRole', 'contoso:nodes-reader', '', [rule(['get', 'list', 'watch'], [''], ['nodes'])], { 'contoso.com/aggregate-to-platform-reader': 'true' }),
    role('Role', 'configmap-editor', 'frontend', [rule(['get', 'update', 'patch'], [''], ['configmaps'])]),
  ];
  const bindings: Binding[] = [
    { kind: 'RoleBinding', name: 'frontend-configmaps', namespace: 'frontend', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-editor' }, subjects: [{ kind: 'Group', name: '2c3d4e5f-6a7b-4c8d-9e0f-a1b2c3d4e5f6', namespace: '', apiGroup: 'rbac.authorization.k8s.io' }], source: 'test' },
    { kind: 'ClusterRoleBinding', name: 'contoso:platform-readers', namespace: '', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'contoso:platform-reader' }, subjects: [], source: 'test' },
  ];
  return { roles: [...loaded.roles, ...custom], bindings: [...loaded.bindings, ...bindings] };
}

const DEV: SimCluster['kubernetes'] = {
  roles: [role('ClusterRole', 'dev-only', '', [rule(['*'], ['*'], ['*'])])],
  bindings: [{ kind: 'ClusterRoleBinding', name: 'dev-only', namespace: '', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'dev-only' }, subjects: [{ kind: 'User', name: 'dev@contoso.com', namespace: '', apiGroup: 'rbac.authorization.k8s.io' }], source: 'test' }],
  namespaces: [{ name: 'default', labels: {} }],
  serviceAccounts: [{ namespace: 'default', name: 'default', annotations: {} }],
  pods: [],
};

export async function k8sScenario(): Promise<TenantScenario> {
  const prod: SimCluster = { arm: arm(PROD_ID, true), kubernetes: { ...(await prodRbac()), ...INVENTORY } };
  const dev: SimCluster = { arm: arm(DEV_ID, false), kubernetes: DEV };
  return {
    tenantId: 'aaaaaaaa-0000-0000-0000-000000000001',
    managementGroups: [],
    subscriptions: [],
    azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] },
    entra: { users: [], groups: [], servicePrincipals: [] },
    clusters: [prod, dev],
    registries: [],
    subnets: [],
  };
}

/**
 * What a live API returns for a cluster of the scenario: aggregated ClusterRoles with their rules filled in
 * by the aggregation controller; everything else as declared.
 */
export function asServed(k8s: SimCluster['kubernetes']): SimCluster['kubernetes'] {
  const { rulesByClusterRole } = aggregateClusterRoles(k8s.roles.filter((r) => r.kind === 'ClusterRole'));
  const roles = k8s.roles.map((r) => (r.kind === 'ClusterRole' && r.aggregationRule !== undefined ? { ...r, rules: (rulesByClusterRole.get(r.name) ?? []).map((e) => e.rule) } : r));
  return { ...k8s, roles };
}
