import type { Asker } from '../AccessQueries.ts';
import { QueryError } from '../QueryError.ts';

/** The `IdentityInput` of the schema. */
export interface IdentityArgs {
  readonly principal?: string | null;
  readonly user?: string | null;
  readonly groups?: readonly string[] | null;
}

/** An Entra principal (object id or UPN), or a Kubernetes user with groups: exactly one of the two. */
export function parseIdentity(input: IdentityArgs): Asker {
  const principal = input.principal?.trim() ?? '';
  const user = input.user?.trim() ?? '';
  const groups = (input.groups ?? []).map((g) => g.trim()).filter((g) => g !== '');
  if ((principal === '') === (user === '')) throw new QueryError('BAD_REQUEST', 'as: give either "principal" (an Entra object id or UPN) or "user" (a Kubernetes user name, with "groups"), not both or neither');
  if (principal !== '') {
    if (groups.length > 0) throw new QueryError('BAD_REQUEST', 'as: "groups" go with "user"; an Entra principal\'s groups come from the directory');
    return { principal };
  }
  return { user, groups };
}
