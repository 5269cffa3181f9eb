import type { UserInfo } from '../../model/accessRequest.ts';

/*
 * Identities the authenticators create, which RBAC subjects are matched against
 * (apiserver/pkg/authentication/serviceaccount/util.go, group/authenticated_group_adder.go).
 */

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const SERVICE_ACCOUNT_GROUP_PREFIX = 'system:serviceaccounts:';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const MASTERS = 'system:masters';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccount:NS:NAME` → {namespace, name}; undefined for any other username. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0] ?? '', name: parts[1] ?? '' };
}

export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${SERVICE_ACCOUNT_GROUP_PREFIX}${namespace}`];
}

/** The group every authenticated identity gets, unless it is anonymous or already says which it is. */
function withAuthenticatedGroup(name: string, groups: readonly string[]): string[] {
  const out = [...groups];
  if (name === ANONYMOUS) {
    if (!out.includes(UNAUTHENTICATED)) out.push(UNAUTHENTICATED);
  } else if (!out.includes(AUTHENTICATED) && !out.includes(UNAUTHENTICATED)) {
    out.push(AUTHENTICATED);
  }
  return out;
}

/** A service account's token identity: its username and the groups the token authenticator adds. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: serviceAccountUsername(namespace, name), groups: withAuthenticatedGroup('', serviceAccountGroups(namespace)) };
}

/**
 * What the API server authorizes for `kubectl --as NAME [--as-group G]...` (impersonation filter): a
 * service-account username gets its service-account groups only when no group was asked for; every
 * identity but system:anonymous gets system:authenticated unless system:(un)authenticated was asked for.
 */
export function impersonatedUser(name: string, groups: readonly string[]): UserInfo {
  const sa = splitServiceAccountUsername(name);
  const base = sa !== undefined && groups.length === 0 ? serviceAccountGroups(sa.namespace) : groups;
  return { name, groups: withAuthenticatedGroup(name, base) };
}
