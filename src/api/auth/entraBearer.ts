import { createRemoteJWKSet, customFetch, errors, jwtVerify, type FetchImplementation, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { QueryError } from '../QueryError.ts';
import type { Caller } from './Caller.ts';

export interface EntraBearerOptions {
  /** The directory whose tokens are accepted (issuer and `tid`). */
  readonly tenantId: string;
  /** Client id of the API's app registration: tokens must be for `api://{clientId}` or `{clientId}`. */
  readonly clientId: string;
  /** More accepted audiences, e.g. a custom Application ID URI. */
  readonly audiences?: readonly string[];
  /** Replaces the default issuers (v2 and v1 of the tenant in the public cloud), e.g. for a sovereign cloud. */
  readonly issuers?: readonly string[];
  /** Where the signing keys are published; default the tenant's v2 discovery keys. */
  readonly jwksUrl?: string | URL;
  /** How the JWKS is fetched: a fetch that trusts an extra CA for a local identity provider (never verification off). */
  readonly jwksFetch?: FetchImplementation;
  /** A key set to use instead of fetching one (tests: jose's createLocalJWKSet). */
  readonly keys?: JWTVerifyGetKey;
  /** Allowed clock skew for exp / nbf; default 60 s. */
  readonly clockToleranceSeconds?: number;
}

export function entraIssuers(tenantId: string): string[] {
  return [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
}

export function entraJwksUrl(tenantId: string): URL {
  return new URL(`https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`);
}

export function entraAudiences(clientId: string, extra: readonly string[] = []): string[] {
  return [`api://${clientId}`, clientId, ...extra];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const unauthenticated = (message: string) => new QueryError('UNAUTHENTICATED', message);

/**
 * Why a token was refused, in words the caller can act on. Failures that are not the token's fault (the keys
 * could not be fetched) are returned as plain errors: "could not decide" is a 5xx, not a 401.
 */
function refusal(error: unknown, audiences: readonly string[], issuers: readonly string[]): Error {
  if (error instanceof errors.JWTExpired) return unauthenticated('the bearer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return unauthenticated(`the bearer token is not for this API: its audience must be one of ${audiences.join(', ')}`);
      case 'iss':
        return unauthenticated(`the bearer token's issuer is not accepted: it must be one of ${issuers.join(', ')}`);
      case 'nbf':
        return unauthenticated('the bearer token is not valid yet (nbf)');
      default:
        return unauthenticated(`the bearer token's "${error.claim}" claim is invalid (${error.reason})`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('the bearer token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return unauthenticated('the bearer token is signed with a key the tenant does not publish');
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated('the bearer token is signed with an algorithm other than RS256');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return unauthenticated('the bearer token is malformed');
  return new Error('could not verify the bearer token: the signing keys could not be read', { cause: error });
}

/** Validates an Entra access token for the API in code: signature (JWKS), issuer, audience, expiry, tenant. */
export function createEntraBearerVerifier(options: EntraBearerOptions): (token: string) => Promise<Caller> {
  const issuers = [...(options.issuers ?? entraIssuers(options.tenantId))];
  const audiences = entraAudiences(options.clientId, options.audiences);
  const keys = options.keys ?? createRemoteJWKSet(options.jwksUrl === undefined ? entraJwksUrl(options.tenantId) : new URL(options.jwksUrl), options.jwksFetch === undefined ? {} : { [customFetch]: options.jwksFetch });
  const clockTolerance = options.clockToleranceSeconds ?? 60;

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: issuers,
        audience: audiences,
        algorithms: ['RS256'],
        clockTolerance,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (error) {
      throw refusal(error, audiences, issuers);
    }
    const tid = text(payload.tid);
    if (tid !== undefined && tid.toLowerCase() !== options.tenantId.toLowerCase()) throw unauthenticated('the bearer token was issued for another tenant');
    const oid = text(payload.oid);
    if (oid === undefined) throw unauthenticated('the bearer token has no "oid" claim (an Entra access token names its caller by object id)');
    const name = text(payload.preferred_username) ?? text(payload.upn) ?? text(payload.unique_name) ?? text(payload.name) ?? text(payload.app_displayname) ?? text(payload.azp) ?? text(payload.appid);
    return { id: oid, ...(name === undefined ? {} : { name }), roles: strings(payload.roles), via: 'bearer' };
  };
}
