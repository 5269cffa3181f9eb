import type { AksCluster } from '../../model/aksCluster.ts';
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

export interface AksClustersCollection {
  readonly clusters: readonly AksCluster[];
  readonly networks: readonly AksClusterNetwork[];
  readonly subnets: readonly AksSubnet[];
  /** Subnets a cluster names that do not exist. */
  readonly missingSubnetIds: readonly string[];
  readonly registries: readonly AksRegistry[];
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
  return { clusters, networks, subnets, missingSubnetIds: pages.missingSubnetIds, registries };
}
