import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { contosoMemoryStore } from '../../../test/helpers/contosoGenerations.ts';
import { ask, codes, REMOTE } from '../../../test/helpers/graphqlClient.ts';
import { createTestIssuer, TEST_CLIENT_ID, TEST_TENANT, type TestIssuer } from '../../../test/helpers/entraTokens.ts';
import type { MemoryIndexStore } from '../../../test/helpers/memoryIndexStore.ts';
import { AccessQueries } from '../AccessQueries.ts';
import { createAuthenticate } from '../auth/createAuthenticate.ts';
import { createYoga, type GraphqlServer } from './createYoga.ts';

/*
 * The questions of DESIGN.md §1 through GraphQL, over contoso's stored generations, asked with yoga.fetch.
 * Loopback callers are the local operator (local mode); REMOTE callers need a bearer token.
 */

let store: MemoryIndexStore;
let yoga: GraphqlServer;
let issuer: TestIssuer;

beforeAll(async () => {
  store = await contosoMemoryStore();
  issuer = await createTestIssuer();
  const authenticate = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks), localMode: true });
  yoga = createYoga({ queries: new AccessQueries(store), authenticate, log: () => undefined });
});

interface Path {
  plane: string;
  kind: string;
  explanation: string;
  roleName?: string;
  dataAction?: string;
  scope?: string;
  condition?: string | null;
  binding?: { kind: string; name: string; namespace: string | null };
  role?: { kind: string; name: string };
  rule?: { verbs: string[]; resources: string[] };
  namespace?: string;
  viaGroup?: { groupId: string; chain: string[]; chainNames: string[] } | null;
}
interface Subject {
  kind: string;
  name: string;
  objectId: string | null;
  principalType: string | null;
  displayName: string | null;
  conditional: boolean;
  namespaces: string[] | null;
  via: Path[];
}
interface SubjectPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: Subject }[];
}
interface WhoCan {
  cluster: { id: string; name: string; subscriptionId: string; generation: string; compiledAt: string };
  stale: boolean;
  staleReasons: string[];
  question: string;
  subjects: SubjectPage;
  notes: string[];
  warnings: string[];
}

const PATH_FIELDS = `
  plane kind cluster explanation
  ... on KubernetesRbacPath { binding { kind name namespace } role { kind name } ruleIndex rule { verbs resources } namespace viaGroup { groupId chain chainNames } }
  ... on AzureDataActionPath { roleName scope dataAction matchedBy condition principalId viaGroup { groupId chain chainNames } }
  ... on AdminGroupPath { groupId grants }
  ... on CredentialPath { action becomes roleName }
  ... on EscalationPath { action why }
`;

const WHO_CAN = `query WhoCan($request: AccessRequestInput!, $clusters: [String!], $subscriptions: [String!], $principalTypes: [PrincipalType!], $kinds: [SubjectKind!], $first: PositiveInt, $after: String) {
  whoCan(request: $request, clusters: $clusters, subscriptions: $subscriptions, principalTypes: $principalTypes, kinds: $kinds) {
    cluster { id name subscriptionId generation compiledAt }
    stale staleReasons question notes warnings
    subjects(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { kind name objectId principalType displayName conditional namespaces via { ${PATH_FIELDS} } } }
    }
  }
}`;

const SECRETS_IN_PAYMENTS = { verb: 'get', resource: 'secrets', namespace: 'payments' };

async function whoCan(variables: Record<string, unknown>): Promise<WhoCan[]> {
  const reply = await ask<{ whoCan: WhoCan[] }>(yoga, WHO_CAN, { variables });
  expect(reply.errors).toEqual([]);
  return reply.data?.whoCan ?? [];
}

describe('whoCan', () => {
  it('who can read secrets in payments on aks-prod-weu: subjects from both planes, each with its paths', async () => {
    const [prod, ...rest] = await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 100 });
    expect(rest).toEqual([]);
    expect(prod?.cluster).toMatchObject({ name: 'aks-prod-weu', subscriptionId: '8b6f473e-3921-5eb4-b5b7-31c66e283e74', generation: 'gen-1', compiledAt: '2026-11-29T10:00:00.000Z' });
    expect(prod?.stale).toBe(false);
    expect(prod?.staleReasons).toEqual([]);
    expect(prod?.question).toBe('get secrets in namespace payments');
    const subjects = prod?.subjects.edges.map((e) => e.node) ?? [];
    expect(prod?.subjects.totalCount).toBe(subjects.length);

    // Azure RBAC for Kubernetes: bob's role assignment, with the data action it grants.
    const bob = subjects.find((s) => s.name === 'bob@contoso.com');
    expect(bob).toMatchObject({ kind: 'User', principalType: 'User', displayName: 'Bob Jones', conditional: false });
    expect(bob?.via).toContainEqual(
      expect.objectContaining({ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read', scope: '/subscriptions/8b6f473e-3921-5eb4-b5b7-31c66e283e74/resourceGroups/rg-aks-prod' }),
    );

    // Kubernetes RBAC: a RoleBinding in payments to an Entra group, the rule, and the group by name.
    const viaGroupBinding = subjects.flatMap((s) => s.via.filter((p) => p.plane === 'kubernetes' && p.binding?.name === 'payments-devs-edit'));
    expect(viaGroupBinding.length).toBeGreaterThan(0);
    expect(viaGroupBinding[0]).toMatchObject({ kind: 'rbac', binding: { kind: 'RoleBinding', name: 'payments-devs-edit', namespace: 'payments' }, role: { kind: 'ClusterRole', name: 'edit' }, namespace: 'payments' });
    expect(viaGroupBinding[0]?.rule?.verbs).toContain('get');
    const group = subjects.find((s) => s.kind === 'Group' && s.via.some((p) => p.binding?.name === 'payments-devs-edit'));
    expect(group).toMatchObject({ principalType: 'Group', displayName: 'payments-devs' });

    // Both planes, and every path explained in words.
    expect(new Set(subjects.flatMap((s) => s.via.map((p) => p.plane)))).toEqual(new Set(['azure', 'kubernetes']));
    expect(subjects.every((s) => s.via.length > 0 && s.via.every((p) => p.explanation.startsWith(`[${p.plane}]`)))).toBe(true);

    // ABAC: grace's grant holds only under its condition.
    const grace = subjects.find((s) => s.name === 'grace@contoso.com');
    expect(grace?.conditional).toBe(true);
    expect(grace?.via[0]?.condition).toMatch(/cert-manager.io/);
  });

  it('every cluster answers by default, each from its own generation; a cluster by ARM id or any casing', async () => {
    const all = await whoCan({ request: SECRETS_IN_PAYMENTS, first: 1 });
    expect(all.map((a) => a.cluster.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    const prod = all.find((a) => a.cluster.name === 'aks-prod-weu');
    const byId = await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: [prod?.cluster.id.toUpperCase()], first: 1 });
    expect(byId.map((a) => a.cluster.name)).toEqual(['aks-prod-weu']);
  });

  it('pages subjects as a Relay connection: pages join up to the whole list; a cursor from another list is refused', async () => {
    const whole = (await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 500 }))[0]?.subjects;
    const names: string[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    for (;;) {
      const page: SubjectPage | undefined = (await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 5, after }))[0]?.subjects;
      expect(page?.totalCount).toBe(whole?.totalCount);
      expect(page?.pageInfo.hasPreviousPage).toBe(pages > 0);
      names.push(...(page?.edges.map((e) => e.node.name) ?? []));
      pages += 1;
      if (page?.pageInfo.hasNextPage !== true) break;
      after = page.pageInfo.endCursor;
    }
    expect(names).toEqual(whole?.edges.map((e) => e.node.name));
    expect(pages).toBe(Math.ceil((whole?.totalCount ?? 0) / 5));

    const otherList = (await whoCan({ request: { verb: 'list', resource: 'pods', namespace: 'payments' }, clusters: ['aks-prod-weu'], first: 2 }))[0]?.subjects.pageInfo.endCursor;
    const reply = await ask(yoga, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 5, after: otherList } });
    expect(codes(reply)).toEqual(['BAD_REQUEST']);
    expect(reply.errors[0]?.message).toMatch(/cursor belongs to another list, or the data changed since/);
    expect(codes(await ask(yoga, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS, first: 501 } }))).toEqual(['BAD_REQUEST']);
    expect(codes(await ask(yoga, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS, first: 0 } }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('filters: principal types, subject kinds, subscriptions', async () => {
    const users = (await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], principalTypes: ['User'], first: 100 }))[0]?.subjects.edges.map((e) => e.node) ?? [];
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((s) => s.principalType === 'User')).toBe(true);
    const serviceAccounts = (await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], kinds: ['ServiceAccount'], first: 100 }))[0]?.subjects.edges.map((e) => e.node) ?? [];
    expect(serviceAccounts.length).toBeGreaterThan(0);
    expect(serviceAccounts.every((s) => s.kind === 'ServiceAccount' && s.principalType === null)).toBe(true);

    const prodSubscription = await whoCan({ request: SECRETS_IN_PAYMENTS, subscriptions: ['8B6F473E-3921-5EB4-B5B7-31C66E283E74'], first: 1 });
    expect(prodSubscription.map((a) => a.cluster.name).sort()).toEqual(['aks-payments-prod', 'aks-prod-weu']);
    expect(await whoCan({ request: SECRETS_IN_PAYMENTS, subscriptions: ['00000000-0000-0000-0000-000000000000'], first: 1 })).toEqual([]);
    // A named cluster outside the subscriptions is filtered out, not an error.
    expect(await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-dev-weu'], subscriptions: ['8b6f473e-3921-5eb4-b5b7-31c66e283e74'], first: 1 })).toEqual([]);
  });

  it('expandGroups lists the members of group subjects, each path with the chain that brings the member in', async () => {
    const query = WHO_CAN.replace('kinds: $kinds)', 'kinds: $kinds, expandGroups: $expand)').replace('$after: String)', '$after: String, $expand: Boolean)');
    const reply = await ask<{ whoCan: WhoCan[] }>(yoga, query, { variables: { request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 100, expand: true } });
    expect(reply.errors).toEqual([]);
    const subjects = reply.data?.whoCan[0]?.subjects.edges.map((e) => e.node) ?? [];
    const plain = (await whoCan({ request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu'], first: 100 }))[0]?.subjects.edges.map((e) => e.node.name) ?? [];
    expect(plain).not.toContain('alice@contoso.com');
    const alice = subjects.find((s) => s.name === 'alice@contoso.com');
    expect(alice?.via.map((p) => [p.kind, p.viaGroup?.chainNames])).toEqual([
      ['rbac', ['payments-devs']],
      ['dataAction', ['payments-devs']],
    ]);
  });

  it('in any namespace, each subject says where it holds', async () => {
    const [prod] = await whoCan({ request: { verb: 'get', resource: 'secrets', allNamespaces: true }, clusters: ['aks-prod-weu'], first: 200 });
    expect(prod?.question).toBe('get secrets in any namespace');
    const subjects = prod?.subjects.edges.map((e) => e.node) ?? [];
    expect(subjects.every((s) => Array.isArray(s.namespaces) && s.namespaces.length > 0)).toBe(true);
    expect(subjects.some((s) => s.namespaces?.includes('payments') === true)).toBe(true);
  });

  it('a non-resource URL; a custom resource; a built-in type gets its group; cluster-scoped types warn about a namespace', async () => {
    const [healthz] = await whoCan({ request: { verb: 'get', nonResourceURL: '/healthz' }, clusters: ['aks-prod-weu'], first: 1 });
    expect(healthz?.question).toBe('get /healthz');
    expect(healthz?.subjects.totalCount).toBeGreaterThan(0);
    const [deployments] = await whoCan({ request: { verb: 'create', resource: 'deployments', namespace: 'payments' }, clusters: ['aks-prod-weu'], first: 1 });
    expect(deployments?.question).toBe('create deployments.apps in namespace payments');
    const [nodes] = await whoCan({ request: { verb: 'get', resource: 'nodes', namespace: 'payments' }, clusters: ['aks-prod-weu'], first: 1 });
    expect(nodes?.warnings).toContainEqual(expect.stringMatching(/nodes is cluster-scoped/));
    const [custom] = await whoCan({ request: { verb: 'list', resource: 'widgets' }, clusters: ['aks-prod-weu'], first: 1 });
    expect(custom?.warnings).toContainEqual(expect.stringMatching(/not a built-in resource type/));
  });

  it('a cluster whose unit last failed answers from its older data and says so', async () => {
    const failing = await contosoMemoryStore();
    const prodId = (await failing.listClusterGenerations()).find((g) => g.name === 'aks-ops-weu')?.clusterId.toLowerCase() ?? '';
    await failing.recordUnitStatus({ unit: `k8s-rbac|cluster:${prodId}`, source: 'k8s-rbac', scope: `cluster:${prodId}`, runId: 'run-2', state: 'denied', lastAttempt: '2026-11-29T11:00:00Z', lastSuccess: '2026-11-29T10:00:00Z', message: 'list rolebindings: 403', objects: 0, durationMs: 3 });
    const staleYoga = createYoga({ queries: new AccessQueries(failing), authenticate: createAuthenticate({ localMode: true }), log: () => undefined });
    const reply = await ask<{ whoCan: WhoCan[] }>(staleYoga, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS, first: 1 } });
    const byName = new Map(reply.data?.whoCan.map((a) => [a.cluster.name, a]));
    expect(byName.get('aks-ops-weu')?.stale).toBe(true);
    expect(byName.get('aks-ops-weu')?.staleReasons).toEqual([`k8s-rbac|cluster:${prodId} denied since 2026-11-29T11:00:00Z (last success 2026-11-29T10:00:00Z): list rolebindings: 403`]);
    expect(byName.get('aks-prod-weu')?.stale).toBe(false);
  });
});

const CAN = `query Can($as: IdentityInput!, $request: AccessRequestInput!, $cluster: String!) {
  can(as: $as, request: $request, cluster: $cluster) {
    cluster { name } stale question decision allowed reason
    principal { kubernetesName groups objectId principalType displayName }
    via { ${PATH_FIELDS} }
    eligible { kind } escalations { action } azureDenials notes warnings
  }
}`;

interface CanAnswer {
  decision: string;
  allowed: boolean;
  reason: string;
  principal: { kubernetesName: string; groups: string[]; principalType: string | null; displayName: string | null };
  via: Path[];
}

async function can(variables: Record<string, unknown>): Promise<CanAnswer | undefined> {
  const reply = await ask<{ can: CanAnswer }>(yoga, CAN, { variables });
  expect(reply.errors).toEqual([]);
  return reply.data?.can;
}

describe('can', () => {
  it('allowed, with every path and the reason derived from the first', async () => {
    const bob = await can({ as: { principal: 'bob@contoso.com' }, request: SECRETS_IN_PAYMENTS, cluster: 'aks-prod-weu' });
    expect(bob).toMatchObject({ decision: 'allowed', allowed: true, principal: { kubernetesName: 'bob@contoso.com', principalType: 'User', displayName: 'Bob Jones' } });
    expect(bob?.reason).toMatch(/^allowed: \[kubernetes\] RoleBinding payments\/payments-devs-edit → ClusterRole edit rule #0 \(member of group payments-devs\)$/);
    expect(bob?.via.map((p) => p.plane)).toEqual(['kubernetes', 'azure', 'azure']);
    expect(bob?.via[0]?.viaGroup?.chainNames).toEqual(['payments-devs']);
  });

  it('conditional: only an ABAC-conditional assignment grants it (never silently allowed)', async () => {
    const grace = await can({ as: { principal: 'grace@contoso.com' }, request: SECRETS_IN_PAYMENTS, cluster: 'aks-prod-weu' });
    expect(grace).toMatchObject({ decision: 'conditional', allowed: false });
    expect(grace?.via).toEqual([expect.objectContaining({ kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Admin', condition: expect.stringMatching(/cert-manager\.io/) as unknown })]);
  });

  it('denied, with no path; a Kubernetes identity (service account) that never reaches Azure', async () => {
    const heidi = await can({ as: { principal: 'heidi@contoso.com' }, request: { verb: 'delete', resource: 'secrets', namespace: 'payments' }, cluster: 'aks-prod-weu' });
    expect(heidi).toMatchObject({ decision: 'denied', allowed: false, via: [] });
    const controller = await can({ as: { user: 'system:serviceaccount:kube-system:namespace-controller' }, request: SECRETS_IN_PAYMENTS, cluster: 'aks-prod-weu' });
    expect(controller).toMatchObject({ decision: 'allowed', principal: { kubernetesName: 'system:serviceaccount:kube-system:namespace-controller', principalType: null } });
  });

  it('an unknown cluster is UNKNOWN_CLUSTER naming the indexed ones; an unknown principal is UNKNOWN_PRINCIPAL', async () => {
    const cluster = await ask(yoga, CAN, { variables: { as: { principal: 'bob@contoso.com' }, request: SECRETS_IN_PAYMENTS, cluster: 'aks-nope' } });
    expect(codes(cluster)).toEqual(['UNKNOWN_CLUSTER']);
    expect(cluster.errors[0]?.message).toMatch(/unknown cluster "aks-nope"; indexed clusters: .*aks-prod-weu/);
    expect(cluster.errors[0]?.path).toEqual(['can']);
    const principal = await ask(yoga, CAN, { variables: { as: { principal: 'nobody@contoso.com' }, request: SECRETS_IN_PAYMENTS, cluster: 'aks-prod-weu' } });
    expect(codes(principal)).toEqual(['UNKNOWN_PRINCIPAL']);
    const whoCanUnknown = await ask(yoga, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS, clusters: ['aks-prod-weu', 'aks-nope'] } });
    expect(codes(whoCanUnknown)).toEqual(['UNKNOWN_CLUSTER']);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, RegExp]>([
    ['an upper-case verb', { principal: 'bob@contoso.com' }, { verb: 'GET', resource: 'secrets' }, /verb "GET" is not a Kubernetes verb \(verbs are lower-case: get\)/],
    ['a verb with a space', { principal: 'bob@contoso.com' }, { verb: 'get all', resource: 'secrets' }, /is not a Kubernetes verb/],
    ['both resource and URL', { principal: 'bob@contoso.com' }, { verb: 'get', resource: 'secrets', nonResourceURL: '/healthz' }, /either "resource".*or "nonResourceURL", not both/],
    ['neither', { principal: 'bob@contoso.com' }, { verb: 'get' }, /either "resource"/],
    ['a name after "/"', { principal: 'bob@contoso.com' }, { verb: 'get', resource: 'secrets/db-password' }, /give the object's name in "name"/],
    ['a malformed resource', { principal: 'bob@contoso.com' }, { verb: 'get', resource: 'secrets!' }, /is not TYPE\[\.GROUP\]/],
    ['a malformed namespace', { principal: 'bob@contoso.com' }, { verb: 'get', resource: 'secrets', namespace: 'Payments_1' }, /namespace "Payments_1" is not a namespace name/],
    ['a URL without "/"', { principal: 'bob@contoso.com' }, { verb: 'get', nonResourceURL: 'healthz' }, /must start with "\/"/],
    ['a URL with a namespace', { principal: 'bob@contoso.com' }, { verb: 'get', nonResourceURL: '/healthz', namespace: 'payments' }, /no name, subresource or namespace/],
    ['allNamespaces in can', { principal: 'bob@contoso.com' }, { verb: 'get', resource: 'secrets', allNamespaces: true }, /"allNamespaces" is for whoCan/],
    ['both principal and user', { principal: 'bob@contoso.com', user: 'bob' }, { verb: 'get', resource: 'secrets' }, /either "principal".*or "user"/],
    ['groups for a principal', { principal: 'bob@contoso.com', groups: ['admins'] }, { verb: 'get', resource: 'secrets' }, /"groups" go with "user"/],
    ['a group as the asker', { principal: 'payments-devs' }, { verb: 'get', resource: 'secrets' }, /.+/],
  ])('BAD_REQUEST for %s', async (what, as, request, message) => {
    let asker = as;
    if (what === 'a group as the asker') {
      const group = await ask<{ principals: { edges: { node: { objectId: string } }[] } }>(yoga, '{ principals(search: "payments-devs", principalTypes: [Group]) { edges { node { objectId } } } }');
      asker = { principal: group.data?.principals.edges[0]?.node.objectId };
      message = /is a group; groups do not make requests/;
    }
    const reply = await ask(yoga, CAN, { variables: { as: asker, request, cluster: 'aks-prod-weu' } });
    expect(codes(reply)).toEqual(['BAD_REQUEST']);
    expect(reply.errors[0]?.message).toMatch(message);
    expect(reply.status).toBe(200);
  });
});

describe('accessOf, clusters, principals, indexStatus', () => {
  it('accessOf: the identity, its Kubernetes rules (paged, with the group chain that brings each), Azure roles and admin groups', async () => {
    const reply = await ask<{ accessOf: { cluster: { name: string }; stale: boolean; namespace: string; principal: { kubernetesName: string; groups: string[] }; kubernetes: { allowedBySystemMasters: boolean; rules: { totalCount: number; edges: { node: { verbs: string[]; resources: string[]; via: Path } }[] } }; azure: { roleName: string; scope: string; state: string; dataActionsApply: boolean; permissions: { dataActions: string[] }[] }[]; adminGroups: unknown[] }[] }>(
      yoga,
      `{ accessOf(as: { principal: "alice@contoso.com" }, namespace: "payments", clusters: ["aks-prod-weu"]) {
          cluster { name } stale namespace principal { kubernetesName groups }
          kubernetes { allowedBySystemMasters rules(first: 100) { totalCount edges { node { verbs resources via { plane kind explanation binding { kind name namespace } role { kind name } viaGroup { groupId chain chainNames } } } } } }
          azure { roleName scope state dataActionsApply permissions { dataActions } }
          adminGroups { groupId }
      } }`,
    );
    expect(reply.errors).toEqual([]);
    const [alice] = reply.data?.accessOf ?? [];
    expect(alice).toMatchObject({ cluster: { name: 'aks-prod-weu' }, stale: false, namespace: 'payments', principal: { kubernetesName: 'alice@contoso.com' } });
    expect(alice?.principal.groups).toContain('system:authenticated');
    const edit = alice?.kubernetes.rules.edges.find((e) => e.node.via.binding?.name === 'payments-devs-edit');
    expect(edit?.node.via.viaGroup?.chainNames).toEqual(['payments-devs']);
    expect(alice?.azure.map((a) => a.roleName)).toContain('Azure Kubernetes Service RBAC Writer');
    expect(alice?.azure.find((a) => a.roleName === 'Azure Kubernetes Service RBAC Writer')).toMatchObject({ state: 'active', dataActionsApply: true });
  });

  it('clusters, by subscription', async () => {
    const reply = await ask<{ all: { name: string; stale: boolean }[]; dev: { name: string }[] }>(yoga, '{ all: clusters { name stale } dev: clusters(subscriptions: ["53908e9b-93e2-5f69-864c-e997d9ddcc52"]) { name } }');
    expect(reply.data?.all.map((c) => c.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    expect(reply.data?.dev.map((c) => c.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu']);
  });

  it('principal by UPN or object id, null when unknown; principals by prefix of UPN or display name', async () => {
    const bob = await ask<{ principal: { objectId: string; principalType: string; displayName: string; userPrincipalName: string; kubernetesName: string } | null }>(yoga, '{ principal(idOrUpn: "BOB@contoso.com") { objectId principalType displayName userPrincipalName kubernetesName } }');
    expect(bob.data?.principal).toMatchObject({ principalType: 'User', displayName: 'Bob Jones', userPrincipalName: 'bob@contoso.com', kubernetesName: 'bob@contoso.com' });
    const byId = await ask<{ principal: { displayName: string } | null }>(yoga, `{ principal(idOrUpn: "${bob.data?.principal?.objectId ?? ''}") { displayName } }`);
    expect(byId.data?.principal?.displayName).toBe('Bob Jones');
    expect((await ask<{ principal: null }>(yoga, '{ principal(idOrUpn: "nobody@contoso.com") { objectId } }')).data?.principal).toBeNull();

    const search = await ask<{ principals: { totalCount: number; edges: { node: { displayName: string; principalType: string } }[] } }>(yoga, '{ principals(search: "alice") { totalCount edges { node { displayName principalType } } } }');
    expect(search.data?.principals.edges.map((e) => e.node)).toEqual([{ displayName: 'Alice Smith', principalType: 'User' }]);
    const groups = await ask<{ principals: { edges: { node: { displayName: string; principalType: string } }[] } }>(yoga, '{ principals(search: "payments", principalTypes: [Group], first: 10) { edges { node { displayName principalType } } } }');
    expect(groups.data?.principals.edges.map((e) => e.node.displayName)).toContain('payments-devs');
    expect(groups.data?.principals.edges.every((e) => e.node.principalType === 'Group')).toBe(true);
    expect(codes(await ask(yoga, '{ principals(search: "a") { totalCount } }'))).toEqual(['BAD_REQUEST']);
  });

  it('indexStatus: a summary for every reader; per-unit details for Access.Admin only', async () => {
    const admin = await ask<{ indexStatus: { fresh: boolean; clusters: number; units: number; unitStatuses: unknown[] | null } }>(yoga, '{ indexStatus { fresh clusters units failingUnits lastAttempt oldestSuccess unitStatuses { unit state } } }');
    expect(admin.errors).toEqual([]);
    expect(admin.data?.indexStatus).toMatchObject({ fresh: true, clusters: 4, units: 0, unitStatuses: [] });

    const readerToken = await issuer.token({ roles: ['Access.Read'] });
    const reader = await ask<{ indexStatus: { fresh: boolean; clusters: number; unitStatuses: unknown[] | null } }>(yoga, '{ indexStatus { fresh clusters unitStatuses { unit } } }', { headers: { authorization: `Bearer ${readerToken}` }, origin: REMOTE });
    expect(reader.status).toBe(200);
    expect(reader.data?.indexStatus).toEqual({ fresh: true, clusters: 4, unitStatuses: null });
    expect(codes(reader)).toEqual(['FORBIDDEN']);
    expect(reader.errors[0]?.path).toEqual(['indexStatus', 'unitStatuses']);
    expect(reader.errors[0]?.message).toMatch(/needs the app role Access.Admin; caller portal-reader@contoso.com \(9a8b7c6d-.*\) has Access.Read/);
  });

  it('NOT_INDEXED before the first sync', async () => {
    const { MemoryIndexStore } = await import('../../../test/helpers/memoryIndexStore.ts');
    const empty = createYoga({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: createAuthenticate({ localMode: true }), log: () => undefined });
    expect(codes(await ask(empty, WHO_CAN, { variables: { request: SECRETS_IN_PAYMENTS } }))).toEqual(['NOT_INDEXED']);
    expect((await ask<{ clusters: unknown[] }>(empty, '{ clusters { name } }')).data?.clusters).toEqual([]);
  });
});
