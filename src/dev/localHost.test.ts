import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { isLocalHostHeader, startLocalHost, type LocalHost } from './localHost.ts';

let host: LocalHost;
let ready = false;
const seen: { handler: string; method: string; url: string; body: string; remoteAddress: string | undefined }[] = [];

beforeAll(async () => {
  const stub = (handler: string) => async (request: Request, context: { remoteAddress?: string } = {}) => {
    seen.push({ handler, method: request.method, url: request.url, body: request.method === 'POST' ? await request.text() : '', remoteAddress: context.remoteAddress });
    return new Response(JSON.stringify({ handler }), { headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' } });
  };
  host = await startLocalHost({ port: 0, rest: stub('rest'), graphql: stub('graphql'), health: () => ({ ready }) });
});

afterAll(async () => {
  await host.close();
});

/** A raw request, so the Host header can be anything (fetch sets it from the URL). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local host', () => {
  it('serves GraphQL at /api/graphql and REST under /api/v1 from the same server, passing the peer address', async () => {
    const graphql = await fetch(`${host.url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ clusters { name } }"}' });
    expect(await graphql.json()).toEqual({ handler: 'graphql' });
    const rest = await fetch(`${host.url}/api/v1/who-can?verb=get&resource=secrets`);
    expect(await rest.json()).toEqual({ handler: 'rest' });
    expect(rest.headers.get('x-request-id')).toBe('r-1');
    expect(seen[0]).toMatchObject({ handler: 'graphql', method: 'POST', body: '{"query":"{ clusters { name } }"}' });
    expect(seen[1]).toMatchObject({ handler: 'rest', url: `${host.url}/api/v1/who-can?verb=get&resource=secrets` });
    expect(seen.every((s) => s.remoteAddress === '127.0.0.1' || s.remoteAddress === '::ffff:127.0.0.1')).toBe(true);
  });

  it('/api/health is 503 until the first sync is done, then 200', async () => {
    ready = false;
    expect((await fetch(`${host.url}/api/health`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
  });

  it('answers only Host: localhost / 127.x / [::1] (no DNS rebinding), and 404s elsewhere', async () => {
    expect((await raw('/api/v1/clusters', { host: 'attacker.example:7071' })).status).toBe(421);
    expect((await raw('/api/v1/clusters', { host: `127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await raw('/somewhere', { host: 'localhost' })).status).toBe(404);
    expect(['localhost', 'localhost:7071', '127.0.0.1:7071', '[::1]:7071', '[::1]'].every(isLocalHostHeader)).toBe(true);
    expect(['evil.localhost.example', 'localhost.evil.example', '10.0.0.1:7071', '', '0.0.0.0'].some(isLocalHostHeader)).toBe(false);
  });
});
