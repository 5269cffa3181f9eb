import type { ResourceRequest } from '../../../model/accessRequest.ts';
import { clusterKey } from '../../access/accessModel.ts';
import { MASTERS } from '../../k8s/identity.ts';
import type { EscalationFinding, EscalationStep } from '../EscalationFinding.ts';
import { meansText, pathStep } from '../escalationEvidence.ts';
import { rq, keyOf, holders, merged, secretNamespaces, covers, startable, subjectWords, nsScope, nsWords, finding, powerStep, type Holding, type ClusterContext } from './clusterContext.ts';

// impersonate → a more powerful identity.

interface ImpersonationTarget {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  readonly target: 'cluster-admin' | 'secret-read';
  /** The target's own grants (undefined for system:masters). */
  readonly holding?: Holding;
}

function impersonationRequest(t: Pick<ImpersonationTarget, 'kind' | 'name' | 'namespace'>): ResourceRequest {
  if (t.kind === 'User') return rq('impersonate', 'users', { name: t.name });
  if (t.kind === 'Group') return rq('impersonate', 'groups', { name: t.name });
  return rq('impersonate', 'serviceaccounts', { name: t.name, namespace: t.namespace ?? '' });
}

/** Kubernetes identities worth impersonating: system:masters, then subjects that hold cluster-admin or read secrets through bindings. */
function impersonationTargets(ctx: ClusterContext): ImpersonationTarget[] {
  const out: ImpersonationTarget[] = [{ kind: 'Group', name: MASTERS, target: 'cluster-admin' }];
  // Only Kubernetes RBAC holds for an impersonated identity here: its Azure grants would need the webhook to see it as an Entra identity.
  const kubernetes = (h: Holding): Holding | undefined => {
    const paths = h.paths.filter((p) => p.kind === 'rbac');
    return paths.length === 0 ? undefined : { ...h, paths };
  };
  for (const h of ctx.admins.values()) {
    const k = kubernetes(h);
    if (k !== undefined && h.subject.name !== MASTERS) out.push({ kind: h.subject.kind, name: h.subject.name, ...(h.subject.namespace === undefined ? {} : { namespace: h.subject.namespace }), target: 'cluster-admin', holding: k });
  }
  for (const h of ctx.secretReaders.values()) {
    const k = kubernetes(h);
    if (k !== undefined && !ctx.admins.has(keyOf(h.subject))) out.push({ kind: h.subject.kind, name: h.subject.name, ...(h.subject.namespace === undefined ? {} : { namespace: h.subject.namespace }), target: 'secret-read', holding: k });
  }
  return out;
}

/** Names that some Kubernetes rule allowing impersonate restricts itself to (resourceNames): only those need a per-name question. */
function namedImpersonations(ctx: ClusterContext): Set<string> {
  const names = new Set<string>();
  for (const b of ctx.model.kubernetes.get(clusterKey(ctx.cluster.id))?.policy.bindings ?? []) {
    for (const { rule } of b.rules) if (rule.resourceNames.length > 0 && (rule.verbs.includes('impersonate') || rule.verbs.includes('*'))) for (const n of rule.resourceNames) names.add(n);
  }
  return names;
}

export function impersonationChains(ctx: ClusterContext): EscalationFinding[] {
  // Impersonate-Group is only honoured together with Impersonate-User: group impersonation needs some user to be
  // (any name: a name-restricted user rule does not answer a nameless question, so it is not counted here).
  // A nameless question finds the unrestricted grants (Azure data actions carry no names); a rule restricted by
  // resourceNames answers only a question with one of its names, asked only for targets that some rule names.
  const anyName = {
    User: holders(ctx, [{ request: rq('impersonate', 'users'), means: 'impersonate any user' }]),
    Group: holders(ctx, [{ request: rq('impersonate', 'groups'), means: 'impersonate any group' }]),
    ServiceAccount: holders(ctx, [{ request: rq('impersonate', 'serviceaccounts'), anyNamespace: true, means: 'impersonate any service account' }]),
  };
  const asUser = merged([anyName.User, anyName.ServiceAccount]);
  const named = namedImpersonations(ctx);
  const best = new Map<string, { holder: Holding; target: ImpersonationTarget; user?: Holding }>();
  for (const t of impersonationTargets(ctx)) {
    const held = new Map([...anyName[t.kind]].filter(([, h]) => t.kind !== 'ServiceAccount' || h.namespaces.has('*') || h.namespaces.has(t.namespace ?? '')));
    if (named.has(t.name)) {
      for (const [k, h] of holders(ctx, [{ request: impersonationRequest(t), means: `impersonate ${t.kind} ${t.namespace === undefined ? '' : `${t.namespace}/`}${t.name}` }])) held.set(k, h);
    }
    for (const [k, h] of held) {
      if (!startable(ctx, h)) continue;
      if (keyOf(h.subject) === keyOf(t)) continue;
      const user = asUser.get(k);
      if (t.kind === 'Group' && user === undefined) continue;
      if (t.target === 'secret-read' && covers(secretNamespaces(ctx, h.subject), t.holding?.namespaces ?? [])) continue;
      const previous = best.get(k);
      // One chain per subject: to cluster-admin when it can, else to secret read (first target found wins).
      if (previous !== undefined && (previous.target.target === 'cluster-admin' || t.target === 'secret-read')) continue;
      best.set(k, { holder: h, target: t, ...(user === undefined ? {} : { user }) });
    }
  }
  const out: EscalationFinding[] = [];
  for (const { holder, target: t, user } of best.values()) {
    const who = `${t.kind} ${t.namespace === undefined ? '' : `${t.namespace}/`}${t.name}`;
    const steps: EscalationStep[] = [pathStep(`impersonate ${who}`, holder.paths, ctx.cluster, ctx.nameOf)];
    if (t.kind === 'Group' && user !== undefined) steps.push(pathStep(`impersonate a user to carry the group (${meansText(user.means)})`, user.paths, ctx.cluster, ctx.nameOf));
    steps.push(powerStep(ctx, who, t.target, t.holding));
    const namespaces = t.holding?.namespaces ?? new Set(['*']);
    out.push(
      finding(ctx, 'impersonate', t.target, holder.subject, {
        from: holder,
        permission: t.target === 'cluster-admin' ? 'cluster-admin' : 'secrets get/list',
        scope: t.target === 'cluster-admin' ? ctx.cluster.id : nsScope(ctx.cluster, namespaces),
        conditional: holder.conditional || (user?.conditional ?? false),
        steps,
        summary: `${subjectWords(holder.subject)} can impersonate ${who} and so ${t.target === 'cluster-admin' ? 'becomes cluster-admin' : `reads every secret in ${nsWords(namespaces)}`}`,
        remediation: { description: `Remove impersonate from the role of ${steps[0]?.evidence.map((e) => e.ref).join(', ') ?? ''}, or restrict it with resourceNames to identities that hold nothing (never ${MASTERS})` },
      }),
    );
  }
  return out;
}
