import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { generateScenario, SCENARIO_SIZES } from '../../sim/scenario/generateScenario.ts';
import type { TenantScenario } from '../../sim/scenario/TenantScenario.ts';
import { buildAccessModel, type AccessModelInput } from '../access/accessModel.ts';
import { sliceForCluster } from '../access/sliceForCluster.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace } from '../access/whoCanAcross.ts';
import { whoCanAcrossMemo } from '../access/whoCanAcrossMemo.ts';
import { resourceRequest } from '../../model/accessRequest.ts';
import { clusterFindingsFromTenant } from './findingsForCluster.ts';

// The memo must change how long findings take, never what they say: on a generated tenant (every cluster of S,
// Azure RBAC on some, workload identities, nested groups, deny assignments) both ways give the same findings.

let scenario: TenantScenario;
let tenant: AccessModelInput;

beforeAll(() => {
  scenario = generateScenario(SCENARIO_SIZES.S);
  const clusters = scenario.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${String(i)}`));
  tenant = { clusters, kubernetes: new Map(scenario.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: scenario.azure, entra: scenario.entra };
});

describe('findings with and without the whoCanAcross memo', () => {
  it('are identical on every cluster of a generated S tenant', () => {
    const kinds = new Set<string>();
    for (const cluster of tenant.clusters) {
      const slice = sliceForCluster(tenant, cluster.id);
      const network = { subnets: scenario.subnets, registries: scenario.registries };
      const memoised = clusterFindingsFromTenant(tenant, cluster, slice, network);
      const direct = clusterFindingsFromTenant(tenant, cluster, slice, network, { memo: false });
      expect(memoised).toEqual(direct);
      for (const f of direct.findings) kinds.add(f.kind);
    }
    // The comparison is about something: the kinds of findings the memo serves are there.
    expect(kinds).toContain('risky-access');
    expect(kinds).toContain('escalation-path');
  });

  it('a memoised answer is the one asked without a memo, and a memo serves only its own model', () => {
    const model = buildAccessModel(tenant);
    const cluster = model.clusters.find((c) => c.azureRbac) ?? model.clusters[0];
    if (cluster === undefined) throw new Error('no cluster');
    const memo = whoCanAcrossMemo(model);
    const secrets = resourceRequest({ verb: 'get', resource: 'secrets', namespace: '' });
    const pods = resourceRequest({ verb: 'create', resource: 'pods', namespace: '' });
    expect(whoCanAcrossAnyNamespace(model, secrets, [cluster], { memo })).toEqual(whoCanAcrossAnyNamespace(model, secrets, [cluster]));
    expect(whoCanAcross(model, pods, [cluster], { memo })).toEqual(whoCanAcross(model, pods, [cluster]));
    expect(whoCanAcross(model, pods, [cluster], { memo, expandGroups: true })).toEqual(whoCanAcross(model, pods, [cluster], { expandGroups: true }));
    // Asked again: the same answer object; a different request is not answered from another's entry.
    expect(whoCanAcross(model, pods, [cluster], { memo })).toBe(whoCanAcross(model, pods, [cluster], { memo }));
    expect(whoCanAcross(model, secrets, [cluster], { memo })).not.toBe(whoCanAcross(model, pods, [cluster], { memo }));
    expect(() => whoCanAcross(buildAccessModel(tenant), pods, [cluster], { memo })).toThrow(/another AccessModel/);
  });
});
