/**
 * Findings through the API's real handlers (functions/graphql.ts and functions/rest.ts as the Functions host
 * calls them): the composition built from configuration with AKS_ACCESS_SUPPRESSIONS naming a YAML file,
 * contoso's generations with their findings in the in-process Cosmos server, Entra played by a local key pair.
 * GraphQL, REST JSON and the chat renderings must carry the stored findings with the CLI's field names, the
 * suppression in force moved aside, the expired one reported.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import type { Composition } from '../../src/composition.ts';
import type { Finding } from '../../src/engine/findings/Finding.ts';
import { createTestCertificate } from '../helpers/azuriteQueue.ts';
import { startCosmosServer, createTestIndexStore, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { StaticTokenCredential } from '../helpers/simTenantHarness.ts';
import { createTestIssuer, TEST_CLIENT_ID, TEST_TENANT, type TestIssuer } from '../helpers/entraTokens.ts';
import { writeContosoWithFindings } from '../helpers/contosoFindings.ts';
import { invocationContext } from '../helpers/functionContext.ts';

const state = vi.hoisted(() => ({ app: undefined as Composition | undefined }));

vi.mock('../../src/composition.ts', async (original) => {
  const real = await original<typeof import('../../src/composition.ts')>();
  return {
    ...real,
    composition: () => {
      if (state.app === undefined) throw new Error('composition used before the test built it');
      return state.app;
    },
  };
});

const { graphql } = await import('../../functions/graphql.ts');
const { restV1 } = await import('../../functions/rest.ts');
const { compose } = await import('../../src/composition.ts');
const { loadConfig } = await import('../../src/config/loadConfig.ts');

let cosmos: CosmosTestServer;
let keys: Server;
let issuer: TestIssuer;
let dir: string;
/** Every stored finding, in the API's order (clusters by ARM id). */
let stored: Finding[];

const SUPPRESSIONS = `suppressions:
  - match: { kind: cluster-identity, cluster: aks-dev-weu, rule: acr-attach }
    owner: platform-team
    reason: images come through a pull-through cache
    expires: 2999-12-31
  - match: { kind: cluster-identity, cluster: aks-prod-weu, rule: nsg-in-another-rg }
    owner: network-team
    reason: NSG moved next sprint
    expires: 2020-01-31
`;

beforeAll(async () => {
  const certificate = await createTestCertificate('aks-access-test-entra');
  issuer = await createTestIssuer();
  keys = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    if (req.url === `/${TEST_TENANT}/discovery/v2.0/keys`) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
  cosmos = await startCosmosServer();
  const { store, databaseId } = await createTestIndexStore(cosmos);
  const generations = await writeContosoWithFindings(store);
  stored = [...generations].sort((a, b) => (a.clusterId.toLowerCase() < b.clusterId.toLowerCase() ? -1 : 1)).flatMap((g) => g.findings?.findings ?? []);
  dir = await mkdtemp(join(tmpdir(), 'aks-access-findings-api-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, `${certificate.ca}\n${cosmos.ca}`);
  const suppressions = join(dir, 'suppressions.yaml');
  await writeFile(suppressions, SUPPRESSIONS);
  const config = loadConfig({
    TENANT_ID: TEST_TENANT,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE: databaseId,
    AzureWebJobsStorage__queueServiceUri: 'https://aksaccessfn.queue.core.windows.net',
    SYNC_SCHEDULE: '0 0 */6 * * *',
    TLS_CA_FILE: caFile,
    API_CLIENT_ID: TEST_CLIENT_ID,
    API_JWKS_URL: `https://127.0.0.1:${(keys.address() as AddressInfo).port}/${TEST_TENANT}/discovery/v2.0/keys`,
    AKS_ACCESS_SUPPRESSIONS: suppressions,
  });
  state.app = compose(config, { credential: new StaticTokenCredential('cosmos-test-token') });
}, 60_000);

afterAll(async () => {
  await cosmos.close();
  await new Promise<void>((resolve) => {
    keys.close(() => {
      resolve();
    });
  });
  await rm(dir, { recursive: true, force: true });
});

const isAcr = (f: Finding) => f.clusterName === 'aks-dev-weu' && f.kind === 'missing-cluster-identity-permission' && f.condition === 'acr-attach';
const identity = (f: Finding) => f.kind === 'missing-cluster-identity-permission' || f.kind === 'over-privileged-cluster-identity';

function bodyText(response: HttpResponseInit): string {
  return response.body instanceof Uint8Array ? Buffer.from(response.body).toString('utf8') : '';
}

async function rest(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; contentType: string }> {
  const { context } = invocationContext('restV1');
  const token = await issuer.token();
  const response = await restV1.handler(new HttpRequest({ url: `https://func.example/api/v1${path}`, method: 'GET', headers: { authorization: `Bearer ${token}`, ...headers } }), context);
  return { status: response.status ?? 200, text: bodyText(response), contentType: new Headers(response.headers).get('content-type') ?? '' };
}

async function gql(query: string): Promise<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const { context } = invocationContext('graphql');
  const token = await issuer.token();
  const response = await graphql.handler(
    new HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: { string: JSON.stringify({ query }) } }),
    context,
  );
  return JSON.parse(bodyText(response)) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('GET /api/v1/findings', () => {
  it('the stored findings with the CLI’s fields; the suppression in force moved aside, the expired one reported', async () => {
    const { status, text } = await rest('/findings');
    expect(status).toBe(200);
    const json = JSON.parse(text) as { findings: Finding[]; suppressedCount: number; expiredSuppressions: { owner: string; wouldMatch: number }[]; warnings: string[]; suppressed?: unknown };
    expect(json.findings).toEqual(stored.filter((f) => !isAcr(f)));
    expect(json.suppressedCount).toBe(1);
    expect(json.suppressed).toBeUndefined();
    expect(json.expiredSuppressions.map((e) => [e.owner, e.wouldMatch])).toEqual([['network-team', 2]]);
    expect(json.warnings.some((w) => w.startsWith('expired suppression:') && w.includes('owner network-team'))).toBe(true);
  });

  it('filters by cluster, kind and severity; includeSuppressed lists the acceptance', async () => {
    const { text } = await rest('/findings?cluster=aks-dev-weu&kind=cluster-identity&severity=high,critical&includeSuppressed=true');
    const json = JSON.parse(text) as { findings: Finding[]; suppressed: { finding: Finding; suppression: { owner: string; reason: string; expires: string } }[] };
    expect(json.findings).toEqual(stored.filter((f) => f.clusterName === 'aks-dev-weu' && identity(f) && !isAcr(f)));
    expect(json.suppressed.map((s) => [s.finding.kind, s.finding.clusterName, s.suppression.owner, s.suppression.expires])).toEqual([['missing-cluster-identity-permission', 'aks-dev-weu', 'platform-team', '2999-12-31']]);
    const clean = JSON.parse((await rest('/findings?cluster=aks-payments-prod&kind=cluster-identity')).text) as { findings: Finding[] };
    expect(clean.findings).toEqual([]);
  });

  it('a bad kind or severity is a 400 naming it', async () => {
    const kind = await rest('/findings?kind=riskey');
    expect(kind.status).toBe(400);
    expect(kind.text).toContain('unknown finding kind \\"riskey\\"');
    const severity = await rest('/findings?severity=urgent');
    expect(severity.status).toBe(400);
  });

  it('markdown, Slack and Teams renderings name counts and the top findings', async () => {
    const md = await rest('/findings?format=markdown&kind=cluster-identity');
    expect(md.status).toBe(200);
    expect(md.text).toMatch(/Findings on 4 clusters/);
    expect(md.text).toMatch(/1 suppressed/);
    expect(md.text).toContain('aks-prod-weu');
    const slack = JSON.parse((await rest('/findings?format=slack&cluster=aks-prod-weu')).text) as { blocks: unknown[] };
    expect(slack.blocks.length).toBeGreaterThan(0);
    const teams = JSON.parse((await rest('/findings?format=teams&cluster=aks-prod-weu')).text) as { type?: string; attachments?: unknown[] };
    expect(JSON.stringify(teams)).toContain('AdaptiveCard');
  });

  it('is in the OpenAPI document', async () => {
    const doc = JSON.parse((await rest('/openapi.json')).text) as { paths: Record<string, { get?: { operationId: string; parameters: { name: string }[] } }> };
    expect(doc.paths['/findings']?.get?.operationId).toBe('findings');
    expect(doc.paths['/findings']?.get?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['cluster', 'kind', 'severity', 'includeSuppressed']));
  });
});

const QUERY = `query($first: PositiveInt) {
  findings(kinds: ["cluster-identity"], includeSuppressed: true, first: $first) {
    totalCount suppressedCount warnings
    expiredSuppressions { owner wouldMatch match { kind cluster rule } }
    clusters { name generation }
    pageInfo { hasNextPage endCursor }
    edges { node {
      __typename kind severity clusterId clusterName suppression { owner reason expires }
      ... on MissingClusterIdentityPermission { identity principalId permission scope condition reason decision evidence remediation { role roleDefinitionId azCli bicep } }
      ... on OverPrivilegedClusterIdentity { identity principalId role scope assignmentId }
    } }
  }
}`;

describe('Query.findings', () => {
  it('the same findings and fields as the REST JSON, suppressed ones last with their suppression', async () => {
    const { data, errors } = await gql(QUERY.replace('$first: PositiveInt', '$first: PositiveInt = 100'));
    expect(errors).toBeUndefined();
    const f = data?.findings as {
      totalCount: number;
      suppressedCount: number;
      expiredSuppressions: { owner: string; wouldMatch: number; match: { kind: string; cluster: string; rule: string } }[];
      edges: { node: Record<string, unknown> & { suppression: { owner: string } | null } }[];
    };
    const expected = [...stored.filter((x) => identity(x) && !isAcr(x)), ...stored.filter(isAcr)];
    expect(f.totalCount).toBe(expected.length);
    expect(f.suppressedCount).toBe(1);
    expect(f.expiredSuppressions).toEqual([{ owner: 'network-team', wouldMatch: 2, match: { kind: 'cluster-identity', cluster: 'aks-prod-weu', rule: 'nsg-in-another-rg' } }]);
    const nodes = f.edges.map((e) => e.node);
    expect(nodes.map((n) => n.suppression?.owner ?? null)).toEqual([...expected.map(() => null).slice(1), 'platform-team']);
    // Every field of the CLI JSON comes back with its value.
    for (const [i, finding] of expected.entries()) {
      const node: Record<string, unknown> = { ...nodes[i] };
      const type = node.__typename;
      delete node.__typename;
      delete node.suppression;
      expect(type).toBe(finding.kind === 'missing-cluster-identity-permission' ? 'MissingClusterIdentityPermission' : 'OverPrivilegedClusterIdentity');
      expect(node).toEqual(Object.fromEntries(Object.keys(node).map((k) => [k, (finding as unknown as Record<string, unknown>)[k] ?? null])));
      expect(Object.keys(finding).filter((k) => !(k in node) && k !== 'remediation')).toEqual([]);
    }
  });

  it('pages with cursors', async () => {
    const { data } = await gql(QUERY.replace('$first: PositiveInt', '$first: PositiveInt = 2'));
    const page = data?.findings as { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: unknown[]; totalCount: number };
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(page.totalCount > 2);
  });

  it('risky access: the subject and the paths as AccessPath objects', async () => {
    const { data, errors } = await gql(`{ findings(clusters: ["aks-prod-weu"], kinds: ["risky"], severities: [high]) { totalCount edges { node { kind ... on RiskyAccessFinding { rule subject { kind name } summary path { plane kind cluster explanation } bindings { binding role } } } } } }`);
    expect(errors).toBeUndefined();
    const nodes = (data?.findings as { edges: { node: { rule: string; subject: { name: string }; path: { plane: string; explanation: string }[] } }[] }).edges.map((e) => e.node);
    const risky = stored.filter((x) => x.clusterName === 'aks-prod-weu' && x.kind === 'risky-access' && x.severity === 'high');
    expect(nodes.map((n) => [n.rule, n.subject.name])).toEqual(risky.map((x) => (x.kind === 'risky-access' ? [x.rule, x.subject.name] : [])));
    expect(nodes.every((n) => n.path.every((p) => p.explanation !== ''))).toBe(true);
  });

  it('escalation paths: technique, target and each step with its evidence', async () => {
    const { data, errors } = await gql(`{ findings(kinds: ["escalation"], first: 500) { totalCount edges { node { __typename kind clusterName ... on EscalationPathFinding { technique target permission scope subject { kind name namespace } steps { plane action evidence { type ref text } } summary claimedBy remediation { description } } } } } }`);
    expect(errors).toBeUndefined();
    const nodes = (data?.findings as { edges: { node: { __typename: string; technique: string; clusterName: string; steps: { evidence: unknown[] }[] } }[] }).edges.map((e) => e.node);
    const expected = stored.filter((x) => x.kind === 'escalation-path');
    expect(expected.length).toBeGreaterThan(0);
    expect(nodes.map((n) => [n.__typename, n.clusterName, n.technique])).toEqual(expected.map((x) => ['EscalationPathFinding', x.clusterName, x.technique]));
    expect(nodes.every((n) => n.steps.length > 0 && n.steps.every((step) => step.evidence.length > 0))).toBe(true);
  });

  it('a bad kind is a BAD_REQUEST', async () => {
    const { errors } = await gql('{ findings(kinds: ["riskey"]) { totalCount } }');
    expect(errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
