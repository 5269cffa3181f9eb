import { serviceAccountUsername } from '../../k8s/identity.ts';
import type { EscalationEvidence, EscalationFinding, EscalationStep } from '../EscalationFinding.ts';
import { keyOf, startable, subjectWords, finding, type ClusterContext } from './clusterContext.ts';
import { entryHolders, entryStep } from './serviceAccountChains.ts';

// Cluster → cloud: a service account with an Azure workload identity → the managed identity → its Azure role assignments.

export const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';

/** A federated identity credential of a managed identity or app registration (ARM `federatedIdentityCredentials`). */
export interface FederatedCredential {
  /** The client id (appId) of the identity the credential belongs to. */
  readonly clientId: string;
  /** ARM id (or name) of the credential, for evidence. */
  readonly id: string;
  readonly issuer: string;
  /** `system:serviceaccount:NAMESPACE:NAME` for a Kubernetes service account. */
  readonly subject: string;
}

const PRIVILEGED_AZURE_ROLES = new Set(['owner', 'contributor', 'user access administrator', 'role based access control administrator']);

function sameIssuer(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
}

export function workloadIdentityChains(ctx: ClusterContext, federatedCredentials: readonly FederatedCredential[] | undefined): EscalationFinding[] {
  const { model, cluster } = ctx;
  const out: EscalationFinding[] = [];
  const issuer = cluster.oidcIssuerUrl;
  for (const sa of ctx.serviceAccounts?.values() ?? []) {
    const clientId = sa.annotations[WORKLOAD_IDENTITY_CLIENT_ID]?.trim();
    if (clientId === undefined || clientId === '') continue;
    const sp = model.entra.byAppId(clientId);
    if (sp === undefined) {
      ctx.warnings.push(`service account ${sa.namespace}/${sa.name} on ${cluster.name} names workload identity client id ${clientId}, which matches no service principal in the directory: its Azure access is unknown`);
      continue;
    }
    const subjectName = serviceAccountUsername(sa.namespace, sa.name);
    let claimedBy: 'annotation' | 'federated-credential' = 'annotation';
    let credential: FederatedCredential | undefined;
    const known = (federatedCredentials ?? []).filter((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (known.length > 0) {
      credential = known.find((c) => c.subject === subjectName && (issuer === undefined || sameIssuer(c.issuer, issuer)));
      // The identity's credentials are known and none trusts this service account here: the annotation alone gets no token.
      if (credential === undefined) continue;
      claimedBy = 'federated-credential';
    }
    const assignments = model.azure.assignmentsOf({ principalId: sp.id, groups: model.entra.groupsOf(sp.id) }).filter((a) => a.assignment.state === 'active');
    if (assignments.length === 0) continue;
    // The account itself, and the identity itself (holding create pods through its own assignments), reach nothing new.
    const entries = [...entryHolders(ctx, sa.namespace, sa.name)].filter(
      ([k, h]) => k !== keyOf({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }) && h.subject.objectId?.toLowerCase() !== sp.id.toLowerCase() && startable(ctx, h),
    );
    const spName = sp.displayName ?? sp.id;
    const identityStep: EscalationStep = {
      plane: 'workload-identity',
      action: `the pod's service-account token is exchanged for an Entra token of ${spName} (client id ${clientId})`,
      evidence: [
        { type: 'service-account', ref: `ServiceAccount ${sa.namespace}/${sa.name}`, text: `annotated ${WORKLOAD_IDENTITY_CLIENT_ID}: ${clientId}` },
        credential === undefined
          ? { type: 'federated-credential', ref: `${clientId}#${subjectName}`, text: `no federated identity credential known: the chain is claimed by the annotation only (a credential with issuer ${issuer ?? "the cluster's OIDC issuer"} and subject ${subjectName} must exist for it to hold)` }
          : { type: 'federated-credential', ref: credential.id, text: `federated identity credential trusts issuer ${credential.issuer}, subject ${credential.subject}` },
      ],
    };
    const entraStep: EscalationStep = {
      plane: 'entra',
      action: `act as ${sp.servicePrincipalType === 'ManagedIdentity' ? 'managed identity' : 'service principal'} ${spName}`,
      evidence: [{ type: 'service-principal', ref: sp.id, text: `service principal ${spName} (object id ${sp.id}) has appId ${clientId}` }],
    };
    const roleEvidence = assignments.flatMap(({ assignment, role, viaGroup }): EscalationEvidence[] => [
      { type: 'azure-role-assignment', ref: assignment.id, text: `role "${role.roleName}" assigned to ${spName} at ${assignment.scope}${assignment.condition === undefined ? '' : ` only if: ${assignment.condition}`}` },
      ...(viaGroup === undefined ? [] : [{ type: 'group-membership' as const, ref: viaGroup.groupId, text: `${spName} is a member of group ${viaGroup.chain.map((id) => ctx.nameOf(id) ?? id).join(' → ')}` }]),
    ]);
    const roles = [...new Set(assignments.map((a) => a.role.roleName))].sort();
    const scopes = [...new Set(assignments.map((a) => a.assignment.scope))].sort();
    const roleWords = assignments.map((a) => `"${a.role.roleName}" at ${a.assignment.scope}`).join(', ');
    const roleStep: EscalationStep = { plane: 'azure', action: `hold the Azure role${assignments.length === 1 ? '' : 's'} ${roleWords}`, evidence: roleEvidence };
    // One finding per starting subject and service account: every role the identity holds is in the last step
    // (permission and scope list them all when there are several).
    for (const [, h] of entries) {
      out.push(
        finding(ctx, 'workload-identity', 'azure-role', h.subject, {
          from: h,
          severity: roles.some((r) => PRIVILEGED_AZURE_ROLES.has(r.toLowerCase())) ? 'critical' : 'high',
          permission: roles.join(', '),
          scope: scopes.join(' '),
          conditional: h.conditional || assignments.every((a) => a.assignment.condition !== undefined),
          steps: [entryStep(ctx, h, sa.namespace, sa.name), identityStep, entraStep, roleStep],
          summary: `${subjectWords(h.subject)} can run a pod as service account ${sa.namespace}/${sa.name} on ${cluster.name}, whose workload identity ${spName} holds ${roleWords}`,
          claimedBy,
          remediation: {
            description: `Restrict who can create pods and workloads in ${sa.namespace}, or narrow ${spName}'s role assignments; the identity is only as contained as the namespace that can use it`,
            azCli: `az role assignment list --assignee ${sp.id} --all --output table`,
          },
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
