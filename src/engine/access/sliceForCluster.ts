import type { EntraGroup, EntraPrincipal } from '../../model/entra.ts';
import { buildEntraIndex } from '../entra/entraIndex.ts';
import { buildScopeHierarchy, scopeCovers } from '../azure/scopes.ts';
import { roleDefinitionGuid } from '../azure/azureRbacIndex.ts';
import { clusterKey, type AccessModelInput } from './accessModel.ts';

/**
 * The part of the tenant that can affect one cluster, so a cluster's compiled generation answers every
 * question about it on its own (one partition): assignments and deny assignments at scopes above or below
 * the cluster, the roles they use, the whole management-group tree, and the Entra principals that any of it
 * names — with their groups (upward, for their access) and the groups' members (downward, for expandGroups).
 */
export function sliceForCluster(input: AccessModelInput, clusterId: string): AccessModelInput {
  const cluster = input.clusters.find((c) => clusterKey(c.id) === clusterKey(clusterId));
  if (cluster === undefined) throw new Error(`cluster ${clusterId} is not in the tenant input`);
  const hierarchy = buildScopeHierarchy(input.azure.hierarchy);
  const touches = (scope: string) => scopeCovers(scope, cluster.id, hierarchy) || scopeCovers(cluster.id, scope, hierarchy);
  const roleAssignments = input.azure.roleAssignments.filter((a) => touches(a.scope));
  const denyAssignments = input.azure.denyAssignments.filter((d) => touches(d.scope));
  const usedRoles = new Set(roleAssignments.map((a) => roleDefinitionGuid(a.roleDefinitionId)));
  const roleDefinitions = input.azure.roleDefinitions.filter((r) => usedRoles.has(roleDefinitionGuid(r.name !== '' ? r.name : r.id)));

  const kubernetes = input.kubernetes.get(clusterKey(cluster.id));
  const entra = buildEntraIndex(input.entra);
  const named = new Set<string>();
  for (const a of roleAssignments) named.add(a.principalId.toLowerCase());
  for (const d of denyAssignments) for (const p of [...d.principals, ...d.excludePrincipals]) named.add(p.id.toLowerCase());
  for (const g of cluster.adminGroupObjectIds) named.add(g.toLowerCase());
  for (const b of kubernetes?.bindings ?? []) {
    for (const s of b.subjects) {
      if (s.kind !== 'User' && s.kind !== 'Group') continue;
      const p = entra.resolve(s.name);
      if (p !== undefined) named.add(p.id.toLowerCase());
    }
  }

  const keep = new Set<string>();
  for (const id of named) {
    keep.add(id);
    for (const g of entra.groupsOf(id)) keep.add(g.groupId.toLowerCase());
    const principal = entra.principal(id);
    if (principal?.kind === 'group') {
      for (const m of entra.membersOf(id)) {
        keep.add(m.principalId.toLowerCase());
        for (const g of m.chain) keep.add(g.toLowerCase());
      }
    }
  }
  // A kept principal's groups are kept too (a member reached downward must still know all its groups).
  for (const id of [...keep]) for (const g of entra.groupsOf(id)) keep.add(g.groupId.toLowerCase());
  const kept = <T extends EntraPrincipal>(items: readonly T[]) => items.filter((p) => keep.has(p.id.toLowerCase()));

  return {
    clusters: [cluster],
    kubernetes: kubernetes === undefined ? new Map() : new Map([[clusterKey(cluster.id), kubernetes]]),
    azure: { roleDefinitions, roleAssignments, denyAssignments, hierarchy: input.azure.hierarchy },
    entra: { users: kept(input.entra.users), groups: kept<EntraGroup>(input.entra.groups), servicePrincipals: kept(input.entra.servicePrincipals) },
  };
}
