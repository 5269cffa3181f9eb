/** A scenario's `faults:` section: injected from the start, so a file alone shows how the indexer copes. */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { startSimTenant } from '../../src/sim/startSimTenant.ts';
import { collectTenant } from '../../src/sync/collectTenant.ts';
import { StaticTokenCredential, recordingRetry } from '../helpers/simTenantHarness.ts';

const CONTOSO = fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));

describe('scenario faults', () => {
  it('a denied subscription and a throttled cluster: one unit denied with its permission, the throttled one retried to success', async () => {
    const text = `${await readFile(CONTOSO, 'utf8')}
faults:
  - {service: arm, match: 'subscriptions/[^/]+/providers/Microsoft\\.Authorization/denyAssignments', kind: 403, times: 1}
  - {service: k8s, match: 'aks-dev-weu/apis/rbac\\.authorization\\.k8s\\.io/v1/clusterrolebindings', kind: '429', times: 2, retryAfterSeconds: 3}
`;
    const scenario = await parseScenario(text, CONTOSO);
    expect(scenario.faults).toHaveLength(2);
    const sim = await startSimTenant(scenario);
    try {
      const retry = recordingRetry(4);
      const run = await collectTenant({
        tenantId: scenario.tenantId,
        credential: new StaticTokenCredential(),
        arm: { endpoint: sim.armUrl, ca: sim.ca },
        graph: { baseUrl: sim.graphUrl, ca: sim.ca },
        retry,
      });
      const failed = run.units.filter((u) => u.status !== 'ok');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ status: 'denied', permission: expect.stringMatching(/^Microsoft\.Authorization\/denyAssignments\/read/) as unknown });
      expect(run.units.find((u) => u.unit.includes('aks-dev-weu'))?.status).toBe('ok');
      // Retry-After from the server, not the backoff, decided the two waits.
      expect(retry.waits.filter((w) => w === 3000)).toHaveLength(2);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('a bad fault is a precise scenario error', async () => {
    const text = `${await readFile(CONTOSO, 'utf8')}\nfaults:\n  - {service: arm, match: 'x', kind: 418}\n`;
    await expect(parseScenario(text, CONTOSO)).rejects.toThrow(/faults\[0\]\.kind: unknown fault kind '418'/);
  });
});
