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
import { pathSet, type PathSet } from './pathSet.ts';
import { answerKey, memoFor, sharedPath, type AzureHeld, type WhoCanAcrossMemo } from './whoCanAcrossMemo.ts';
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
  /** Any-namespace questions only: where the subject holds (`["*"]` = everywhere). */
  readonly namespaces?: readonly string[];
}

export interface HeldPath<P> {
  readonly subject: Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>;
  readonly path: P;
}

export interface CrossPlaneWhoCan {
  readonly subjects: readonly CrossPlaneSubject[];
  /** Would be allowed once a PIM-eligible assignment is activated. */
  readonly eligible: readonly HeldPath<AccessPath>[];
  /** Hold a control-plane action that leads to cluster takeover. */
  readonly escalations: readonly HeldPath<EscalationPath>[];
  /** Holders an Azure deny assignment stops (their Azure paths are dropped). */
  readonly denied: readonly { subject: Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>; reason: string }[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export interface WhoCanAcrossOptions {
  /** List the members of every group subject (transitively), each with its membership chain. */
  readonly expandGroups?: boolean;
  /**
   * Answers and Azure holders already worked out on this model (whoCanAcrossMemo): many questions on one model
   * (a cluster's findings) share most of their work. Answers come back as the same objects: read them, never change them.
   */
  readonly memo?: WhoCanAcrossMemo;
}

type SubjectInfo = Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>;

/** The Entra type answers show: User, Group, ManagedIdentity or ServicePrincipal. */
export function principalType(p: EntraPrincipal): string {
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
  const memo = memoFor(options.memo, model);
  if (memo === undefined) return answerWhoCanAcross(model, request, clusters, options, undefined);
  const key = answerKey('one', request, clusters, options.expandGroups === true);
  let answer = memo.answers.get(key);
  if (answer === undefined) {
    answer = answerWhoCanAcross(model, request, clusters, options, memo);
    memo.answers.set(key, answer);
  }
  return answer;
}

function answerWhoCanAcross(model: AccessModel, request: AccessRequest, clusters: readonly AksCluster[], options: WhoCanAcrossOptions, memo: WhoCanAcrossMemo | undefined): CrossPlaneWhoCan {
  const subjects = new Map<string, { info: SubjectInfo; via: AccessPath[]; ids: PathSet }>();
  const eligible: HeldPath<AccessPath>[] = [];
  const escalations: HeldPath<EscalationPath>[] = [];
  const denied: { subject: SubjectInfo; reason: string }[] = [];
  const notes = new Set<string>([MASTERS_NOTE]);
  const warnings: string[] = [];

  const add = (info: SubjectInfo, path: AccessPath) => {
    const k = memo === undefined ? subjectKey(info) : (memo.subjectKeys.get(info) ?? subjectKey(info));
    const entry = subjects.get(k) ?? { info, via: [], ids: pathSet() };
    // The same grant can be reached twice (as a holder, and again as a member of a holding group).
    if (entry.ids.add(path)) entry.via.push(path);
    subjects.set(k, entry);
  };

  /** With a memo, one subject (and its key) per assignment: the same Azure holders come back in answer after answer. */
  const assignmentSubject = (a: RoleAssignment): SubjectInfo => {
    if (memo === undefined) return subjectOfAssignment(a);
    let info = memo.subjects.get(a);
    if (info === undefined) {
      info = subjectOfAssignment(a);
      memo.subjects.set(a, info);
      memo.subjectKeys.set(info, subjectKey(info));
    }
    return info;
  };
  const subjectOfAssignment = (a: RoleAssignment): SubjectInfo => {
    const known = model.entra.principal(a.principalId);
    if (known !== undefined) return fromEntra(known);
    const kind = a.principalType === 'Group' ? 'Group' : 'User';
    const name = a.principalType === 'User' && a.principalName !== undefined && a.principalName !== '' ? a.principalName : a.principalId;
    return { kind, name, objectId: a.principalId, principalType: a.principalType };
  };

  const azureIdentityOf = (principalId: string): AzureIdentity => ({ principalId, groups: model.entra.groupsOf(principalId) });

  /** Groups holding an active assignment for one of the actions, per question: their members are evaluated one by one on expandGroups. */
  const azureQueries: { cluster: AksCluster; actions: readonly string[]; kind: 'action' | 'dataAction'; scope: string; becomes?: string; holderGroups: Set<string> }[] = [];

  /** Azure holders of the actions at a scope, split into usable, eligible and denied (what it reads: the model, and only the arguments). */
  const azureHeld = (actions: readonly string[], kind: 'action' | 'dataAction', scope: string): AzureHeld => {
    /** Grants with the holder they make a subject (for a wildcard request, a holder's grants may come through its groups). */
    const active: { holder: RoleAssignment; grant: AzureGrant }[] = [];
    const pending: AzureGrant[] = [];
    const denied: { holder: RoleAssignment; reason: string }[] = [];
    const holderGroups = new Set<string>();
    const seen = new Set<string>();
    const seenPending = new Set<string>();
    const single = actions[0];
    if (actions.length === 1 && single !== undefined) {
      // One action (every non-wildcard request): a holder's own assignments are its grants; only deny
      // assignments (few) remain to check, so no full evaluation per holder — at tenant scale that evaluation,
      // over every group assignment of every holder, was most of the time of a cross-plane who-can.
      const byPrincipal = new Map<string, AzureGrant[]>();
      for (const holder of model.azure.holders(single, kind, scope)) {
        if (holder.assignment.state === 'eligible') {
          if (!seenPending.has(holder.assignment.id.toLowerCase())) pending.push(holder);
          seenPending.add(holder.assignment.id.toLowerCase());
          continue;
        }
        const key = holder.assignment.principalId.toLowerCase();
        const list = byPrincipal.get(key) ?? [];
        list.push(holder);
        byPrincipal.set(key, list);
      }
      for (const grants of byPrincipal.values()) {
        const first = grants[0];
        if (first === undefined) continue;
        const principalId = first.assignment.principalId;
        const isGroup = first.assignment.principalType === 'Group' || model.entra.principal(principalId)?.kind === 'group';
        if (isGroup) holderGroups.add(principalId);
        const identity = isGroup ? { principalId, groups: [] } : azureIdentityOf(principalId);
        const d = model.azure.denialsFor(identity, single, kind, scope)[0];
        if (d !== undefined) {
          denied.push({ holder: first.assignment, reason: `deny assignment "${d.denyAssignment.name}" at ${d.denyAssignment.scope} denies ${d.action}` });
          continue;
        }
        active.push(...grants.map((grant) => ({ holder: grant.assignment, grant })));
      }
      return { active, pending, denied, holderGroups };
    }
    // Every action's holders, not only the first one's: for a wildcard request a principal may hold some
    // actions directly and the rest through its groups (fixed: only holders of the first action were asked).
    for (const action of actions) {
      for (const holder of model.azure.holders(action, kind, scope)) {
        const principalId = holder.assignment.principalId;
        if (holder.assignment.state === 'eligible') {
          if (!seenPending.has(holder.assignment.id.toLowerCase())) pending.push(holder);
          seenPending.add(holder.assignment.id.toLowerCase());
          continue;
        }
        const isGroup = holder.assignment.principalType === 'Group' || model.entra.principal(principalId)?.kind === 'group';
        if (isGroup) holderGroups.add(principalId);
        if (seen.has(principalId.toLowerCase())) continue;
        seen.add(principalId.toLowerCase());
        // Evaluate as the assignment's principal, so that every action must be held and deny assignments apply
        // (a user's own groups count: a deny on a group reaches its members).
        const identity = isGroup ? { principalId, groups: [] } : azureIdentityOf(principalId);
        const evaluation = model.azure.evaluate(identity, actions, kind, scope);
        if (evaluation.decision === 'denied') {
          const d = evaluation.denials[0];
          denied.push({ holder: holder.assignment, reason: d === undefined ? 'denied' : `deny assignment "${d.denyAssignment.name}" at ${d.denyAssignment.scope} denies ${d.action}` });
          continue;
        }
        if (evaluation.decision === 'allowed' || evaluation.decision === 'conditional') {
          // Each subject lists its own assignments; grants through its groups appear under the group (and, with
          // expandGroups, under the member). A multi-action request may need several holders' grants together.
          // Fixed: the grants were listed under their own assignment's principal, so for a wildcard request a
          // group whose grant only completed a member's set appeared as a subject that could do it all.
          const own = evaluation.grants.filter((g) => actions.length > 1 || g.assignment.principalId.toLowerCase() === principalId.toLowerCase());
          active.push(...own.map((grant) => ({ holder: holder.assignment, grant })));
        }
      }
    }
    return { active, pending, denied, holderGroups };
  };

  /** azureHeld, from the memo when there is one; its denied holders join the answer's, its groups `holderGroups`. */
  const azureHolders = (actions: readonly string[], kind: 'action' | 'dataAction', scope: string, holderGroups?: Set<string>) => {
    const key = `${kind}\0${scope}\0${actions.join('\0')}`;
    let held = memo?.azure.get(key);
    if (held === undefined) {
      held = azureHeld(actions, kind, scope);
      memo?.azure.set(key, held);
    }
    for (const d of held.denied) denied.push({ subject: assignmentSubject(d.holder), reason: d.reason });
    if (holderGroups !== undefined) for (const g of held.holderGroups) holderGroups.add(g);
    return held;
  };

  for (const cluster of clusters) {
    const k8s = model.kubernetes.get(clusterKey(cluster.id));
    if (!cluster.kubernetesRbac) {
      notes.add(`Kubernetes RBAC is disabled on cluster ${cluster.name} (enableRBAC: false): every authenticated request is allowed`);
    }
    if (k8s === undefined) {
      warnings.push(`no Kubernetes RBAC objects loaded for cluster ${cluster.name}: only Azure paths are evaluated`);
    } else {
      const answer = whoCan(k8s, request);
      warnings.push(...answer.warnings);
      for (const s of answer.subjects) {
        const entra = s.subject.kind === 'ServiceAccount' ? undefined : model.entra.resolve(s.subject.name);
        // Kubernetes compares subject names exactly, and knows an Entra user by its UPN (by object id only
        // without one): a binding naming a user by object id, or with another letter case, does not apply to
        // it. Fixed: the case-insensitive resolve used to credit such bindings to the Entra principal, so
        // who-can listed users that can-i (rightly) denied.
        // On a cluster without Entra integration no Entra identity signs in, so a name that happens to equal a
        // UPN is just a Kubernetes name there.
        const usable =
          cluster.entraIntegration && entra !== undefined && (s.subject.kind === 'Group') === (entra.kind === 'group') && fromEntra(entra).name === s.subject.name ? entra : undefined;
        const info: SubjectInfo = usable !== undefined ? fromEntra(usable) : { ...s.subject };
        for (const p of s.via) {
          add(
            info,
            sharedPath(memo, p, `${cluster.name}\0rbac`, () => ({ plane: 'kubernetes', kind: 'rbac', cluster: cluster.name, binding: p.binding, role: p.role, ruleIndex: p.ruleIndex, rule: p.rule, aggregatedFrom: p.aggregatedFrom, namespace: p.namespace })),
          );
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
          const holderGroups = new Set<string>();
          const { active, pending } = azureHolders(mapping.actions, 'dataAction', mapping.scope, holderGroups);
          azureQueries.push({ cluster, actions: mapping.actions, kind: 'dataAction', scope: mapping.scope, holderGroups });
          for (const { holder, grant } of active) add(assignmentSubject(holder), sharedPath(memo, grant, `${cluster.name}\0dataAction`, () => dataActionPath(cluster, grant)));
          for (const g of pending) eligible.push({ subject: assignmentSubject(g.assignment), path: dataActionPath(cluster, g) });
        }
      } else {
        notes.add(`cluster ${cluster.name} does not use Azure RBAC for Kubernetes: Azure data-action roles grant nothing inside it`);
      }
    }

    for (const { action, becomes } of credentialActions(cluster)) {
      const holderGroups = new Set<string>();
      const { active, pending } = azureHolders([action], 'action', cluster.id, holderGroups);
      azureQueries.push({ cluster, actions: [action], kind: 'action', scope: cluster.id, becomes, holderGroups });
      for (const { holder, grant } of active) add(assignmentSubject(holder), sharedPath(memo, grant, `${cluster.name}\0adminCredential\0${becomes}`, () => credentialPath(cluster, grant, becomes)));
      for (const g of pending) eligible.push({ subject: assignmentSubject(g.assignment), path: credentialPath(cluster, g, becomes) });
    }
    for (const { action, why } of ESCALATION_ACTIONS) {
      for (const { holder, grant } of azureHolders([action], 'action', cluster.id).active) {
        escalations.push({ subject: assignmentSubject(holder), path: escalationPath(cluster, grant, why) });
      }
    }
  }

  if (options.expandGroups === true) {
    // Kubernetes bindings and admin groups hold for every member: copy the group's paths with the chain.
    for (const { info, via } of [...subjects.values()]) {
      if (info.kind !== 'Group' || info.objectId === undefined) continue;
      for (const member of model.entra.membersOf(info.objectId)) {
        const p = model.entra.principal(member.principalId);
        if (p === undefined || p.kind === 'group') continue;
        const membership: GroupMembership = { groupId: info.objectId, chain: member.chain };
        for (const path of via) {
          if (path.kind === 'dataAction' || path.kind === 'adminCredential') continue;
          if (path.kind === 'systemMasters' || path.kind === 'discovery') add(fromEntra(p), path);
          else add(fromEntra(p), { ...path, viaGroup: membership });
        }
      }
    }
    // Azure paths through groups: evaluate each member of a holding group as Azure evaluates it (its own deny
    // assignments at the request's scope, excludePrincipals, every action of a wildcard request, grants summed
    // over all its groups). Fixed: the group's paths used to be copied to every member with a per-path deny
    // check at the assignment's scope, which missed namespace-scoped denies, applied doNotApplyToChildScopes
    // denies to child-scope requests, ignored denies on credential actions, kept members a deny on Everyone
    // stopped for the group but excluded them, and missed members allowed only by two groups together.
    for (const q of azureQueries) {
      const members = new Map<string, string>();
      for (const groupId of q.holderGroups) for (const m of model.entra.membersOf(groupId)) members.set(m.principalId.toLowerCase(), m.principalId);
      for (const memberId of members.values()) {
        const p = model.entra.principal(memberId);
        if (p === undefined || p.kind === 'group') continue;
        const evaluation = model.azure.evaluate(azureIdentityOf(p.id), q.actions, q.kind, q.scope);
        if (evaluation.decision !== 'allowed' && evaluation.decision !== 'conditional') continue;
        for (const g of evaluation.grants) {
          if (g.viaGroup === undefined) continue; // its own assignments are listed already
          add(fromEntra(p), q.becomes === undefined ? dataActionPath(q.cluster, g) : credentialPath(q.cluster, g, q.becomes));
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
  const memo = memoFor(options.memo, model);
  if (memo === undefined) return answerAnyNamespace(model, request, clusters, options);
  const key = answerKey('anyNamespace', request, clusters, options.expandGroups === true);
  let answer = memo.answers.get(key);
  if (answer === undefined) {
    answer = answerAnyNamespace(model, request, clusters, options);
    memo.answers.set(key, answer);
  }
  return answer;
}

function answerAnyNamespace(model: AccessModel, request: ResourceRequest, clusters: readonly AksCluster[], options: WhoCanAcrossOptions): CrossPlaneWhoCan {
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

  const merged = new Map<string, { subject: CrossPlaneSubject; via: AccessPath[]; seen: PathSet; namespaces: Set<string> }>();
  for (const { ns, answer } of answers) {
    for (const s of answer.subjects) {
      const k = subjectKey(s);
      const entry = merged.get(k) ?? { subject: s, via: [], seen: pathSet(), namespaces: new Set<string>() };
      merged.set(k, entry);
      entry.namespaces.add(ns);
      for (const p of s.via) if (entry.seen.add(p)) entry.via.push(p);
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
