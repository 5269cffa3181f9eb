import { describeRequest, type AccessRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import { can } from '../k8s/can.ts';
import { MASTERS } from '../k8s/identity.ts';
import { mapToDataActions } from '../aks/aksDataActions.ts';
import type { AzureGrant } from '../azure/azureRbacIndex.ts';
import { clusterKey, type AccessModel } from './accessModel.ts';
import type { PrincipalIdentity } from './principalIdentity.ts';
import { describeAccessPath, isConditional, type AccessPath, type EscalationPath } from './accessPath.ts';
import { credentialActions, credentialPath, dataActionPath, ESCALATION_ACTIONS, escalationPath } from './crossPlaneGrants.ts';

export type CrossPlaneAllowed = true | false | 'conditional';

export interface CrossPlaneDecision {
  readonly cluster: string;
  /** true when an unconditional path exists; "conditional" when only ABAC-conditional paths exist. */
  readonly allowed: CrossPlaneAllowed;
  readonly reason: string;
  readonly paths: readonly AccessPath[];
  /** PIM-eligible grants that would allow it once activated. */
  readonly eligible: readonly AccessPath[];
  /** Azure control-plane grants that let the principal take the cluster over. */
  readonly escalations: readonly EscalationPath[];
  /** Why Azure said no, when it was asked (deny assignments, not-actions). */
  readonly azureDenials: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

function grantsOf(model: AccessModel, identity: PrincipalIdentity, action: string, scope: string): { active: AzureGrant[]; eligible: AzureGrant[] } {
  if (identity.azure === undefined) return { active: [], eligible: [] };
  const evaluation = model.azure.evaluate(identity.azure, [action], 'action', scope);
  if (evaluation.decision === 'denied') return { active: [], eligible: [] };
  return { active: [...evaluation.grants], eligible: [...evaluation.eligible] };
}

/**
 * The AKS decision for one identity and request on one cluster:
 * system:masters OR Kubernetes RBAC OR (Entra identity AND Azure RBAC for Kubernetes AND Azure allows every
 * derived data action), plus the tenant paths into the cluster (admin groups, local-account credentials).
 */
export function canAcross(model: AccessModel, identity: PrincipalIdentity, request: AccessRequest, cluster: AksCluster): CrossPlaneDecision {
  const paths: AccessPath[] = [];
  const eligible: AccessPath[] = [];
  const escalations: EscalationPath[] = [];
  const azureDenials: string[] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  const user = identity.kubernetes;

  if (user.groups.includes(MASTERS)) paths.push({ plane: 'kubernetes', kind: 'systemMasters', cluster: cluster.name });

  const k8s = model.kubernetes.get(clusterKey(cluster.id));
  if (!cluster.kubernetesRbac) {
    notes.push(`Kubernetes RBAC is disabled on cluster ${cluster.name} (enableRBAC: false): every authenticated request is allowed; the paths below are how an identity gets credentials`);
  }
  // Without Entra integration an Entra identity cannot sign in to the cluster at all: its UPN and groups never
  // reach Kubernetes, only the local-account credentials it may fetch do.
  const entraCannotSignIn = identity.entra !== undefined && !cluster.entraIntegration;
  if (k8s === undefined) {
    warnings.push(`no Kubernetes RBAC objects loaded for cluster ${cluster.name}: only Azure paths are evaluated`);
  } else if (entraCannotSignIn) {
    notes.push(`cluster ${cluster.name} has no Entra integration: an Entra identity gets in only through local-account credentials`);
  } else {
    const decision = can(k8s, user, request);
    warnings.push(...decision.warnings);
    for (const p of decision.paths) {
      const viaGroup = p.subject.kind === 'Group' ? identity.groupChains.get(p.subject.name.toLowerCase()) : undefined;
      paths.push({
        plane: 'kubernetes',
        kind: 'rbac',
        cluster: cluster.name,
        binding: p.binding,
        role: p.role,
        ruleIndex: p.ruleIndex,
        rule: p.rule,
        aggregatedFrom: p.aggregatedFrom,
        namespace: p.namespace,
        ...(viaGroup === undefined ? {} : { viaGroup }),
      });
    }
  }

  if (identity.azure !== undefined && cluster.entraIntegration) {
    for (const groupId of cluster.adminGroupObjectIds) {
      const membership = identity.groupChains.get(groupId.toLowerCase());
      const direct = identity.azure.principalId.toLowerCase() === groupId.toLowerCase();
      if (membership !== undefined || direct) {
        paths.push({ plane: 'azure', kind: 'adminGroup', cluster: cluster.name, groupId, ...(membership === undefined ? {} : { viaGroup: membership }) });
      }
    }
    // A `system:` username never reaches Azure; Entra identities are UPNs or object ids, so this is a guard.
    if (cluster.azureRbac && !user.name.toLowerCase().startsWith('system:')) {
      const mapping = mapToDataActions(request, cluster.id);
      notes.push(...mapping.notes);
      if (mapping.discoveryShortcut) {
        paths.push({ plane: 'azure', kind: 'discovery', cluster: cluster.name });
      } else {
        const evaluation = model.azure.evaluate(identity.azure, mapping.actions, 'dataAction', mapping.scope);
        if (evaluation.decision === 'allowed' || evaluation.decision === 'conditional') {
          paths.push(...evaluation.grants.map((g) => dataActionPath(cluster, g)));
        }
        if (evaluation.decision !== 'allowed') eligible.push(...evaluation.eligible.map((g) => dataActionPath(cluster, g)));
        for (const d of evaluation.denials) {
          azureDenials.push(`deny assignment "${d.denyAssignment.name}" at ${d.denyAssignment.scope} denies ${d.action} (by ${d.matchedBy})`);
        }
        for (const x of evaluation.exclusions) {
          azureDenials.push(`role "${x.role.roleName}" assigned at ${x.assignment.scope} excludes ${x.action} through its notDataActions ${x.notPattern}`);
        }
      }
    } else if (!cluster.azureRbac) {
      notes.push(`cluster ${cluster.name} does not use Azure RBAC for Kubernetes: Azure data-action roles grant nothing inside it`);
    }
  }

  if (identity.azure !== undefined) {
    for (const { action, becomes } of credentialActions(cluster)) {
      const grants = grantsOf(model, identity, action, cluster.id);
      paths.push(...grants.active.map((g) => credentialPath(cluster, g, becomes)));
      eligible.push(...grants.eligible.map((g) => credentialPath(cluster, g, becomes)));
    }
    for (const { action, why } of ESCALATION_ACTIONS) {
      escalations.push(...grantsOf(model, identity, action, cluster.id).active.map((g) => escalationPath(cluster, g, why)));
    }
  }

  const unconditional = paths.find((p) => !isConditional(p));
  const allowed: CrossPlaneAllowed = unconditional !== undefined ? true : paths.length > 0 ? 'conditional' : false;
  const what = `${describeRequest(request)} on cluster ${cluster.name}`;
  let reason: string;
  if (unconditional !== undefined) reason = `allowed: ${describeAccessPath(unconditional, model.entra.displayName)}`;
  else if (paths[0] !== undefined) reason = `conditional: ${describeAccessPath(paths[0], model.entra.displayName)}`;
  else {
    const why = azureDenials[0] === undefined ? '' : `; ${azureDenials[0]}`;
    const pending = eligible[0] === undefined ? '' : `; eligible (PIM, not active): ${describeAccessPath(eligible[0], model.entra.displayName)}`;
    reason = `denied: no Kubernetes binding or Azure role allows ${user.name} to ${what}${why}${pending}`;
  }
  return { cluster: cluster.name, allowed, reason, paths, eligible, escalations, azureDenials, notes, warnings };
}
