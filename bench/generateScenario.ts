/**
 * Generates the S, M and L synthetic tenants (src/sim/scenario/generateScenario.ts) and prints how long
 * each took and how much heap it holds: `node bench/generateScenario.ts [S|M|L ...] [--lazy]`.
 * Run with --expose-gc for a precise heap figure.
 */
import { generateScenario, SCENARIO_SIZES } from '../src/sim/scenario/generateScenario.ts';

const args = process.argv.slice(2);
const lazy = args.includes('--lazy');
const sizes = args.filter((a) => a !== '--lazy');
const gc = (globalThis as { gc?: () => void }).gc;

for (const size of sizes.length === 0 ? ['S', 'M', 'L'] : sizes) {
  if (!(size in SCENARIO_SIZES)) throw new Error(`unknown size ${size}; use S, M or L`);
  const options = SCENARIO_SIZES[size as keyof typeof SCENARIO_SIZES];
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const scenario = generateScenario({ ...options, kubernetes: lazy ? 'lazy' : 'eager' });
  const generatedMs = performance.now() - start;
  let bindings = 0;
  for (const cluster of scenario.clusters) bindings += cluster.kubernetes.bindings.length;
  const walkedMs = performance.now() - start - generatedMs;
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const result = {
    size,
    mode: lazy ? 'lazy' : 'eager',
    clusters: scenario.clusters.length,
    bindings,
    principals: scenario.entra.users.length + scenario.entra.groups.length + scenario.entra.servicePrincipals.length,
    roleAssignments: scenario.azure.roleAssignments.length,
    generateMs: Math.round(generatedMs),
    walkAllClustersMs: Math.round(walkedMs),
    heapMb: Math.round(heapMb),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Keep the scenario alive until measured.
  if (scenario.tenantId === '') process.exitCode = 1;
}
