import { PUBLIC_ARM_ENDPOINT } from '../collectors/armClientOptions.ts';
import { PUBLIC_GRAPH_ENDPOINT } from '../collectors/entra/graphClient.ts';
import type { AppConfig, ChangesConfig } from './AppConfig.ts';
import { ConfigError } from './ConfigError.ts';
import { ncrontabProblem } from './ncrontab.ts';
import { suppressionsSetting, SUPPRESSIONS_VARIABLE } from './suppressionsSetting.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The compliance report: daily at 06:00 UTC, after the night's syncs. */
export const DEFAULT_REPORT_SCHEDULE = '0 0 6 * * *';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads and validates the environment once, failing fast with every problem named: the variable and what
 * it must hold. Keyless by rule: Cosmos and Storage are reached with Entra ID, so no key or connection string
 * is read (a key-bearing AzureWebJobsStorage connection string is refused, not silently used).
 */
export function loadConfig(env: Environment): AppConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string, what: string) => {
    const value = read(name);
    if (value === undefined) problems.push(`${name} is not set: ${what}`);
    return value ?? '';
  };
  const httpsUrl = (name: string, value: string | undefined, what: string) => {
    if (value === undefined || value === '') return value;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${name}="${value}" is not a URL: ${what}`);
      return value;
    }
    if (url.protocol !== 'https:') problems.push(`${name}="${value}" must use https (tokens are never sent over plain HTTP): ${what}`);
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = read(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name}="${value}" must be a whole number from ${min} to ${max}`);
    return n;
  };

  const tenantId = required('TENANT_ID', 'the Entra tenant id (a GUID) the indexer reads');
  if (tenantId !== '' && !GUID.test(tenantId)) problems.push(`TENANT_ID="${tenantId}" must be a GUID (the directory id)`);

  const cosmosWhat = 'the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/';
  const cosmosEndpoint = httpsUrl('COSMOS_ENDPOINT', required('COSMOS_ENDPOINT', cosmosWhat), cosmosWhat) ?? '';
  const database = required('COSMOS_DATABASE', 'the Cosmos DB database id holding the index containers');
  if (/[/\\#?]|\s$/.test(database)) problems.push(`COSMOS_DATABASE="${database}" must not contain / \\ # ? or end with a space`);

  const queueWhat = 'the queue endpoint of the Functions storage account, e.g. https://<account>.queue.core.windows.net';
  let queueServiceUri = httpsUrl('AzureWebJobsStorage__queueServiceUri', read('AzureWebJobsStorage__queueServiceUri'), queueWhat);
  const account = read('AzureWebJobsStorage__accountName');
  if (queueServiceUri === undefined && account !== undefined) {
    if (/^[a-z0-9]{3,24}$/.test(account)) queueServiceUri = `https://${account}.queue.core.windows.net`;
    else problems.push(`AzureWebJobsStorage__accountName="${account}" must be a storage account name (3-24 lower-case letters and digits)`);
  }
  if (queueServiceUri === undefined && account === undefined) {
    const connection = read('AzureWebJobsStorage');
    const why = connection === undefined ? 'is not set' : 'is not set (AzureWebJobsStorage holds a connection string; the app is keyless and does not use one)';
    problems.push(`AzureWebJobsStorage__queueServiceUri (or AzureWebJobsStorage__accountName) ${why}: ${queueWhat}`);
  }

  const syncSchedule = required('SYNC_SCHEDULE', 'the sync timer’s NCRONTAB schedule, six fields, e.g. "0 0 */6 * * *" (every 6 hours)');
  const cron = syncSchedule === '' ? undefined : ncrontabProblem(syncSchedule);
  if (cron !== undefined) problems.push(`SYNC_SCHEDULE="${syncSchedule}": ${cron}`);
  const reportSchedule = read('AKS_ACCESS_REPORT_SCHEDULE') ?? DEFAULT_REPORT_SCHEDULE;
  const reportCron = ncrontabProblem(reportSchedule);
  if (reportCron !== undefined) problems.push(`AKS_ACCESS_REPORT_SCHEDULE="${reportSchedule}": ${reportCron}`);

  const clientId = read('AZURE_CLIENT_ID');
  if (clientId !== undefined && !GUID.test(clientId)) problems.push(`AZURE_CLIENT_ID="${clientId}" must be the client id (a GUID) of the user-assigned managed identity`);

  const armEndpoint = httpsUrl('ARM_ENDPOINT', read('ARM_ENDPOINT'), 'the Azure Resource Manager endpoint (default https://management.azure.com)') ?? PUBLIC_ARM_ENDPOINT;
  const armAudience = httpsUrl('ARM_AUDIENCE', read('ARM_AUDIENCE'), 'the Resource Manager token audience (default https://management.azure.com)');
  const graphEndpoint = httpsUrl('GRAPH_ENDPOINT', read('GRAPH_ENDPOINT'), 'the Microsoft Graph endpoint (default https://graph.microsoft.com)') ?? PUBLIC_GRAPH_ENDPOINT;
  const tlsCaFile = read('TLS_CA_FILE');

  const flag = (name: string) => {
    const value = read(name)?.toLowerCase();
    if (value === undefined || value === 'false' || value === '0') return false;
    if (value === 'true' || value === '1') return true;
    problems.push(`${name}="${read(name) ?? ''}" must be true or false`);
    return false;
  };
  const list = (name: string) => (read(name) ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
  const apiTenantId = read('API_TENANT_ID') ?? tenantId;
  if (read('API_TENANT_ID') !== undefined && !GUID.test(apiTenantId)) problems.push(`API_TENANT_ID="${apiTenantId}" must be a GUID (the directory id of the API's app registration)`);
  const apiClientId = read('API_CLIENT_ID');
  if (apiClientId !== undefined && !GUID.test(apiClientId)) problems.push(`API_CLIENT_ID="${apiClientId}" must be the client id (a GUID) of the API's app registration`);
  const issuers = list('API_ISSUERS');
  for (const issuer of issuers) httpsUrl('API_ISSUERS', issuer, 'token issuers, comma-separated, e.g. https://login.microsoftonline.us/<tenant>/v2.0');
  const jwksUrl = httpsUrl('API_JWKS_URL', read('API_JWKS_URL'), 'the URL of the signing keys (default https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys)');
  const api = {
    tenantId: apiTenantId,
    ...(apiClientId === undefined ? {} : { clientId: apiClientId }),
    audiences: list('API_AUDIENCES'),
    ...(issuers.length === 0 ? {} : { issuers }),
    ...(jwksUrl === undefined ? {} : { jwksUrl }),
    appServiceAuthentication: flag('API_APP_SERVICE_AUTH'),
    localMode: flag('API_LOCAL_MODE'),
  };

  const suppressions = suppressionsSetting(read(SUPPRESSIONS_VARIABLE), problems);

  const changes = changesConfig(read, integer, problems);

  const config: AppConfig = {
    tenantId,
    cosmos: { endpoint: cosmosEndpoint, database },
    queueServiceUri: queueServiceUri ?? '',
    syncSchedule,
    reportSchedule,
    syncConcurrency: integer('SYNC_CONCURRENCY', 4, 1, 64),
    compileDelaySeconds: integer('SYNC_COMPILE_DELAY_SECONDS', 60, 0, 3600),
    ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
    arm: { endpoint: armEndpoint, ...(armAudience === undefined ? {} : { audience: armAudience }) },
    graphEndpoint,
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    ...(tlsCaFile === undefined ? {} : { tlsCaFile }),
    api,
    changes,
    ...(suppressions === undefined ? {} : { suppressions }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const WEBHOOK_KINDS = ['teams', 'slack'] as const;
/** Where Teams workflow ("when a Teams webhook request is received") and connector webhooks live. */
const TEAMS_WEBHOOK_HOSTS = /(^|\.)(logic\.azure\.com|powerautomate\.com|powerplatform\.com|webhook\.office\.com)$/;

/**
 * The webhook URL carries its own secret, so it goes over https only (plain http to a loopback address is let
 * through for local runs). The kind may be left out when the host says it (hooks.slack.com).
 */
function changesConfig(read: (name: string) => string | undefined, integer: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): ChangesConfig {
  const historyTtlDays = integer('ACCESS_HISTORY_TTL_DAYS', 90, 1, 3650);
  const url = read('AKS_ACCESS_WEBHOOK_URL');
  const kindSetting = read('AKS_ACCESS_WEBHOOK_KIND')?.toLowerCase();
  if (kindSetting !== undefined && !WEBHOOK_KINDS.some((k) => k === kindSetting)) problems.push(`AKS_ACCESS_WEBHOOK_KIND="${kindSetting}" must be teams or slack`);
  if (url === undefined) return { historyTtlDays };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    problems.push('AKS_ACCESS_WEBHOOK_URL is not a URL: the incoming webhook (Teams workflow or Slack app) that receives new risky grants');
  }
  if (parsed === undefined) return { historyTtlDays };
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
  // The URL is not echoed: it is the webhook's credential.
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) problems.push(`AKS_ACCESS_WEBHOOK_URL must use https (host ${parsed.hostname}): the URL is the webhook's credential`);
  const kind = kindSetting ?? (parsed.hostname === 'hooks.slack.com' ? 'slack' : TEAMS_WEBHOOK_HOSTS.test(parsed.hostname) ? 'teams' : undefined);
  if (kind === undefined) {
    problems.push(`AKS_ACCESS_WEBHOOK_KIND is not set: teams or slack, the kind of incoming webhook AKS_ACCESS_WEBHOOK_URL (host ${parsed.hostname}) is`);
    return { historyTtlDays };
  }
  return { historyTtlDays, webhook: { url, kind: kind === 'slack' ? 'slack' : 'teams' } };
}
