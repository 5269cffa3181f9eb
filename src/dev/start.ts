/**
 * `npm start`: the indexing job end to end on a machine without Azure. It starts the simulated tenant of
 * scenarios/contoso.yaml (ARM, Microsoft Graph and one Kubernetes API per cluster, over HTTPS), runs every
 * collector through the real SDK clients with a progress line per unit, builds the cross-plane index and
 * prints the answers a platform engineer asks first. Nothing here is canned: change the scenario and the
 * answers change. (The GraphQL/REST host replaces the last step in a later issue.)
 */
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadScenario } from '../sim/scenario/scenarioFile.ts';
import { startSimTenant } from '../sim/startSimTenant.ts';
import { collectTenant, type UnitOutcome } from '../sync/collectTenant.ts';
import { buildAccessModel } from '../engine/access/accessModel.ts';
import { whoCanAcross } from '../engine/access/whoCanAcross.ts';
import { canAcross } from '../engine/access/canAcross.ts';
import { entraIdentity } from '../engine/access/principalIdentity.ts';
import { describeAccessPath } from '../engine/access/accessPath.ts';
import { describeRequest, resourceRequest, type AccessRequest } from '../model/accessRequest.ts';
import { renderCrossWhoCan } from '../cli/crossPlane/crossPlaneCommands.ts';

const scenarioPath = process.argv[2] ?? fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));
const out = (text: string) => process.stdout.write(text);

/** The simulated tenant accepts any bearer token; a real run uses DefaultAzureCredential instead. */
const simulatedCredential: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 'simulated-tenant-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function progress(outcome: UnitOutcome): void {
  const mark = outcome.status === 'ok' ? '✓' : '✗';
  const detail = outcome.status === 'ok' ? `${outcome.objects} objects` : `${outcome.status}: ${outcome.message ?? ''}`;
  out(`  ${mark} ${outcome.unit.padEnd(70)} ${detail} (${Math.round(outcome.durationMs)} ms)\n`);
}

const scenario = await loadScenario(scenarioPath);
const sim = await startSimTenant(scenario);
try {
  out(`Simulated tenant ${scenario.tenantId} from ${scenarioPath}\n  ARM ${sim.armUrl}   Graph ${sim.graphUrl}   Kubernetes ${sim.k8sUrl}/clusters/…\n\n`);
  out('Indexing (every collector, real SDK clients, HTTPS):\n');
  const started = performance.now();
  const run = await collectTenant({
    tenantId: scenario.tenantId,
    credential: simulatedCredential,
    arm: { endpoint: sim.armUrl, ca: sim.ca },
    graph: { baseUrl: sim.graphUrl, ca: sim.ca },
    onUnit: progress,
  });
  const failed = run.units.filter((u) => u.status !== 'ok').length;
  out(`\n${run.units.length} units, ${failed} failed, ${Math.round(performance.now() - started)} ms; ${sim.log.entries.length} HTTPS requests, none to a Secrets endpoint: ${sim.log.entries.every((e) => !/secrets/i.test(e.url))}\n`);

  const model = buildAccessModel({ clusters: run.clusters, kubernetes: run.kubernetes, azure: run.azure, entra: run.entra });
  const prod = model.clusters.find((c) => c.name === 'aks-prod-weu') ?? model.clusters[0];
  if (prod === undefined) throw new Error('the scenario has no clusters');

  const whoCanQuestions: AccessRequest[] = [
    resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' }),
    resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'payments' }),
  ];
  for (const request of whoCanQuestions) {
    out(`\n## Who can ${describeRequest(request)} on ${prod.name}?\n`);
    const answer = whoCanAcross(model, request, [prod], { expandGroups: false });
    renderCrossWhoCan(answer, 'table', `${describeRequest(request)} on cluster ${prod.name}`, { out, err: () => undefined }, [], model.entra.displayName);
  }

  out('\n## Can they read secrets in payments on every cluster?\n');
  const readSecrets = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' });
  for (const upn of ['alice@contoso.com', 'erin@contoso.com', 'frank@contoso.com', 'grace@contoso.com', 'mallory@contoso.com']) {
    const principal = model.entra.resolve(upn);
    if (principal === undefined) continue;
    for (const cluster of model.clusters) {
      const decision = canAcross(model, entraIdentity(model.entra, principal), readSecrets, cluster);
      const first = decision.paths[0] ?? decision.eligible[0];
      const why = first === undefined ? (decision.azureDenials[0] ?? 'no path') : describeAccessPath(first, model.entra.displayName);
      const verdict = decision.allowed === true ? 'yes' : decision.allowed === 'conditional' ? 'conditional' : 'no';
      out(`  ${upn.padEnd(22)} ${cluster.name.padEnd(18)} ${verdict.padEnd(12)} ${why}\n`);
    }
  }
  out('\nOffline on your own exports: node bin/aks-access.js who-can get secrets -n NS --azure-files DIR --from-files CLUSTER=rbac.yaml (see README).\n');
  if (failed > 0) process.exitCode = 1;
} finally {
  await sim.close();
}
