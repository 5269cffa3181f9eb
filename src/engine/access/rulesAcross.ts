import type { AksCluster } from '../../model/aksCluster.ts';
import type { RoleAssignment, RoleDefinition } from '../../model/azureRbac.ts';
import { rulesFor, type EffectiveRules } from '../k8s/rulesFor.ts';
import type { GroupMembership } from '../entra/entraIndex.ts';
import { clusterKey, type AccessModel } from './accessModel.ts';
import type { PrincipalIdentity } from './principalIdentity.ts';
import { credentialActions, ESCALATION_ACTIONS } from './crossPlaneGrants.ts';
import { permissionGrants } from '../azure/actionMatches.ts';

export interface AzureRoleOnCluster {
  readonly assignment: RoleAssignment;
  readonly role: RoleDefinition;
  readonly viaGroup?: GroupMembership;
  /** Whether Azure consults these data actions on this cluster (Entra integration and Azure RBAC on). */
  readonly dataActionsApply: boolean;
  /** Control-plane actions of the role that lead into the cluster (credentials, escalations). */
  readonly clusterActions: readonly string[];
}

export interface RulesAcross {
  readonly cluster: string;
  readonly namespace: string;
  /** What Kubernetes RBAC grants the identity (SelfSubjectRulesReview). */
  readonly kubernetes: EffectiveRules | undefined;
  /** Azure role assignments that apply at the cluster (or the namespace), with what they mean here. */
  readonly azure: readonly AzureRoleOnCluster[];
  /** aadProfile.adminGroupObjectIDs the identity is in. */
  readonly adminGroups: readonly { groupId: string; viaGroup?: GroupMembership }[];
  readonly notes: readonly string[];
}

/** Everything an identity holds on one cluster, per plane: `accessOf` for one cluster and namespace. */
export function rulesAcross(model: AccessModel, identity: PrincipalIdentity, cluster: AksCluster, namespace: string): RulesAcross {
  const k8s = model.kubernetes.get(clusterKey(cluster.id));
  const notes: string[] = [];
  if (k8s === undefined) notes.push(`no Kubernetes RBAC objects loaded for cluster ${cluster.name}`);
  const scope = namespace === '' ? cluster.id : `${cluster.id}/namespaces/${namespace}`;
  const interesting = [...credentialActions(cluster).map((c) => c.action), ...ESCALATION_ACTIONS.map((e) => e.action)];
  const dataActionsApply = cluster.entraIntegration && cluster.azureRbac;
  if (!dataActionsApply) notes.push(`cluster ${cluster.name} does not use Azure RBAC for Kubernetes: data actions below grant nothing inside it`);
  const azure =
    identity.azure === undefined
      ? []
      : model.azure.assignmentsOf(identity.azure, scope).map(({ assignment, role, viaGroup }) => ({
          assignment,
          role,
          ...(viaGroup === undefined ? {} : { viaGroup }),
          dataActionsApply,
          clusterActions: interesting.filter((action) => role.permissions.some((p) => permissionGrants(p, action, 'action') !== undefined)),
        }));
  const adminGroups =
    identity.azure === undefined || !cluster.entraIntegration
      ? []
      : cluster.adminGroupObjectIds.flatMap((groupId) => {
          const via = identity.groupChains.get(groupId.toLowerCase());
          return via === undefined ? [] : [{ groupId, viaGroup: via }];
        });
  return {
    cluster: cluster.name,
    namespace,
    kubernetes: k8s === undefined ? undefined : rulesFor(k8s, identity.kubernetes, namespace),
    azure,
    adminGroups,
    notes,
  };
}
