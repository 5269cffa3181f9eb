import type { Finding } from '../../../engine/findings/Finding.ts';
import type { ExpiredSuppression, SuppressionRef } from '../../../engine/findings/suppressions.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';
import { connection, listScope, type Connection } from '../connection.ts';
import { clusterNode, pathNode, type ClusterNode, type PathNode } from '../present.ts';

export interface FindingsArgs {
  readonly clusters?: readonly string[] | null;
  readonly kinds?: readonly string[] | null;
  readonly severities?: readonly string[] | null;
  readonly includeSuppressed?: boolean | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** A finding as GraphQL serves it: the CLI JSON's fields, and its suppression when one covers it. */
export type FindingNode = Finding & { readonly suppression?: SuppressionRef };

export interface FindingConnectionNode extends Connection<FindingNode> {
  readonly clusters: readonly ClusterNode[];
  readonly suppressedCount: number;
  readonly expiredSuppressions: readonly ExpiredSuppression[];
  readonly warnings: readonly string[];
}

const FINDING_TYPES: Readonly<Record<Finding['kind'], string>> = {
  'missing-cluster-identity-permission': 'MissingClusterIdentityPermission',
  'over-privileged-cluster-identity': 'OverPrivilegedClusterIdentity',
  'risky-access': 'RiskyAccessFinding',
  'escalation-path': 'EscalationPathFinding',
};

/** Query.findings: the stored findings of the chosen clusters, filtered, suppressions applied, paged. */
export async function findings(_parent: unknown, args: FindingsArgs, context: GraphqlContext): Promise<FindingConnectionNode> {
  const includeSuppressed = args.includeSuppressed ?? false;
  const answer = await context.queries.findings({
    ...(args.clusters === undefined || args.clusters === null ? {} : { clusters: args.clusters }),
    ...(args.kinds === undefined || args.kinds === null ? {} : { kinds: args.kinds }),
    ...(args.severities === undefined || args.severities === null ? {} : { severities: args.severities }),
    includeSuppressed,
  });
  const nodes: FindingNode[] = [...answer.findings, ...answer.suppressed.map((s): FindingNode => ({ ...s.finding, suppression: s.suppression }))];
  const generations = answer.clusters.map((c) => `${c.clusterId.toLowerCase()}@${c.generation}`).sort();
  const scope = listScope('findings', JSON.stringify([args.kinds ?? [], args.severities ?? [], includeSuppressed]), ...generations);
  return {
    ...connection(nodes, args, scope, 100),
    clusters: answer.clusters.map(clusterNode),
    suppressedCount: answer.suppressedCount,
    expiredSuppressions: answer.expiredSuppressions,
    warnings: answer.warnings,
  };
}

type RiskyPathEntry = Extract<Finding, { kind: 'risky-access' }>['path'][number];

function isBinding(p: RiskyPathEntry): p is Extract<RiskyPathEntry, { kind: 'binding' }> {
  return p.kind === 'binding';
}

/** The Finding interface's concrete types, and the risky path split into access paths and bindings. */
export const findingTypeResolvers = {
  Finding: {
    __resolveType: (f: FindingNode): string => FINDING_TYPES[f.kind],
  },
  RiskyAccessFinding: {
    path: (f: Extract<FindingNode, { kind: 'risky-access' }>, _args: unknown, context: GraphqlContext): PathNode[] =>
      f.path.filter((p) => !isBinding(p)).map((p) => pathNode(p, context.queries.displayName)),
    bindings: (f: Extract<FindingNode, { kind: 'risky-access' }>): { binding: string; role: string }[] => f.path.filter(isBinding).map((p) => ({ binding: p.binding, role: p.role })),
  },
};
