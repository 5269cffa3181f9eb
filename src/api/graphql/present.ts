import type { ClusterAnswer, ClusterFreshness } from '../AccessQueries.ts';
import { describeAccessPath, type AccessPath, type EscalationPath, type NameOf } from '../../engine/access/accessPath.ts';
import { principalType, type CrossPlaneSubject } from '../../engine/access/whoCanAcross.ts';
import type { PrincipalIdentity } from '../../engine/access/principalIdentity.ts';
import { resourceGroupOf, subscriptionOf } from './clusterFilter.ts';

/*
 * Engine answers → the schema's objects. The engine's field names are the schema's (and the CLI's and REST's
 * JSON), so most of this is passing objects through with what the schema adds: the cluster's freshness on
 * every answer, and each path's explanation.
 */

export interface ClusterNode {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly generation: string;
  readonly compiledAt: string;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
}

export function clusterNode(c: ClusterFreshness): ClusterNode {
  return { id: c.clusterId, name: c.name, subscriptionId: subscriptionOf(c.clusterId), resourceGroup: resourceGroupOf(c.clusterId), generation: c.generation, compiledAt: c.compiledAt, stale: c.stale, staleReasons: c.staleReasons };
}

/** The ClusterAnswer interface's fields. */
export function answerFreshness<T>(a: ClusterAnswer<T>): { cluster: ClusterNode; stale: boolean; staleReasons: readonly string[] } {
  return { cluster: clusterNode(a.cluster), stale: a.cluster.stale, staleReasons: a.cluster.staleReasons };
}

export type PathNode = (AccessPath | EscalationPath) & { readonly explanation: string };

export function pathNode(path: AccessPath | EscalationPath, nameOf?: NameOf): PathNode {
  // AKS binds an admin group to cluster-admin; the JSON of the CLI and REST says so in `grants`.
  return { ...path, explanation: describeAccessPath(path, nameOf), ...(path.kind === 'adminGroup' ? { grants: 'cluster-admin' } : {}) };
}

/** AccessPath's concrete type by the path's kind. */
export const PATH_TYPES: Readonly<Record<PathNode['kind'], string>> = {
  rbac: 'KubernetesRbacPath',
  systemMasters: 'SystemMastersPath',
  dataAction: 'AzureDataActionPath',
  adminGroup: 'AdminGroupPath',
  adminCredential: 'CredentialPath',
  discovery: 'DiscoveryPath',
  escalation: 'EscalationPath',
};

export type SubjectRefNode = Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>;

export function subjectNode(s: CrossPlaneSubject, nameOf?: NameOf): Omit<CrossPlaneSubject, 'via'> & { readonly via: readonly PathNode[] } {
  return { ...s, via: s.via.map((p) => pathNode(p, nameOf)) };
}

export interface AskedIdentityNode {
  readonly kubernetesName: string;
  readonly groups: readonly string[];
  readonly objectId?: string;
  readonly principalType?: string;
  readonly displayName?: string;
}

/** The identity an answer evaluated: as Kubernetes sees it, with its Entra facts (the CLI's `principal`). */
export function askedIdentity(identity: PrincipalIdentity): AskedIdentityNode {
  const entra = identity.entra;
  return {
    kubernetesName: identity.kubernetes.name,
    groups: identity.kubernetes.groups,
    ...(entra === undefined ? {} : { objectId: entra.id, principalType: principalType(entra) }),
    ...(entra?.displayName === undefined ? {} : { displayName: entra.displayName }),
  };
}
