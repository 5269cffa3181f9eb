import { describe, expect, it } from 'vitest';
import { extractServiceAccounts } from './extractServiceAccounts.ts';

const sa = (name: string, namespace: string | undefined, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, ...(namespace === undefined ? {} : { namespace }), annotations },
});

describe('extractServiceAccounts', () => {
  it('reads ServiceAccounts from Lists, typed lists and single documents; keeps only the workload-identity annotations', () => {
    const documents = [
      { source: 'sa.json', value: { kind: 'List', items: [sa('api', 'payments', { 'azure.workload.identity/client-id': 'c1', 'kubectl.kubernetes.io/last-applied-configuration': '{…}' }), { kind: 'Pod', metadata: { name: 'p' } }] } },
      { source: 'typed.json', value: { kind: 'ServiceAccountList', items: [{ metadata: { name: 'ci', namespace: 'payments' } }] } },
      { source: 'one.yaml', value: sa('bot', undefined) },
      { source: 'cm.yaml', value: { kind: 'ConfigMap', metadata: { name: 'x' } } },
    ];
    expect(extractServiceAccounts(documents)).toEqual([
      { namespace: 'payments', name: 'api', annotations: { 'azure.workload.identity/client-id': 'c1' } },
      { namespace: 'payments', name: 'ci', annotations: {} },
      { namespace: 'default', name: 'bot', annotations: {} },
    ]);
  });

  it('a ServiceAccount without a name is an error that names the file', () => {
    expect(() => extractServiceAccounts([{ source: 'bad.yaml', value: { kind: 'ServiceAccount', metadata: {} } }])).toThrow(/bad\.yaml: ServiceAccount metadata: name is required/);
  });
});
