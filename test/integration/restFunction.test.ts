/**
 * functions/rest.ts as the Functions host calls it: a real HttpRequest and InvocationContext, the composition
 * built from the environment. Only requests that need no store are sent (no Cosmos account here): the OpenAPI
 * document, and calls the shared Authenticate refuses before anything is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { invocationContext } from '../helpers/functionContext.ts';

const ENV = {
  TENANT_ID: '11111111-1111-1111-1111-111111111111',
  COSMOS_ENDPOINT: 'https://aks-access-test.documents.azure.com:443/',
  COSMOS_DATABASE: 'aks-access',
  AzureWebJobsStorage__queueServiceUri: 'https://aksaccesstest.queue.core.windows.net',
  SYNC_SCHEDULE: '0 0 */6 * * *',
  API_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
};

let restV1: typeof import('../../functions/rest.ts').restV1;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  ({ restV1 } = await import('../../functions/rest.ts'));
});

afterAll(() => {
  for (const name of Object.keys(ENV)) Reflect.deleteProperty(process.env, name);
});

async function call(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpResponseInit & { text: string; header: (name: string) => string | undefined }> {
  const { context } = invocationContext('restV1');
  const response = await restV1.handler(new HttpRequest({ url, method: init.method ?? 'GET', headers: init.headers ?? {} }), context);
  const init2 = response as HttpResponseInit;
  const headers = new Headers(init2.headers);
  return { ...init2, text: Buffer.from(init2.body as Uint8Array).toString('utf8'), header: (name) => headers.get(name) ?? undefined };
}

describe('functions/rest.ts', () => {
  it('is an anonymous HTTP trigger on v1/{*path}: auth is done in code', () => {
    expect(restV1).toMatchObject({ route: 'v1/{*path}', authLevel: 'anonymous' });
    expect(restV1.methods).toContain('GET');
  });

  it('serves the OpenAPI document with the public URL as its server', async () => {
    const response = await call('https://func-aks-access.azurewebsites.net/api/v1/openapi.json');
    expect(response.status).toBe(200);
    const doc = JSON.parse(response.text) as { openapi: string; servers: { url: string }[] };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]?.url).toBe('https://func-aks-access.azurewebsites.net/api/v1');
  });

  it('refuses a call without a token with 401 (local mode never applies behind the Functions front end), the invocation id as request id', async () => {
    const response = await call('https://func-aks-access.azurewebsites.net/api/v1/who-can?verb=get&resource=secrets', { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(response.status).toBe(401);
    expect(response.header('www-authenticate')).toBe('Bearer');
    expect(response.header('x-request-id')).toBe('test-restV1');
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: 'UNAUTHENTICATED' }, requestId: 'test-restV1' });
  });

  it('405 for anything but GET', async () => {
    const response = await call('https://func-aks-access.azurewebsites.net/api/v1/clusters', { method: 'POST' });
    expect(response.status).toBe(405);
  });
});
