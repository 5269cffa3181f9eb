import type { EntraPrincipal } from '../../../model/entra.ts';
import { principalType } from '../../../engine/access/whoCanAcross.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';
import { QueryError } from '../../QueryError.ts';

export interface PrincipalNode {
  readonly objectId: string;
  readonly principalType: string;
  readonly displayName: string | undefined;
  readonly userPrincipalName: string | undefined;
  readonly appId: string | undefined;
  readonly kubernetesName: string;
}

export function principalNode(p: EntraPrincipal): PrincipalNode {
  const upn = p.kind === 'user' && p.userPrincipalName !== '' ? p.userPrincipalName : undefined;
  return {
    objectId: p.id,
    principalType: principalType(p),
    displayName: p.displayName,
    userPrincipalName: upn,
    appId: p.kind === 'servicePrincipal' ? p.appId : undefined,
    kubernetesName: upn ?? p.id,
  };
}

/** Query.principal: an Entra principal by object id or UPN, or null. */
export async function principal(_parent: unknown, args: { readonly idOrUpn: string }, context: GraphqlContext): Promise<PrincipalNode | null> {
  const key = args.idOrUpn.trim();
  if (key === '') throw new QueryError('BAD_REQUEST', 'idOrUpn: give an object id or a UPN');
  const found = await context.queries.principal(key);
  return found === undefined ? null : principalNode(found);
}
