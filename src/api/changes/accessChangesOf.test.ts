/**
 * accessChanges when the current generation has no digest in the history (compiled before history was kept, or
 * its history write failed): the current digest is computed from the cluster's model, and an unchanged cluster
 * still reports no change against the history's older digest.
 */
import { describe, expect, it } from 'vitest';
import { contosoChangesStore, CHANGED_CLUSTER, DAY2, GAINED_BY } from '../../../test/helpers/contosoChanges.ts';
import { AccessQueries } from '../AccessQueries.ts';

describe('accessChanges without a history digest for the current generation', () => {
  it('computes it from the model: no spurious change, and the real one still found', async () => {
    const store = await contosoChangesStore();
    // A third generation of aks-prod-weu, the same content as the second, written without its digest.
    const current = await store.readCurrentGeneration((await store.listClusterGenerations()).find((g) => g.name === CHANGED_CLUSTER)?.clusterId ?? '');
    if (current === undefined) throw new Error('no generation');
    await store.writeGeneration({ ...current, generation: 'gen-20261129T200000000Z-3', compiledAt: '2026-11-29T20:00:00.000Z' });
    expect((await store.readAccessDigestAt(current.clusterId, '2026-11-30T00:00:00.000Z'))?.generation).toBe('gen-20261129T100000000Z-2');

    const queries = new AccessQueries(store, { now: () => Date.parse('2026-11-30T00:00:00Z') });
    const sinceSecond = await queries.accessChanges({ since: '2026-11-29T12:00:00Z', clusters: [CHANGED_CLUSTER] });
    expect(sinceSecond.clusters[0]?.to.generation).toBe('gen-20261129T200000000Z-3');
    expect(sinceSecond.clusters[0]?.from?.compiledAt).toBe(DAY2);
    expect(sinceSecond.clusters[0]?.changes).toEqual([]);

    const sinceFirst = await queries.accessChanges({ since: '2026-11-28T22:00:00Z', clusters: [CHANGED_CLUSTER] });
    expect(sinceFirst.clusters[0]?.changes.map((c) => c.principal.name)).toEqual([GAINED_BY]);
  });
});
