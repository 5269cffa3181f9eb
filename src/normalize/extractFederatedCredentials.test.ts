import { describe, expect, it } from 'vitest';
import { extractFederatedCredentials } from './extractFederatedCredentials.ts';

const MI = '/subscriptions/s1/resourcegroups/rg-ops/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-grafana';
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/ops/';

describe('extractFederatedCredentials', () => {
  it('az shapes (flattened) and ARM shapes (properties), joined to the identity’s client id by the credential id', () => {
    const { credentials, warnings } = extractFederatedCredentials([
      { source: 'identities.json', value: [{ id: MI, name: 'id-grafana', type: 'Microsoft.ManagedIdentity/userAssignedIdentities', clientId: 'c-grafana', principalId: 'p-grafana' }] },
      {
        source: 'fic.json',
        value: [
          { id: `${MI}/federatedIdentityCredentials/grafana`, name: 'grafana', type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', issuer: ISSUER, subject: 'system:serviceaccount:monitoring:grafana', audiences: ['api://AzureADTokenExchange'] },
        ],
      },
      {
        source: 'arm.json',
        value: { value: [{ id: `${MI.toUpperCase()}/federatedIdentityCredentials/github`, type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', properties: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/ops:ref:refs/heads/main' } }] },
      },
    ]);
    expect(credentials).toEqual([
      { clientId: 'c-grafana', id: `${MI}/federatedIdentityCredentials/grafana`, issuer: ISSUER, subject: 'system:serviceaccount:monitoring:grafana' },
      { clientId: 'c-grafana', id: `${MI.toUpperCase()}/federatedIdentityCredentials/github`, issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/ops:ref:refs/heads/main' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('a credential whose identity is not listed, or without a subject, is left out with a warning; other documents are ignored', () => {
    const { credentials, warnings } = extractFederatedCredentials([
      { source: 'roles.json', value: [{ id: '/x', type: 'Microsoft.Authorization/roleAssignments' }] },
      { source: 'identities.json', value: [{ id: MI, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', clientId: 'c-grafana' }] },
      { source: 'fic.json', value: [{ id: '/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/gone/federatedIdentityCredentials/a', type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', issuer: ISSUER, subject: 's' }] },
      { source: 'expr.json', value: [{ id: `${MI}/federatedIdentityCredentials/b`, type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', properties: { issuer: ISSUER, claimsMatchingExpression: { value: 'claims.sub matches "system:serviceaccount:monitoring:*"' } } }] },
    ]);
    expect(credentials).toEqual([]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^fic\.json \[0\]: federated credential .*\/gone\/.* no 'az identity list' entry/);
    expect(warnings[1]).toMatch(/^expr\.json \[0\]: .* has no subject/);
  });

  it('a credential without an issuer is an error naming it', () => {
    expect(() => extractFederatedCredentials([
      { source: 'identities.json', value: [{ id: MI, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', clientId: 'c' }] },
      { source: 'bad.json', value: [{ id: `${MI}/federatedIdentityCredentials/x`, type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', subject: 's' }] },
    ])).toThrow(/bad\.json \[0\]: federated credential: issuer is required/);
  });
});
