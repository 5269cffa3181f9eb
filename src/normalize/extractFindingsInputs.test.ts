import { describe, expect, it } from 'vitest';
import { extractInternalLoadBalancerSubnets, extractNetworkAndRegistries, extractPods } from './extractFindingsInputs.ts';

const SUB = '/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network';

describe('extractNetworkAndRegistries', () => {
  it('subnets from az network vnet list (flattened) and ARM subnets; registries from az acr list and ARM', () => {
    const r = extractNetworkAndRegistries([
      {
        source: 'vnets.json',
        value: [{ id: `${SUB}/virtualNetworks/v`, type: 'Microsoft.Network/virtualNetworks', subnets: [{ id: `${SUB}/virtualNetworks/v/subnets/a`, routeTable: { id: `${SUB}/routeTables/rt` }, networkSecurityGroup: null }] }],
      },
      { source: 'subnet.json', value: { id: `${SUB}/virtualNetworks/v/subnets/b`, type: 'Microsoft.Network/virtualNetworks/subnets', properties: { networkSecurityGroup: { id: `${SUB}/networkSecurityGroups/n` } } } },
      { source: 'acr.json', value: [{ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr1', name: 'acr1', type: 'Microsoft.ContainerRegistry/registries', loginServer: 'acr1.azurecr.io', roleAssignmentMode: 'AbacRepositoryPermissions' }] },
      { source: 'arm.json', value: { value: [{ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr2', name: 'acr2', type: 'Microsoft.ContainerRegistry/registries', properties: { loginServer: 'acr2.azurecr.io' } }] } },
      { source: 'other.json', value: [{ id: 'x', type: 'Microsoft.Authorization/roleAssignments' }] },
    ]);
    expect(r.subnets).toEqual([
      { id: `${SUB}/virtualNetworks/v/subnets/a`, routeTableId: `${SUB}/routeTables/rt` },
      { id: `${SUB}/virtualNetworks/v/subnets/b`, networkSecurityGroupId: `${SUB}/networkSecurityGroups/n` },
    ]);
    expect(r.registries.map((x) => [x.name, x.loginServer, x.roleAssignmentMode])).toEqual([
      ['acr1', 'acr1.azurecr.io', 'AbacRepositoryPermissions'],
      ['acr2', 'acr2.azurecr.io', undefined],
    ]);
  });
});

describe('extractPods', () => {
  it('pods, workload and CronJob templates, kubectl Lists; other kinds ignored', () => {
    const pods = extractPods([
      {
        source: 'pods.json',
        value: {
          kind: 'List',
          items: [
            { kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', image: 'acr1.azurecr.io/x:1' }], initContainers: [{ name: 'i', image: 'busybox' }] } },
            { kind: 'ConfigMap', metadata: { name: 'cm' } },
          ],
        },
      },
      { source: 'deploy.yaml', value: { kind: 'Deployment', metadata: { name: 'd', namespace: 'b' }, spec: { template: { spec: { serviceAccountName: 'sa', containers: [{ image: 'acr2.azurecr.io/y:2' }] } } } } },
      { source: 'cron.yaml', value: { kind: 'CronJob', metadata: { name: 'cj', namespace: 'b' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: 'acr3.azurecr.io/z' }] } } } } } } },
    ]);
    expect(pods.map((p) => [p.namespace, p.name, p.serviceAccountName, p.images])).toEqual([
      ['a', 'p', 'default', ['acr1.azurecr.io/x:1', 'busybox']],
      ['b', 'd', 'sa', ['acr2.azurecr.io/y:2']],
      ['b', 'cj', 'default', ['acr3.azurecr.io/z']],
    ]);
  });
});

describe('extractInternalLoadBalancerSubnets', () => {
  it('internal LoadBalancer Services with a subnet annotation; public ones and other kinds ignored', () => {
    const svc = (name: string, annotations: Record<string, string>) => ({ kind: 'Service', metadata: { name, namespace: 'a', annotations }, spec: { type: 'LoadBalancer' } });
    expect(
      extractInternalLoadBalancerSubnets([
        {
          source: 's.json',
          value: {
            kind: 'List',
            items: [
              svc('ilb', { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'snet-ilb' }),
              svc('public', { 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'snet-x' }),
              svc('ilb-default-subnet', { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' }),
            ],
          },
        },
      ]),
    ).toEqual(['snet-ilb']);
  });
});
