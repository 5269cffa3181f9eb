import { credentialActions } from '../../access/crossPlaneGrants.ts';
import type { CrossPlaneSubject } from '../../access/whoCanAcross.ts';
import { MASTERS } from '../../k8s/identity.ts';
import type { EscalationEvidence, EscalationFinding } from '../EscalationFinding.ts';
import { subjectWords, finding, type ClusterContext } from './clusterContext.ts';

// Azure role → admin kubeconfig → system:masters.

export function adminCredentialChains(ctx: ClusterContext): EscalationFinding[] {
  const { model, cluster } = ctx;
  const actions = credentialActions(cluster);
  if (actions.length === 0 || cluster.subscriptionId === '') return [];
  const own = new Set(
    [cluster.identity?.principalId, ...(cluster.identity?.userAssigned ?? []).map((u) => u.principalId), cluster.kubeletIdentity?.objectId]
      .filter((x): x is string => x !== undefined)
      .map((x) => x.toLowerCase()),
  );
  const byPrincipal = new Map<string, { principalId: string; evidence: EscalationEvidence[]; actions: Set<string>; becomes: string; conditional: boolean }>();
  for (const { action, becomes } of actions) {
    for (const grant of model.azure.holders(action, 'action', cluster.id)) {
      if (grant.assignment.state !== 'active') continue;
      const principalId = grant.assignment.principalId;
      if (model.azure.denialsFor({ principalId, groups: model.entra.groupsOf(principalId) }, action, 'action', cluster.id).length > 0) continue;
      const entry = byPrincipal.get(principalId.toLowerCase()) ?? { principalId, evidence: [], actions: new Set<string>(), becomes, conditional: true };
      entry.actions.add(action.split('/').slice(-2, -1)[0] ?? action);
      entry.evidence.push({
        type: 'azure-role-assignment',
        ref: grant.assignment.id,
        text: `role "${grant.role.roleName}" assigned at ${grant.assignment.scope} allows ${action} (by ${grant.matchedBy})${grant.assignment.condition === undefined ? '' : ` only if: ${grant.assignment.condition}`}`,
      });
      entry.conditional = entry.conditional && grant.assignment.condition !== undefined;
      byPrincipal.set(principalId.toLowerCase(), entry);
    }
  }
  const out: EscalationFinding[] = [];
  for (const [key, { principalId, evidence, actions: held, becomes, conditional }] of byPrincipal) {
    if (own.has(key) && !ctx.includeBaseline) continue;
    const entra = model.entra.principal(principalId);
    const displayName = model.entra.displayName(principalId);
    const subject: CrossPlaneSubject = {
      kind: entra?.kind === 'group' ? 'Group' : 'User',
      name: entra?.kind === 'user' && entra.userPrincipalName !== '' ? entra.userPrincipalName : principalId,
      objectId: principalId,
      ...(displayName === undefined ? {} : { displayName }),
      via: [],
      conditional,
    };
    const masters = becomes.includes(MASTERS);
    out.push(
      finding(ctx, 'admin-credential', 'cluster-admin', subject, {
        baseline: own.has(key),
        permission: 'cluster-admin',
        scope: cluster.id,
        conditional,
        steps: [
          { plane: 'azure', action: `call ${[...held].sort().join(' and ')} on ${cluster.name}`, evidence },
          {
            plane: 'azure',
            action: `receive a kubeconfig as ${becomes}: local accounts are enabled`,
            evidence: [{ type: 'cluster-setting', ref: `${cluster.id}#properties.disableLocalAccounts`, text: `local accounts are enabled on ${cluster.name}: the credential is a client certificate that bypasses Entra ID and Azure RBAC` }],
          },
          {
            plane: 'kubernetes',
            action: 'use it: cluster-admin',
            evidence: [
              masters
                ? { type: 'kubernetes-binding', ref: `Group ${MASTERS}`, text: `the certificate is in group ${MASTERS}: allowed everything before RBAC is consulted` }
                : { type: 'kubernetes-binding', ref: 'ClusterRoleBinding aks-cluster-admin-binding', text: 'AKS binds clusterUser to cluster-admin on clusters without Entra integration' },
            ],
          },
        ],
        summary: `${subjectWords(subject)} can list the admin credential of ${cluster.name} (local accounts enabled) and becomes cluster-admin`,
        remediation: {
          description: `Disable local accounts on ${cluster.name}, or remove the credential action from the role assignments in step 1`,
          azCli: `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --disable-local-accounts`,
        },
      }),
    );
  }
  return out;
}
