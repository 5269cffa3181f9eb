import type { TenantScenario } from './scenario/TenantScenario.ts';
import { createSimCertificate, type SimCertificate } from './server/simCertificate.ts';
import { FaultRegistry } from './server/faults.ts';
import { RequestLog } from './server/requestLog.ts';
import { listen } from './server/simHttp.ts';
import { createArmRouter } from './server/armRouter.ts';
import { createGraphRouter } from './server/graphRouter.ts';
import { createK8sRouter } from './server/k8sRouter.ts';

/** A running simulated tenant: where each service listens, the CA to trust, and the knobs tests turn. */
export interface SimTenant {
  readonly scenario: TenantScenario;
  /** ARM endpoint (what `management.azure.com` is in Azure). */
  readonly armUrl: string;
  /** Microsoft Graph endpoint (what `graph.microsoft.com` is); paths start with /v1.0. */
  readonly graphUrl: string;
  /** Kubernetes API servers, one per cluster under /clusters/{subscriptionId}/{resourceGroup}/{name}. */
  readonly k8sUrl: string;
  /** PEM every client must trust (through its own options, never process-wide). */
  readonly ca: string;
  readonly faults: FaultRegistry;
  readonly log: RequestLog;
  close(): Promise<void>;
}

export interface SimTenantOptions {
  /** Items per page for every list (small by default so clients must page). */
  readonly pageSize?: number;
  readonly certificate?: SimCertificate;
}

/**
 * Starts ARM, Microsoft Graph and the Kubernetes API of every cluster for one scenario, over HTTPS on
 * 127.0.0.1 with a certificate made at start. The Kubernetes API starts first: ARM's credential endpoints
 * hand out kubeconfigs that point at it.
 */
export async function startSimTenant(scenario: TenantScenario, options: SimTenantOptions = {}): Promise<SimTenant> {
  const certificate = options.certificate ?? (await createSimCertificate());
  const faults = new FaultRegistry();
  for (const rule of scenario.faults ?? []) faults.add(rule);
  const log = new RequestLog();
  const page = options.pageSize === undefined ? {} : { pageSize: options.pageSize };
  const k8s = await listen(createK8sRouter(scenario, page), certificate, faults, log);
  const arm = await listen(createArmRouter(scenario, { k8sBaseUrl: k8s.baseUrl, ca: certificate.ca, ...page }), certificate, faults, log);
  const graph = await listen(createGraphRouter(scenario, page), certificate, faults, log);
  return {
    scenario,
    armUrl: arm.baseUrl,
    graphUrl: graph.baseUrl,
    k8sUrl: k8s.baseUrl,
    ca: certificate.ca,
    faults,
    log,
    close: async () => {
      await Promise.all([arm.close(), graph.close(), k8s.close()]);
    },
  };
}
