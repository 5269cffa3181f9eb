/** Who is calling the API, once authenticated: the identity and the app roles that decide what it may ask. */
export interface Caller {
  /** Entra object id (`oid`) of the caller, or `local` in loopback-only local mode. */
  readonly id: string;
  readonly name?: string;
  readonly roles: readonly string[];
  readonly via: 'bearer' | 'appServiceAuthentication' | 'localLoopback';
}

/** App roles of the API's app registration. */
export const ROLE_READ = 'Access.Read';
export const ROLE_ADMIN = 'Access.Admin';

/**
 * Turns a request into a Caller or throws a QueryError (`UNAUTHENTICATED`: no or invalid identity → 401;
 * `FORBIDDEN`: valid identity without the needed role → 403). GraphQL and REST share one implementation.
 */
export type Authenticate = (request: Request) => Promise<Caller>;
