import type { EscalationFinding, EscalationStep } from '../EscalationFinding.ts';
import { meansText, pathStep } from '../escalationEvidence.ts';
import { RBAC, rq, holders, secretNamespaces, covers, startable, subjectWords, nsScope, nsWords, finding, type Holding, type ClusterContext } from './clusterContext.ts';

// bind / escalate on roles + create bindings → cluster-admin (or every secret of a namespace).

export function bindEscalateChains(ctx: ClusterContext): EscalationFinding[] {
  const out: EscalationFinding[] = [];
  const found = new Set<string>();
  const roleStep: EscalationStep = { plane: 'kubernetes', action: 'hold cluster-admin', evidence: [{ type: 'kubernetes-role', ref: 'ClusterRole cluster-admin', text: 'ClusterRole cluster-admin: every verb on every resource' }] };
  const toClusterAdmin = (from: Holding, conditional: boolean, steps: EscalationStep[], summary: string, remediation: string) =>
    finding(ctx, 'bind-escalate', 'cluster-admin', from.subject, { from, permission: 'cluster-admin', scope: ctx.cluster.id, conditional, steps, summary, remediation: { description: remediation } });
  // bind is checked on the role named by the new binding's roleRef, in the binding's namespace ("" for ClusterRoleBindings).
  const bindAdmin = holders(ctx, [{ request: rq('bind', 'clusterroles', { apiGroup: RBAC, name: 'cluster-admin' }), means: 'bind ClusterRole cluster-admin' }]);
  const createCrb = holders(ctx, [{ request: rq('create', 'clusterrolebindings', { apiGroup: RBAC }), means: 'create clusterrolebindings' }]);
  for (const [k, bind] of bindAdmin) {
    const create = createCrb.get(k);
    if (create === undefined || !startable(ctx, bind)) continue;
    found.add(k);
    out.push(
      toClusterAdmin(
        bind,
        bind.conditional || create.conditional,
        [
          pathStep('bind ClusterRole cluster-admin (the bind check passes without holding its permissions)', bind.paths, ctx.cluster, ctx.nameOf),
          pathStep('create a ClusterRoleBinding of cluster-admin to itself', create.paths, ctx.cluster, ctx.nameOf),
          roleStep,
        ],
        `${subjectWords(bind.subject)} can bind cluster-admin and create ClusterRoleBindings: it can make itself cluster-admin`,
        'Remove bind on clusterroles (or restrict its resourceNames to harmless roles), or remove create on clusterrolebindings',
      ),
    );
  }
  // escalate lets a role be written with rules its author does not hold; editing a ClusterRole the subject is
  // bound to (through a ClusterRoleBinding) makes it cluster-admin.
  const escalate = holders(ctx, [{ request: rq('escalate', 'clusterroles', { apiGroup: RBAC }), means: 'escalate clusterroles' }]);
  const update = holders(ctx, [
    { request: rq('update', 'clusterroles', { apiGroup: RBAC }), means: 'update clusterroles' },
    { request: rq('patch', 'clusterroles', { apiGroup: RBAC }), means: 'patch clusterroles' },
  ]);
  for (const [k, esc] of escalate) {
    const upd = update.get(k);
    if (upd === undefined || found.has(k) || !startable(ctx, esc)) continue;
    const own = [...esc.paths, ...upd.paths].find((p) => p.kind === 'rbac' && p.binding.kind === 'ClusterRoleBinding' && p.role.kind === 'ClusterRole');
    if (own?.kind !== 'rbac') continue;
    found.add(k);
    out.push(
      toClusterAdmin(
        esc,
        esc.conditional || upd.conditional,
        [
          pathStep('escalate on clusterroles: write rules it does not hold', esc.paths, ctx.cluster, ctx.nameOf),
          pathStep(`${meansText(upd.means)}: add "*" rules to ClusterRole ${own.role.name}`, upd.paths, ctx.cluster, ctx.nameOf),
          pathStep(`ClusterRole ${own.role.name} is bound to it cluster-wide: cluster-admin`, [own], ctx.cluster, ctx.nameOf),
        ],
        `${subjectWords(esc.subject)} can escalate and edit ClusterRole ${own.role.name}, which is bound to it: it can make itself cluster-admin`,
        'Remove escalate on clusterroles (only the RBAC managers need it), or remove update/patch on clusterroles',
      ),
    );
  }
  // In one namespace: bind cluster-admin there + create RoleBindings there → every permission of the namespace, secrets included.
  const bindNs = holders(ctx, [{ request: rq('bind', 'clusterroles', { apiGroup: RBAC, name: 'cluster-admin' }), anyNamespace: true, means: 'bind ClusterRole cluster-admin' }]);
  const createRb = holders(ctx, [{ request: rq('create', 'rolebindings', { apiGroup: RBAC }), anyNamespace: true, means: 'create rolebindings' }]);
  for (const [k, bind] of bindNs) {
    const create = createRb.get(k);
    if (create === undefined || found.has(k) || !startable(ctx, bind)) continue;
    const namespaces = intersect(bind.namespaces, create.namespaces);
    if (namespaces.size === 0 || covers(secretNamespaces(ctx, bind.subject), namespaces)) continue;
    out.push(
      finding(ctx, 'bind-escalate', 'secret-read', bind.subject, {
        from: bind,
        permission: 'secrets get/list',
        scope: nsScope(ctx.cluster, namespaces),
        conditional: bind.conditional || create.conditional,
        steps: [
          pathStep(`bind ClusterRole cluster-admin in ${nsWords(namespaces)}`, bind.paths, ctx.cluster, ctx.nameOf),
          pathStep(`create a RoleBinding of cluster-admin to itself in ${nsWords(namespaces)}`, create.paths, ctx.cluster, ctx.nameOf),
          { plane: 'kubernetes', action: `hold every permission in ${nsWords(namespaces)}, secrets included`, evidence: roleStep.evidence },
        ],
        summary: `${subjectWords(bind.subject)} can bind cluster-admin in ${nsWords(namespaces)}: it can read every secret there`,
        remediation: { description: 'Remove bind on clusterroles (or restrict its resourceNames to harmless roles), or remove create on rolebindings' },
      }),
    );
  }
  // In a namespace: escalate + update/patch on roles there, with a RoleBinding there binding a Role to the subject →
  // write "*" rules into that Role → every permission of the namespace, secrets included.
  const escalateNs = holders(ctx, [{ request: rq('escalate', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'escalate roles' }]);
  const updateNs = holders(ctx, [
    { request: rq('update', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'update roles' },
    { request: rq('patch', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'patch roles' },
  ]);
  for (const [k, esc] of escalateNs) {
    const upd = updateNs.get(k);
    if (upd === undefined || found.has(k) || !startable(ctx, esc)) continue;
    const namespaces = intersect(esc.namespaces, upd.namespaces);
    const own = [...esc.paths, ...upd.paths].find((p) => p.kind === 'rbac' && p.binding.kind === 'RoleBinding' && p.role.kind === 'Role' && (namespaces.has('*') || namespaces.has(p.namespace)));
    if (own?.kind !== 'rbac' || covers(secretNamespaces(ctx, esc.subject), [own.namespace])) continue;
    out.push(
      finding(ctx, 'bind-escalate', 'secret-read', esc.subject, {
        from: esc,
        permission: 'secrets get/list',
        scope: nsScope(ctx.cluster, [own.namespace]),
        conditional: esc.conditional || upd.conditional,
        steps: [
          pathStep(`escalate on roles in ${own.namespace}: write rules it does not hold`, esc.paths, ctx.cluster, ctx.nameOf),
          pathStep(`${meansText(upd.means)}: add "*" rules to Role ${own.namespace}/${own.role.name}`, upd.paths, ctx.cluster, ctx.nameOf),
          pathStep(`Role ${own.namespace}/${own.role.name} is bound to it: every permission in ${own.namespace}, secrets included`, [own], ctx.cluster, ctx.nameOf),
        ],
        summary: `${subjectWords(esc.subject)} can escalate and edit Role ${own.namespace}/${own.role.name}, which is bound to it: it can read every secret in ${own.namespace}`,
        remediation: { description: 'Remove escalate on roles, or remove update/patch on roles' },
      }),
    );
  }
  return out;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  if (a.has('*')) return new Set(b);
  if (b.has('*')) return new Set(a);
  return new Set([...a].filter((ns) => b.has(ns)));
}
