import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/*
 * The kubeconfig that `listClusterUserCredential` / `listClusterAdminCredential` return (base64 in
 * `kubeconfigs[].value`), as `az aks get-credentials` writes it: the cluster's server and CA, and a user that
 * is, for an Entra-integrated cluster, the kubelogin exec plugin (the caller brings an Entra token for the AKS
 * server application), or a static token for local accounts.
 */

/** Microsoft Entra application of the AKS API server: tokens for a cluster are requested for `${id}/.default`. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/** The public client kubelogin signs in with. */
const AKS_CLIENT_APP_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';

export interface ClusterRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** Where the simulated Kubernetes API of a cluster lives, under the simulator's Kubernetes base URL. */
export function simulatedClusterServer(k8sBaseUrl: string, cluster: ClusterRef): string {
  const path = [cluster.subscriptionId, cluster.resourceGroup, cluster.name].map((s) => encodeURIComponent(s)).join('/');
  return `${k8sBaseUrl.replace(/\/+$/, '')}/clusters/${path}`;
}

/**
 * The static bearer token of a local account (`clusterUser` without Entra, or `clusterAdmin`): deterministic,
 * so the simulated Kubernetes API can recognise it as the cluster's.
 */
export function localAccountToken(clusterId: string, account: 'clusterUser' | 'clusterAdmin'): string {
  return createHash('sha256').update(`${account}:${clusterId.toLowerCase()}`).digest('hex').slice(0, 64);
}

export interface KubeconfigRequest {
  readonly cluster: ClusterRef;
  readonly clusterId: string;
  readonly server: string;
  /** PEM of the CA the API server's certificate chains to. */
  readonly ca: string;
  readonly account: 'clusterUser' | 'clusterAdmin';
  /** Entra-integrated (aadProfile): users get the kubelogin exec plugin, not a static token. */
  readonly entra: boolean;
  readonly tenantId: string;
}

export function kubeconfigYaml(request: KubeconfigRequest): string {
  const { cluster, account } = request;
  const userName = `${account}_${cluster.resourceGroup}_${cluster.name}`;
  const user =
    account === 'clusterUser' && request.entra
      ? {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            args: ['get-token', '--environment', 'AzurePublicCloud', '--server-id', AKS_SERVER_APP_ID, '--client-id', AKS_CLIENT_APP_ID, '--tenant-id', request.tenantId, '--login', 'devicecode'],
            command: 'kubelogin',
            env: null,
            installHint: 'kubelogin is not installed which is required to connect to AAD enabled cluster.',
            provideClusterInfo: false,
          },
        }
      : { token: localAccountToken(request.clusterId, account) };
  const contextName = account === 'clusterAdmin' ? `${cluster.name}-admin` : cluster.name;
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(request.ca).toString('base64'), server: request.server }, name: cluster.name }],
    contexts: [{ context: { cluster: cluster.name, user: userName }, name: contextName }],
    'current-context': contextName,
    kind: 'Config',
    preferences: {},
    users: [{ name: userName, user }],
  });
}
