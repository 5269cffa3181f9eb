/**
 * An Entra ID stand-in for API tests: an RSA key pair made in the test, its public JWKS, and access tokens
 * signed with it the way Entra signs them (RS256, `kid` in the header, v2 or v1 issuer, `oid`, `tid`, `roles`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';

export const TEST_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEST_CLIENT_ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
export const TEST_CALLER_OID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface TestIssuer {
  /** The public keys, as Entra publishes them at …/discovery/v2.0/keys. */
  readonly jwks: JSONWebKeySet;
  /** An access token for the API; `claims` override the defaults, `undefined` values drop a claim. */
  token(claims?: Readonly<Record<string, unknown>>, options?: { readonly kid?: string; readonly key?: PrivateKey }): Promise<string>;
  /** A key of the same shape that the JWKS does not publish (for bad signatures). */
  readonly strangerKey: PrivateKey;
}

export async function createTestIssuer(kid = 'test-key-1'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  return {
    jwks: { keys: [jwk] },
    strangerKey: stranger.privateKey,
    async token(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const defaults: Record<string, unknown> = {
        iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`,
        aud: TEST_CLIENT_ID,
        iat: now - 60,
        nbf: now - 60,
        exp: now + 3600,
        tid: TEST_TENANT,
        oid: TEST_CALLER_OID,
        preferred_username: 'portal-reader@contoso.com',
        roles: ['Access.Read'],
        ver: '2.0',
      };
      const merged = Object.fromEntries(Object.entries({ ...defaults, ...claims }).filter(([, v]) => v !== undefined)) as JWTPayload;
      return new SignJWT(merged).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? kid }).sign(options.key ?? privateKey);
    },
  };
}

export interface JwksServer {
  readonly url: string;
  /** How many times the keys were fetched. */
  readonly fetches: () => number;
  close(): Promise<void>;
}

/** Serves a JWKS over plain HTTP on loopback (tests only: production keys come over HTTPS). */
export async function serveJwks(jwks: JSONWebKeySet): Promise<JwksServer> {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches += 1;
    if (req.url !== '/discovery/v2.0/keys') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => {
          if (e === undefined) resolve();
          else reject(e);
        });
      }),
  };
}

/** App Service Authentication's x-ms-client-principal for a caller. */
export function clientPrincipalHeader(claims: readonly { typ: string; val: string }[], authType = 'aad'): string {
  return Buffer.from(JSON.stringify({ auth_typ: authType, name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', claims })).toString('base64');
}
