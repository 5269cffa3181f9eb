import { QueryError } from '../QueryError.ts';
import { ROLE_ADMIN, ROLE_READ, type Caller } from './Caller.ts';

/** Access.Admin includes Access.Read: an administrator assigned only the admin role can still ask questions. */
export function hasRole(caller: Caller, role: string): boolean {
  return caller.roles.includes(role) || (role === ROLE_READ && caller.roles.includes(ROLE_ADMIN));
}

/** Throws FORBIDDEN (403) naming the missing role when the caller lacks it. */
export function requireRole(caller: Caller, role: string, what: string): void {
  if (!hasRole(caller, role)) throw new QueryError('FORBIDDEN', `${what} needs the app role ${role}; ${callerText(caller)} has ${caller.roles.length === 0 ? 'no app role of this API' : caller.roles.join(', ')}`);
}

function callerText(caller: Caller): string {
  return caller.name === undefined ? `caller ${caller.id}` : `caller ${caller.name} (${caller.id})`;
}
