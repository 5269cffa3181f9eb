import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { clientPrincipalHeader, createTestIssuer, serveJwks, TEST_CALLER_OID, TEST_CLIENT_ID, TEST_TENANT, type JwksServer, type TestIssuer } from '../../../test/helpers/entraTokens.ts';
import { QueryError } from '../QueryError.ts';
import type { Authenticate, RequestOrigin } from './Caller.ts';
import { createAuthenticate } from './createAuthenticate.ts';
import { isLoopback } from './isLoopback.ts';

let issuer: TestIssuer;
let jwksServer: JwksServer;
let bearer: Authenticate;

beforeAll(async () => {
  issuer = await createTestIssuer();
  jwksServer = await serveJwks(issuer.jwks);
  bearer = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks) });
});

afterAll(async () => {
  await jwksServer.close();
});

function request(headers: Record<string, string> = {}): Request {
  return new Request('https://aks-access.azurewebsites.net/api/graphql', { method: 'POST', headers });
}

async function refusal(authenticate: Authenticate, headers: Record<string, string>, origin?: RequestOrigin): Promise<{ code: string; message: string }> {
  try {
    await authenticate(request(headers), origin);
  } catch (error) {
    if (error instanceof QueryError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the request to be refused');
}

const now = () => Math.floor(Date.now() / 1000);
const withToken = (token: string) => ({ authorization: `Bearer ${token}` });

describe('createAuthenticate: Entra bearer tokens, validated in code', () => {
  it('accepts a v2 token for the client id, and a v1 token (sts.windows.net) for api://client-id', async () => {
    const v2 = await bearer(request(withToken(await issuer.token())));
    expect(v2).toEqual({ id: TEST_CALLER_OID, name: 'portal-reader@contoso.com', roles: ['Access.Read'], via: 'bearer' });
    const v1 = await bearer(request(withToken(await issuer.token({ iss: `https://sts.windows.net/${TEST_TENANT}/`, aud: `api://${TEST_CLIENT_ID}`, ver: '1.0', preferred_username: undefined, upn: 'ops@contoso.com' }))));
    expect(v1).toMatchObject({ id: TEST_CALLER_OID, name: 'ops@contoso.com' });
  });

  it('an app-only token (a service principal with the role) is a caller too; Access.Admin alone is enough to ask', async () => {
    const app = await bearer(request(withToken(await issuer.token({ preferred_username: undefined, azp: '0b7d3f5e-1a2b-4c3d-8e9f-001122334455', roles: ['Access.Admin'] }))));
    expect(app).toEqual({ id: TEST_CALLER_OID, name: '0b7d3f5e-1a2b-4c3d-8e9f-001122334455', roles: ['Access.Admin'], via: 'bearer' });
  });

  // What must fail, and how: each refusal names what is wrong with the token.
  const refusals: [string, () => Promise<Record<string, string>>, string, RegExp][] = [
    ['no token', () => Promise.resolve({}), 'UNAUTHENTICATED', /no identity: send "Authorization: Bearer <token>".*api:\/\/3f2a1b4c/],
    ['expired', async () => withToken(await issuer.token({ exp: now() - 3600, iat: now() - 7200, nbf: now() - 7200 })), 'UNAUTHENTICATED', /has expired/],
    ['not yet valid', async () => withToken(await issuer.token({ nbf: now() + 3600 })), 'UNAUTHENTICATED', /not valid yet/],
    ['without exp', async () => withToken(await issuer.token({ exp: undefined })), 'UNAUTHENTICATED', /"exp" claim/],
    ['wrong audience (Microsoft Graph)', async () => withToken(await issuer.token({ aud: 'https://graph.microsoft.com' })), 'UNAUTHENTICATED', /not for this API: its audience must be one of api:\/\/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b, 3f2a1b4c/],
    ['wrong issuer (another tenant)', async () => withToken(await issuer.token({ iss: 'https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/v2.0' })), 'UNAUTHENTICATED', /issuer is not accepted/],
    ['right issuer, another tenant in tid', async () => withToken(await issuer.token({ tid: '00000000-1111-2222-3333-444444444444' })), 'UNAUTHENTICATED', /another tenant/],
    ['bad signature (a key the tenant does not publish, same kid)', async () => withToken(await issuer.token({}, { key: issuer.strangerKey })), 'UNAUTHENTICATED', /signature does not verify/],
    ['unknown key id', async () => withToken(await issuer.token({}, { kid: 'rotated-away' })), 'UNAUTHENTICATED', /key the tenant does not publish/],
    ['tampered payload', async () => {
      const [h, , s] = (await issuer.token()).split('.');
      const payload = Buffer.from(JSON.stringify({ iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`, aud: TEST_CLIENT_ID, exp: now() + 3600, oid: TEST_CALLER_OID, roles: ['Access.Admin'] })).toString('base64url');
      return withToken(`${h ?? ''}.${payload}.${s ?? ''}`);
    }, 'UNAUTHENTICATED', /signature does not verify/],
    ['unsigned (alg none)', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return Promise.resolve(withToken(`${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: `https://sts.windows.net/${TEST_TENANT}/`, aud: TEST_CLIENT_ID, exp: now() + 60, oid: 'x', roles: ['Access.Admin'] })}.`));
    }, 'UNAUTHENTICATED', /malformed|algorithm/],
    ['garbage', () => Promise.resolve(withToken('not-a-jwt')), 'UNAUTHENTICATED', /malformed/],
    ['another scheme', () => Promise.resolve({ authorization: 'Basic dXNlcjpwYXNz' }), 'UNAUTHENTICATED', /must be "Bearer <access token>"/],
    ['no oid', async () => withToken(await issuer.token({ oid: undefined })), 'UNAUTHENTICATED', /no "oid" claim/],
    ['missing role', async () => withToken(await issuer.token({ roles: undefined })), 'FORBIDDEN', /portal-reader@contoso.com has none of this API's app roles \(Access.Read, Access.Admin\)/],
    ['another app\'s roles only', async () => withToken(await issuer.token({ roles: ['Reports.Read'] })), 'FORBIDDEN', /none of this API's app roles/],
  ];
  it.each(refusals)('refuses %s', async (_what, headers, code, message) => {
    const r = await refusal(bearer, await headers());
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('fetches the signing keys from the JWKS URL (injectable), once for many tokens', async () => {
    const remote = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, jwksUrl: jwksServer.url });
    for (let i = 0; i < 3; i++) expect((await remote(request(withToken(await issuer.token())))).id).toBe(TEST_CALLER_OID);
    expect(jwksServer.fetches()).toBe(1);
    expect((await refusal(remote, withToken(await issuer.token({ aud: 'api://someone-else' })))).code).toBe('UNAUTHENTICATED');
  });

  it('keys out of reach are "could not decide" (a plain error → 5xx), not a 401 that blames the caller', async () => {
    const unreachable = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, jwksUrl: 'http://127.0.0.1:9/discovery/v2.0/keys' });
    const failure = unreachable(request(withToken(await issuer.token())));
    await expect(failure).rejects.toThrow(/could not verify the bearer token: the signing keys could not be read/);
    await expect(failure).rejects.not.toBeInstanceOf(QueryError);
  });

  it('accepts a configured extra audience and replaced issuers (sovereign clouds)', async () => {
    const gov = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, audiences: ['https://aks-access.contoso.us'], issuers: [`https://login.microsoftonline.us/${TEST_TENANT}/v2.0`], keys: createLocalJWKSet(issuer.jwks) });
    expect((await gov(request(withToken(await issuer.token({ aud: 'https://aks-access.contoso.us', iss: `https://login.microsoftonline.us/${TEST_TENANT}/v2.0` }))))).id).toBe(TEST_CALLER_OID);
    expect((await refusal(gov, withToken(await issuer.token()))).message).toMatch(/issuer is not accepted/);
  });
});

describe('createAuthenticate: App Service Authentication headers', () => {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: TEST_CALLER_OID },
    { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: TEST_TENANT },
    { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', val: 'alice@contoso.com' },
    { typ: 'roles', val: 'Access.Read' },
    { typ: 'roles', val: 'Access.Admin' },
  ];

  it('when enabled, x-ms-client-principal is the caller, with its app roles', async () => {
    const easyAuth = createAuthenticate({ tenantId: TEST_TENANT, appServiceAuthentication: true });
    expect(await easyAuth(request({ 'x-ms-client-principal': clientPrincipalHeader(claims) }))).toEqual({ id: TEST_CALLER_OID, name: 'alice@contoso.com', roles: ['Access.Read', 'Access.Admin'], via: 'appServiceAuthentication' });
  });

  it('when not enabled, the header is ignored: it is only trustworthy behind Easy Auth', async () => {
    expect((await refusal(bearer, { 'x-ms-client-principal': clientPrincipalHeader(claims) })).code).toBe('UNAUTHENTICATED');
  });

  it('a bearer token, when this app validates tokens, wins over the header (Easy Auth forwards both)', async () => {
    const both = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks), appServiceAuthentication: true });
    expect((await both(request({ 'x-ms-client-principal': clientPrincipalHeader(claims), ...withToken(await issuer.token()) }))).via).toBe('bearer');
    expect((await refusal(both, { 'x-ms-client-principal': clientPrincipalHeader(claims), ...withToken('not-a-jwt') })).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['another tenant', clientPrincipalHeader(claims.map((c) => (c.typ.endsWith('tenantid') ? { ...c, val: '00000000-1111-2222-3333-444444444444' } : c))), 'UNAUTHENTICATED', /another tenant/],
    ['another identity provider', clientPrincipalHeader(claims, 'github'), 'UNAUTHENTICATED', /"github" is not Microsoft Entra ID/],
    ['no object id', clientPrincipalHeader(claims.filter((c) => !c.typ.endsWith('objectidentifier'))), 'UNAUTHENTICATED', /no object id/],
    ['not base64 JSON', '%%%', 'UNAUTHENTICATED', /not base64-encoded JSON/],
    ['no role', clientPrincipalHeader(claims.filter((c) => c.typ !== 'roles')), 'FORBIDDEN', /alice@contoso.com has none of this API's app roles/],
  ])('refuses a principal from %s', async (_what, header, code, message) => {
    const r = await refusal(createAuthenticate({ tenantId: TEST_TENANT, appServiceAuthentication: true }), { 'x-ms-client-principal': header });
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });
});

describe('createAuthenticate: local mode, loopback only', () => {
  const local = createAuthenticate({ localMode: true });

  it.each(['127.0.0.1', '127.10.0.3', '::1', '::ffff:127.0.0.1'])('a request from %s is the local operator with every role', async (address) => {
    expect(await local(request(), { remoteAddress: address })).toEqual({ id: 'local', name: 'local operator (loopback)', roles: ['Access.Read', 'Access.Admin'], via: 'localLoopback' });
  });

  it.each([['10.0.0.7'], ['192.168.1.20'], ['::ffff:10.0.0.7'], ['fe80::1'], [undefined]])('a request from %s is not (and no header can claim loopback)', async (address) => {
    const r = await refusal(local, { 'x-forwarded-for': '127.0.0.1', host: 'localhost' }, address === undefined ? {} : { remoteAddress: address });
    expect(r).toEqual({ code: 'UNAUTHENTICATED', message: 'no identity: this instance runs in local mode and answers requests from this machine (loopback) only' });
  });

  it('without local mode, loopback is no identity', async () => {
    expect((await refusal(bearer, {}, { remoteAddress: '127.0.0.1' })).code).toBe('UNAUTHENTICATED');
  });

  it('off the loopback, local mode still accepts tokens when bearer validation is configured', async () => {
    const both = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks), localMode: true });
    expect((await both(request(withToken(await issuer.token())), { remoteAddress: '10.0.0.7' })).via).toBe('bearer');
  });

  it('isLoopback reads addresses exactly', () => {
    expect(['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::FFFF:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['128.0.0.1', '127.0.0', '127.0.0.1.5', '127.0.0.256', 'localhost', '', '::2', '::ffff:128.0.0.1'].some(isLoopback)).toBe(false);
  });
});

describe('createAuthenticate: configuration', () => {
  it('with no way to authenticate, it refuses to be built (a misconfigured API denies loudly)', () => {
    expect(() => createAuthenticate({ tenantId: TEST_TENANT })).toThrow(/no way to authenticate API callers/);
    expect(() => createAuthenticate({ clientId: TEST_CLIENT_ID })).toThrow(/tenant id/);
  });

  it('App Service Authentication without bearer validation says so to a token', async () => {
    const r = await refusal(createAuthenticate({ tenantId: TEST_TENANT, appServiceAuthentication: true }), withToken(await issuer.token()));
    expect(r.message).toMatch(/bearer tokens are not accepted by this deployment/);
  });
});
