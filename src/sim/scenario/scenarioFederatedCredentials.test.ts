import { describe, expect, it } from 'vitest';
import { loadScenario } from './scenarioFile.ts';
import { CONTOSO_PATH } from './findingsInputs.ts';
import { scenarioFederatedCredentials } from './scenarioFederatedCredentials.ts';

describe('scenarioFederatedCredentials', () => {
  it('contoso: one per service account naming a declared managed identity, under its cluster’s issuer; none for an unknown client id', async () => {
    const s = await loadScenario(CONTOSO_PATH);
    const issuerOf = (name: string) => (s.clusters.find((c) => c.arm.name === name)?.arm.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile.issuerURL;
    const credentials = scenarioFederatedCredentials(s);
    expect(credentials.map((c) => `${c.name} ${c.subject}`).sort()).toEqual([
      'aks-ops-weu-monitoring-grafana system:serviceaccount:monitoring:grafana',
      'aks-payments-prod-payments-payments-api system:serviceaccount:payments:payments-api',
      'aks-prod-weu-payments-ci system:serviceaccount:payments:ci',
      'aks-prod-weu-payments-payments-api system:serviceaccount:payments:payments-api',
    ]);
    const grafana = credentials.find((c) => c.name === 'aks-ops-weu-monitoring-grafana');
    expect(grafana?.issuer).toBe(issuerOf('aks-ops-weu'));
    expect(grafana?.id).toBe(`${s.managedIdentities?.find((m) => m.name === 'id-grafana')?.id ?? ''}/federatedIdentityCredentials/aks-ops-weu-monitoring-grafana`);
    expect(credentials.some((c) => c.subject.includes('legacy-uploader'))).toBe(false);
  });
});
