/**
 * The demo tenant tells the story its header promises, as the cross-plane engine reads it: who can read
 * secrets in payments on aks-prod-weu and aks-ops-weu, and through which path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { AksCluster } from '../../src/model/aksCluster.ts';
import { resourceRequest } from '../../src/model/accessRequest.ts';
import { buildAccessModel, type AccessModel } from '../../src/engine/access/accessModel.ts';
import { whoCanAcross, type CrossPlaneWhoCan } from '../../src/engine/access/whoCanAcross.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';

let model: AccessModel;
let clusters: AksCluster[];

beforeAll(async () => {
  const scenario = await loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)));
  clusters = scenario.clusters.map((c) => normalizeManagedCluster(c.arm, String(c.arm.name)));
  model = buildAccessModel({
    clusters,
    kubernetes: new Map(scenario.clusters.map((c, i) => [clusters[i]?.id ?? '', c.kubernetes])),
    azure: scenario.azure,
    entra: scenario.entra,
  });
});

const readSecrets = (clusterName: string): CrossPlaneWhoCan =>
  whoCanAcross(
    model,
    resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' }),
    clusters.filter((c) => c.name === clusterName),
  );
const names = (list: readonly { displayName?: string; name: string }[]) => list.map((s) => s.displayName ?? s.name);

describe('contoso.yaml through the engine', () => {
  it('loads without warnings', () => {
    expect(model.warnings).toEqual([]);
  });

  it('aks-prod-weu: secrets in payments, across Kubernetes RBAC, Azure RBAC, admin groups; contractors denied, Frank eligible, Grace conditional', () => {
    const answer = readSecrets('aks-prod-weu');
    const subjects = names(answer.subjects);
    expect(subjects).toEqual(expect.arrayContaining(['payments-devs', 'aks-prod-admins', 'Bob Jones', 'Dave Brown', 'id-ci-deployer', 'Grace Hopper', 'csi-azurefile-node-sa']));
    const payments = answer.subjects.find((s) => s.displayName === 'payments-devs');
    expect(payments?.via.map((v) => v.plane).sort()).toEqual(['azure', 'kubernetes']);
    expect(answer.subjects.find((s) => s.displayName === 'Grace Hopper')?.conditional).toBe(true);
    expect(answer.denied.map((d) => d.subject.displayName)).toEqual(['contractors']);
    expect(names(answer.eligible.map((e) => e.subject))).toEqual(['Frank Black']);
    expect(names(answer.escalations.map((e) => e.subject))).toEqual(expect.arrayContaining(['Erin Green', 'terraform-platform']));
    // Local accounts are disabled: nobody reaches it through an admin kubeconfig.
    expect(answer.subjects.some((s) => s.via.some((v) => v.plane === 'azure' && JSON.stringify(v).includes('listClusterAdminCredential')))).toBe(false);
  });

  it('aks-ops-weu: local accounts enabled, so Contributor on nonprod (the platform team) is cluster-admin through the admin kubeconfig', () => {
    const answer = readSecrets('aks-ops-weu');
    const platform = answer.subjects.find((s) => s.displayName === 'platform-team');
    expect(JSON.stringify(platform?.via)).toContain('listClusterAdminCredential');
    expect(names(answer.subjects)).toEqual(expect.arrayContaining(['sre', 'terraform-platform']));
  });
});
