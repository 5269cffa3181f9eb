import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { nonResourceRequest, resourceRequest } from '../../model/accessRequest.ts';
import { buildAccessModel, type AccessModelInput } from './accessModel.ts';
import { whoCanAcross } from './whoCanAcross.ts';
import { sliceForCluster } from './sliceForCluster.ts';

let input: AccessModelInput;

beforeAll(async () => {
  const s = await loadScenario(fileURLToPath(new URL('../../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  input = { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
});

describe('sliceForCluster', () => {
  it('answers every question about the cluster exactly as the whole tenant does, with expanded groups', () => {
    const questions = [
      resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' }),
      resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'frontend' }),
      resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }),
      resourceRequest({ verb: 'list', resource: 'nodes' }),
      nonResourceRequest('get', '/metrics'),
    ];
    const full = buildAccessModel(input);
    for (const cluster of input.clusters) {
      const sliced = buildAccessModel(sliceForCluster(input, cluster.id));
      for (const q of questions) {
        const a = whoCanAcross(full, q, [cluster], { expandGroups: true });
        const b = whoCanAcross(sliced, q, [cluster], { expandGroups: true });
        expect(b, `${cluster.name} ${JSON.stringify(q)}`).toEqual(a);
      }
    }
  });

  it('is smaller than the tenant: other clusters and unrelated assignments stay out', () => {
    const first = input.clusters[0];
    if (first === undefined) throw new Error('no cluster');
    const slice = sliceForCluster(input, first.id);
    expect(slice.clusters).toEqual([first]);
    expect(slice.kubernetes.size).toBe(1);
    expect(slice.azure.roleAssignments.length).toBeLessThan(input.azure.roleAssignments.length);
  });

  it('names an unknown cluster', () => {
    expect(() => sliceForCluster(input, '/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/z')).toThrow(/not in the tenant input/);
  });
});
