import { ManifestError } from '../../manifests/ManifestError.ts';
import { CollectorError } from '../CollectorError.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../withRetry.ts';
import type { AzureRbacClients } from './clients.ts';
import { fetchSubscription, fetchTenant } from './fetch.ts';
import { transformSubscription, transformTenant, type AzureRbacCollection } from './transform.ts';

export type { AzureRbacClients } from './clients.ts';
export type { AzureRbacCollection, AzureSubscription } from './transform.ts';

/** The tenant unit (built-in roles, management-group tree, subscriptions) or one subscription's RBAC. */
export type AzureRbacScope = { readonly kind: 'tenant'; readonly tenantId: string } | { readonly kind: 'subscription'; readonly subscriptionId: string };

export interface AzureRbacCollectOptions {
  readonly clients: AzureRbacClients;
  readonly retry?: RetryPolicy;
}

export function unitName(scope: AzureRbacScope): string {
  return scope.kind === 'tenant' ? 'azure-rbac tenant' : `azure-rbac sub:${scope.subscriptionId}`;
}

/**
 * Azure RBAC for one unit, complete or not at all: throws a CollectorError — `denied` naming the Azure action
 * and scope, `transient` after bounded retries, `invalid` naming the object.
 */
export async function collect(scope: AzureRbacScope, options: AzureRbacCollectOptions): Promise<AzureRbacCollection> {
  const unit = unitName(scope);
  const retry = options.retry ?? DEFAULT_RETRY;
  try {
    if (scope.kind === 'tenant') return transformTenant(await fetchTenant(unit, scope.tenantId, options.clients, retry));
    return transformSubscription(await fetchSubscription(unit, scope.subscriptionId, options.clients, retry));
  } catch (error) {
    if (error instanceof ManifestError) throw new CollectorError('invalid', unit, `malformed data from the service: ${error.message}`, { cause: error });
    throw error;
  }
}
