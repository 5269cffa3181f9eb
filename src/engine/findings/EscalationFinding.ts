import type { FindingSeverity } from './clusterIdentityFindings.ts';
import type { RiskySubject } from './riskyAccess.ts';

/*
 * An escalation path: a chain of grants, each true on its own, that together take a principal from what it
 * holds to something it was not given directly (cluster-admin, every secret, an Azure role). Each step names
 * the plane that grants it and the objects that make it true, so an auditor can check and cut any link.
 */

/** How the chain escalates. */
export type EscalationTechnique =
  /** An Azure role allows listClusterAdminCredential with local accounts on → admin kubeconfig → system:masters. */
  | 'admin-credential'
  /** impersonate users/groups/serviceaccounts → act as a more powerful identity. */
  | 'impersonate'
  /** bind/escalate on (cluster)roles + create (cluster)rolebindings → bind cluster-admin to itself. */
  | 'bind-escalate'
  /** create pods or workload controllers (or a token) in a namespace with a privileged service account → its permissions. */
  | 'service-account-pivot'
  /** a service account with an Azure workload identity → the managed identity / app → its Azure role assignments. */
  | 'workload-identity';

/** What the chain ends in. */
export type EscalationTarget = 'cluster-admin' | 'secret-read' | 'azure-role';

export type EscalationPlane = 'azure' | 'entra' | 'kubernetes' | 'workload-identity';

/** An object that makes a step true, by reference (ARM id or `Kind namespace/name`) and in words. */
export interface EscalationEvidence {
  readonly type:
    | 'azure-role-assignment'
    | 'cluster-setting'
    | 'group-membership'
    | 'kubernetes-binding'
    | 'kubernetes-role'
    | 'service-account'
    | 'service-principal'
    | 'federated-credential';
  /** ARM id, object id, or `Kind namespace/name` for Kubernetes objects. */
  readonly ref: string;
  readonly text: string;
}

export interface EscalationStep {
  readonly plane: EscalationPlane;
  /** What the principal does or becomes at this step, in words. */
  readonly action: string;
  readonly evidence: readonly EscalationEvidence[];
}

export interface EscalationRemediation {
  /** Which link to cut and how. */
  readonly description: string;
  readonly azCli?: string;
  readonly kubectl?: string;
}

export interface EscalationFinding {
  readonly kind: 'escalation-path';
  readonly technique: EscalationTechnique;
  readonly severity: FindingSeverity;
  readonly clusterId: string;
  readonly clusterName: string;
  /** Who starts the chain. */
  readonly subject: RiskySubject;
  /** The Entra object id of the subject when it has one (users, groups, service principals). */
  readonly principalId?: string;
  readonly target: EscalationTarget;
  /** What is reached: `cluster-admin`, `secrets get/list`, or the Azure role names, comma-separated (target azure-role). */
  readonly permission: string;
  /**
   * Where it is reached: the cluster id (cluster-admin, or every namespace), `CLUSTER-ID/namespaces/NS`, or the
   * Azure role assignments' scopes; several are separated by a space.
   */
  readonly scope: string;
  readonly steps: readonly EscalationStep[];
  readonly summary: string;
  /** Set when a step holds only under an ABAC condition. */
  readonly conditional?: boolean;
  /**
   * workload-identity chains: `federated-credential` when a federated identity credential for the service account
   * (the cluster's OIDC issuer, subject system:serviceaccount:NS:NAME) is known, `annotation` when the chain rests on
   * the service account's azure.workload.identity/client-id annotation alone.
   */
  readonly claimedBy?: 'annotation' | 'federated-credential';
  /** Set when the chain starts at a built-in subject or grant (only reported with includeBaseline). */
  readonly baseline?: boolean;
  readonly remediation?: EscalationRemediation;
}
