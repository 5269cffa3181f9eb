import { isRestError } from '@azure/core-rest-pipeline';
import { CollectorError } from '../CollectorError.ts';
import { DEFAULT_RETRY, withRetry, type RetryDecision, type RetryPolicy } from '../withRetry.ts';
import { LIST_CLUSTER_USER_CREDENTIAL_ACTION } from './permissions.ts';

/** The one ARM call this collector makes, as `@azure/arm-containerservice`'s ContainerServiceClient offers it. */
export interface ManagedClusterCredentials {
  readonly managedClusters: {
    listClusterUserCredentials(resourceGroupName: string, resourceName: string): Promise<{ readonly kubeconfigs?: readonly { readonly name?: string; readonly value?: Uint8Array }[] }>;
  };
}

const MANAGED_CLUSTER_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i;

function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const header = isRestError(error) ? error.response?.headers.get('retry-after') : undefined;
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** 429, 5xx, timeouts and connections that got no answer are worth another try; nothing else is. */
function decide(error: unknown): RetryDecision {
  const status = statusOf(error);
  const timedOut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
  const transient = timedOut || (isRestError(error) && (status === undefined || status === 429 || status >= 500));
  if (!transient) return { retry: false };
  const after = retryAfterOf(error);
  return after === undefined ? { retry: true } : { retry: true, retryAfterSeconds: after };
}

/**
 * The cluster's user kubeconfig (server URL and certificate-authority-data), from ARM listClusterUserCredential.
 * Its user (kubelogin exec for Entra clusters) is then replaced by the collector's bearer token. The client must
 * be for the cluster's subscription; throttling, 5xx and timeouts are retried (Retry-After honoured, bounded).
 */
export async function userKubeconfig(client: ManagedClusterCredentials, clusterId: string, retry: RetryPolicy = DEFAULT_RETRY): Promise<string> {
  const unit = `k8s-rbac cluster:${clusterId}`;
  const match = MANAGED_CLUSTER_ID.exec(clusterId);
  if (match?.[1] === undefined || match[2] === undefined) throw new CollectorError('invalid', unit, `not a managedClusters resource id: ${clusterId}`);
  const [resourceGroup, name] = [match[1], match[2]];
  let attempts = 0;
  let result;
  try {
    result = await withRetry(
      () => {
        attempts++;
        return client.managedClusters.listClusterUserCredentials(resourceGroup, name);
      },
      decide,
      retry,
    );
  } catch (error) {
    const status = statusOf(error);
    const said = error instanceof Error ? ` ARM said: ${error.message}` : '';
    if (status === 401 || status === 403) {
      throw new CollectorError('denied', unit, `listClusterUserCredential: ${status} — grant the indexer's identity ${LIST_CLUSTER_USER_CREDENTIAL_ACTION} on the cluster (Azure Kubernetes Service Cluster User Role has it).${said}`, {
        permission: LIST_CLUSTER_USER_CREDENTIAL_ACTION,
        status,
        cause: error,
      });
    }
    if (status === 404) throw new CollectorError('invalid', unit, `listClusterUserCredential: the cluster does not exist (404).${said}`, { status, cause: error });
    if (decide(error).retry) {
      throw new CollectorError('transient', unit, `listClusterUserCredential failed${status === undefined ? '' : ` (${status})`} after ${attempts} attempt(s); try again later.${said}`, {
        ...(status === undefined ? {} : { status }),
        cause: error,
      });
    }
    throw new CollectorError('invalid', unit, `listClusterUserCredential: unexpected failure${status === undefined ? '' : ` (${status})`}.${said}`, { ...(status === undefined ? {} : { status }), cause: error });
  }
  const value = result.kubeconfigs?.[0]?.value;
  if (value === undefined || value.length === 0) throw new CollectorError('invalid', unit, 'listClusterUserCredential returned no kubeconfig');
  return Buffer.from(value).toString('utf8');
}
