import { describeRequest, type AccessRequest } from '../../../model/accessRequest.ts';
import type { CrossPlaneSubject } from '../../../engine/access/whoCanAcross.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';
import { parseAccessRequest, type AccessRequestArgs } from '../accessRequestInput.ts';
import { chooseClusters, inSubscriptions } from '../clusterFilter.ts';
import { listScope } from '../connection.ts';
import { answerFreshness, pathNode, subjectNode, type ClusterNode, type PathNode, type SubjectRefNode } from '../present.ts';

export interface WhoCanArgs {
  readonly request: AccessRequestArgs;
  readonly clusters?: readonly string[] | null;
  readonly subscriptions?: readonly string[] | null;
  readonly principalTypes?: readonly string[] | null;
  readonly kinds?: readonly string[] | null;
  readonly expandGroups?: boolean | null;
}

export interface WhoCanAnswerNode {
  readonly cluster: ClusterNode;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
  readonly question: string;
  /** Every subject; the `subjects` field pages through them. */
  readonly allSubjects: readonly ReturnType<typeof subjectNode>[];
  /** Names the list for cursors: the cluster's generation and the question with its filters. */
  readonly listScope: string;
  readonly eligible: readonly { subject: SubjectRefNode; via: PathNode }[];
  readonly escalations: readonly { subject: SubjectRefNode; via: PathNode }[];
  readonly denied: readonly { subject: SubjectRefNode; reason: string }[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export function questionText(request: AccessRequest, anyNamespace: boolean): string {
  return anyNamespace && request.type === 'resource' ? `${describeRequest({ ...request, namespace: '' }).replace(' (cluster-wide)', '')} in any namespace` : describeRequest(request);
}

function subjectFilter(args: WhoCanArgs): (s: CrossPlaneSubject) => boolean {
  const types = args.principalTypes ?? [];
  const kinds = args.kinds ?? [];
  return (s) => (types.length === 0 || (s.principalType !== undefined && types.includes(s.principalType))) && (kinds.length === 0 || kinds.includes(s.kind));
}

/** Query.whoCan: who can make the request, per cluster, each subject with every path. */
export async function whoCan(_parent: unknown, args: WhoCanArgs, context: GraphqlContext): Promise<WhoCanAnswerNode[]> {
  const parsed = parseAccessRequest(args.request, 'whoCan');
  const chosen = await chooseClusters(context.queries, args.clusters, args.subscriptions);
  if (chosen?.length === 0) return [];
  const answers = await context.queries.whoCan(parsed.request, {
    ...(chosen === undefined ? {} : { clusters: chosen }),
    expandGroups: args.expandGroups ?? false,
    anyNamespace: parsed.anyNamespace,
  });
  const question = questionText(parsed.request, parsed.anyNamespace);
  const keep = subjectFilter(args);
  const nameOf = context.queries.displayName;
  const filters = JSON.stringify([question, args.principalTypes ?? [], args.kinds ?? [], args.expandGroups ?? false]);
  return answers
    .filter((a) => inSubscriptions(a.cluster, args.subscriptions))
    .map((a) => ({
      ...answerFreshness(a),
      question,
      allSubjects: a.answer.subjects.filter(keep).map((s) => subjectNode(s, nameOf)),
      listScope: listScope(a.cluster.clusterId.toLowerCase(), a.cluster.generation, filters),
      eligible: a.answer.eligible.map((e) => ({ subject: e.subject, via: pathNode(e.path, nameOf) })),
      escalations: a.answer.escalations.map((e) => ({ subject: e.subject, via: pathNode(e.path, nameOf) })),
      denied: a.answer.denied,
      notes: a.answer.notes,
      warnings: [...new Set([...parsed.warnings, ...a.answer.warnings])],
    }));
}
