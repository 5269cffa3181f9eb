import type { KubernetesRbacPath } from '../../../engine/access/accessPath.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';
import { QueryError } from '../../QueryError.ts';
import { parseIdentity, type IdentityArgs } from '../identityInput.ts';
import { chooseClusters, inSubscriptions } from '../clusterFilter.ts';
import { listScope } from '../connection.ts';
import { answerFreshness, askedIdentity, pathNode, type AskedIdentityNode, type ClusterNode, type PathNode } from '../present.ts';

export interface AccessOfArgs {
  readonly as: IdentityArgs;
  readonly namespace?: string | null;
  readonly clusters?: readonly string[] | null;
  readonly subscriptions?: readonly string[] | null;
}

export interface KubernetesRuleNode {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
  readonly via: PathNode;
}

export interface AccessOfAnswerNode {
  readonly cluster: ClusterNode;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
  readonly namespace: string;
  readonly principal: AskedIdentityNode;
  readonly kubernetes: { allowedBySystemMasters: boolean; incomplete: readonly string[]; allRules: readonly KubernetesRuleNode[]; listScope: string } | null;
  readonly azure: readonly unknown[];
  readonly adminGroups: readonly unknown[];
  readonly notes: readonly string[];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Query.accessOf: what the identity holds on each chosen cluster, per plane. */
export async function accessOf(_parent: unknown, args: AccessOfArgs, context: GraphqlContext): Promise<AccessOfAnswerNode[]> {
  const asker = parseIdentity(args.as);
  const namespace = args.namespace?.trim() ?? '';
  if (namespace !== '' && (namespace.length > 63 || !NAMESPACE.test(namespace))) throw new QueryError('BAD_REQUEST', `namespace "${namespace}" is not a namespace name (lower-case letters, digits and "-", at most 63)`);
  const chosen = await chooseClusters(context.queries, args.clusters, args.subscriptions);
  if (chosen?.length === 0) return [];
  const answers = await context.queries.accessOf(asker, { ...(chosen === undefined ? {} : { clusters: chosen }), namespace });
  return answers
    .filter((a) => inSubscriptions(a.cluster, args.subscriptions))
    .map((a) => {
      const r = a.answer;
      const k8s = r.kubernetes;
      return {
        ...answerFreshness(a),
        namespace: r.namespace,
        principal: askedIdentity(a.identity),
        kubernetes:
          k8s === undefined
            ? null
            : {
                allowedBySystemMasters: k8s.allowedBySystemMasters,
                incomplete: k8s.incomplete,
                listScope: listScope(a.cluster.clusterId.toLowerCase(), a.cluster.generation, namespace, JSON.stringify(asker)),
                allRules: k8s.rules.map((rule) => {
                  // A Group subject that is an Entra group: say through which chain the identity is in it.
                  const viaGroup = rule.subject.kind === 'Group' ? a.identity.groupChains.get(rule.subject.name.toLowerCase()) : undefined;
                  const path: KubernetesRbacPath = { plane: 'kubernetes', kind: 'rbac', cluster: r.cluster, binding: rule.binding, role: rule.role, ruleIndex: rule.ruleIndex, rule: rule.rule, aggregatedFrom: rule.aggregatedFrom, namespace: rule.namespace, ...(viaGroup === undefined ? {} : { viaGroup }) };
                  return { verbs: rule.rule.verbs, apiGroups: rule.rule.apiGroups, resources: rule.rule.resources, resourceNames: rule.rule.resourceNames, nonResourceURLs: rule.rule.nonResourceURLs, via: pathNode(path, context.queries.displayName) };
                }),
              },
        azure: r.azure.map((x) => ({
          assignmentId: x.assignment.id,
          roleName: x.role.roleName,
          roleDefinitionId: x.assignment.roleDefinitionId,
          scope: x.assignment.scope,
          state: x.assignment.state,
          condition: x.assignment.condition,
          dataActionsApply: x.dataActionsApply,
          permissions: x.role.permissions.map((p) => ({ dataActions: p.dataActions, notDataActions: p.notDataActions })),
          clusterActions: x.clusterActions,
          viaGroup: x.viaGroup,
        })),
        adminGroups: r.adminGroups,
        notes: r.notes,
      };
    });
}
