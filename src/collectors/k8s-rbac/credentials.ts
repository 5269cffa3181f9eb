import { CollectorError } from '../CollectorError.ts';
import { LIST_CLUSTER_USER_CREDENTIAL_ACTION } from './permissions.ts';

/** The one ARM call this collector makes, as `@azure/arm-containerservice`'s ContainerServiceClient offers it. */
export interface ManagedClusterCredentials {
  readonly managedClusters: {
    listClusterUserCredentials(resourceGroupName: string, resourceName: string): Promise<{ readonly kubeconfigs?: readonly { readonly name?: string; readonly value?: Uint8Array }[] }>;
  };
}

const MANAGED_CLUSTER_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i;

function restStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The cluster's user kubeconfig (server URL and certificate-authority-data), from ARM listClusterUserCredential.
 * Its user (kubelogin exec for Entra clusters) is then replaced by the collector's bearer token.
 * The client must be for the cluster's subscription.
 */
export async function userKubeconfig(client: ManagedClusterCredentials, clusterId: string): Promise<string> {
  const unit = `k8s-rbac cluster:${clusterId}`;
  const match = MANAGED_CLUSTER_ID.exec(clusterId);
  if (match?.[1] === undefined || match[2] === undefined) throw new CollectorError('invalid', unit, `not a managedClusters resource id: ${clusterId}`);
  let result;
  try {
    result = await client.managedClusters.listClusterUserCredentials(match[1], match[2]);
  } catch (error) {
    const status = restStatus(error);
    const said = error instanceof Error ? ` ARM said: ${error.message}` : '';
    if (status === 401 || status === 403) {
      throw new CollectorError('denied', unit, `listClusterUserCredential: ${status} — grant the indexer's identity ${LIST_CLUSTER_USER_CREDENTIAL_ACTION} on the cluster (Azure Kubernetes Service Cluster User Role has it).${said}`, {
        permission: LIST_CLUSTER_USER_CREDENTIAL_ACTION,
        status,
        cause: error,
      });
    }
    if (status === 404) throw new CollectorError('invalid', unit, `listClusterUserCredential: the cluster does not exist (404).${said}`, { status, cause: error });
    throw new CollectorError('transient', unit, `listClusterUserCredential failed${status === undefined ? '' : ` (${status})`}; try again later.${said}`, { ...(status === undefined ? {} : { status }), cause: error });
  }
  const value = result.kubeconfigs?.[0]?.value;
  if (value === undefined || value.length === 0) throw new CollectorError('invalid', unit, 'listClusterUserCredential returned no kubeconfig');
  return Buffer.from(value).toString('utf8');
}
