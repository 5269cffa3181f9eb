import type { AksCluster } from '../../model/aksCluster.ts';
import type { K8sInventory } from '../../model/k8sInventory.ts';
import { clusterKey, type AccessModel } from '../access/accessModel.ts';
import type { NameOf } from '../access/accessPath.ts';
import type { WhoCanAcrossMemo } from '../access/whoCanAcrossMemo.ts';
import type { EscalationFinding, EscalationTechnique } from './EscalationFinding.ts';
import { CLUSTER_ADMIN_PROBE, holders, keyOf, rq, type ClusterContext } from './escalation/clusterContext.ts';
import { adminCredentialChains } from './escalation/adminCredentialChains.ts';
import { impersonationChains } from './escalation/impersonationChains.ts';
import { bindEscalateChains } from './escalation/bindEscalateChains.ts';
import { serviceAccountChains } from './escalation/serviceAccountChains.ts';
import { workloadIdentityChains, type FederatedCredential } from './escalation/workloadIdentityChains.ts';

export { WORKLOAD_IDENTITY_CLIENT_ID, type FederatedCredential } from './escalation/workloadIdentityChains.ts';

/*
 * Escalation paths: chains of grants that take a principal to cluster-admin, to every secret of a namespace, or
 * (through a workload identity) to Azure roles it was never given. Every link is asked of the engine that decides
 * it — whoCanAcross for Kubernetes requests (both planes, exact resourceNames/apiGroups/subresource semantics),
 * the Azure index for role assignments — so a chain is reported only when each step holds on its own.
 *
 * Who is left out: holders of cluster-admin (they reach everything, chains from them add nothing) and the
 * built-in baseline (system:* subjects, kube-system service accounts, system:/aks- bindings, the cluster's own
 * identities) unless includeBaseline is set.
 */

export interface EscalationInput {
  /** Only these clusters (default: every cluster of the model). */
  readonly clusters?: readonly AksCluster[];
  /**
   * Service accounts per cluster (key: lower-case cluster id): their workload-identity annotations start the
   * cluster → cloud pivot. When a cluster's list is not empty, a service-account pivot also needs the account to exist.
   */
  readonly inventories?: ReadonlyMap<string, Pick<K8sInventory, 'serviceAccounts'>>;
  /**
   * Federated identity credentials. An identity none of them belongs to is unknown: its workload-identity chains
   * rest on the annotation alone (claimedBy: annotation). An identity with credentials here is reached only through
   * one whose subject names the service account and whose issuer is the cluster's OIDC issuer (when the cluster
   * reports one).
   */
  readonly federatedCredentials?: readonly FederatedCredential[];
  /** Report chains that start at built-in subjects and bindings too. */
  readonly includeBaseline?: boolean;
  /** Answers shared with other questions on the same model (findingsForCluster passes one to every check). */
  readonly memo?: WhoCanAcrossMemo;
}

const TECHNIQUE_ORDER: Record<EscalationTechnique, number> = { 'admin-credential': 0, impersonate: 1, 'bind-escalate': 2, 'service-account-pivot': 3, 'workload-identity': 4 };

/** Escalation paths per cluster: each a chain of steps, each step with the grants that make it true. */
export function escalationFindings(model: AccessModel, input: EscalationInput = {}): { findings: EscalationFinding[]; warnings: string[] } {
  const findings: EscalationFinding[] = [];
  const warnings: string[] = [];
  const nameOf: NameOf = (id) => model.entra.displayName(id);
  for (const cluster of input.clusters ?? model.clusters) {
    const base = { model, cluster, warnings, ...(input.memo === undefined ? {} : { memo: input.memo }) };
    const admins = holders(base, [{ request: CLUSTER_ADMIN_PROBE, means: 'cluster-admin' }]);
    const accounts = input.inventories?.get(clusterKey(cluster.id))?.serviceAccounts ?? [];
    const ctx: ClusterContext = {
      ...base,
      includeBaseline: input.includeBaseline ?? false,
      nameOf,
      admins,
      adminGroups: new Set([...admins.values()].filter((h) => h.subject.kind === 'Group').map((h) => h.subject.name.toLowerCase())),
      secretReaders: holders(base, [
        { request: rq('get', 'secrets'), anyNamespace: true, means: 'get secrets' },
        { request: rq('list', 'secrets'), anyNamespace: true, means: 'list secrets' },
      ]),
      serviceAccounts: accounts.length === 0 ? undefined : new Map(accounts.map((sa) => [`${sa.namespace}/${sa.name}`, sa])),
      cache: new Map(),
    };
    const forCluster = [...adminCredentialChains(ctx), ...impersonationChains(ctx), ...bindEscalateChains(ctx), ...serviceAccountChains(ctx), ...workloadIdentityChains(ctx, input.federatedCredentials)];
    forCluster.sort(
      (a, b) =>
        TECHNIQUE_ORDER[a.technique] - TECHNIQUE_ORDER[b.technique] ||
        keyOf(a.subject).localeCompare(keyOf(b.subject)) ||
        a.target.localeCompare(b.target) ||
        a.scope.localeCompare(b.scope) ||
        a.permission.localeCompare(b.permission),
    );
    findings.push(...forCluster);
  }
  return { findings, warnings: [...new Set(warnings)] };
}
