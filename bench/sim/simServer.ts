/**
 * The simulated tenant of one benchmark size, in its own process (forked by bench/lib/simProcess.ts): the
 * benchmark's own process then holds only what the indexer holds, and the simulator's CPU time is measured
 * apart from ours. Arguments: SIZE PAGE_SIZE. Protocol (IPC): sends `ready` with the endpoints and CA; answers
 * `stats` with its CPU time and the time inside each router since the last `reset`.
 */
import { generateScenario, SCENARIO_SIZES } from '../../src/sim/scenario/generateScenario.ts';
import { createArmRouter } from '../../src/sim/server/armRouter.ts';
import { createGraphRouter } from '../../src/sim/server/graphRouter.ts';
import { FaultRegistry } from '../../src/sim/server/faults.ts';
import { RequestLog } from '../../src/sim/server/requestLog.ts';
import { createSimCertificate } from '../../src/sim/server/simCertificate.ts';
import { listen } from '../../src/sim/server/simHttp.ts';
import { pagedOnceArmRouter, timedRouter, windowedK8sRouter, type RouterTime } from './simRouters.ts';
import type { SimReady, SimStats } from '../lib/simProcess.ts';

const [sizeArg, pageSizeArg] = process.argv.slice(2);
if (sizeArg === undefined || !(sizeArg in SCENARIO_SIZES)) throw new Error(`simServer: unknown size ${String(sizeArg)}`);
const size = sizeArg as keyof typeof SCENARIO_SIZES;
const pageSize = Number(pageSizeArg ?? '1000');
const send = (message: SimReady | SimStats) => {
  process.send?.(message);
};

const generatedAt = performance.now();
const scenario = generateScenario(SCENARIO_SIZES[size]);
const generateMs = performance.now() - generatedAt;
const certificate = await createSimCertificate();
const faults = new FaultRegistry();
/** A log that keeps nothing: the benchmark counts requests per router instead. */
const log = new RequestLog();
log.record = () => undefined;

const time: Record<'arm' | 'graph' | 'k8s', RouterTime> = { arm: { ms: 0, requests: 0 }, graph: { ms: 0, requests: 0 }, k8s: { ms: 0, requests: 0 } };
const k8s = await listen(timedRouter(windowedK8sRouter(scenario, pageSize, 8), time.k8s), certificate, faults, log);
const armOptions = { k8sBaseUrl: k8s.baseUrl, ca: certificate.ca };
const arm = await listen(
  timedRouter(pagedOnceArmRouter(createArmRouter(scenario, { ...armOptions, pageSize }), createArmRouter(scenario, { ...armOptions, pageSize: Number.MAX_SAFE_INTEGER }), pageSize), time.arm),
  certificate,
  faults,
  log,
);
const graph = await listen(timedRouter(createGraphRouter(scenario, { pageSize }), time.graph), certificate, faults, log);

let cpuAtReset = process.cpuUsage();
process.on('message', (message: unknown) => {
  const type = (message as { type?: unknown } | null)?.type;
  if (type === 'reset') {
    cpuAtReset = process.cpuUsage();
    for (const t of Object.values(time)) {
      t.ms = 0;
      t.requests = 0;
    }
  } else if (type === 'stats') {
    const cpu = process.cpuUsage(cpuAtReset);
    send({
      type: 'stats',
      cpuMs: (cpu.user + cpu.system) / 1000,
      routers: { arm: { ...time.arm }, graph: { ...time.graph }, k8s: { ...time.k8s } },
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  } else if (type === 'close') {
    void Promise.all([arm.close(), graph.close(), k8s.close()]).then(() => {
      process.disconnect();
    });
  }
});
send({ type: 'ready', tenantId: scenario.tenantId, armUrl: arm.baseUrl, graphUrl: graph.baseUrl, k8sUrl: k8s.baseUrl, ca: certificate.ca, generateMs });
