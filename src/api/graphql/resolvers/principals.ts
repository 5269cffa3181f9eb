import type { GraphqlContext } from '../GraphqlContext.ts';
import { QueryError } from '../../QueryError.ts';
import { connection, listScope, type Connection } from '../connection.ts';
import { principalNode, type PrincipalNode } from './principal.ts';

export interface PrincipalsArgs {
  readonly search: string;
  readonly principalTypes?: readonly string[] | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Query.principals: Entra principals by UPN, display name or object id prefix, paged. */
export async function principals(_parent: unknown, args: PrincipalsArgs, context: GraphqlContext): Promise<Connection<PrincipalNode>> {
  const search = args.search.trim();
  if (search.length < 2) throw new QueryError('BAD_REQUEST', 'search: give at least 2 characters of a UPN, display name or object id');
  const types = args.principalTypes ?? [];
  const found = (await context.queries.searchPrincipals(search)).map(principalNode).filter((p) => types.length === 0 || types.includes(p.principalType));
  const generations = (await context.queries.clusters()).map((c) => `${c.clusterId.toLowerCase()}@${c.generation}`).sort();
  return connection(found, args, listScope(search.toLowerCase(), JSON.stringify(types), ...generations), 50);
}
