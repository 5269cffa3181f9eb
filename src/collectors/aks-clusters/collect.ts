import { ManifestError } from '../../manifests/ManifestError.ts';
import { CollectorError } from '../CollectorError.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../withRetry.ts';
import type { AksClustersClients } from './clients.ts';
import { fetchAksClusters } from './fetch.ts';
import { transformAksClusters, type AksClustersCollection } from './transform.ts';

export type { AksClustersClients } from './clients.ts';
export type { AksClusterNetwork, AksClustersCollection, AksFederatedCredential, AksRegistry, AksSubnet } from './transform.ts';

export interface AksClustersScope {
  readonly subscriptionId: string;
}

export interface AksClustersCollectOptions {
  readonly clients: AksClustersClients;
  readonly retry?: RetryPolicy;
}

export function unitName(scope: AksClustersScope): string {
  return `aks-clusters sub:${scope.subscriptionId}`;
}

/**
 * One subscription's AKS clusters (normalised), with the subnets and registries the identity checks need and
 * the federated credentials that back workload identities, complete or not at all: throws a CollectorError (`denied` naming the action and scope, `transient` after
 * bounded retries, `invalid` naming the object).
 */
export async function collect(scope: AksClustersScope, options: AksClustersCollectOptions): Promise<AksClustersCollection> {
  const unit = unitName(scope);
  try {
    return transformAksClusters(await fetchAksClusters(unit, scope.subscriptionId, options.clients, options.retry ?? DEFAULT_RETRY));
  } catch (error) {
    if (error instanceof ManifestError) throw new CollectorError('invalid', unit, `malformed data from the service: ${error.message}`, { cause: error });
    throw error;
  }
}
