/**
 * The entra collector over HTTPS against the simulated Microsoft Graph (undici fetch trusting the simulator's
 * CA through its own Agent, a token from a TokenCredential): the directory object for object, across pages;
 * every fault kind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollectorError } from '../../src/collectors/CollectorError.ts';
import { createEntraClients, type EntraClients } from '../../src/collectors/entra/clients.ts';
import { collect } from '../../src/collectors/entra/collect.ts';
import { GraphClient } from '../../src/collectors/entra/graphClient.ts';
import { GROUP, TENANT, USER, armGraphScenario } from '../helpers/armGraphScenario.ts';
import { StaticTokenCredential, recordingRetry, startSimTenant, type SimTenant } from '../helpers/simTenantHarness.ts';

const scenario = armGraphScenario();
let sim: SimTenant;
const opened: EntraClients[] = [];

beforeAll(async () => {
  sim = await startSimTenant(scenario, { pageSize: 2 });
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.graph.close()));
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.log.clear();
});

function clients(credential = new StaticTokenCredential(), requestTimeoutMs?: number): EntraClients {
  const made = createEntraClients(credential, sim.graphSettings(requestTimeoutMs));
  opened.push(made);
  return made;
}

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  return error as CollectorError;
}

describe('entra against the simulated Microsoft Graph', () => {
  it('users, groups with their direct members, service principals: the scenario, object for object', async () => {
    const credential = new StaticTokenCredential();
    const directory = await collect({ tenantId: TENANT }, { clients: clients(credential), retry: recordingRetry() });
    expect(directory).toEqual(scenario.entra);
    expect(new Set(credential.scopes)).toEqual(new Set(['https://graph.microsoft.com/.default']));
    // 5 users at 2 per page: 3 pages, each next link carrying the original $select and $top.
    const userPages = sim.requests('graph', /^\/v1\.0\/users/);
    expect(userPages).toHaveLength(3);
    expect(userPages.slice(1).every((p) => p.includes('$select=id,displayName,userPrincipalName') && p.includes('$top=999') && p.includes('$skiptoken='))).toBe(true);
    // One member list per group, paged too (eng has 3 direct members).
    expect(sim.requests('graph', new RegExp(`/groups/${GROUP.eng}/members`))).toHaveLength(2);
  });

  it('429 with a fractional Retry-After, then success', async () => {
    sim.faults.add({ service: 'graph', match: /\/members/, kind: '429', times: 1, retryAfterSeconds: 0.25 });
    const retry = recordingRetry();
    const directory = await collect({ tenantId: TENANT }, { clients: clients(), retry });
    expect(directory).toEqual(scenario.entra);
    expect(retry.waits).toEqual([250]);
  });

  it('403 on member lists → denied naming GroupMember.Read.All', async () => {
    sim.faults.add({ service: 'graph', match: /\/members/, kind: '403', times: Infinity });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(), retry: recordingRetry(), memberConcurrency: 1 }));
    expect(error).toMatchObject({ kind: 'denied', permission: 'GroupMember.Read.All', unit: 'entra tenant', status: 403 });
    expect(error.message).toContain('members of group "eng"');
    expect(error.message).toContain('needs the Microsoft Graph application permission GroupMember.Read.All');
    expect(error.message).toContain('Authorization_RequestDenied: Insufficient privileges to complete the operation.');
    expect(error.message).toMatch(/request id [0-9a-f-]{36}/);
  });

  it('403 on users → denied naming User.Read.All', async () => {
    sim.faults.add({ service: 'graph', match: /^GET \/v1\.0\/users/, kind: '403', times: Infinity });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(), retry: recordingRetry() }));
    expect(error).toMatchObject({ kind: 'denied', permission: 'User.Read.All' });
  });

  it.each(['500', '503'] as const)('%s every time → transient after the bounded retries', async (kind) => {
    sim.faults.add({ service: 'graph', match: /servicePrincipals/, kind, times: Infinity });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(), retry: recordingRetry(3) }));
    expect(error).toMatchObject({ kind: 'transient', status: Number(kind) });
    expect(sim.requests('graph', /servicePrincipals/)).toHaveLength(3);
  });

  it('timeout → transient', async () => {
    sim.faults.add({ service: 'graph', match: /groups\?/, kind: 'timeout', times: Infinity });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(new StaticTokenCredential(), 250), retry: recordingRetry(2) }));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('groups (GET /v1.0/groups) after 2 attempts: the request timed out');
  });

  it('a user without an id → invalid, named by its UPN', async () => {
    sim.faults.add({ service: 'graph', match: /^GET \/v1\.0\/users/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(), retry: recordingRetry() }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('user "alice@contoso.com" (no id): id is required');
  });

  it('a member without an id → invalid, naming the group and the member', async () => {
    sim.faults.add({ service: 'graph', match: new RegExp(`/groups/${GROUP.payments}/members`), kind: 'malformed', times: 1 });
    const error = await failure(collect({ tenantId: TENANT }, { clients: clients(), retry: recordingRetry() }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(`group ${GROUP.payments} (payments-devs) members[0]: id is required`);
  });

  it('the token goes only to the configured Graph origin, whatever a next link says', async () => {
    const graph = new GraphClient(new StaticTokenCredential(), sim.graphSettings());
    await expect(graph.getPage('https://evil.example/v1.0/users')).rejects.toThrow(/refusing to send the token there/);
    await graph.close();
  });

  it("trust in the simulator's CA comes from the client's own Agent only, not the process", async () => {
    const response = await fetch(`${sim.graph.baseUrl}/v1.0/users/${USER.alice}`).catch(() => undefined);
    expect(response).toBeUndefined();
  });
});
