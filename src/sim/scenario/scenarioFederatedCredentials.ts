import { WORKLOAD_IDENTITY_CLIENT_ID } from './parseKubernetes.ts';
import type { TenantScenario } from './TenantScenario.ts';

/** A federated identity credential as `az identity federated-credential list` prints it (properties flattened). */
export interface FederatedCredentialJson {
  readonly id: string;
  readonly name: string;
  readonly type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
  readonly resourceGroup: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/**
 * The federated credentials a scenario implies: a service account whose workload-identity annotation names a
 * declared managed identity, on a cluster with its OIDC issuer on, is set up the way `az identity
 * federated-credential create` documents it (issuer = the cluster's issuer URL, subject
 * system:serviceaccount:NS:NAME). An annotation naming no declared identity gets none.
 */
export function scenarioFederatedCredentials(s: TenantScenario): FederatedCredentialJson[] {
  const byClient = new Map((s.managedIdentities ?? []).map((mi) => [mi.clientId.toLowerCase(), mi]));
  const out: FederatedCredentialJson[] = [];
  for (const c of s.clusters) {
    const properties = c.arm.properties as { oidcIssuerProfile?: { enabled?: boolean; issuerURL?: string } } | undefined;
    const issuer = properties?.oidcIssuerProfile?.enabled === true ? properties.oidcIssuerProfile.issuerURL : undefined;
    if (issuer === undefined) continue;
    for (const sa of c.kubernetes.serviceAccounts) {
      const mi = byClient.get(sa.annotations[WORKLOAD_IDENTITY_CLIENT_ID]?.toLowerCase() ?? '');
      if (mi === undefined) continue;
      const name = `${String(c.arm.name)}-${sa.namespace}-${sa.name}`;
      out.push({
        id: `${mi.id}/federatedIdentityCredentials/${name}`,
        name,
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
        resourceGroup: mi.id.split('/')[4] ?? '',
        issuer,
        subject: `system:serviceaccount:${sa.namespace}:${sa.name}`,
        audiences: ['api://AzureADTokenExchange'],
      });
    }
  }
  return out;
}
