/**
 * `npm start`: the sync job end to end on a machine without Azure. It starts the simulated tenant of
 * scenarios/contoso.yaml (ARM, Microsoft Graph and one Kubernetes API per cluster, over HTTPS) and the embedded
 * Cosmos DB server, runs one sync (plan units → every collector through the real SDK clients → keyless writes
 * to Cosmos → compile each cluster into a generation) with a progress line per unit, then answers the first
 * questions a platform engineer asks from the stored generations. Nothing is canned: change the scenario and
 * the answers change. (The GraphQL/REST host takes over the last step in a later issue.)
 */
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadScenario } from '../sim/scenario/scenarioFile.ts';
import { startSimTenant } from '../sim/startSimTenant.ts';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { createSimCertificate } from '../sim/server/simCertificate.ts';
import { startEmbeddedCosmos } from './embeddedCosmos.ts';
import { createCosmosClient } from '../store/createCosmosClient.ts';
import { ensureContainers } from '../store/ensureContainers.ts';
import { CosmosIndexStore } from '../store/CosmosIndexStore.ts';
import { DATABASE_ID } from '../store/containers.ts';
import { runSync } from '../sync/runSync.ts';
import type { UnitRunResult } from '../sync/runUnit.ts';
import { unitCollectors } from '../sync/unitCollectors.ts';
import { createAzureRbacClients } from '../collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../collectors/entra/clients.ts';
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

function progress(result: UnitRunResult): void {
  const status = result.status;
  const mark = status.state === 'ok' ? '✓' : '✗';
  const detail = status.state === 'ok' ? `${status.objects} objects, ${result.written} written, ${result.deleted} stale removed` : `${status.state}: ${status.message ?? ''}`;
  out(`  ${mark} ${status.unit.padEnd(60)} ${detail} (${Math.round(status.durationMs)} ms)\n`);
}

const scenario = await loadScenario(scenarioPath);
const certificate = await createSimCertificate();
const sim = await startSimTenant(scenario, { certificate });
const cosmos = await startEmbeddedCosmos(certificate);
try {
  out(`Simulated tenant ${scenario.tenantId} from ${scenarioPath}\n  ARM ${sim.armUrl}   Graph ${sim.graphUrl}   Kubernetes ${sim.k8sUrl}/clusters/…\n  Cosmos DB (embedded, keyless client) ${cosmos.endpoint}\n\n`);
  const client = createCosmosClient({ endpoint: cosmos.endpoint, credential: simulatedCredential, agent: new Agent({ ca: cosmos.ca }) });
  await ensureContainers(client, DATABASE_ID);
  const store = new CosmosIndexStore(client, { databaseId: DATABASE_ID });
  const arm = { endpoint: sim.armUrl, ca: sim.ca };
  const collect = unitCollectors({
    tenantId: scenario.tenantId,
    credential: simulatedCredential,
    azureRbac: createAzureRbacClients(simulatedCredential, arm),
    aksClusters: createAksClustersClients(simulatedCredential, arm),
    entra: createEntraClients(simulatedCredential, { baseUrl: sim.graphUrl, ca: sim.ca }),
  });
  out('Sync run (plan units → collect through the real SDK clients → write to Cosmos DB → compile each cluster):\n');
  const summary = await runSync({ store, collect, now: Date.now, newId: randomUUID }, { onUnit: progress, onCompile: (c) => { out(`  ⚙ compiled ${c.clusterId.split('/').pop() ?? c.clusterId}\n`); } });
  const failed = summary.units.denied + summary.units.transient + summary.units.invalid;
  out(`\nrun ${summary.runId}: ${summary.units.ok} units ok, ${failed} failed, ${summary.objectsWritten} documents written, ${summary.compiled.length} clusters compiled, ${Math.round(summary.durationMs)} ms; ${sim.log.entries.length} HTTPS requests to the tenant, none to a Secrets endpoint: ${sim.log.entries.every((e) => !/secrets/i.test(e.url))}\n`);

  // Every answer below is read back from the store: one cluster = one generation = one partition.
  const generations = await store.listClusterGenerations();
  const inputs = await Promise.all(generations.map(async (g) => store.readCurrentGeneration(g.clusterId)));
  const sliceModels = inputs.filter((g) => g !== undefined).map((g) => buildAccessModel(g.input));
  const byName = (name: string) => sliceModels.find((m) => m.clusters[0]?.name === name);
  const model = byName('aks-prod-weu') ?? sliceModels[0];
  const prod = model?.clusters[0];
  if (model === undefined || prod === undefined) throw new Error('no cluster was compiled');

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
    for (const slice of sliceModels) {
      const cluster = slice.clusters[0];
      const principal = slice.entra.resolve(upn);
      if (cluster === undefined) continue;
      if (principal === undefined) {
        out(`  ${upn.padEnd(22)} ${cluster.name.padEnd(18)} ${'no'.padEnd(12)} nothing in the tenant reaches this cluster for them\n`);
        continue;
      }
      const decision = canAcross(slice, entraIdentity(slice.entra, principal), readSecrets, cluster);
      const first = decision.paths[0] ?? decision.eligible[0];
      const why = first === undefined ? (decision.azureDenials[0] ?? 'no path') : describeAccessPath(first, slice.entra.displayName);
      const verdict = decision.allowed === true ? 'yes' : decision.allowed === 'conditional' ? 'conditional' : 'no';
      out(`  ${upn.padEnd(22)} ${cluster.name.padEnd(18)} ${verdict.padEnd(12)} ${why}\n`);
    }
  }
  out('\nOffline on your own exports: node bin/aks-access.js who-can get secrets -n NS --azure-files DIR --from-files CLUSTER=rbac.yaml (see README).\n');
  if (failed > 0) process.exitCode = 1;
} finally {
  await Promise.all([sim.close(), cosmos.close()]);
}
