import { serviceAccountUsername } from '../../k8s/identity.ts';
import type { EscalationFinding, EscalationStep } from '../EscalationFinding.ts';
import { meansText, pathStep } from '../escalationEvidence.ts';
import { WORKLOADS } from '../riskyAccess.ts';
import { rq, keyOf, merged, cached, secretNamespaces, covers, startable, subjectWords, nsScope, nsWords, finding, powerStep, type Holding, type ClusterContext } from './clusterContext.ts';

// Run as a service account: create pods / workloads (or mint a token) in its namespace.

/** Who can run code as the service account: create pods or workload controllers in its namespace, change their templates, or mint its token. */
export function entryHolders(ctx: ClusterContext, namespace: string, name: string): Map<string, Holding> {
  // Asked again for the same account (a pivot target, and again for its workload identity): merged once.
  const key = `entry\0${namespace}\0${name}`;
  const found = ctx.cache.get(key);
  if (found !== undefined) return found;
  const pods = cached(ctx, `pods\0${namespace}`, () => [
    { request: rq('create', 'pods', { namespace }), means: 'create pods' },
    // Workload controllers run pods as the service account their template names: creating one, or changing its template.
    ...WORKLOADS.flatMap(([apiGroup, resource]) => ['create', 'update', 'patch'].map((verb) => ({ request: rq(verb, resource, { apiGroup, namespace }), means: `${verb} ${resource}` }))),
  ]);
  const token = cached(ctx, `token\0${namespace}\0${name}`, () => [{ request: rq('create', 'serviceaccounts', { subresource: 'token', name, namespace }), means: `create serviceaccounts/token for ${name}` }]);
  const entry = merged([pods, token], [namespace]);
  ctx.cache.set(key, entry);
  return entry;
}

export function entryStep(ctx: ClusterContext, h: Holding, namespace: string, name: string): EscalationStep {
  return pathStep(`run a pod as service account ${namespace}/${name} (${meansText(h.means)} in ${namespace})`, h.paths, ctx.cluster, ctx.nameOf);
}

function serviceAccountExists(ctx: ClusterContext, namespace: string, name: string): boolean {
  return ctx.serviceAccounts === undefined || name === 'default' || ctx.serviceAccounts.has(`${namespace}/${name}`);
}

const SERVICE_ACCOUNTS_OF = 'system:serviceaccounts:';

/**
 * The service account a pod can run as to hold what `h` holds: the account itself, or — for a binding to group
 * system:serviceaccounts:NS, which every service-account token of NS carries — the `default` account of NS.
 */
function accountOf(h: Holding): { namespace: string; name: string; who: string } | undefined {
  const s = h.subject;
  if (s.kind === 'ServiceAccount' && s.namespace !== undefined && s.namespace !== '') return { namespace: s.namespace, name: s.name, who: `service account ${s.namespace}/${s.name}` };
  if (s.kind === 'Group' && s.name.startsWith(SERVICE_ACCOUNTS_OF) && s.name.length > SERVICE_ACCOUNTS_OF.length) {
    const namespace = s.name.slice(SERVICE_ACCOUNTS_OF.length);
    return { namespace, name: 'default', who: `service account ${namespace}/default (every account of ${namespace} is in group ${s.name})` };
  }
  return undefined;
}

export function serviceAccountChains(ctx: ClusterContext): EscalationFinding[] {
  const targets: { sa: Holding; target: 'cluster-admin' | 'secret-read' }[] = [];
  for (const h of ctx.admins.values()) targets.push({ sa: h, target: 'cluster-admin' });
  for (const h of ctx.secretReaders.values()) if (!ctx.admins.has(keyOf(h.subject))) targets.push({ sa: h, target: 'secret-read' });
  const out: EscalationFinding[] = [];
  const done = new Set<string>();
  for (const { sa, target } of targets) {
    const account = accountOf(sa);
    if (account === undefined || !serviceAccountExists(ctx, account.namespace, account.name)) continue;
    const { namespace, name, who } = account;
    for (const [k, h] of entryHolders(ctx, namespace, name)) {
      // Accounts that already hold it: the target itself, or (group targets) any account of the namespace.
      if (k === keyOf(sa.subject) || (sa.subject.kind === 'Group' && h.subject.kind === 'ServiceAccount' && h.subject.namespace === namespace) || !startable(ctx, h)) continue;
      if (target === 'secret-read' && covers(secretNamespaces(ctx, h.subject), sa.namespaces)) continue;
      // One chain per subject and target: the first service account found is enough to cut.
      const once = `${k}\0${target}`;
      if (done.has(once) || (target === 'secret-read' && done.has(`${k}\0cluster-admin`))) continue;
      done.add(once);
      out.push(
        finding(ctx, 'service-account-pivot', target, h.subject, {
          from: h,
          permission: target === 'cluster-admin' ? 'cluster-admin' : 'secrets get/list',
          scope: target === 'cluster-admin' ? ctx.cluster.id : nsScope(ctx.cluster, sa.namespaces),
          conditional: h.conditional,
          steps: [entryStep(ctx, h, namespace, name), powerStep(ctx, who, target, sa)],
          summary: `${subjectWords(h.subject)} can run a pod as ${who} in ${namespace} and so ${target === 'cluster-admin' ? 'becomes cluster-admin' : `reads every secret in ${nsWords(sa.namespaces)}`}`,
          remediation: {
            description: `Narrow ${who} (move the workload that needs it to a namespace of its own), or remove create/update of pods and workloads in ${namespace} from the bindings in step 1`,
            kubectl: `kubectl auth can-i --list --as=${serviceAccountUsername(namespace, name)}`,
          },
        }),
      );
    }
  }
  return out;
}
