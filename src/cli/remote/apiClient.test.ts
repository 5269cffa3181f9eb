import { describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { ApiCallError, getApiJson, isLoopbackUrl } from './apiClient.ts';

function recorder(status = 200, body: unknown = { clusters: [] }) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetchStub = ((url: URL, init: { headers: Record<string, string> }) => {
    calls.push({ url: url.toString(), headers: init.headers });
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'x-request-id': 'req-1' } }));
  }) as unknown as typeof fetch;
  return { calls, fetchStub };
}

const credential = (scopes: string[]): TokenCredential => ({
  getToken: (scope: string | string[]): Promise<AccessToken> => {
    scopes.push(...(Array.isArray(scope) ? scope : [scope]));
    return Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 60_000 });
  },
});

describe('CLI --api client', () => {
  it('loopback URLs are local mode: no token is asked for or sent', async () => {
    const { calls, fetchStub } = recorder();
    const scopes: string[] = [];
    await getApiJson({ baseUrl: 'http://localhost:7071', credential: credential(scopes), fetch: fetchStub }, '/who-can', [['verb', 'get'], ['resource', 'secrets']]);
    expect(scopes).toEqual([]);
    expect(calls[0]?.headers.authorization).toBeUndefined();
    expect(calls[0]?.url).toBe('http://localhost:7071/api/v1/who-can?verb=get&resource=secrets&format=json');
    expect(['http://127.0.0.1:1', 'http://[::1]:7071', 'http://localhost'].map((u) => isLoopbackUrl(new URL(u)))).toEqual([true, true, true]);
    expect(isLoopbackUrl(new URL('https://func-aks-access.azurewebsites.net'))).toBe(false);
  });

  it('anything else gets an Entra token for the API scope, over https only', async () => {
    const { calls, fetchStub } = recorder();
    const scopes: string[] = [];
    await getApiJson({ baseUrl: 'https://func-aks-access.azurewebsites.net/', scope: 'api://1234/.default', credential: credential(scopes), fetch: fetchStub }, '/clusters', []);
    expect(scopes).toEqual(['api://1234/.default']);
    expect(calls[0]?.headers.authorization).toBe('Bearer entra-token');
    await expect(getApiJson({ baseUrl: 'http://aks-access.internal', scope: 'api://1234/.default', fetch: fetchStub }, '/clusters', [])).rejects.toThrow(/only sent over https/);
    await expect(getApiJson({ baseUrl: 'https://func-aks-access.azurewebsites.net', fetch: fetchStub }, '/clusters', [])).rejects.toThrow(/--api-scope/);
  });

  it('an error answer becomes an ApiCallError with the status, code, message and request id', async () => {
    const { fetchStub } = recorder(401, { error: { code: 'UNAUTHENTICATED', message: 'token expired' } });
    const call = getApiJson({ baseUrl: 'https://x.example', scope: 's', credential: credential([]), fetch: fetchStub }, '/clusters', []);
    await expect(call).rejects.toBeInstanceOf(ApiCallError);
    await expect(call).rejects.toThrow('the API answered 401 UNAUTHENTICATED: token expired (request id req-1)');
  });

  it('an unreachable instance says so', async () => {
    await expect(getApiJson({ baseUrl: 'http://127.0.0.1:9' }, '/clusters', [])).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
