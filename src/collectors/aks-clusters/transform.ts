import type { AksCluster } from '../../model/aksCluster.ts';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { field, obj, props, requiredStr, str } from '../../normalize/jsonFields.ts';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { itemLabel, sdkJson } from '../sdkJson.ts';
import { clusterSubnetIds, type AksClustersPages } from './fetch.ts';

/** Where a cluster's nodes and API server sit on the network: what the cluster-identity checks look at. */
export interface AksClusterNetwork {
  readonly clusterId: string;
  /** Custom subnets of its node pools (none: AKS-managed VNet in the node resource group). */
  readonly subnetIds: readonly string[];
  readonly privateCluster: boolean;
  /** `system`, `none`, or the id of a private DNS zone (possibly in another resource group). */
  readonly privateDnsZone?: string;
}

export interface AksSubnet {
  readonly id: string;
  readonly addressPrefix?: string;
  readonly routeTableId?: string;
  readonly networkSecurityGroupId?: string;
}

export interface AksRegistry {
  readonly id: string;
  readonly name: string;
  readonly loginServer: string;
  readonly location?: string;
  /** `AbacRepositoryPermissions` changes which role grants pull (the acr-attach-abac-mode condition). */
  readonly roleAssignmentMode?: string;
}

/**
 * A federated identity credential of a user-assigned managed identity that trusts an AKS cluster's OIDC issuer:
 * the proof that a service account annotated with the identity's client id really gets its tokens.
 */
export interface AksFederatedCredential {
  /** ARM id of the credential (the identity's id + `/federatedIdentityCredentials/NAME`). */
  readonly id: string;
  readonly identityId: string;
  /** The identity's client id: what `azure.workload.identity/client-id` annotations carry. */
  readonly clientId: string;
  readonly principalId: string;
  readonly name: string;
  readonly issuer: string;
  /** `system:serviceaccount:NAMESPACE:NAME`. */
  readonly subject: string;
}

export interface AksClustersCollection {
  readonly clusters: readonly AksCluster[];
  readonly networks: readonly AksClusterNetwork[];
  readonly subnets: readonly AksSubnet[];
  /** Subnets a cluster names that do not exist. */
  readonly missingSubnetIds: readonly string[];
  readonly registries: readonly AksRegistry[];
  /**
   * Every federated credential with a subject, whatever its issuer (absent from snapshots collected before they
   * were read): an identity whose credentials are all known but none trusts a service account gets no token from
   * it, which only the whole list can tell (the offline export holds the whole list too).
   */
  readonly federatedCredentials?: readonly AksFederatedCredential[];
}

/*
 * Pure: SDK models → the cluster model (src/normalize/normalizeManagedCluster, the one normalisation), plus
 * typed projections of subnets and registries. Malformed items throw ManifestError naming the item.
 */

function network(raw: ReturnType<typeof sdkJson>, cluster: AksCluster, subnetIds: readonly string[]): AksClusterNetwork {
  const access = obj(props(raw), 'apiServerAccessProfile');
  const zone = access === undefined ? '' : str(access, 'privateDNSZone', `managed cluster ${cluster.id}`);
  return {
    clusterId: cluster.id,
    subnetIds,
    privateCluster: access !== undefined && field(access, 'enablePrivateCluster') === true,
    ...(zone === '' ? {} : { privateDnsZone: zone }),
  };
}

export function transformAksClusters(pages: AksClustersPages): AksClustersCollection {
  const clusters: AksCluster[] = [];
  const networks: AksClusterNetwork[] = [];
  pages.managedClusters.forEach((managed, i) => {
    const raw = sdkJson(managed);
    const cluster = normalizeManagedCluster(raw, itemLabel('managed cluster', managed, i));
    clusters.push(cluster);
    networks.push(network(raw, cluster, clusterSubnetIds([managed])));
  });
  const subnets = pages.subnets.map((s, i): AksSubnet => {
    const where = itemLabel('subnet', s, i);
    const raw = sdkJson(s);
    return {
      id: requiredStr(raw, 'id', where),
      ...(s.addressPrefix === undefined ? {} : { addressPrefix: s.addressPrefix }),
      ...(s.routeTable?.id === undefined ? {} : { routeTableId: s.routeTable.id }),
      ...(s.networkSecurityGroup?.id === undefined ? {} : { networkSecurityGroupId: s.networkSecurityGroup.id }),
    };
  });
  const registries = pages.registries.map((r, i): AksRegistry => {
    const where = itemLabel('container registry', r, i);
    const raw = sdkJson(r);
    const location = str(raw, 'location', where);
    const mode = str(raw, 'roleAssignmentMode', where);
    return {
      id: requiredStr(raw, 'id', where),
      name: requiredStr(raw, 'name', where),
      loginServer: requiredStr(raw, 'loginServer', where),
      ...(location === '' ? {} : { location }),
      ...(mode === '' ? {} : { roleAssignmentMode: mode }),
    };
  });
  return { clusters, networks, subnets, missingSubnetIds: pages.missingSubnetIds, registries, federatedCredentials: federatedCredentials(pages) };
}

/** The identities' credentials that name a subject, each with its identity's client and principal ids. */
function federatedCredentials(pages: AksClustersPages): AksFederatedCredential[] {
  const identities = new Map<string, { id: string; clientId: string; principalId: string }>();
  pages.identities.forEach((identity, i) => {
    const where = itemLabel('user-assigned managed identity', identity, i);
    const raw = sdkJson(identity);
    const id = requiredStr(raw, 'id', where);
    identities.set(id.toLowerCase(), { id, clientId: requiredStr(raw, 'clientId', where), principalId: requiredStr(raw, 'principalId', where) });
  });
  const out: AksFederatedCredential[] = [];
  for (const { identityId, credentials } of pages.federatedCredentials) {
    const identity = identities.get(identityId.toLowerCase());
    if (identity === undefined) throw new ManifestError(`federated identity credentials were read for ${identityId}, which the identity list does not hold`);
    credentials.forEach((credential, i) => {
      const where = itemLabel('federated identity credential', credential, i);
      const raw = sdkJson(credential);
      const issuer = requiredStr(raw, 'issuer', where);
      // No subject (a claims-matching expression): which service accounts it trusts is not decided here.
      const subject = str(raw, 'subject', where);
      if (subject === '') return;
      out.push({ id: requiredStr(raw, 'id', where), identityId: identity.id, clientId: identity.clientId, principalId: identity.principalId, name: requiredStr(raw, 'name', where), issuer, subject });
    });
  }
  return out;
}
