import type { Registry } from '@azure/arm-containerregistry';
import type { ManagedCluster } from '@azure/arm-containerservice';
import { getContinuationToken as msiToken, type FederatedIdentityCredential, type Identity } from '@azure/arm-msi';
import type { Subnet } from '@azure/arm-network';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { CollectorError } from '../CollectorError.ts';
import { httpFailureOf } from '../httpFailure.ts';
import { allSettledOrThrow, mapBounded, readAllPages, readWithRetry } from '../readWithRetry.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../withRetry.ts';
import type { AksClustersClients } from './clients.ts';

export interface AksClustersPages {
  readonly subscriptionId: string;
  readonly managedClusters: readonly ManagedCluster[];
  /** The subnets the clusters' node pools sit in (custom VNets), wherever they live. */
  readonly subnets: readonly Subnet[];
  /** Subnets a cluster names that do not exist (404): a finding, not a failure. */
  readonly missingSubnetIds: readonly string[];
  readonly registries: readonly Registry[];
  /** The subscription's user-assigned managed identities. */
  readonly identities: readonly Identity[];
  /** Each identity's federated identity credentials (identities that vanished between the two reads: none). */
  readonly federatedCredentials: readonly { readonly identityId: string; readonly credentials: readonly FederatedIdentityCredential[] }[];
}

const IDENTITY_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i;
const SUBNET_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i;

/** Page continuation of the TypeSpec-generated clients (containerservice, containerregistry). */
const pageLink = (page: unknown[]): string | undefined => (page as { continuationToken?: string }).continuationToken;

/** Every node pool's custom subnet, once each (ids compared case-insensitively), naming the cluster if one is unreadable. */
export function clusterSubnetIds(clusters: readonly ManagedCluster[]): string[] {
  const byKey = new Map<string, string>();
  clusters.forEach((cluster, i) => {
    for (const pool of cluster.agentPoolProfiles ?? []) {
      const id = pool.vnetSubnetID;
      if (id === undefined || id === '') continue;
      if (!SUBNET_ID.test(id)) throw new ManifestError(`managed cluster ${cluster.id ?? `#${i}`}: agent pool ${pool.name}: vnetSubnetID is not a subnet id: ${id}`);
      if (!byKey.has(id.toLowerCase())) byKey.set(id.toLowerCase(), id);
    }
  });
  return [...byKey.values()];
}

/**
 * One subscription's managed clusters, their subnets, the subscription's registries and its user-assigned
 * identities with their federated credentials, complete or a CollectorError. Subnets are read one by one (they
 * may sit in other subscriptions and resource groups), credentials one list per identity (ARM has no
 * subscription-wide list of them).
 */
export async function fetchAksClusters(unit: string, subscriptionId: string, clients: AksClustersClients, retry: RetryPolicy = DEFAULT_RETRY, subnetConcurrency = 4): Promise<AksClustersPages> {
  const at = `/subscriptions/${subscriptionId}`;
  const [managedClusters, registries, identities] = await allSettledOrThrow([
    readAllPages(() => clients.containerService(subscriptionId).managedClusters.list(), pageLink, { unit, what: `managed clusters of ${at}`, permission: `Microsoft.ContainerService/managedClusters/read on ${at}` }, retry),
    readAllPages(() => clients.containerRegistry(subscriptionId).registries.list(), pageLink, { unit, what: `container registries of ${at}`, permission: `Microsoft.ContainerRegistry/registries/read on ${at}` }, retry),
    readAllPages(() => clients.managedIdentity(subscriptionId).userAssignedIdentities.listBySubscription(), msiToken, { unit, what: `user-assigned managed identities of ${at}`, permission: `Microsoft.ManagedIdentity/userAssignedIdentities/read on ${at}` }, retry),
  ]);
  const federatedCredentials = await mapBounded(
    identities.map((identity, index) => ({ identity, index })),
    subnetConcurrency,
    ({ identity, index }) => fetchFederatedCredentials(unit, identity, index, clients, retry),
  );
  const read = await mapBounded(clusterSubnetIds(managedClusters), subnetConcurrency, async (id) => {
    const [, sub = '', group = '', vnet = '', name = ''] = SUBNET_ID.exec(id) ?? [];
    const subnet = await readWithRetry(
      async () => {
        try {
          return await clients.network(sub).subnets.get(group, vnet, name);
        } catch (error) {
          if (httpFailureOf(error)?.status === 404) return undefined;
          throw error;
        }
      },
      { unit, what: `subnet ${id}`, permission: `Microsoft.Network/virtualNetworks/subnets/read on ${id}` },
      retry,
    );
    return { id, subnet };
  });
  return {
    subscriptionId,
    managedClusters,
    registries,
    subnets: read.flatMap((r) => (r.subnet === undefined ? [] : [r.subnet])),
    missingSubnetIds: read.flatMap((r) => (r.subnet === undefined ? [r.id] : [])),
    identities,
    federatedCredentials,
  };
}

/** One identity's federated credentials, every page; none when the identity is gone (404) by the time they are read. */
async function fetchFederatedCredentials(unit: string, identity: Identity, index: number, clients: AksClustersClients, retry: RetryPolicy): Promise<{ identityId: string; credentials: FederatedIdentityCredential[] }> {
  const identityId = identity.id ?? '';
  const m = IDENTITY_ID.exec(identityId);
  if (m === null) throw new ManifestError(`user-assigned managed identity ${identityId === '' ? `#${String(index)} (no id)` : identityId}: id is not a user-assigned identity id`);
  const [, sub = '', group = '', name = ''] = m;
  const context = { unit, what: `federated identity credentials of ${identityId}`, permission: `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read on ${identityId}` };
  try {
    return { identityId, credentials: await readAllPages(() => clients.managedIdentity(sub).federatedIdentityCredentials.list(group, name), msiToken, context, retry) };
  } catch (error) {
    if (error instanceof CollectorError && error.status === 404) return { identityId, credentials: [] };
    throw error;
  }
}
