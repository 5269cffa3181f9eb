import type { ObjectKey, PolicyRule } from '../../model/k8sRbac.ts';
import type { GroupMembership } from '../entra/entraIndex.ts';

/*
 * One way a principal gets access to a request on a cluster, in the words of the plane that grants it.
 * Every answer is a list of these; "allowed" is derived from them, never computed on the side.
 */

export interface KubernetesRbacPath {
  readonly plane: 'kubernetes';
  readonly kind: 'rbac';
  readonly cluster: string;
  readonly binding: ObjectKey;
  readonly role: ObjectKey;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  readonly aggregatedFrom: readonly string[];
  /** "" = cluster-wide (ClusterRoleBinding). */
  readonly namespace: string;
  /** The Entra group chain that puts the principal into the binding's Group subject. */
  readonly viaGroup?: GroupMembership;
}

export interface SystemMastersPath {
  readonly plane: 'kubernetes';
  readonly kind: 'systemMasters';
  readonly cluster: string;
}

export interface AzureDataActionPath {
  readonly plane: 'azure';
  readonly kind: 'dataAction';
  readonly cluster: string;
  readonly assignmentId: string;
  readonly roleName: string;
  readonly roleDefinitionId: string;
  /** The assignment's scope (it covers the request's scope). */
  readonly scope: string;
  readonly dataAction: string;
  readonly matchedBy: string;
  /** Present on conditional assignments: the grant holds only when the condition does. */
  readonly condition?: string;
  readonly principalId: string;
  readonly viaGroup?: GroupMembership;
}

export interface AdminGroupPath {
  readonly plane: 'azure';
  readonly kind: 'adminGroup';
  readonly cluster: string;
  /** aadProfile.adminGroupObjectIDs entry; AKS binds it to cluster-admin. */
  readonly groupId: string;
  readonly viaGroup?: GroupMembership;
}

export interface CredentialPath {
  readonly plane: 'azure';
  readonly kind: 'adminCredential';
  readonly cluster: string;
  /** listClusterAdminCredential/action, or listClusterUserCredential/action on a cluster without Entra integration. */
  readonly action: string;
  readonly assignmentId: string;
  readonly roleName: string;
  readonly scope: string;
  readonly matchedBy: string;
  readonly condition?: string;
  readonly principalId: string;
  readonly viaGroup?: GroupMembership;
  /** What the kubeconfig makes its holder: `system:masters` (admin certificate) or `clusterUser` bound to cluster-admin. */
  readonly becomes: string;
}

export interface DiscoveryPath {
  readonly plane: 'azure';
  readonly kind: 'discovery';
  readonly cluster: string;
}

export type AccessPath = KubernetesRbacPath | SystemMastersPath | AzureDataActionPath | AdminGroupPath | CredentialPath | DiscoveryPath;

/** An Azure control-plane grant that lets the principal take over the cluster, reported but not counted as access. */
export interface EscalationPath {
  readonly plane: 'azure';
  readonly kind: 'escalation';
  readonly cluster: string;
  readonly action: string;
  readonly assignmentId: string;
  readonly roleName: string;
  readonly scope: string;
  readonly principalId: string;
  readonly viaGroup?: GroupMembership;
  readonly why: string;
}

/** Whether a path holds only under an ABAC condition. */
export function isConditional(path: AccessPath): boolean {
  return (path.kind === 'dataAction' || path.kind === 'adminCredential') && path.condition !== undefined;
}

/** Resolves an object id to a display name for explanations; ids stay when the directory does not know them. */
export type NameOf = (id: string) => string | undefined;

export function groupChainText(via: GroupMembership, nameOf?: NameOf): string {
  return via.chain.map((id) => nameOf?.(id) ?? id).join(' → ');
}

function chain(via: GroupMembership | undefined, nameOf: NameOf | undefined): string {
  return via === undefined ? '' : ` (member of group ${groupChainText(via, nameOf)})`;
}

function key(k: ObjectKey): string {
  return k.namespace === undefined ? `${k.kind} ${k.name}` : `${k.kind} ${k.namespace}/${k.name}`;
}

export function describeAccessPath(path: AccessPath | EscalationPath, nameOf?: NameOf): string {
  switch (path.kind) {
    case 'rbac':
      return `[kubernetes] ${key(path.binding)} → ${key(path.role)} rule #${path.ruleIndex}${chain(path.viaGroup, nameOf)}`;
    case 'systemMasters':
      return '[kubernetes] member of system:masters (allowed before RBAC is consulted)';
    case 'dataAction':
      return `[azure] role "${path.roleName}" assigned at ${path.scope} grants ${path.dataAction} (by ${path.matchedBy})${path.condition === undefined ? '' : ` only if: ${path.condition}`}${chain(path.viaGroup, nameOf)}`;
    case 'adminGroup':
      return `[azure] admin group ${nameOf?.(path.groupId) ?? path.groupId} of the cluster (aadProfile.adminGroupObjectIDs → cluster-admin)${chain(path.viaGroup, nameOf)}`;
    case 'adminCredential':
      return `[azure] role "${path.roleName}" at ${path.scope} allows ${path.action} → kubeconfig as ${path.becomes}${path.condition === undefined ? '' : ` only if: ${path.condition}`}${chain(path.viaGroup, nameOf)}`;
    case 'discovery':
      return '[azure] discovery path: AKS allows it to every Entra identity without asking Azure';
    case 'escalation':
      return `[azure] escalation: role "${path.roleName}" at ${path.scope} allows ${path.action}: ${path.why}${chain(path.viaGroup, nameOf)}`;
  }
}
