import type { SuppressionsSetting } from './suppressionsSetting.ts';

/** Everything the app reads from its environment, validated (src/config/loadConfig.ts). */
export interface AppConfig {
  /** The Entra tenant the indexer reads (TENANT_ID). */
  readonly tenantId: string;
  readonly cosmos: {
    /** COSMOS_ENDPOINT: https://<account>.documents.azure.com:443/ (keyless: Entra ID only). */
    readonly endpoint: string;
    /** COSMOS_DATABASE. */
    readonly database: string;
  };
  /** The Storage queue service the sync functions use, keyless (the host's AzureWebJobsStorage identity connection). */
  readonly queueServiceUri: string;
  /** SYNC_SCHEDULE: the timer's NCRONTAB schedule (the timer binding reads it as %SYNC_SCHEDULE%). */
  readonly syncSchedule: string;
  /**
   * AKS_ACCESS_REPORT_SCHEDULE: the compliance report timer's NCRONTAB schedule (the binding reads it as
   * %AKS_ACCESS_REPORT_SCHEDULE%, so the deployment always sets it); default daily at 06:00 UTC.
   */
  readonly reportSchedule: string;
  /** SYNC_CONCURRENCY: units (and compiles) in flight at once in a local run. */
  readonly syncConcurrency: number;
  /** SYNC_COMPILE_DELAY_SECONDS: how long compile messages stay invisible, so one run's requests coalesce. */
  readonly compileDelaySeconds: number;
  /** AZURE_CLIENT_ID: a user-assigned managed identity to use; absent: DefaultAzureCredential. */
  readonly managedIdentityClientId?: string;
  readonly arm: {
    /** ARM_ENDPOINT (default https://management.azure.com). */
    readonly endpoint: string;
    /** ARM_AUDIENCE: the token audience (default the public cloud's, whatever the endpoint). */
    readonly audience?: string;
  };
  /** GRAPH_ENDPOINT (default https://graph.microsoft.com). */
  readonly graphEndpoint: string;
  /** REQUEST_TIMEOUT_MS: per request to ARM, Graph and Kubernetes. */
  readonly requestTimeoutMs: number;
  /**
   * TLS_CA_FILE: PEM of extra certificate authorities for the endpoints above — a local simulator, the
   * in-process Cosmos server or Azurite over HTTPS. Trusted by each client through its own options, never
   * process-wide, and never a way to turn verification off. Absent in Azure.
   */
  readonly tlsCaFile?: string;
  /** Who may call the API (GraphQL and REST), and how they prove it. */
  readonly api: ApiAuthConfig;
  /** Changes over time: how long access history is kept, and where new risky grants are announced (docs/changes.md). */
  readonly changes: ChangesConfig;
  /** AKS_ACCESS_SUPPRESSIONS: accepted findings (owner, reason, expiry), a file path or inline JSON; absent: none. */
  readonly suppressions?: SuppressionsSetting;
}

export interface ChangesConfig {
  /** ACCESS_HISTORY_TTL_DAYS: days each generation's access digest is kept (default 90). */
  readonly historyTtlDays: number;
  /** AKS_ACCESS_WEBHOOK_URL and AKS_ACCESS_WEBHOOK_KIND: an incoming webhook told about new risky grants; absent: none. */
  readonly webhook?: { readonly url: string; readonly kind: 'teams' | 'slack' };
}

/**
 * The API's authentication (src/api/auth/createAuthenticate.ts). At least one way must be on for the API to
 * answer; the sync functions do not need any.
 */
export interface ApiAuthConfig {
  /** API_TENANT_ID (default TENANT_ID): the directory whose callers are accepted. */
  readonly tenantId: string;
  /** API_CLIENT_ID: client id of the API's app registration; turns on bearer tokens (audience api://ID or ID). */
  readonly clientId?: string;
  /** API_AUDIENCES: more accepted audiences, comma-separated (a custom Application ID URI). */
  readonly audiences: readonly string[];
  /** API_ISSUERS: replaces the tenant's v2 and v1 issuers, comma-separated (sovereign clouds). */
  readonly issuers?: readonly string[];
  /** API_JWKS_URL: where the signing keys are published (default the tenant's v2 discovery keys). */
  readonly jwksUrl?: string;
  /** API_APP_SERVICE_AUTH=true: trust App Service Authentication's x-ms-client-principal (only behind Easy Auth). */
  readonly appServiceAuthentication: boolean;
  /** API_LOCAL_MODE=true: loopback requests are the local operator with every role, and GraphiQL is served (npm start only). */
  readonly localMode: boolean;
}
