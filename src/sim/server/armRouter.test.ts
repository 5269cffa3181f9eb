import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AKS_LOCAL, AKS_PROD, ASSIGNMENT, ELIGIBLE, MG, RG, ROLE, S1, SUB, SUBNET_AKS, TENANT, armGraphScenario } from '../../../test/helpers/armGraphScenario.ts';
import { CONTOSO_PATH } from '../scenario/findingsInputs.ts';
import { loadScenario } from '../scenario/scenarioFile.ts';
import { createArmRouter } from './armRouter.ts';
import type { SimRequest, SimResponse } from './simHttp.ts';

const HOST = '127.0.0.1:8443';
const router = createArmRouter(armGraphScenario(), { k8sBaseUrl: 'https://127.0.0.1:6443', ca: '-----BEGIN CERTIFICATE-----\nsim\n-----END CERTIFICATE-----\n', pageSize: 2 });

type Json = Record<string, unknown>;

function request(method: string, pathAndQuery: string, options: { token?: string | null; fault?: SimRequest['fault'] } = {}): SimRequest {
  const token = options.token === undefined ? 'sim-token' : options.token;
  return {
    method,
    url: new URL(`https://${HOST}${pathAndQuery}`),
    headers: { host: HOST, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: undefined,
    ...(options.fault === undefined ? {} : { fault: options.fault }),
  };
}

async function send(method: string, pathAndQuery: string, options: Parameters<typeof request>[2] = {}): Promise<SimResponse & { json: Json }> {
  const response = await router.handle(request(method, pathAndQuery, options));
  return { ...response, json: response.body as Json };
}

/** Every item of a list, following nextLink the way a client does. */
async function all(pathAndQuery: string): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let next: string | undefined = pathAndQuery;
  let pages = 0;
  while (next !== undefined) {
    const { status, json } = await send('GET', next);
    expect(status).toBe(200);
    items.push(...(json.value as Json[]));
    pages++;
    const link = json.nextLink as string | undefined;
    if (link !== undefined) expect(link.startsWith(`https://${HOST}/`)).toBe(true);
    next = link === undefined ? undefined : link.slice(`https://${HOST}`.length);
  }
  return { items, pages };
}

const ids = (items: Json[]) => items.map((i) => i.id as string).sort();
const API = 'api-version=2022-04-01';

describe('simulated ARM: authentication and the envelope', () => {
  it('401 without a bearer token, in the ARM error envelope', async () => {
    const response = await send('GET', `/subscriptions?${API}`, { token: null });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
    expect(response.headers?.['www-authenticate']).toMatch(/^Bearer /);
  });

  it('400 without api-version; 404 for an unknown subscription', async () => {
    expect((await send('GET', '/subscriptions')).status).toBe(400);
    const missing = await send('GET', `/subscriptions/99999999-9999-4999-8999-999999999999/providers/Microsoft.ContainerService/managedClusters?${API}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'SubscriptionNotFound', message: "The subscription '99999999-9999-4999-8999-999999999999' could not be found." } });
  });

  it('403 bodies name the action and the scope of the request they answer', () => {
    const body = router.errorBody(403, 'AuthorizationFailed', 'x', request('GET', `//subscriptions/${S1}/providers/Microsoft.Authorization/denyAssignments?${API}`)) as { error: { message: string } };
    expect(body.error.message).toContain(`perform action 'Microsoft.Authorization/denyAssignments/read' over scope '/subscriptions/${S1}'`);
  });
});

describe('simulated ARM: Authorization scope semantics', () => {
  it('no $filter: at, above (management groups, root) and below the scope', async () => {
    const { items, pages } = await all(`/subscriptions/${S1}/providers/Microsoft.Authorization/roleAssignments?${API}`);
    expect(ids(items)).toEqual(
      [ASSIGNMENT.root, ASSIGNMENT.platform, ASSIGNMENT.prod, ASSIGNMENT.s1, ASSIGNMENT.s1RgAks, ASSIGNMENT.s1Cluster, ASSIGNMENT.s1RgOther].map((a) => a.id).sort(),
    );
    expect(pages).toBe(4);
  });

  it('$filter=atScope(): at and above only, never below', async () => {
    const { items } = await all(`/subscriptions/${S1}/resourceGroups/rg-aks/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=atScope()`);
    expect(ids(items)).toEqual([ASSIGNMENT.root, ASSIGNMENT.platform, ASSIGNMENT.prod, ASSIGNMENT.s1, ASSIGNMENT.s1RgAks].map((a) => a.id).sort());
  });

  it('nextLink keeps the filter and adds a $skiptoken', async () => {
    const { json } = await send('GET', `/subscriptions/${S1}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=atScope()`);
    expect(json.nextLink).toMatch(/\?api-version=2022-04-01&\$filter=atScope\(\)&\$skiptoken=[\w-]+$/);
    expect((await send('GET', `/subscriptions/${S1}/providers/Microsoft.Authorization/roleAssignments?${API}&$skiptoken=bogus`)).status).toBe(400);
  });

  it('principalId filter; unsupported filters are a 400', async () => {
    const { items } = await all(`/providers/Microsoft.Management/managementGroups/mg-platform/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=principalId eq '${ASSIGNMENT.prod.principalId}'`);
    expect(ids(items)).toEqual([ASSIGNMENT.prod.id]);
    expect((await send('GET', `/subscriptions/${S1}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=bogus()`)).status).toBe(400);
  });

  it('a management group scope sees what sits below it, in every subscription under it', async () => {
    const { items } = await all(`/providers/Microsoft.Management/managementGroups/mg-prod/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01`);
    expect(ids(items)).toEqual([ELIGIBLE.s1RgAks.id, ELIGIBLE.platform.id].sort());
  });

  it('role definitions: assignable at or above; atScopeAndBelow() adds those assignable below', async () => {
    const at = await all(`//subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions?${API}&$filter=type eq 'CustomRole'`);
    expect(at.items.map((d) => d.name)).toEqual([ROLE.opsCustom, ROLE.auditorCustom]);
    const below = await all(`/subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions?${API}&$filter=atScopeAndBelow()`);
    expect(below.items.map((d) => d.name)).toContain(ROLE.rgHelperCustom);
    const root = await all(`//providers/Microsoft.Authorization/roleDefinitions?${API}`);
    expect(root.items.every((d) => (d.properties as Json).type === 'BuiltInRole')).toBe(true);
    const one = await send('GET', `/subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions/${ROLE.reader}?${API}`);
    expect(one.json).toMatchObject({ name: ROLE.reader, properties: { roleName: 'Reader', type: 'BuiltInRole', assignableScopes: ['/'] } });
  });

  it('the malformed fault drops a field the client needs', async () => {
    const { json } = await send('GET', `/subscriptions/${S1}/providers/Microsoft.Authorization/roleAssignments?${API}`, { fault: { service: 'arm', match: /./, kind: 'malformed', remaining: 0, hits: 1 } });
    const [first] = json.value as Json[];
    expect(first?.properties).not.toHaveProperty('principalId');
    expect(first?.properties).toHaveProperty('roleDefinitionId');
  });
});

describe('simulated ARM: management groups, clusters, network, registries', () => {
  it('descendants: every management group and subscription below, each with its parent', async () => {
    const { items } = await all(`/providers/Microsoft.Management/managementGroups/${TENANT}/descendants?api-version=2023-04-01`);
    expect(items.map((i) => [i.type, i.id, ((i.properties as Json).parent as Json).id])).toEqual([
      ['Microsoft.Management/managementGroups', MG('mg-platform'), MG(TENANT)],
      ['Microsoft.Management/managementGroups/subscriptions', SUB('33333333-3333-4333-8333-333333333333'), MG(TENANT)],
      ['Microsoft.Management/managementGroups', MG('mg-prod'), MG('mg-platform')],
      ['Microsoft.Management/managementGroups/subscriptions', SUB('22222222-2222-4222-8222-222222222222'), MG('mg-platform')],
      ['Microsoft.Management/managementGroups/subscriptions', SUB(S1), MG('mg-prod')],
    ]);
  });

  it('managed clusters: list, list by resource group (case-insensitive), get', async () => {
    expect((await all(`/subscriptions/${S1}/providers/Microsoft.ContainerService/managedClusters?api-version=2025-05-01`)).items).toHaveLength(3);
    expect(ids((await all(`/subscriptions/${S1}/resourcegroups/RG-AKS/providers/Microsoft.ContainerService/managedClusters?api-version=2025-05-01`)).items)).toEqual([AKS_LOCAL, AKS_PROD].sort());
    const got = await send('GET', `${AKS_PROD}?api-version=2025-05-01`);
    expect(got.json).toMatchObject({ id: AKS_PROD, type: 'Microsoft.ContainerService/ManagedClusters', properties: { disableLocalAccounts: true } });
    expect((await send('GET', `${RG(S1, 'rg-aks')}/providers/Microsoft.ContainerService/managedClusters/nope?api-version=2025-05-01`)).status).toBe(404);
  });

  it('user credential: a kubeconfig pointing at the simulated Kubernetes API, trusting its CA, with kubelogin for Entra clusters', async () => {
    const { status, json } = await send('POST', `${AKS_PROD}/listClusterUserCredential?api-version=2025-05-01`);
    expect(status).toBe(200);
    const [kubeconfig] = json.kubeconfigs as Json[];
    expect(kubeconfig?.name).toBe('clusterUser');
    const config = parse(Buffer.from(kubeconfig?.value as string, 'base64').toString('utf8')) as Json;
    const [cluster] = config.clusters as { cluster: Json; name: string }[];
    expect(cluster?.cluster.server).toBe(`https://127.0.0.1:6443/clusters/${S1}/rg-aks/aks-prod`);
    expect(Buffer.from(cluster?.cluster['certificate-authority-data'] as string, 'base64').toString('utf8')).toContain('BEGIN CERTIFICATE');
    const [user] = config.users as { name: string; user: { exec?: { command: string; args: string[] } } }[];
    expect(user?.name).toBe('clusterUser_rg-aks_aks-prod');
    expect(user?.user.exec?.command).toBe('kubelogin');
    expect(user?.user.exec?.args).toEqual(expect.arrayContaining(['--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--tenant-id', TENANT]));
  });

  it('admin credential: refused with the real message when local accounts are disabled, a static token otherwise', async () => {
    const refused = await send('POST', `${AKS_PROD}/listClusterAdminCredential?api-version=2025-05-01`);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: { code: 'BadRequest', message: "Getting static credential isn't allowed because this cluster is set to disable local accounts." } });
    const admin = await send('POST', `${AKS_LOCAL}/listClusterAdminCredential?api-version=2025-05-01`);
    const config = parse(Buffer.from((admin.json.kubeconfigs as Json[])[0]?.value as string, 'base64').toString('utf8')) as { users: { user: Json }[] };
    expect(config.users[0]?.user.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('subnets: routeTable and networkSecurityGroup as references; 404 for an unknown subnet', async () => {
    const { json } = await send('GET', `${SUBNET_AKS}?api-version=2024-05-01`);
    expect(json).toMatchObject({ id: SUBNET_AKS, name: 'snet-aks', properties: { addressPrefix: '10.10.0.0/22' } });
    const properties = json.properties as { routeTable: { id: string }; networkSecurityGroup: { id: string } };
    expect(properties.routeTable.id).toMatch(/\/routeTables\/rt-egress$/);
    expect(properties.networkSecurityGroup.id).toMatch(/\/networkSecurityGroups\/nsg-aks$/);
    expect((await send('GET', `${SUBNET_AKS}-x?api-version=2024-05-01`)).status).toBe(404);
  });

  it('registries of a subscription, paged', async () => {
    const { items, pages } = await all(`/subscriptions/${S1}/providers/Microsoft.ContainerRegistry/registries?api-version=2025-04-01`);
    expect(items.map((r) => (r.properties as Json).loginServer)).toEqual(['contosoprod.azurecr.io', 'contosotools.azurecr.io', 'contosocache.azurecr.io']);
    expect(pages).toBe(2);
  });
});

describe('simulated ARM: user-assigned identities and their federated credentials (contoso)', () => {
  const MSI_API = 'api-version=2024-11-30';

  it('identities of a subscription or resource group, paged, with client, principal and tenant ids under properties', async () => {
    const contoso = await loadScenario(CONTOSO_PATH);
    const arm = createArmRouter(contoso, { k8sBaseUrl: 'https://127.0.0.1:6443', ca: 'sim', pageSize: 2 });
    const prod = contoso.subscriptions.find((s) => s.displayName === 'contoso-prod')?.subscriptionId ?? '';
    const inProd = (contoso.managedIdentities ?? []).filter((m) => m.id.toLowerCase().startsWith(`/subscriptions/${prod}/`));
    const first = (await arm.handle(request('GET', `/subscriptions/${prod}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?${MSI_API}`))).body as Json;
    expect(first.value).toHaveLength(2);
    expect(first.nextLink).toEqual(expect.stringContaining('$skiptoken='));
    const grafana = (contoso.managedIdentities ?? []).find((m) => m.name === 'id-grafana');
    const nonprod = contoso.subscriptions.find((s) => s.displayName === 'contoso-nonprod')?.subscriptionId ?? '';
    const inGroup = (await arm.handle(request('GET', `/subscriptions/${nonprod}/resourceGroups/RG-AKS-OPS/providers/Microsoft.ManagedIdentity/userAssignedIdentities?${MSI_API}`))).body as Json;
    expect(inGroup.value).toEqual([
      { id: grafana?.id, name: 'id-grafana', type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: grafana?.location, tags: {}, properties: { tenantId: grafana?.tenantId, principalId: grafana?.principalId, clientId: grafana?.clientId, isolationScope: 'None' } },
    ]);
    // Following the next links gives every prod identity, and none of another subscription's.
    const listed: Json[] = [...(first.value as Json[])];
    for (let link = first.nextLink as string | undefined; link !== undefined; ) {
      const page = (await arm.handle(request('GET', link.slice(`https://${HOST}`.length)))).body as Json;
      listed.push(...(page.value as Json[]));
      link = page.nextLink as string | undefined;
    }
    expect(ids(listed)).toEqual(inProd.map((m) => m.id).sort());
    expect(inProd.length).toBeGreaterThan(2);

    // Credentials: what the scenario implies for the identity, under properties; none for one without; 404 for an unknown one.
    const credentials = (await arm.handle(request('GET', `${grafana?.id ?? ''}/federatedIdentityCredentials?${MSI_API}`))).body as Json;
    expect(credentials.value).toEqual([
      {
        id: `${grafana?.id ?? ''}/federatedIdentityCredentials/aks-ops-weu-monitoring-grafana`,
        name: 'aks-ops-weu-monitoring-grafana',
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
        properties: { issuer: expect.stringMatching(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//) as unknown, subject: 'system:serviceaccount:monitoring:grafana', audiences: ['api://AzureADTokenExchange'] },
      },
    ]);
    const kubelet = inProd.find((m) => m.name.endsWith('-agentpool'))?.id ?? '';
    expect(((await arm.handle(request('GET', `${kubelet}/federatedIdentityCredentials?${MSI_API}`))).body as Json).value).toEqual([]);
    const unknown = await arm.handle(request('GET', `/subscriptions/${prod}/resourceGroups/rg-x/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-none/federatedIdentityCredentials?${MSI_API}`));
    expect(unknown.status).toBe(404);
  });
});
