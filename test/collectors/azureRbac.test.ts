/**
 * The azure-rbac collector with the real SDK clients (@azure/arm-authorization, arm-managementgroups,
 * arm-resources-subscriptions) over HTTPS against the simulated ARM: what it returns is the scenario, object
 * for object, across pages; every fault ends in the right classification.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollectorError } from '../../src/collectors/CollectorError.ts';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { collect, type AzureRbacCollectOptions } from '../../src/collectors/azure-rbac/collect.ts';
import { azureRbacPermissions } from '../../src/collectors/azure-rbac/permissions.ts';
import type { RoleAssignment } from '../../src/model/azureRbac.ts';
import { ASSIGNMENT, DENY, ELIGIBLE, MG, ROLE, S1, S2, S3, SUB, TENANT, armGraphScenario } from '../helpers/armGraphScenario.ts';
import { StaticTokenCredential, recordingRetry, startSimTenant, type SimTenant } from '../helpers/simTenantHarness.ts';

const scenario = armGraphScenario();
let sim: SimTenant;

beforeAll(async () => {
  sim = await startSimTenant(scenario, { pageSize: 2 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.log.clear();
});

function options(retry = recordingRetry(), requestTimeoutMs?: number): AzureRbacCollectOptions & { credential: StaticTokenCredential } {
  const credential = new StaticTokenCredential();
  return { clients: createAzureRbacClients(credential, sim.armSettings(requestTimeoutMs)), retry, credential };
}

const definition = (name: string) => scenario.azure.roleDefinitions.find((d) => d.name === name);
const byId = (items: readonly RoleAssignment[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  return error as CollectorError;
}

describe('azure-rbac against the simulated tenant', () => {
  it('tenant unit: built-in roles, the management-group tree and the subscriptions', async () => {
    const opts = options();
    const result = await collect({ kind: 'tenant', tenantId: TENANT }, opts);
    expect(result.azure.roleDefinitions).toEqual(scenario.azure.roleDefinitions.filter((d) => d.roleType === 'BuiltInRole'));
    expect(result.azure.hierarchy).toEqual([
      { id: MG('mg-platform'), parentId: MG(TENANT), displayName: 'Platform' },
      { id: SUB(S3), parentId: MG(TENANT), displayName: 'contoso-sandbox' },
      { id: MG('mg-prod'), parentId: MG('mg-platform'), displayName: 'Production' },
      { id: SUB(S2), parentId: MG('mg-platform'), displayName: 'contoso-apps' },
      { id: SUB(S1), parentId: MG('mg-prod'), displayName: 'contoso-prod' },
    ]);
    expect(result.subscriptions).toEqual([
      { subscriptionId: S1, displayName: 'contoso-prod', state: 'Enabled', tenantId: TENANT },
      { subscriptionId: S2, displayName: 'contoso-apps', state: 'Enabled', tenantId: TENANT },
      { subscriptionId: S3, displayName: 'contoso-sandbox', state: 'Enabled', tenantId: TENANT },
    ]);
    expect(result.azure.roleAssignments).toEqual([]);
    // Tokens were asked for Resource Manager, whatever endpoint the clients talk to.
    expect(new Set(opts.credential.scopes)).toEqual(new Set(['https://management.azure.com/.default']));
    // Paged: 5 built-ins at 2 per page, 5 descendants, 3 subscriptions — each followed to the end.
    expect(sim.requests('arm', /roleDefinitions/)).toHaveLength(3);
    expect(sim.requests('arm', /descendants/)).toHaveLength(3);
    expect(sim.requests('arm', /^\/subscriptions\?/)).toHaveLength(2);
  });

  it('subscription unit: assignments at, above (management groups, root) and below it; eligibilities; deny assignments; custom roles', async () => {
    const result = await collect({ kind: 'subscription', subscriptionId: S1 }, options());
    const expectedActive = [ASSIGNMENT.root, ASSIGNMENT.platform, ASSIGNMENT.prod, ASSIGNMENT.s1, ASSIGNMENT.s1RgAks, ASSIGNMENT.s1Cluster, ASSIGNMENT.s1RgOther];
    expect(byId(result.azure.roleAssignments.filter((a) => a.state === 'active'))).toEqual(byId(expectedActive));
    expect(byId(result.azure.roleAssignments.filter((a) => a.state === 'eligible'))).toEqual(byId([ELIGIBLE.s1RgAks, ELIGIBLE.platform]));
    expect(result.azure.denyAssignments).toEqual([DENY.s1]);
    expect(result.azure.roleDefinitions).toEqual([definition(ROLE.opsCustom), definition(ROLE.auditorCustom), definition(ROLE.rgHelperCustom)]);
    // The conditional assignment keeps its condition; nothing is silently widened.
    expect(result.azure.roleAssignments.find((a) => a.id === ASSIGNMENT.s1Cluster.id)?.condition).toContain("StringEquals 'payments'");
    // 7 active assignments at 2 per page: 4 pages, each following the server's nextLink.
    const pages = sim.requests('arm', /roleAssignments/);
    expect(pages).toHaveLength(4);
    expect(pages.slice(1).every((p) => p.includes('$skiptoken='))).toBe(true);
  });

  it('a subscription directly under the root sees only the root and its own assignments', async () => {
    const result = await collect({ kind: 'subscription', subscriptionId: S3 }, options());
    expect(byId(result.azure.roleAssignments)).toEqual(byId([ASSIGNMENT.root, ASSIGNMENT.s3]));
    expect(result.azure.denyAssignments).toEqual([]);
    expect(result.azure.roleDefinitions).toEqual([]);
  });

  it('another subscription under a management group: inherits from it, not from its sibling', async () => {
    const result = await collect({ kind: 'subscription', subscriptionId: S2 }, options());
    expect(byId(result.azure.roleAssignments)).toEqual(byId([ASSIGNMENT.root, ASSIGNMENT.platform, ASSIGNMENT.s2, ELIGIBLE.platform]));
    expect(result.azure.denyAssignments).toEqual([DENY.s2]);
    expect(result.azure.roleDefinitions).toEqual([definition(ROLE.auditorCustom)]);
  });

  it('429 with Retry-After on a later page: that page is retried after the wait, the list completes', async () => {
    sim.faults.add({ service: 'arm', match: /roleAssignments.*skiptoken/, kind: '429', times: 1, retryAfterSeconds: 1 });
    const retry = recordingRetry();
    const result = await collect({ kind: 'subscription', subscriptionId: S1 }, options(retry));
    expect(result.azure.roleAssignments.filter((a) => a.state === 'active')).toHaveLength(7);
    expect(retry.waits).toEqual([1000]);
    const pages = sim.requests('arm', /roleAssignments/);
    expect(pages).toHaveLength(5);
    // Resumed at the throttled page: the first page was read once.
    expect(pages.filter((p) => !p.includes('skiptoken'))).toHaveLength(1);
  });

  it('403 → denied, naming the action and the scope', async () => {
    sim.faults.add({ service: 'arm', match: /roleAssignments/, kind: '403', times: Infinity });
    const error = await failure(collect({ kind: 'subscription', subscriptionId: S1 }, options()));
    expect(error.kind).toBe('denied');
    expect(error.permission).toBe(`Microsoft.Authorization/roleAssignments/read on /subscriptions/${S1}`);
    expect(error.unit).toBe(`azure-rbac sub:${S1}`);
    expect(error.message).toContain(`needs Microsoft.Authorization/roleAssignments/read on /subscriptions/${S1}`);
    // The service's own words are kept: they name the client and the action too.
    expect(error.message).toContain("does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read'");
    expect(azureRbacPermissions.azureActions).toContain('Microsoft.Authorization/roleAssignments/read');
  });

  it('401 → denied (the credential was refused)', async () => {
    sim.faults.add({ service: 'arm', match: /descendants/, kind: '401', times: Infinity });
    const error = await failure(collect({ kind: 'tenant', tenantId: TENANT }, options()));
    expect(error.kind).toBe('denied');
    expect(error.permission).toBe(`Microsoft.Management/managementGroups/descendants/read on ${MG(TENANT)}`);
    expect(error.message).toContain('the credential was not accepted');
  });

  it.each(['500', '503'] as const)('%s every time → retried to the bound, then transient', async (kind) => {
    sim.faults.add({ service: 'arm', match: /denyAssignments/, kind, times: Infinity });
    const retry = recordingRetry(3);
    const error = await failure(collect({ kind: 'subscription', subscriptionId: S1 }, options(retry)));
    expect(error.kind).toBe('transient');
    expect(error.status).toBe(Number(kind));
    expect(error.message).toContain('after 3 attempts');
    expect(sim.requests('arm', /denyAssignments/)).toHaveLength(3);
    expect(retry.waits).toEqual([10, 20]);
  });

  it('503 once → retried, then complete', async () => {
    sim.faults.add({ service: 'arm', match: /roleEligibilityScheduleInstances/, kind: '503', times: 1 });
    const result = await collect({ kind: 'subscription', subscriptionId: S1 }, options());
    expect(result.azure.roleAssignments.filter((a) => a.state === 'eligible')).toHaveLength(2);
  });

  it('a server that never answers → transient after the client timeout', async () => {
    sim.faults.add({ service: 'arm', match: /roleDefinitions/, kind: 'timeout', times: Infinity });
    const error = await failure(collect({ kind: 'subscription', subscriptionId: S1 }, options(recordingRetry(2), 250)));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/role definitions of \/subscriptions\/.* after 2 attempts: the request timed out/);
  });

  it('a malformed role assignment → invalid, naming it and what is missing', async () => {
    sim.faults.add({ service: 'arm', match: /roleAssignments/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ kind: 'subscription', subscriptionId: S1 }, options()));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(`role assignment ${ASSIGNMENT.root.id}: principalId is required`);
  });

  it('a malformed descendant → invalid, named by its name when the id is missing', async () => {
    sim.faults.add({ service: 'arm', match: /descendants/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ kind: 'tenant', tenantId: TENANT }, options()));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('management group descendant mg-platform: id is required');
  });
});
