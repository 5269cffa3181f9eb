import type { AccessQueries } from '../api/AccessQueries.ts';
import type { IndexStore } from '../store/IndexStore.ts';
import { resourceRequest } from '../model/accessRequest.ts';
import { GRAPHQL_PATH } from './localHost.ts';

/** Quotes a word for a POSIX shell when it needs it. */
function sh(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Questions to try on what was just indexed, each with the exact curl and CLI commands. Chosen from the
 * data (aks-prod-weu and payments in the Contoso scenario; the first cluster and a namespace with a RoleBinding
 * in any other tenant), so every command answers something.
 */
export async function exampleQuestions(store: IndexStore, queries: AccessQueries, url: string): Promise<string> {
  const clusters = await queries.clusters();
  const cluster = clusters.find((c) => c.name === 'aks-prod-weu') ?? clusters[0];
  if (cluster === undefined) return 'No cluster was indexed: nothing to ask yet (see the sync lines above).\n';
  const generation = await store.readCurrentGeneration(cluster.clusterId);
  const namespaces = [...(generation?.input.kubernetes.values() ?? [])].flatMap((k) => k.bindings.map((b) => b.namespace)).filter((n) => n !== '' && n !== 'kube-system');
  const namespace = namespaces.includes('payments') ? 'payments' : (namespaces[0] ?? 'default');
  const [answer] = await queries.whoCan(resourceRequest({ verb: 'get', resource: 'secrets', namespace }), { clusters: [cluster.name], expandGroups: true });
  const users = (answer?.answer.subjects ?? []).filter((s) => s.principalType === 'User').map((s) => s.name);
  const someone = users.find((u) => u.startsWith('grace@')) ?? users[0];
  const member = users.find((u) => u.startsWith('alice@')) ?? users[1] ?? someone;
  const cli = (args: string) => `npm run cli -- ${args} --api ${url}`;
  const graphql = JSON.stringify({
    query: `{ whoCan(request: {verb: "get", resource: "secrets", namespace: "${namespace}"}, clusters: ["${cluster.name}"]) { cluster { name } subjects(first: 5) { totalCount edges { node { kind name via { plane explanation } } } } } }`,
  });
  const lines = [
    `1. Who can read secrets in namespace ${namespace} on ${cluster.name}?`,
    `   curl -s ${sh(`${url}/api/v1/who-can?verb=get&resource=secrets&namespace=${namespace}&cluster=${cluster.name}&format=markdown`)}`,
    `   curl -s ${url}${GRAPHQL_PATH} -H 'content-type: application/json' -d ${sh(graphql)}`,
    `   ${cli(`who-can get secrets -n ${namespace} --cluster ${cluster.name}`)}`,
  ];
  if (someone !== undefined) {
    lines.push(
      `2. Can ${someone} read them, and why (yes / no / conditional)?`,
      `   curl -s ${sh(`${url}/api/v1/can-i?verb=get&resource=secrets&namespace=${namespace}&cluster=${cluster.name}&principal=${someone}`)}`,
      `   ${cli(`can-i get secrets -n ${namespace} --cluster ${cluster.name} --as-principal ${someone}`)}`,
    );
  }
  if (member !== undefined) {
    lines.push(
      `3. What can ${member} do in ${namespace}?`,
      `   curl -s ${sh(`${url}/api/v1/principals/${member}/access?cluster=${cluster.name}&namespace=${namespace}&format=markdown`)}`,
      `   ${cli(`rules --principal ${member} -n ${namespace} --cluster ${cluster.name}`)}`,
    );
  }
  // Yesterday at this hour: on a first run every cluster is new, so the answer lists all access as gained and says why.
  const since = new Date(Date.parse(cluster.compiledAt) - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  lines.push(
    `4. Which cluster identities lack the permissions AKS needs, and what is risky on ${cluster.name}?`,
    `   curl -s ${sh(`${url}/api/v1/findings?cluster=${cluster.name}&kind=cluster-identity&format=markdown`)}`,
    `   ${cli(`findings --cluster ${cluster.name}`)}`,
    `5. The compliance report (also json, csv, md):`,
    `   curl -s ${sh(`${url}/api/v1/report?format=html`)} -o report.html`,
    `   ${cli('report --format html -o report.html')}`,
    `6. Who gained cluster-admin since yesterday?`,
    `   curl -s ${sh(`${url}/api/v1/changes?since=${since}&capability=cluster-admin&format=markdown`)}`,
  );
  return `Try:\n${lines.join('\n')}\n`;
}
