import { DateTimeResolver, NonNegativeIntResolver, PositiveIntResolver } from 'graphql-scalars';
import { ROLE_ADMIN } from '../../auth/Caller.ts';
import { requireRole } from '../../auth/roles.ts';
import type { UnitStatus } from '../../../store/IndexStore.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';
import { connection, type Connection, type PageArgs } from '../connection.ts';
import { PATH_TYPES, type PathNode } from '../present.ts';
import type { WhoCanAnswerNode } from './whoCan.ts';
import type { AccessOfAnswerNode, KubernetesRuleNode } from './accessOf.ts';
import type { IndexStatusNode } from './indexStatus.ts';

/** The resolvers of fields below Query: paging, the paths' concrete types, the admin-only details, scalars. */
export const typeResolvers = {
  DateTime: DateTimeResolver,
  NonNegativeInt: NonNegativeIntResolver,
  PositiveInt: PositiveIntResolver,
  AccessPath: {
    __resolveType: (path: PathNode): string => PATH_TYPES[path.kind],
  },
  ClusterAnswer: {
    // Every field returns a concrete answer type; this only tells fragments on the interface which one.
    __resolveType: (answer: object): string => ('firstIndexedAfterSince' in answer ? 'ClusterAccessChanges' : 'decision' in answer ? 'CanAnswer' : 'namespace' in answer ? 'AccessOfAnswer' : 'WhoCanAnswer'),
  },
  GroupChain: {
    chainNames: (via: { readonly chain: readonly string[] }, _args: unknown, context: GraphqlContext): string[] => via.chain.map((id) => context.queries.displayName(id) ?? id),
  },
  WhoCanAnswer: {
    subjects: (answer: WhoCanAnswerNode, args: PageArgs): Connection<WhoCanAnswerNode['allSubjects'][number]> => connection(answer.allSubjects, args, answer.listScope, 100),
  },
  KubernetesRules: {
    rules: (rules: NonNullable<AccessOfAnswerNode['kubernetes']>, args: PageArgs): Connection<KubernetesRuleNode> => connection(rules.allRules, args, rules.listScope, 100),
  },
  IndexStatus: {
    unitStatuses: (status: IndexStatusNode, _args: unknown, context: GraphqlContext): readonly UnitStatus[] => {
      requireRole(context.caller, ROLE_ADMIN, 'indexStatus.unitStatuses (per-unit sync details)');
      return status.statuses;
    },
  },
};
