import { describe, expect, it } from 'vitest';
import { K8sObjectError, transformK8s, type RawK8sLists } from './transform.ts';

const EMPTY: RawK8sLists = { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [], namespaces: [], serviceAccounts: [], pods: [], services: [] };

function lists(partial: Partial<Record<keyof RawK8sLists, unknown[]>>): RawK8sLists {
  return { ...EMPTY, ...partial };
}

function errorOf(input: RawK8sLists): K8sObjectError {
  try {
    transformK8s(input, 'k8s://aks1');
  } catch (error) {
    expect(error).toBeInstanceOf(K8sObjectError);
    return error as K8sObjectError;
  }
  throw new Error('expected transformK8s to throw');
}

describe('transformK8s: RBAC objects through the one normaliser', () => {
  it('normalises list items (no kind/apiVersion, server metadata) with the kind of their list and the API path as source', () => {
    const result = transformK8s(
      lists({
        clusterRoles: [
          {
            metadata: { name: 'view', uid: 'u1', resourceVersion: '5', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, managedFields: [{ manager: 'kube-apiserver' }] },
            rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
            aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] },
          },
        ],
        roleBindings: [{ metadata: { name: 'b', namespace: 'payments' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }],
        roles: [{ metadata: { name: 'empty', namespace: 'payments' }, rules: null }],
      }),
      'k8s://aks1',
    );
    expect(result.roles).toEqual([
      {
        kind: 'ClusterRole',
        name: 'view',
        namespace: '',
        labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
        rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] }],
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, matchExpressions: [] }] },
        source: 'k8s://aks1/apis/rbac.authorization.k8s.io/v1/clusterroles/view',
      },
      { kind: 'Role', name: 'empty', namespace: 'payments', labels: {}, rules: [], source: 'k8s://aks1/apis/rbac.authorization.k8s.io/v1/namespaces/payments/roles/empty' },
    ]);
    expect(result.bindings).toEqual([
      {
        kind: 'RoleBinding',
        name: 'b',
        namespace: 'payments',
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [],
        source: 'k8s://aks1/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings/b',
      },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('names the broken object (kind, namespace, name) and what is wrong', () => {
    const binding = errorOf(lists({ roleBindings: [{ metadata: { name: 'b', namespace: 'payments' }, subjects: [] }] }));
    expect(binding.message).toBe(
      'malformed RoleBinding payments/b from the API server: k8s://aks1/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings/b: RoleBinding "b" roleRef is required (a mapping with apiGroup, kind and name)',
    );
    expect([binding.kind, binding.namespace, binding.objectName]).toEqual(['RoleBinding', 'payments', 'b']);
    expect(errorOf(lists({ clusterRoles: [{ metadata: { name: 'x' }, rules: [{ verbs: 'get' }] }] })).message).toMatch(/^malformed ClusterRole x from the API server: .*rules\[0\]\.verbs must be a list of strings/);
  });

  it('rejects what the API never sends: a namespaced object without namespace, a nameless object, a foreign kind, a non-object', () => {
    expect(errorOf(lists({ roles: [{ metadata: { name: 'r' }, rules: [] }] })).message).toBe('malformed Role r from the API server: metadata.namespace is missing');
    expect(errorOf(lists({ clusterRoles: [{ metadata: { name: 'ok' } }, { metadata: {} }] })).message).toBe('malformed ClusterRole (items[1]) from the API server: metadata.name is missing');
    expect(errorOf(lists({ clusterRoles: [{ kind: 'Secret', metadata: { name: 's' } }] })).message).toBe('malformed ClusterRole s from the API server: a Secret in a ClusterRoleList');
    expect(errorOf(lists({ namespaces: ['default'] })).message).toBe('malformed Namespace (items[0]) from the API server: expected an object, got "default"');
  });
});

describe('transformK8s: inventory', () => {
  it('keeps namespaces with their labels', () => {
    const result = transformK8s(lists({ namespaces: [{ metadata: { name: 'payments', labels: { team: 'payments' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }] }), 'k8s://aks1');
    expect(result.namespaces).toEqual([{ name: 'payments', labels: { team: 'payments' } }]);
  });

  it('keeps only the workload-identity annotations of service accounts', () => {
    const result = transformK8s(
      lists({
        serviceAccounts: [
          {
            metadata: {
              name: 'ci',
              namespace: 'payments',
              annotations: { 'azure.workload.identity/client-id': 'c1', 'azure.workload.identity/tenant-id': 't1', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'azure.workload.identity/service-account-token-expiration': '3600' },
            },
            secrets: [{ name: 'ci-token-abcde' }],
          },
          { metadata: { name: 'default', namespace: 'payments' } },
        ],
      }),
      'k8s://aks1',
    );
    expect(result.serviceAccounts).toEqual([
      { namespace: 'payments', name: 'ci', annotations: { 'azure.workload.identity/client-id': 'c1', 'azure.workload.identity/tenant-id': 't1' } },
      { namespace: 'payments', name: 'default', annotations: {} },
    ]);
    expect(errorOf(lists({ serviceAccounts: [{ metadata: { name: 'x', namespace: 'n', annotations: { a: 1 } } }] })).message).toBe('malformed ServiceAccount n/x from the API server: metadata.annotations must be a map of strings, got {"a":1}');
  });

  it('reads a pod: service account (default when unset), container, init and ephemeral container images, labels', () => {
    const result = transformK8s(
      lists({
        pods: [
          {
            metadata: { name: 'api', namespace: 'payments', labels: { app: 'api' } },
            spec: {
              serviceAccountName: 'ci',
              initContainers: [{ name: 'migrate', image: 'acr.azurecr.io/migrate:1' }],
              containers: [{ name: 'api', image: 'acr.azurecr.io/api:1' }, { name: 'proxy', image: 'envoy:1.29' }],
              ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36' }],
            },
          },
          { metadata: { name: 'legacy', namespace: 'payments' }, spec: { serviceAccount: 'old', containers: [{ image: 'x:1' }] } },
          { metadata: { name: 'bare', namespace: 'payments' }, spec: { containers: [{ image: 'y:1' }] } },
        ],
      }),
      'k8s://aks1',
    );
    expect(result.pods).toEqual([
      { namespace: 'payments', name: 'api', serviceAccountName: 'ci', images: ['acr.azurecr.io/api:1', 'envoy:1.29', 'acr.azurecr.io/migrate:1', 'busybox:1.36'], labels: { app: 'api' } },
      { namespace: 'payments', name: 'legacy', serviceAccountName: 'old', images: ['x:1'], labels: {} },
      { namespace: 'payments', name: 'bare', serviceAccountName: 'default', images: ['y:1'], labels: {} },
    ]);
  });

  it('names a pod whose containers are broken', () => {
    expect(errorOf(lists({ pods: [{ metadata: { name: 'p', namespace: 'n' }, spec: { containers: [{ name: 'c' }] } }] })).message).toBe('malformed Pod n/p from the API server: spec.containers[0].image must be a non-empty string');
    expect(errorOf(lists({ pods: [{ metadata: { name: 'p', namespace: 'n' } }] })).message).toBe('malformed Pod n/p from the API server: spec must be a mapping');
  });

  const ILB = 'service.beta.kubernetes.io/azure-load-balancer-internal';
  const SUBNET = 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet';
  const svc = (name: string, annotations?: Record<string, string>) => ({ metadata: { name, namespace: 'payments', ...(annotations === undefined ? {} : { annotations }) }, spec: { type: 'LoadBalancer' } });

  it.each<[string, unknown[], string[]]>([
    ['an internal LoadBalancer with a subnet', [svc('a', { [ILB]: 'true', [SUBNET]: 'snet-ilb' })], ['snet-ilb']],
    ['the annotation value is case-insensitive, the subnet an id', [svc('a', { [ILB]: 'True', [SUBNET]: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/x' })], ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/x']],
    ['each subnet once', [svc('a', { [ILB]: 'true', [SUBNET]: 'snet-ilb' }), svc('b', { [ILB]: 'true', [SUBNET]: 'snet-ilb' })], ['snet-ilb']],
    ['not internal: a subnet annotation alone', [svc('a', { [SUBNET]: 'snet-ilb' })], []],
    ['internal "false"', [svc('a', { [ILB]: 'false', [SUBNET]: 'snet-ilb' })], []],
    ['internal without a subnet (the nodes’ subnet)', [svc('a', { [ILB]: 'true' })], []],
    ['no annotations', [svc('a')], []],
  ])('services: keeps only internal load-balancer subnets — %s', (_name, services, expected) => {
    expect(transformK8s(lists({ services }), 'k8s://aks1').internalLoadBalancerSubnets).toEqual(expected);
  });

  it('names a service whose annotations are not strings', () => {
    expect(errorOf(lists({ services: [{ metadata: { name: 's', namespace: 'n', annotations: { [ILB]: true } } }] })).message).toMatch(/^malformed Service n\/s from the API server: metadata\.annotations must be a map of strings/);
  });
});
