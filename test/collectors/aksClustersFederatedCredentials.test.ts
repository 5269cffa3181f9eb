/**
 * The aks-clusters collector's workload-identity part with the real @azure/arm-msi client over HTTPS against the
 * simulated ARM serving contoso: every user-assigned identity of a subscription, every page of each one's
 * federated credentials, projected to those that name a subject; 403s name the action and the scope.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { collect, type AksClustersCollectOptions, type AksFederatedCredential } from '../../src/collectors/aks-clusters/collect.ts';
import { CONTOSO_PATH } from '../../src/sim/scenario/findingsInputs.ts';
import { scenarioFederatedCredentials } from '../../src/sim/scenario/scenarioFederatedCredentials.ts';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { collectorFailure as failure } from '../helpers/collectorFailure.ts';
import { StaticTokenCredential, recordingRetry, startSimTenant, type SimTenant } from '../helpers/simTenantHarness.ts';

let scenario: TenantScenario;
let sim: SimTenant;
let prod: string;
let nonprod: string;
let shared: string;

beforeAll(async () => {
  scenario = await loadScenario(CONTOSO_PATH);
  const byName = (name: string) => scenario.subscriptions.find((s) => s.displayName === name)?.subscriptionId ?? '';
  [prod, nonprod, shared] = [byName('contoso-prod'), byName('contoso-nonprod'), byName('contoso-shared')];
  // One item per page: every list, the identities' and each identity's credentials, must be followed to its end.
  sim = await startSimTenant(scenario, { pageSize: 1 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.log.clear();
});

function options(retry = recordingRetry()): AksClustersCollectOptions {
  return { clients: createAksClustersClients(new StaticTokenCredential(), sim.armSettings()), retry };
}

/** What the scenario says: the credentials its annotated service accounts imply, with their identity's ids. */
function expectedIn(subscriptionId: string): AksFederatedCredential[] {
  return scenarioFederatedCredentials(scenario)
    .filter((c) => c.id.toLowerCase().startsWith(`/subscriptions/${subscriptionId}/`))
    .map((c) => {
      const identityId = c.id.slice(0, c.id.indexOf('/federatedIdentityCredentials/'));
      const mi = scenario.managedIdentities?.find((m) => m.id === identityId);
      return { id: c.id, identityId, clientId: mi?.clientId ?? '', principalId: mi?.principalId ?? '', name: c.name, issuer: c.issuer, subject: c.subject };
    });
}

const identitiesIn = (subscriptionId: string) => (scenario.managedIdentities ?? []).filter((m) => m.id.toLowerCase().startsWith(`/subscriptions/${subscriptionId}/`));

describe('aks-clusters: user-assigned identities and their federated credentials', () => {
  it('prod: every identity listed, every credential page read, the AKS-issuer credentials with client and principal ids', async () => {
    const result = await collect({ subscriptionId: prod }, options());
    const orderly = (list: readonly AksFederatedCredential[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(orderly(result.federatedCredentials ?? [])).toEqual(orderly(expectedIn(prod)));
    // Three credentials in prod: payments-api trusted on two clusters (the same identity), ci on one.
    expect(result.federatedCredentials?.map((c) => `${c.name} ${c.subject}`).sort()).toEqual([
      'aks-payments-prod-payments-payments-api system:serviceaccount:payments:payments-api',
      'aks-prod-weu-payments-ci system:serviceaccount:payments:ci',
      'aks-prod-weu-payments-payments-api system:serviceaccount:payments:payments-api',
    ]);
    expect(result.federatedCredentials?.every((c) => c.issuer.startsWith('https://westeurope.oic.prod-aks.azure.com/'))).toBe(true);
    // One page per identity (1 per page) and one more; one credentials list per identity, two pages for the identity with two.
    const identities = identitiesIn(prod);
    expect(sim.requests('arm', /userAssignedIdentities\?/)).toHaveLength(identities.length);
    expect(sim.requests('arm', /federatedIdentityCredentials/)).toHaveLength(identities.length + 1);
  });

  it('nonprod: the one credential; shared: identities without credentials give none', async () => {
    expect((await collect({ subscriptionId: nonprod }, options())).federatedCredentials).toEqual(expectedIn(nonprod));
    expect(expectedIn(nonprod).map((c) => c.subject)).toEqual(['system:serviceaccount:monitoring:grafana']);
    expect((await collect({ subscriptionId: shared }, options())).federatedCredentials).toEqual([]);
  });

  it('403 on the identity list → denied naming userAssignedIdentities/read on the subscription', async () => {
    sim.faults.add({ service: 'arm', match: /userAssignedIdentities\?/, kind: '403', times: Infinity });
    const error = await failure(collect({ subscriptionId: prod }, options()));
    expect(error).toMatchObject({ kind: 'denied', unit: `aks-clusters sub:${prod}`, permission: `Microsoft.ManagedIdentity/userAssignedIdentities/read on /subscriptions/${prod}` });
    expect(error.message).toContain("perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/read'");
  });

  it('403 on one identity\'s credentials → denied naming federatedIdentityCredentials/read on that identity', async () => {
    const grafana = identitiesIn(nonprod).find((m) => m.name === 'id-grafana')?.id ?? '';
    sim.faults.add({ service: 'arm', match: /id-grafana\/federatedIdentityCredentials/, kind: '403', times: Infinity });
    const error = await failure(collect({ subscriptionId: nonprod }, options()));
    expect(error).toMatchObject({ kind: 'denied', permission: `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read on ${grafana}` });
    expect(error.message).toContain("perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read'");
  });

  it('429 on a credentials page, then success: the page is retried, nothing is lost', async () => {
    sim.faults.add({ service: 'arm', match: /federatedIdentityCredentials.*skiptoken/, kind: '429', times: 1, retryAfterSeconds: 1 });
    const retry = recordingRetry();
    const result = await collect({ subscriptionId: prod }, options(retry));
    expect(result.federatedCredentials).toHaveLength(expectedIn(prod).length);
    expect(retry.waits).toEqual([1000]);
  });

  it('a credential without its issuer → invalid, named by its id; an identity without its client id → invalid, named', async () => {
    sim.faults.add({ service: 'arm', match: /id-grafana\/federatedIdentityCredentials/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ subscriptionId: nonprod }, options()));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(`federated identity credential ${expectedIn(nonprod)[0]?.id ?? ''}: issuer is required`);

    sim.faults.add({ service: 'arm', match: /userAssignedIdentities\?/, kind: 'malformed', times: 1 });
    const missing = await failure(collect({ subscriptionId: nonprod }, options()));
    expect(missing.kind).toBe('invalid');
    expect(missing.message).toContain(`user-assigned managed identity ${identitiesIn(nonprod)[0]?.id ?? ''}: clientId is required`);
  });
});
