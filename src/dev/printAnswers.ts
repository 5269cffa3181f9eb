import type { IndexStore } from '../store/IndexStore.ts';
import { buildAccessModel } from '../engine/access/accessModel.ts';
import { whoCanAcross } from '../engine/access/whoCanAcross.ts';
import { canAcross } from '../engine/access/canAcross.ts';
import { entraIdentity } from '../engine/access/principalIdentity.ts';
import { describeAccessPath } from '../engine/access/accessPath.ts';
import { describeRequest, resourceRequest, type AccessRequest } from '../model/accessRequest.ts';
import { renderCrossWhoCan } from '../cli/crossPlane/crossPlaneCommands.ts';

/**
 * `npm start -- --once`: the first questions a platform engineer asks, answered from the stored cluster
 * generations (one cluster = one generation = one partition) and printed, then the process exits.
 */
export async function printAnswers(store: IndexStore, out: (text: string) => void): Promise<void> {
  const generations = await store.listClusterGenerations();
  const inputs = await Promise.all(generations.map(async (g) => store.readCurrentGeneration(g.clusterId)));
  const sliceModels = inputs.filter((g) => g !== undefined).map((g) => buildAccessModel(g.input));
  const model = sliceModels.find((m) => m.clusters[0]?.name === 'aks-prod-weu') ?? sliceModels[0];
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
}
