import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { AccessRequest, UserInfo } from '../../src/model/accessRequest.ts';
import type { Binding, RbacObjects, Role } from '../../src/model/k8sRbac.ts';
import { kubeConfigFor, type BearerTokenProvider } from '../../src/collectors/k8s-rbac/fetch.ts';
import { parseRbacObject, type RbacKind } from '../../src/manifests/parseRbacObject.ts';
import { naiveCan, naiveWhoCan } from '../../test/reference/naiveAuthorizer.ts';

/*
 * The naive baseline: answer each question the way kubectl-who-can does — list every ClusterRole, Role,
 * ClusterRoleBinding and RoleBinding of the cluster from its API server (the real @kubernetes/client-node
 * client, typed responses, `limit`/`continue` to the end), then evaluate on the spot with the reference
 * evaluator (test/reference/naiveAuthorizer.ts, written straight from the spec). Nothing is kept between
 * questions except the client and its connection.
 */

/** kubectl's chunk size. */
const CHUNK = 500;

interface TypedList {
  readonly items: readonly object[];
  readonly metadata?: { readonly _continue?: string };
}

async function listAll(kind: RbacKind, call: (page: { limit: number; _continue?: string }) => Promise<TypedList>): Promise<{ items: object[]; requests: number }> {
  const items: object[] = [];
  let token: string | undefined;
  let requests = 0;
  do {
    const page = await call(token === undefined ? { limit: CHUNK } : { limit: CHUNK, _continue: token });
    requests++;
    items.push(...page.items);
    const next = page.metadata?._continue;
    token = next === undefined || next === '' ? undefined : next;
  } while (token !== undefined);
  if (items.length === 0 && kind === 'ClusterRole') throw new Error('the API server listed no ClusterRoles');
  return { items, requests };
}

export interface NaiveKubectl {
  /** Lists the cluster's RBAC objects afresh and answers who can make the request (subject keys as naiveWhoCan gives them). */
  whoCan(request: AccessRequest): Promise<Set<string>>;
  /** Lists afresh and answers whether the user can make the request. */
  can(user: UserInfo, request: AccessRequest): Promise<boolean>;
  /** Requests sent to the API server so far, and objects listed. */
  readonly counters: { requests: number; objects: number };
}

export function naiveKubectl(clusterId: string, kubeconfig: string, bearerToken: BearerTokenProvider): NaiveKubectl {
  const rbac = kubeConfigFor({ clusterId, kubeconfig, bearerToken }).makeApiClient(RbacAuthorizationV1Api);
  const counters = { requests: 0, objects: 0 };

  const listRbac = async (): Promise<RbacObjects> => {
    const lists = await Promise.all([
      listAll('ClusterRole', (p) => rbac.listClusterRole(p)),
      listAll('Role', (p) => rbac.listRoleForAllNamespaces(p)),
      listAll('ClusterRoleBinding', (p) => rbac.listClusterRoleBinding(p)),
      listAll('RoleBinding', (p) => rbac.listRoleBindingForAllNamespaces(p)),
    ]);
    const [clusterRoles, roles, clusterRoleBindings, roleBindings] = lists;
    const parse = (kind: RbacKind, items: readonly object[]) => items.map((item, i) => parseRbacObject(item as Record<string, unknown>, kind, `naive ${kind} ${i}`).object);
    for (const l of lists) {
      counters.requests += l.requests;
      counters.objects += l.items.length;
    }
    return {
      roles: [...parse('ClusterRole', clusterRoles.items), ...parse('Role', roles.items)] as Role[],
      bindings: [...parse('ClusterRoleBinding', clusterRoleBindings.items), ...parse('RoleBinding', roleBindings.items)] as Binding[],
    };
  };

  return {
    counters,
    whoCan: async (request) => naiveWhoCan(await listRbac(), request),
    can: async (user, request) => naiveCan(await listRbac(), user, request),
  };
}
