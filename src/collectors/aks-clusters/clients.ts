import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { NetworkManagementClient } from '@azure/arm-network';
import type { TokenCredential } from '@azure/identity';
import { armClientOptions, type ArmClientSettings } from '../armClientOptions.ts';

/**
 * The SDK clients the aks-clusters collector reads through, per subscription (a cluster's subnet may live in
 * another subscription than the cluster). The composition root (or a test) builds them.
 */
export interface AksClustersClients {
  containerService(subscriptionId: string): ContainerServiceClient;
  network(subscriptionId: string): NetworkManagementClient;
  containerRegistry(subscriptionId: string): ContainerRegistryManagementClient;
  /** User-assigned managed identities and their federated identity credentials. */
  managedIdentity(subscriptionId: string): ManagedServiceIdentityClient;
}

export function createAksClustersClients(credential: TokenCredential, settings: ArmClientSettings = {}): AksClustersClients {
  const options = armClientOptions(settings);
  const cached = <T>(make: (subscriptionId: string) => T) => {
    const bySubscription = new Map<string, T>();
    return (subscriptionId: string): T => {
      const key = subscriptionId.toLowerCase();
      const existing = bySubscription.get(key);
      if (existing !== undefined) return existing;
      const client = make(subscriptionId);
      bySubscription.set(key, client);
      return client;
    };
  };
  return {
    containerService: cached((s) => new ContainerServiceClient(credential, s, options)),
    network: cached((s) => new NetworkManagementClient(credential, s, options)),
    containerRegistry: cached((s) => new ContainerRegistryManagementClient(credential, s, options)),
    managedIdentity: cached((s) => new ManagedServiceIdentityClient(credential, s, options)),
  };
}
