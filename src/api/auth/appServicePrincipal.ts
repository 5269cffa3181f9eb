import { QueryError } from '../QueryError.ts';
import type { Caller } from './Caller.ts';

/** The header App Service Authentication (Easy Auth) sets after it validated the caller's token. */
export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

const OBJECT_ID = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const TENANT_ID = ['http://schemas.microsoft.com/identity/claims/tenantid', 'tid'];
const ROLE = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const NAME = ['preferred_username', 'name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

interface Claim {
  readonly typ: string;
  readonly val: string;
}

const unauthenticated = (message: string) => new QueryError('UNAUTHENTICATED', message);

function parse(header: string): { authType: string | undefined; roleType: string | undefined; nameType: string | undefined; claims: Claim[] } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw unauthenticated(`${CLIENT_PRINCIPAL_HEADER} is not base64-encoded JSON`);
  }
  if (typeof json !== 'object' || json === null || !('claims' in json) || !Array.isArray(json.claims)) throw unauthenticated(`${CLIENT_PRINCIPAL_HEADER} has no claims`);
  const record = json as Record<string, unknown> & { claims: unknown[] };
  const claims = record.claims.filter((c): c is Claim => typeof c === 'object' && c !== null && typeof (c as Claim).typ === 'string' && typeof (c as Claim).val === 'string');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { authType: str(record.auth_typ), roleType: str(record.role_typ), nameType: str(record.name_typ), claims };
}

/**
 * The caller App Service Authentication vouches for. Only trustworthy behind Easy Auth, which strips these
 * headers from incoming requests: never enable it for an app reachable without Easy Auth in front.
 */
export function appServiceCaller(header: string, tenantId: string | undefined): Caller {
  const { authType, roleType, nameType, claims } = parse(header);
  if (authType !== undefined && authType.toLowerCase() !== 'aad') throw unauthenticated(`${CLIENT_PRINCIPAL_HEADER}: identity provider "${authType}" is not Microsoft Entra ID`);
  const first = (types: readonly string[]) => claims.find((c) => types.includes(c.typ))?.val;
  const tid = first(TENANT_ID);
  if (tenantId !== undefined && tid !== undefined && tid.toLowerCase() !== tenantId.toLowerCase()) throw unauthenticated(`${CLIENT_PRINCIPAL_HEADER}: the caller belongs to another tenant`);
  const id = first(OBJECT_ID);
  if (id === undefined || id === '') throw unauthenticated(`${CLIENT_PRINCIPAL_HEADER} has no object id claim`);
  const roleTypes = roleType === undefined ? ROLE : [roleType, ...ROLE];
  const roles = [...new Set(claims.filter((c) => roleTypes.includes(c.typ)).map((c) => c.val))];
  const name = first(nameType === undefined ? NAME : [nameType, ...NAME]);
  return { id, ...(name === undefined ? {} : { name }), roles, via: 'appServiceAuthentication' };
}
