import { describe, expect, it } from 'vitest';
import { loadConfig } from './loadConfig.ts';
import { ConfigError } from './ConfigError.ts';
import { ncrontabProblem } from './ncrontab.ts';

const VALID = {
  TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  COSMOS_ENDPOINT: 'https://aks-access.documents.azure.com:443/',
  COSMOS_DATABASE: 'aks-access',
  AzureWebJobsStorage__queueServiceUri: 'https://aksaccessfn.queue.core.windows.net',
  SYNC_SCHEDULE: '0 0 */6 * * *',
};

function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('reads a complete environment, with the defaults of everything optional', () => {
    expect(loadConfig(VALID)).toEqual({
      tenantId: VALID.TENANT_ID,
      cosmos: { endpoint: VALID.COSMOS_ENDPOINT, database: 'aks-access' },
      queueServiceUri: VALID.AzureWebJobsStorage__queueServiceUri,
      syncSchedule: '0 0 */6 * * *',
      reportSchedule: '0 0 6 * * *',
      syncConcurrency: 4,
      compileDelaySeconds: 60,
      arm: { endpoint: 'https://management.azure.com' },
      graphEndpoint: 'https://graph.microsoft.com',
      requestTimeoutMs: 30_000,
      api: { tenantId: VALID.TENANT_ID, audiences: [], appServiceAuthentication: false, localMode: false },
      changes: { historyTtlDays: 90 },
    });
  });

  it('reads the changes settings: history TTL, the webhook URL and its kind (inferred from Slack and Teams webhook hosts), refusing plain http and unknown kinds without echoing the URL', () => {
    const teams = 'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=SECRET';
    expect(loadConfig({ ...VALID, ACCESS_HISTORY_TTL_DAYS: '30', AKS_ACCESS_WEBHOOK_URL: teams, AKS_ACCESS_WEBHOOK_KIND: 'Teams' }).changes).toEqual({ historyTtlDays: 30, webhook: { url: teams, kind: 'teams' } });
    expect(loadConfig({ ...VALID, AKS_ACCESS_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/SECRET' }).changes.webhook).toEqual({ url: 'https://hooks.slack.com/services/T0/B0/SECRET', kind: 'slack' });
    expect(loadConfig({ ...VALID, AKS_ACCESS_WEBHOOK_URL: teams }).changes.webhook?.kind).toBe('teams');
    expect(loadConfig({ ...VALID, AKS_ACCESS_WEBHOOK_URL: 'https://contoso.webhook.office.com/webhookb2/SECRET' }).changes.webhook?.kind).toBe('teams');
    expect(loadConfig({ ...VALID, AKS_ACCESS_WEBHOOK_URL: 'http://127.0.0.1:9999/hook', AKS_ACCESS_WEBHOOK_KIND: 'slack' }).changes.webhook?.kind).toBe('slack');
    const found = problems({ ...VALID, ACCESS_HISTORY_TTL_DAYS: '0', AKS_ACCESS_WEBHOOK_URL: 'http://hooks.example.com/SECRET', AKS_ACCESS_WEBHOOK_KIND: 'discord' });
    expect(found).toEqual([
      'ACCESS_HISTORY_TTL_DAYS="0" must be a whole number from 1 to 3650',
      'AKS_ACCESS_WEBHOOK_KIND="discord" must be teams or slack',
      "AKS_ACCESS_WEBHOOK_URL must use https (host hooks.example.com): the URL is the webhook's credential",
    ]);
    expect(problems({ ...VALID, AKS_ACCESS_WEBHOOK_URL: 'https://hooks.example.com/SECRET' })).toEqual([
      'AKS_ACCESS_WEBHOOK_KIND is not set: teams or slack, the kind of incoming webhook AKS_ACCESS_WEBHOOK_URL (host hooks.example.com) is',
    ]);
    expect(found.join(' ')).not.toContain('SECRET');
    expect(problems({ ...VALID, AKS_ACCESS_WEBHOOK_URL: 'not a url' })).toEqual(['AKS_ACCESS_WEBHOOK_URL is not a URL: the incoming webhook (Teams workflow or Slack app) that receives new risky grants']);
  });

  it('reads the API\'s authentication: client id, tenant, audiences, issuers, keys URL, App Service Authentication, local mode', () => {
    const config = loadConfig({
      ...VALID,
      API_CLIENT_ID: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      API_TENANT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      API_AUDIENCES: 'https://aks-access.contoso.com, api://aks-access',
      API_ISSUERS: 'https://login.microsoftonline.us/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/v2.0',
      API_JWKS_URL: 'https://login.microsoftonline.us/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/discovery/v2.0/keys',
      API_APP_SERVICE_AUTH: 'true',
      API_LOCAL_MODE: 'false',
    });
    expect(config.api).toEqual({
      tenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      clientId: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      audiences: ['https://aks-access.contoso.com', 'api://aks-access'],
      issuers: ['https://login.microsoftonline.us/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/v2.0'],
      jwksUrl: 'https://login.microsoftonline.us/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/discovery/v2.0/keys',
      appServiceAuthentication: true,
      localMode: false,
    });
    expect(problems({ ...VALID, API_CLIENT_ID: 'aks-access', API_LOCAL_MODE: 'yes', API_JWKS_URL: 'http://keys.local/jwks' })).toEqual([
      'API_CLIENT_ID="aks-access" must be the client id (a GUID) of the API\'s app registration',
      'API_JWKS_URL="http://keys.local/jwks" must use https (tokens are never sent over plain HTTP): the URL of the signing keys (default https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys)',
      'API_LOCAL_MODE="yes" must be true or false',
    ]);
  });

  it('takes the overrides: managed identity, ARM and Graph endpoints, the CA file, the numbers', () => {
    const config = loadConfig({
      ...VALID,
      AZURE_CLIENT_ID: '0b7d3f5e-1a2b-4c3d-8e9f-001122334455',
      ARM_ENDPOINT: 'https://management.usgovcloudapi.net',
      ARM_AUDIENCE: 'https://management.core.usgovcloudapi.net',
      GRAPH_ENDPOINT: 'https://graph.microsoft.us',
      TLS_CA_FILE: '/tmp/ca.pem',
      SYNC_CONCURRENCY: '8',
      SYNC_COMPILE_DELAY_SECONDS: '0',
      REQUEST_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      managedIdentityClientId: '0b7d3f5e-1a2b-4c3d-8e9f-001122334455',
      arm: { endpoint: 'https://management.usgovcloudapi.net', audience: 'https://management.core.usgovcloudapi.net' },
      graphEndpoint: 'https://graph.microsoft.us',
      tlsCaFile: '/tmp/ca.pem',
      syncConcurrency: 8,
      compileDelaySeconds: 0,
      requestTimeoutMs: 5000,
    });
  });

  it('derives the queue endpoint from the storage account name (the host’s identity-based connection)', () => {
    const rest: Record<string, string> = { ...VALID };
    delete rest.AzureWebJobsStorage__queueServiceUri;
    expect(loadConfig({ ...rest, AzureWebJobsStorage__accountName: 'aksaccessfn' }).queueServiceUri).toBe('https://aksaccessfn.queue.core.windows.net');
  });

  it('an empty environment names every required variable and what it must hold', () => {
    expect(problems({})).toEqual([
      'TENANT_ID is not set: the Entra tenant id (a GUID) the indexer reads',
      'COSMOS_ENDPOINT is not set: the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/',
      'COSMOS_DATABASE is not set: the Cosmos DB database id holding the index containers',
      'AzureWebJobsStorage__queueServiceUri (or AzureWebJobsStorage__accountName) is not set: the queue endpoint of the Functions storage account, e.g. https://<account>.queue.core.windows.net',
      'SYNC_SCHEDULE is not set: the sync timer’s NCRONTAB schedule, six fields, e.g. "0 0 */6 * * *" (every 6 hours)',
    ]);
    expect(() => loadConfig({})).toThrow(/invalid configuration \(5 problems\):\n {2}- TENANT_ID is not set/);
  });

  it('refuses what is malformed, naming the variable and the value', () => {
    expect(
      problems({
        ...VALID,
        TENANT_ID: 'contoso.onmicrosoft.com',
        COSMOS_ENDPOINT: 'http://localhost:8081/',
        AzureWebJobsStorage__queueServiceUri: 'not a url',
        SYNC_SCHEDULE: '0 */5 * * *',
        SYNC_CONCURRENCY: '0',
        AZURE_CLIENT_ID: 'my-identity',
      }),
    ).toEqual([
      'TENANT_ID="contoso.onmicrosoft.com" must be a GUID (the directory id)',
      'COSMOS_ENDPOINT="http://localhost:8081/" must use https (tokens are never sent over plain HTTP): the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/',
      'AzureWebJobsStorage__queueServiceUri="not a url" is not a URL: the queue endpoint of the Functions storage account, e.g. https://<account>.queue.core.windows.net',
      'SYNC_SCHEDULE="0 */5 * * *": expected 6 fields "{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. "0 0 * * * *" for hourly), got 5',
      'AZURE_CLIENT_ID="my-identity" must be the client id (a GUID) of the user-assigned managed identity',
      'SYNC_CONCURRENCY="0" must be a whole number from 1 to 64',
    ]);
  });

  it('is keyless: a connection string alone is not a queue endpoint', () => {
    const rest: Record<string, string> = { ...VALID };
    delete rest.AzureWebJobsStorage__queueServiceUri;
    expect(problems({ ...rest, AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=eHh4;EndpointSuffix=core.windows.net' })).toEqual([
      expect.stringMatching(/^AzureWebJobsStorage__queueServiceUri \(or AzureWebJobsStorage__accountName\) is not set \(AzureWebJobsStorage holds a connection string; the app is keyless and does not use one\)/),
    ]);
  });
});

describe('AKS_ACCESS_REPORT_SCHEDULE', () => {
  it('is daily at 06:00 UTC by default, takes any six-field schedule, and names a malformed one', () => {
    expect(loadConfig(VALID).reportSchedule).toBe('0 0 6 * * *');
    expect(loadConfig({ ...VALID, AKS_ACCESS_REPORT_SCHEDULE: '0 30 7 * * Mon' }).reportSchedule).toBe('0 30 7 * * Mon');
    expect(problems({ ...VALID, AKS_ACCESS_REPORT_SCHEDULE: '0 6 * * *' })).toEqual([
      'AKS_ACCESS_REPORT_SCHEDULE="0 6 * * *": expected 6 fields "{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. "0 0 * * * *" for hourly), got 5',
    ]);
  });
});

describe('ncrontabProblem', () => {
  it('accepts the host’s six-field forms', () => {
    for (const ok of ['0 0 */6 * * *', '0 30 9 * * Mon-Fri', '0 0 0 1 Jan,Jul *', '*/30 * * * * *', '0 15 2-4/2 * * 0']) expect(ncrontabProblem(ok), ok).toBeUndefined();
  });

  it('names the field and what is wrong', () => {
    expect(ncrontabProblem('0 60 * * * *')).toBe('minute field "60": "60" is not in 0-59');
    expect(ncrontabProblem('0 0 5-2 * * *')).toBe('hour field "5-2": range "5-2" runs backwards');
    expect(ncrontabProblem('0 0 * * Foo *')).toBe('month field "Foo": "Foo" is not in 1-12 (or jan…dec)');
    expect(ncrontabProblem('0 0 */0 * * *')).toBe('hour field "*/0": step "0" must be a positive number');
    expect(ncrontabProblem('01:00:00')).toMatch(/expected 6 fields/);
  });
});
