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
 * Where a request came from, as only the host knows it (the socket, not a header a client can write).
 * The Functions host passes nothing: local mode never applies there.
 */
export interface RequestOrigin {
  /** The peer address of the TCP connection (`req.socket.remoteAddress` in node:http). */
  readonly remoteAddress?: string;
}

/**
 * Turns a request into a Caller or throws a QueryError (`UNAUTHENTICATED`: no or invalid identity → 401;
 * `FORBIDDEN`: valid identity without the needed role → 403). GraphQL and REST share one implementation.
 * A thrown plain Error means the caller could not be judged (the signing keys could not be fetched): 5xx.
 */
export type Authenticate = (request: Request, origin?: RequestOrigin) => Promise<Caller>;
