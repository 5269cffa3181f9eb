import type { AksCluster } from '../../model/aksCluster.ts';
import type { EntraPrincipal } from '../../model/entra.ts';
import type { K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import { buildAccessModel, clusterKey, type AccessModelInput } from '../access/accessModel.ts';
import { roleDefinitionGuid } from '../azure/azureRbacIndex.ts';
import { buildEntraIndex } from '../entra/entraIndex.ts';
import { whoCanAcrossMemo } from '../access/whoCanAcrossMemo.ts';
import { clusterIdentityFindings, type RegistryInfo, type SubnetInfo } from './clusterIdentityFindings.ts';
import type { Finding } from './Finding.ts';
import { riskyAccessFindings } from './riskyAccess.ts';
import { escalationFindings, WORKLOAD_IDENTITY_CLIENT_ID, type FederatedCredential } from './escalationPaths.ts';

/** What the cluster-identity check reads besides the cluster's slice: the network and registries it sits on. */
export interface ClusterNetworkInput {
  /** Subnets (at least the cluster's agent-pool subnets) with their route tables and NSGs. */
  readonly subnets?: readonly SubnetInfo[];
  /** Container registries of the tenant: pod images on their login servers name the registries the kubelet pulls from. */
  readonly registries?: readonly RegistryInfo[];
  /** Subnets of the cluster's internal load balancers (ids, or names in the nodes' VNet). */
  readonly internalLoadBalancerSubnets?: readonly string[];
  /** Federated identity credentials of managed identities: a workload-identity chain they back is claimed by them, not by the annotation alone. */
  readonly federatedCredentials?: readonly FederatedCredential[];
}

export interface FindingsOptions {
  /** false: every question worked out on its own, as before the memo (the test that the memo changes no answer). */
  readonly memo?: boolean;
}

export interface ClusterFindings {
  readonly findings: readonly Finding[];
  /** Checks that could not be made (a subnet or registry the input does not describe, an unknown identity). */
  readonly warnings: readonly string[];
}

/** The principal ids of the cluster's control-plane and kubelet identities (those the input names). */
export function clusterIdentityPrincipals(cluster: AksCluster): string[] {
  const ids = [cluster.identity?.principalId, ...(cluster.identity?.userAssigned ?? []).map((u) => u.principalId), cluster.kubeletIdentity?.objectId];
  return ids.filter((id): id is string => id !== undefined && id !== '');
}

/**
 * The service principals the cluster's service accounts name as their Azure workload identity
 * (`azure.workload.identity/client-id` = the principal's appId): the escalation paths follow them to their role
 * assignments wherever those are, so the cluster's findings need them widened in like its own identities.
 */
export function workloadIdentityPrincipals(tenant: AccessModelInput, clusterId: string): string[] {
  const objects = tenant.kubernetes.get(clusterKey(clusterId)) ?? tenant.kubernetes.get(clusterId);
  const accounts = (objects as { serviceAccounts?: readonly K8sServiceAccount[] } | undefined)?.serviceAccounts ?? [];
  const clientIds = new Set(accounts.map((sa) => sa.annotations[WORKLOAD_IDENTITY_CLIENT_ID]?.toLowerCase()).filter((id): id is string => id !== undefined && id !== ''));
  if (clientIds.size === 0) return [];
  return tenant.entra.servicePrincipals.filter((sp) => sp.appId !== undefined && clientIds.has(sp.appId.toLowerCase())).map((sp) => sp.id);
}

/**
 * The slice plus the Azure RBAC of some principals wherever it is: their role assignments and those of their
 * groups (at any scope), every deny assignment, the roles used, and the principals and groups themselves.
 * A cluster's slice holds only what touches the cluster's scope, but its identities need permissions on
 * subnets, route tables, registries and DNS zones elsewhere.
 */
export function withPrincipalGrants(slice: AccessModelInput, tenant: AccessModelInput, principalIds: readonly string[]): AccessModelInput {
  if (principalIds.length === 0) return slice;
  const entra = buildEntraIndex(tenant.entra);
  const holders = new Set<string>();
  for (const id of principalIds) {
    holders.add(id.toLowerCase());
    for (const g of entra.groupsOf(id)) holders.add(g.groupId.toLowerCase());
  }
  const seen = new Set(slice.azure.roleAssignments.map((a) => a.id.toLowerCase()));
  const roleAssignments = [...slice.azure.roleAssignments, ...tenant.azure.roleAssignments.filter((a) => holders.has(a.principalId.toLowerCase()) && !seen.has(a.id.toLowerCase()))];
  const seenDeny = new Set(slice.azure.denyAssignments.map((d) => d.id.toLowerCase()));
  const denyAssignments = [...slice.azure.denyAssignments, ...tenant.azure.denyAssignments.filter((d) => !seenDeny.has(d.id.toLowerCase()))];
  const usedRoles = new Set(roleAssignments.map((a) => roleDefinitionGuid(a.roleDefinitionId)));
  const roleDefinitions = tenant.azure.roleDefinitions.filter((r) => usedRoles.has(roleDefinitionGuid(r.name !== '' ? r.name : r.id)));
  const add = <T extends EntraPrincipal>(have: readonly T[], all: readonly T[]): T[] => {
    const known = new Set(have.map((p) => p.id.toLowerCase()));
    return [...have, ...all.filter((p) => holders.has(p.id.toLowerCase()) && !known.has(p.id.toLowerCase()))];
  };
  return {
    ...slice,
    azure: { ...slice.azure, roleAssignments, denyAssignments, roleDefinitions },
    entra: {
      users: add(slice.entra.users, tenant.entra.users),
      groups: add(slice.entra.groups, tenant.entra.groups),
      servicePrincipals: add(slice.entra.servicePrincipals, tenant.entra.servicePrincipals),
    },
  };
}

/**
 * Every finding of one cluster: `input` is its slice (sliceForCluster: the cluster, its Kubernetes objects
 * with the pods, the Azure RBAC and directory objects that reach it) widened by withPrincipalGrants to its own
 * identities' grants, plus its network. A sync stores the result with the cluster's generation, so asking for
 * findings reads one partition. Built-in baselines are left out.
 */
export function findingsForCluster(input: AccessModelInput, clusterId: string, network: ClusterNetworkInput = {}, options: FindingsOptions = {}): ClusterFindings {
  const key = clusterKey(clusterId);
  const model = buildAccessModel(input);
  // The risky rules and the escalation chains ask many of the same questions on this one model.
  const memo = options.memo === false ? undefined : whoCanAcrossMemo(model);
  const cluster = model.clusters.find((c) => clusterKey(c.id) === key);
  if (cluster === undefined) throw new Error(`cluster ${clusterId} is not in its slice`);
  // The k8s-rbac collector's snapshot carries the pods (and, when it has them, internal load-balancer subnets) next to the RBAC objects (K8sCollection).
  const inventory = input.kubernetes.get(key) as { pods?: readonly K8sPod[]; internalLoadBalancerSubnets?: readonly string[] } | undefined;
  const pods = inventory?.pods ?? [];
  const ilbSubnets = [...new Set([...(network.internalLoadBalancerSubnets ?? []), ...(inventory?.internalLoadBalancerSubnets ?? [])])];

  const identity = clusterIdentityFindings({
    model,
    clusters: [cluster],
    inventories: new Map([[key, { pods }]]),
    subnets: network.subnets ?? [],
    registries: network.registries ?? [],
    internalLoadBalancerSubnets: new Map([[key, ilbSubnets]]),
  });
  const risky = riskyAccessFindings(model, { clusters: [cluster], ...(memo === undefined ? {} : { memo }) });
  const serviceAccounts = (input.kubernetes.get(key) as { serviceAccounts?: readonly K8sServiceAccount[] } | undefined)?.serviceAccounts ?? [];
  const escalation = escalationFindings(model, {
    clusters: [cluster],
    inventories: new Map([[key, { serviceAccounts }]]),
    ...(network.federatedCredentials === undefined ? {} : { federatedCredentials: network.federatedCredentials }),
    ...(memo === undefined ? {} : { memo }),
  });
  return {
    findings: [...identity.findings, ...risky.findings, ...escalation.findings],
    warnings: [...new Set([...identity.warnings, ...risky.warnings, ...escalation.warnings])],
  };
}

/**
 * The findings a compile stores for one cluster, from the tenant: its slice widened by the grants of its own
 * identities and of the workload identities its service accounts use, plus its network.
 */
export function clusterFindingsFromTenant(tenant: AccessModelInput, cluster: AksCluster, slice: AccessModelInput, network: ClusterNetworkInput = {}, options: FindingsOptions = {}): ClusterFindings {
  return findingsForCluster(withPrincipalGrants(slice, tenant, [...clusterIdentityPrincipals(cluster), ...workloadIdentityPrincipals(tenant, cluster.id)]), cluster.id, network, options);
}
