import type { AccessRequest, ResourceRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import type { EntraPrincipal } from '../../model/entra.ts';
import { whoCan } from '../k8s/whoCan.ts';
import { MASTERS_NOTE } from '../k8s/whoCan.ts';
import { mapToDataActions } from '../aks/aksDataActions.ts';
import type { AzureGrant, AzureIdentity } from '../azure/azureRbacIndex.ts';
import type { GroupMembership } from '../entra/entraIndex.ts';
import { clusterKey, type AccessModel } from './accessModel.ts';
import { isConditional, type AccessPath, type EscalationPath } from './accessPath.ts';
import { credentialActions, credentialPath, dataActionPath, ESCALATION_ACTIONS, escalationPath } from './crossPlaneGrants.ts';

export interface CrossPlaneSubject {
  /** The Kubernetes subject kind the identity has inside the cluster (service principals are Users named by object id). */
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  /** The Kubernetes name: UPN for Entra users, object id for groups and service principals. */
  readonly name: string;
  readonly namespace?: string;
  readonly objectId?: string;
  /** Entra type: User, Group, ServicePrincipal, ManagedIdentity. */
  readonly principalType?: string;
  readonly displayName?: string;
  readonly via: readonly AccessPath[];
  /** Every path is conditional (ABAC): the subject can only when the condition holds. */
  readonly conditional: boolean;
}

export interface HeldPath<P> {
  readonly subject: Omit<CrossPlaneSubject, 'via' | 'conditional'>;
  readonly path: P;
}

export interface CrossPlaneWhoCan {
  readonly subjects: readonly CrossPlaneSubject[];
  /** Would be allowed once a PIM-eligible assignment is activated. */
  readonly eligible: readonly HeldPath<AccessPath>[];
  /** Hold a control-plane action that leads to cluster takeover. */
  readonly escalations: readonly HeldPath<EscalationPath>[];
  /** Holders an Azure deny assignment stops (their Azure paths are dropped). */
  readonly denied: readonly { subject: Omit<CrossPlaneSubject, 'via' | 'conditional'>; reason: string }[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export interface WhoCanAcrossOptions {
  /** List the members of every group subject (transitively), each with its membership chain. */
  readonly expandGroups?: boolean;
}

type SubjectInfo = Omit<CrossPlaneSubject, 'via' | 'conditional'>;

function principalType(p: EntraPrincipal): string {
  if (p.kind === 'user') return 'User';
  if (p.kind === 'group') return 'Group';
  return p.servicePrincipalType === 'ManagedIdentity' ? 'ManagedIdentity' : 'ServicePrincipal';
}

function fromEntra(p: EntraPrincipal): SubjectInfo {
  const base = { objectId: p.id, principalType: principalType(p), ...(p.displayName === undefined ? {} : { displayName: p.displayName }) };
  if (p.kind === 'group') return { kind: 'Group', name: p.id, ...base };
  if (p.kind === 'user') return { kind: 'User', name: p.userPrincipalName !== '' ? p.userPrincipalName : p.id, ...base };
  return { kind: 'User', name: p.id, ...base };
}

function subjectKey(s: SubjectInfo): string {
  return s.objectId !== undefined ? `oid:${s.objectId.toLowerCase()}` : `${s.kind}:${s.namespace ?? ''}:${s.name}`;
}

/**
 * Who can make the request on the given clusters, across Kubernetes RBAC, Azure RBAC for Kubernetes, the
 * cluster's admin groups and local-account credentials, each subject with every path.
 */
export function whoCanAcross(model: AccessModel, request: AccessRequest, clusters: readonly AksCluster[], options: WhoCanAcrossOptions = {}): CrossPlaneWhoCan {
  const subjects = new Map<string, { info: SubjectInfo; via: AccessPath[] }>();
  const eligible: HeldPath<AccessPath>[] = [];
  const escalations: HeldPath<EscalationPath>[] = [];
  const denied: { subject: SubjectInfo; reason: string }[] = [];
  const notes = new Set<string>([MASTERS_NOTE]);
  const warnings: string[] = [];

  const add = (info: SubjectInfo, path: AccessPath) => {
    const k = subjectKey(info);
    const entry = subjects.get(k) ?? { info, via: [] };
    entry.via.push(path);
    subjects.set(k, entry);
  };

  const assignmentSubject = (a: RoleAssignment): SubjectInfo => {
    const known = model.entra.principal(a.principalId);
    if (known !== undefined) return fromEntra(known);
    const kind = a.principalType === 'Group' ? 'Group' : 'User';
    const name = a.principalType === 'User' && a.principalName !== undefined && a.principalName !== '' ? a.principalName : a.principalId;
    return { kind, name, objectId: a.principalId, principalType: a.principalType };
  };

  const azureIdentityOf = (principalId: string): AzureIdentity => ({ principalId, groups: model.entra.groupsOf(principalId) });

  /** Azure holders of one action at a scope, split into usable, eligible and denied. */
  const azureHolders = (actions: readonly string[], kind: 'action' | 'dataAction', scope: string) => {
    const first = actions[0];
    if (first === undefined) return { active: [] as AzureGrant[], pending: [] as AzureGrant[] };
    const active: AzureGrant[] = [];
    const pending: AzureGrant[] = [];
    const seen = new Set<string>();
    for (const holder of model.azure.holders(first, kind, scope)) {
      if (holder.assignment.state === 'eligible') {
        pending.push(holder);
        continue;
      }
      const principalId = holder.assignment.principalId;
      if (seen.has(principalId.toLowerCase())) continue;
      seen.add(principalId.toLowerCase());
      // Evaluate as the assignment's principal, so that every action must be held and deny assignments apply
      // (a user's own groups count: a deny on a group reaches its members).
      const identity = holder.assignment.principalType === 'Group' ? { principalId, groups: [] } : azureIdentityOf(principalId);
      const evaluation = model.azure.evaluate(identity, actions, kind, scope);
      if (evaluation.decision === 'denied') {
        const d = evaluation.denials[0];
        denied.push({ subject: assignmentSubject(holder.assignment), reason: d === undefined ? 'denied' : `deny assignment "${d.denyAssignment.name}" at ${d.denyAssignment.scope} denies ${d.action}` });
        continue;
      }
      if (evaluation.decision === 'allowed' || evaluation.decision === 'conditional') {
        // Each subject lists its own assignments; grants through its groups appear under the group (and, with
        // expandGroups, under the member). A multi-action request may need several holders' grants together.
        active.push(...evaluation.grants.filter((g) => actions.length > 1 || g.assignment.principalId.toLowerCase() === principalId.toLowerCase()));
      }
    }
    return { active, pending };
  };

  for (const cluster of clusters) {
    const k8s = model.kubernetes.get(clusterKey(cluster.id));
    if (k8s === undefined) {
      warnings.push(`no Kubernetes RBAC objects loaded for cluster ${cluster.name}: only Azure paths are evaluated`);
    } else {
      const answer = whoCan(k8s, request);
      warnings.push(...answer.warnings);
      for (const s of answer.subjects) {
        const entra = s.subject.kind === 'ServiceAccount' ? undefined : model.entra.resolve(s.subject.name);
        const usable = entra !== undefined && (s.subject.kind === 'Group') === (entra.kind === 'group') ? entra : undefined;
        const info: SubjectInfo = usable !== undefined ? fromEntra(usable) : { ...s.subject };
        for (const p of s.via) {
          add(info, { plane: 'kubernetes', kind: 'rbac', cluster: cluster.name, binding: p.binding, role: p.role, ruleIndex: p.ruleIndex, rule: p.rule, aggregatedFrom: p.aggregatedFrom, namespace: p.namespace });
        }
      }
    }

    if (cluster.entraIntegration) {
      for (const groupId of cluster.adminGroupObjectIds) {
        const g = model.entra.principal(groupId);
        add(g !== undefined ? fromEntra(g) : { kind: 'Group', name: groupId, objectId: groupId, principalType: 'Group' }, { plane: 'azure', kind: 'adminGroup', cluster: cluster.name, groupId });
      }
      if (cluster.azureRbac) {
        const mapping = mapToDataActions(request, cluster.id);
        for (const n of mapping.notes) notes.add(n);
        if (mapping.discoveryShortcut) {
          notes.add(`on ${cluster.name} every Entra identity can do this: AKS allows discovery paths without asking Azure`);
        } else {
          const { active, pending } = azureHolders(mapping.actions, 'dataAction', mapping.scope);
          for (const g of active) add(assignmentSubject(g.assignment), dataActionPath(cluster, g));
          for (const g of pending) eligible.push({ subject: assignmentSubject(g.assignment), path: dataActionPath(cluster, g) });
        }
      } else {
        notes.add(`cluster ${cluster.name} does not use Azure RBAC for Kubernetes: Azure data-action roles grant nothing inside it`);
      }
    }

    for (const { action, becomes } of credentialActions(cluster)) {
      const { active, pending } = azureHolders([action], 'action', cluster.id);
      for (const g of active) add(assignmentSubject(g.assignment), credentialPath(cluster, g, becomes));
      for (const g of pending) eligible.push({ subject: assignmentSubject(g.assignment), path: credentialPath(cluster, g, becomes) });
    }
    for (const { action, why } of ESCALATION_ACTIONS) {
      for (const g of azureHolders([action], 'action', cluster.id).active) {
        escalations.push({ subject: assignmentSubject(g.assignment), path: escalationPath(cluster, g, why) });
      }
    }
  }

  if (options.expandGroups === true) {
    for (const { info, via } of [...subjects.values()]) {
      if (info.kind !== 'Group' || info.objectId === undefined) continue;
      for (const member of model.entra.membersOf(info.objectId)) {
        const p = model.entra.principal(member.principalId);
        if (p === undefined || p.kind === 'group') continue;
        const membership: GroupMembership = { groupId: info.objectId, chain: member.chain };
        for (const path of via) {
          // An Azure deny assignment on the member stops its Azure paths, not its Kubernetes ones.
          if (path.plane === 'azure' && path.kind === 'dataAction') {
            const denials = model.azure.denialsFor(azureIdentityOf(p.id), path.dataAction, 'dataAction', path.scope);
            if (denials.length > 0) continue;
          }
          if (path.kind === 'systemMasters' || path.kind === 'discovery') add(fromEntra(p), path);
          else add(fromEntra(p), { ...path, viaGroup: membership });
        }
      }
    }
  }

  const order: Record<CrossPlaneSubject['kind'], number> = { User: 0, Group: 1, ServiceAccount: 2 };
  const list = [...subjects.values()]
    .map(({ info, via }) => ({ ...info, via, conditional: via.every(isConditional) }))
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  return { subjects: list, eligible, escalations, denied, notes: [...notes], warnings: [...new Set(warnings)] };
}

/**
 * `-A` across planes: who can make the request in some namespace, and in which. Cluster-wide grants
 * (ClusterRoleBindings, Azure assignments at the cluster or above) hold everywhere (`*`); RoleBindings and
 * namespace-scoped Azure assignments hold in their namespace.
 */
export function whoCanAcrossAnyNamespace(model: AccessModel, request: ResourceRequest, clusters: readonly AksCluster[], options: WhoCanAcrossOptions = {}): CrossPlaneWhoCan {
  const namespaces = new Set<string>();
  for (const cluster of clusters) {
    for (const ns of model.kubernetes.get(clusterKey(cluster.id))?.byNamespace.keys() ?? []) namespaces.add(ns);
    const prefix = `${cluster.id.toLowerCase()}/namespaces/`;
    for (const scope of model.azure.assignmentScopes) {
      const lower = scope.toLowerCase();
      if (lower.startsWith(prefix)) namespaces.add(scope.slice(prefix.length).split('/')[0] ?? '');
    }
  }
  const answers = [{ ns: '*', answer: whoCanAcross(model, { ...request, namespace: '' }, clusters, options) }];
  for (const ns of [...namespaces].filter((n) => n !== '').sort()) answers.push({ ns, answer: whoCanAcross(model, { ...request, namespace: ns }, clusters, options) });

  const merged = new Map<string, { subject: CrossPlaneSubject; via: AccessPath[]; seen: Set<string>; namespaces: Set<string> }>();
  for (const { ns, answer } of answers) {
    for (const s of answer.subjects) {
      const k = subjectKey(s);
      const entry = merged.get(k) ?? { subject: s, via: [], seen: new Set<string>(), namespaces: new Set<string>() };
      merged.set(k, entry);
      entry.namespaces.add(ns);
      for (const p of s.via) {
        const id = JSON.stringify(p);
        if (!entry.seen.has(id)) {
          entry.seen.add(id);
          entry.via.push(p);
        }
      }
    }
  }
  const first = answers[0]?.answer;
  const subjects = [...merged.values()].map(({ subject, via, namespaces: held }) => ({
    ...subject,
    via,
    conditional: via.every(isConditional),
    namespaces: held.has('*') ? ['*'] : [...held].sort(),
  }));
  const dedupe = <T>(items: T[]): T[] => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
  return {
    subjects,
    eligible: dedupe(answers.flatMap((a) => [...a.answer.eligible])),
    escalations: first?.escalations ?? [],
    denied: dedupe(answers.flatMap((a) => [...a.answer.denied])),
    notes: [...new Set(answers.flatMap((a) => a.answer.notes))],
    warnings: [...new Set(answers.flatMap((a) => a.answer.warnings))],
  };
}
