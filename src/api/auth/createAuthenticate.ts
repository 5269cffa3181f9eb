import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { QueryError } from '../QueryError.ts';
import { ROLE_ADMIN, ROLE_READ, type Authenticate, type Caller } from './Caller.ts';
import { createEntraBearerVerifier, entraAudiences } from './entraBearer.ts';
import { appServiceCaller, CLIENT_PRINCIPAL_HEADER } from './appServicePrincipal.ts';
import { isLoopback } from './isLoopback.ts';
import { hasRole } from './roles.ts';

export interface AuthenticateOptions {
  /** The Entra tenant whose callers are accepted (token issuer and `tid`; the App Service principal's tenant). */
  readonly tenantId?: string;
  /** Client id of the API's app registration. With tenantId, enables bearer tokens (audience `api://{clientId}` or `{clientId}`). */
  readonly clientId?: string;
  /** More accepted audiences (a custom Application ID URI). */
  readonly audiences?: readonly string[];
  /** Replaces the default issuers `https://login.microsoftonline.com/{tenant}/v2.0` and `https://sts.windows.net/{tenant}/`. */
  readonly issuers?: readonly string[];
  /** The signing keys' JWKS URL; default `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`. */
  readonly jwksUrl?: string | URL;
  /** How the JWKS is fetched (a fetch trusting an extra CA); default the global fetch. */
  readonly jwksFetch?: FetchImplementation;
  /** A key set instead of a fetched one (tests). */
  readonly keys?: JWTVerifyGetKey;
  readonly clockToleranceSeconds?: number;
  /** Trust App Service Authentication's `x-ms-client-principal` header: only behind Easy Auth, which strips it from requests. */
  readonly appServiceAuthentication?: boolean;
  /** Requests from loopback are the local operator with every role: `npm start` on a developer's machine only. */
  readonly localMode?: boolean;
}

const LOCAL_CALLER: Caller = { id: 'local', name: 'local operator (loopback)', roles: [ROLE_READ, ROLE_ADMIN], via: 'localLoopback' };

/**
 * The API's one authentication: an Entra bearer token validated in code, or App Service Authentication
 * headers when enabled, or — in local mode and from loopback only — the local operator. Anything else is
 * UNAUTHENTICATED; a valid identity with neither app role is FORBIDDEN (finer role checks are per question).
 * Throws at construction when no way to authenticate is configured, so a misconfigured API denies loudly.
 */
export function createAuthenticate(options: AuthenticateOptions): Authenticate {
  const { tenantId, clientId } = options;
  if (clientId !== undefined && tenantId === undefined) throw new Error('bearer tokens need the tenant id as well as the API client id');
  const bearer =
    clientId === undefined || tenantId === undefined
      ? undefined
      : createEntraBearerVerifier({
          tenantId,
          clientId,
          ...(options.audiences === undefined ? {} : { audiences: options.audiences }),
          ...(options.issuers === undefined ? {} : { issuers: options.issuers }),
          ...(options.jwksUrl === undefined ? {} : { jwksUrl: options.jwksUrl }),
          ...(options.jwksFetch === undefined ? {} : { jwksFetch: options.jwksFetch }),
          ...(options.keys === undefined ? {} : { keys: options.keys }),
          ...(options.clockToleranceSeconds === undefined ? {} : { clockToleranceSeconds: options.clockToleranceSeconds }),
        });
  const appService = options.appServiceAuthentication === true;
  const localMode = options.localMode === true;
  if (bearer === undefined && !appService && !localMode) {
    throw new Error('no way to authenticate API callers: set the API client id (bearer tokens), enable App Service Authentication, or run in local mode');
  }
  const expected = clientId === undefined ? '' : ` for ${entraAudiences(clientId, options.audiences).join(' or ')}`;

  const identify = async (request: Request, remoteAddress: string | undefined): Promise<Caller> => {
    if (localMode && isLoopback(remoteAddress)) return LOCAL_CALLER;
    const authorization = request.headers.get('authorization');
    if (authorization !== null && bearer !== undefined) {
      const match = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(authorization);
      if (match?.[1] === undefined) throw new QueryError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <access token>"');
      return bearer(match[1]);
    }
    // Easy Auth forwards the Authorization header too; when this app validates tokens itself (above) that wins.
    const principal = request.headers.get(CLIENT_PRINCIPAL_HEADER);
    if (appService && principal !== null) return appServiceCaller(principal, tenantId);
    if (authorization !== null) throw new QueryError('UNAUTHENTICATED', 'bearer tokens are not accepted by this deployment (no API client id is configured)');
    if (bearer !== undefined) throw new QueryError('UNAUTHENTICATED', `no identity: send "Authorization: Bearer <token>" with an Entra access token${expected}`);
    throw new QueryError('UNAUTHENTICATED', appService ? 'no identity: sign in through App Service Authentication' : 'no identity: this instance runs in local mode and answers requests from this machine (loopback) only');
  };

  return async (request, origin) => {
    const caller = await identify(request, origin?.remoteAddress);
    if (!hasRole(caller, ROLE_READ)) {
      throw new QueryError('FORBIDDEN', `${caller.name ?? caller.id} has none of this API's app roles (${ROLE_READ}, ${ROLE_ADMIN}): ask an administrator to assign one`);
    }
    return caller;
  };
}
