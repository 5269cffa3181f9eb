/**
 * The simulated ARM and Microsoft Graph of a scenario, served over HTTPS with listen(), and what a collector
 * test needs around them: a static TokenCredential, a retry policy that records its waits instead of
 * sleeping, and client settings that point the real SDK clients at the simulator (endpoint + CA, nothing else).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { ArmClientSettings } from '../../src/collectors/armClientOptions.ts';
import type { GraphClientSettings } from '../../src/collectors/entra/graphClient.ts';
import type { RetryPolicy } from '../../src/collectors/withRetry.ts';
import { createArmRouter } from '../../src/sim/server/armRouter.ts';
import { FaultRegistry } from '../../src/sim/server/faults.ts';
import { createGraphRouter } from '../../src/sim/server/graphRouter.ts';
import { RequestLog } from '../../src/sim/server/requestLog.ts';
import { createSimCertificate, type SimCertificate } from '../../src/sim/server/simCertificate.ts';
import { listen, type SimListener } from '../../src/sim/server/simHttp.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';

export const SIM_K8S_BASE_URL = 'https://127.0.0.1:6443';

/** A credential that hands out one fixed token and remembers the scopes it was asked for. */
export class StaticTokenCredential implements TokenCredential {
  readonly scopes: string[] = [];
  private readonly token: string;

  constructor(token = 'sim-token') {
    this.token = token;
  }

  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

/** Retries without sleeping; `waits` lists what it was asked to wait (ms), Retry-After included. */
export function recordingRetry(maxAttempts = 3): RetryPolicy & { readonly waits: number[] } {
  const waits: number[] = [];
  return { maxAttempts, baseDelayMs: 10, maxDelayMs: 60_000, waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

export interface SimTenant {
  readonly arm: SimListener;
  readonly graph: SimListener;
  readonly faults: FaultRegistry;
  readonly log: RequestLog;
  readonly certificate: SimCertificate;
  /** SDK client settings: the simulator's endpoint and CA, a short timeout so timeouts are quick. */
  armSettings(requestTimeoutMs?: number): ArmClientSettings;
  graphSettings(requestTimeoutMs?: number): GraphClientSettings;
  /** Requests that reached `service` whose path and query match. */
  requests(service: 'arm' | 'graph', match: RegExp): string[];
  close(): Promise<void>;
}

let sharedCertificate: Promise<SimCertificate> | undefined;

export async function startSimTenant(scenario: TenantScenario, options: { pageSize?: number } = {}): Promise<SimTenant> {
  sharedCertificate ??= createSimCertificate();
  const certificate = await sharedCertificate;
  const faults = new FaultRegistry();
  const log = new RequestLog();
  const pageSize = options.pageSize ?? 2;
  const arm = await listen(createArmRouter(scenario, { k8sBaseUrl: SIM_K8S_BASE_URL, ca: certificate.ca, pageSize }), certificate, faults, log);
  const graph = await listen(createGraphRouter(scenario, { pageSize }), certificate, faults, log);
  return {
    arm,
    graph,
    faults,
    log,
    certificate,
    armSettings: (requestTimeoutMs = 2_000) => ({ endpoint: arm.baseUrl, ca: certificate.ca, requestTimeoutMs }),
    graphSettings: (requestTimeoutMs = 2_000) => ({ baseUrl: graph.baseUrl, ca: certificate.ca, requestTimeoutMs }),
    requests: (service, match) => log.entries.filter((e) => e.service === service && match.test(decodeURIComponent(e.url))).map((e) => decodeURIComponent(e.url)),
    close: async () => {
      await Promise.all([arm.close(), graph.close()]);
    },
  };
}
