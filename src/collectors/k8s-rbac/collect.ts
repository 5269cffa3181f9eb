import { CollectorError } from '../CollectorError.ts';
import { fetchK8s, unitName, type K8sClusterScope, type K8sFetchOptions } from './fetch.ts';
import { K8sObjectError, transformK8s, type K8sCollection } from './transform.ts';

export type { K8sClusterScope, K8sFetchOptions } from './fetch.ts';
export type { K8sCollection } from './transform.ts';

/** `k8s://NAME`: what sources of collected objects start with (NAME: the cluster's name from its ARM id). */
function originOf(clusterId: string): string {
  const name = clusterId.split('/').filter((s) => s !== '').at(-1) ?? clusterId;
  return `k8s://${name}`;
}

/**
 * One cluster's RBAC objects, namespaces, service accounts and pods, complete or not at all: throws a
 * CollectorError (`denied` naming the permission, `transient` after bounded retries, `invalid` naming the object).
 */
export async function collect(scope: K8sClusterScope, options: K8sFetchOptions = {}): Promise<K8sCollection> {
  const lists = await fetchK8s(scope, options);
  try {
    return transformK8s(lists, originOf(scope.clusterId));
  } catch (error) {
    if (error instanceof K8sObjectError) throw new CollectorError('invalid', unitName(scope), error.message, { cause: error });
    throw error;
  }
}
