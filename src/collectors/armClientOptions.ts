import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * How the Azure Resource Manager SDK clients are built: one place, used by every collector's client factory,
 * so that real clients and clients pointed at the simulated tenant differ by configuration alone.
 */
export interface ArmClientSettings {
  /** Resource Manager endpoint. Default: https://management.azure.com. */
  readonly endpoint?: string;
  /** Token audience. Default: https://management.azure.com (the public cloud's, whatever the endpoint). */
  readonly audience?: string;
  /**
   * PEM certificate(s) to trust instead of the platform's CAs, for an endpoint with a private CA (the
   * simulated tenant). Never a way to turn verification off.
   */
  readonly ca?: string;
  /** Per-request timeout. Default 30 s (the SDKs have none: a server that never answers would hang a run). */
  readonly requestTimeoutMs?: number;
}

export const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';
const DEFAULT_TIMEOUT_MS = 30_000;

/** Sets a timeout on every request the client sends, next-page requests included. */
export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'aksAccessRequestTimeout',
    sendRequest: (request, next) => {
      if (request.timeout === 0) request.timeout = timeoutMs;
      return next(request);
    },
  };
}

/**
 * Options for both kinds of ARM client: the classic ones (`credentialScopes`) and the TypeSpec-generated ones
 * (`credentials.scopes`). The SDK's own retries are off: collectors retry with their RetryPolicy (honouring
 * Retry-After, bounded), so a failure is retried by one layer, not multiplied by two.
 */
export function armClientOptions(settings: ArmClientSettings = {}) {
  const scopes = [`${(settings.audience ?? PUBLIC_ARM_ENDPOINT).replace(/\/+$/, '')}/.default`];
  return {
    endpoint: settings.endpoint ?? PUBLIC_ARM_ENDPOINT,
    credentialScopes: scopes,
    credentials: { scopes },
    ...(settings.ca === undefined ? {} : { tlsOptions: { ca: settings.ca } }),
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: requestTimeoutPolicy(settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS), position: 'perCall' as const }],
  };
}
