import { describe, expect, it } from 'vitest';
import { GROUP, SP, USER, armGraphScenario } from '../../../test/helpers/armGraphScenario.ts';
import { createGraphRouter } from './graphRouter.ts';
import type { SimRequest, SimResponse } from './simHttp.ts';

const HOST = '127.0.0.1:9443';
const router = createGraphRouter(armGraphScenario(), { pageSize: 2 });

type Json = Record<string, unknown>;

function request(pathAndQuery: string, options: { token?: string | null; fault?: SimRequest['fault'] } = {}): SimRequest {
  const token = options.token === undefined ? 'sim-token' : options.token;
  return {
    method: 'GET',
    url: new URL(`https://${HOST}${pathAndQuery}`),
    headers: { host: HOST, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: undefined,
    ...(options.fault === undefined ? {} : { fault: options.fault }),
  };
}

async function send(pathAndQuery: string, options: Parameters<typeof request>[1] = {}): Promise<SimResponse & { json: Json }> {
  const response = await router.handle(request(pathAndQuery, options));
  return { ...response, json: response.body as Json };
}

async function all(pathAndQuery: string): Promise<{ items: Json[]; links: string[] }> {
  const items: Json[] = [];
  const links: string[] = [];
  let next: string | undefined = pathAndQuery;
  while (next !== undefined) {
    const { status, json } = await send(next);
    expect(status).toBe(200);
    items.push(...(json.value as Json[]));
    const link = json['@odata.nextLink'] as string | undefined;
    if (link !== undefined) links.push(link);
    next = link?.slice(`https://${HOST}`.length);
  }
  return { items, links };
}

describe('simulated Microsoft Graph', () => {
  it('401 without a token, in the Graph envelope', async () => {
    const { status, json } = await send('/v1.0/users', { token: null });
    expect(status).toBe(401);
    expect(json).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    expect((json.error as { innerError: Json }).innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('users with $select and $top: only the selected fields; next links carry the whole query', async () => {
    const { items, links } = await all('/v1.0/users?$select=id,userPrincipalName&$top=2');
    expect(items).toHaveLength(5);
    expect(items[0]).toEqual({ id: USER.alice, userPrincipalName: 'alice@contoso.com' });
    expect(links).toHaveLength(2);
    expect(links.every((l) => l.startsWith(`https://${HOST}/v1.0/users?$select=id,userPrincipalName&$top=2&$skiptoken=`))).toBe(true);
  });

  it('the server caps the page size whatever $top asks; $top out of range is a 400', async () => {
    const { json } = await send('/v1.0/users?$top=999');
    expect((json.value as Json[]).length).toBe(2);
    expect(json['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#users');
    expect((await send('/v1.0/users?$top=0')).status).toBe(400);
  });

  it('members are directory objects, typed by @odata.type', async () => {
    const { items } = await all(`/v1.0/groups/${GROUP.eng}/members?$select=id`);
    expect(items).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: USER.alice },
      { '@odata.type': '#microsoft.graph.group', id: GROUP.payments },
      { '@odata.type': '#microsoft.graph.servicePrincipal', id: SP.app },
    ]);
  });

  it('transitiveMembers: everyone below, nested groups included, each once, through a nesting cycle', async () => {
    const { items } = await all(`/v1.0/groups/${GROUP.payments}/transitiveMembers?$select=id`);
    expect(items.map((i) => i.id)).toEqual([USER.bob, USER.carol, GROUP.admins, USER.dave, GROUP.eng, USER.alice, SP.app]);
  });

  it('404 for an unknown group; 400 for an unknown segment', async () => {
    const missing = await send('/v1.0/groups/00000000-0000-4000-8000-00000000dead/members');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect((await send('/v1.0/devices')).status).toBe(400);
  });

  it('service principals: managed identities keep their type', async () => {
    const { items } = await all('/v1.0/servicePrincipals?$select=id,servicePrincipalType');
    expect(items.find((s) => s.id === SP.kubelet)).toEqual({ id: SP.kubelet, servicePrincipalType: 'ManagedIdentity' });
  });

  it('the 429 body is the documented throttling response', () => {
    expect(router.errorBody(429, 'TooManyRequests', 'x')).toMatchObject({
      error: { code: 'TooManyRequests', message: 'Please retry again later.', innerError: { code: '429', message: 'Please retry after', status: '429' } },
    });
  });

  it('the malformed fault drops the id of the first object', async () => {
    const { json } = await send('/v1.0/users', { fault: { service: 'graph', match: /./, kind: 'malformed', remaining: 0, hits: 1 } });
    const [first, second] = json.value as Json[];
    expect(first).not.toHaveProperty('id');
    expect(second).toHaveProperty('id', USER.bob);
  });
});
