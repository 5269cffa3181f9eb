/**
 * A fixed compliance-report input: one finding of every kind, a clean cluster, a stale cluster, a failing unit,
 * a suppression and three earlier runs — with the awkward text a report must survive (commas, quotes, line
 * breaks, a `<script>` subject, a formula-looking name). Shared by the unit, golden and screenshot tests.
 */
import type { MissingClusterIdentityPermission, OverPrivilegedClusterIdentity } from '../../src/engine/findings/clusterIdentityFindings.ts';
import type { EscalationFinding } from '../../src/engine/findings/EscalationFinding.ts';
import type { RiskyAccessFinding } from '../../src/engine/findings/riskyAccess.ts';
import type { ReportInput, ReportSummary } from '../../src/reports/ComplianceReport.ts';

const SUB = '/subscriptions/00000000-0000-0000-0000-0000000000a1';
export const PROD = `${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu`;
export const DEV = `${SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu`;
export const PAYMENTS = `${SUB}/resourceGroups/rg-pay/providers/Microsoft.ContainerService/managedClusters/aks-payments-prod`;

export const missingAcrPull: MissingClusterIdentityPermission = {
  kind: 'missing-cluster-identity-permission',
  severity: 'high',
  clusterId: PROD,
  clusterName: 'aks-prod-weu',
  identity: 'kubelet',
  principalId: '11111111-1111-1111-1111-111111111111',
  permission: 'Microsoft.ContainerRegistry/registries/pull/read',
  scope: `${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contosoacr`,
  condition: 'acr-attach',
  reason: 'Required to pull images from an attached ACR, e.g. "contosoacr.azurecr.io/web:1.2", for nodes, pods, jobs',
  decision: 'notGranted',
  evidence: ['pod payments/web uses contosoacr.azurecr.io/web:1.2'],
  remediation: {
    role: 'AcrPull',
    roleDefinitionId: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    azCli: `az role assignment create --assignee-object-id 11111111-1111-1111-1111-111111111111 --assignee-principal-type ServicePrincipal --role 7f951dda-4ed3-4680-a7ca-43fe172d538d --scope ${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contosoacr`,
    bicep: "resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = { ... }",
  },
};

export const overPrivileged: OverPrivilegedClusterIdentity = {
  kind: 'over-privileged-cluster-identity',
  severity: 'medium',
  clusterId: DEV,
  clusterName: 'aks-dev-weu',
  identity: 'control-plane',
  principalId: '22222222-2222-2222-2222-222222222222',
  role: 'Contributor',
  scope: SUB,
  assignmentId: `${SUB}/providers/Microsoft.Authorization/roleAssignments/33333333-3333-3333-3333-333333333333`,
  reason: 'Contributor at subscription scope or wider: the identity can change any resource there',
  remediation: { azCli: `az role assignment delete --ids ${SUB}/providers/Microsoft.Authorization/roleAssignments/33333333-3333-3333-3333-333333333333` },
};

export const scriptSubject: RiskyAccessFinding = {
  kind: 'risky-access',
  rule: 'secrets-read',
  severity: 'high',
  clusterId: PROD,
  clusterName: 'aks-prod-weu',
  subject: { kind: 'User', name: '<script>alert("x")</script>', displayName: 'Mallory, "the" intern\nsecond line' },
  summary: 'get/list/watch secrets (every secret of a namespace, not one named secret)',
  path: [
    { plane: 'kubernetes', kind: 'binding', binding: 'RoleBinding payments/read-secrets', role: 'ClusterRole secret-reader' },
    { plane: 'kubernetes', kind: 'binding', binding: 'RoleBinding payments/read-secrets-2', role: 'ClusterRole secret-reader' },
  ],
  namespaces: ['payments'],
};

export const formulaSubject: RiskyAccessFinding = {
  kind: 'risky-access',
  rule: 'pods-exec',
  severity: 'high',
  clusterId: DEV,
  clusterName: 'aks-dev-weu',
  subject: { kind: 'Group', name: '=HYPERLINK("http://evil.example","x")', objectId: '44444444-4444-4444-4444-444444444444' },
  summary: 'create pods/exec: run commands in running containers',
  path: [
    {
      plane: 'azure',
      kind: 'dataAction',
      cluster: DEV,
      assignmentId: `${SUB}/providers/Microsoft.Authorization/roleAssignments/55555555-5555-5555-5555-555555555555`,
      roleName: 'Azure Kubernetes Service RBAC Writer',
      roleDefinitionId: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
      scope: SUB,
      dataAction: 'Microsoft.ContainerService/managedClusters/pods/exec/action',
      matchedBy: 'Microsoft.ContainerService/managedClusters/*',
      principalId: '44444444-4444-4444-4444-444444444444',
    },
  ],
  namespaces: ['*'],
};

export const impersonate: RiskyAccessFinding = {
  kind: 'risky-access',
  rule: 'impersonate',
  severity: 'critical',
  clusterId: DEV,
  clusterName: 'aks-dev-weu',
  subject: { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' },
  summary: 'impersonate users, groups or service accounts (system:masters included)',
  path: [{ plane: 'kubernetes', kind: 'binding', binding: 'ClusterRoleBinding ci-impersonate', role: 'ClusterRole impersonator' }],
};

export const escalation: EscalationFinding = {
  kind: 'escalation-path',
  technique: 'admin-credential',
  severity: 'critical',
  clusterId: PROD,
  clusterName: 'aks-prod-weu',
  subject: { kind: 'User', name: 'bob@contoso.com', objectId: '66666666-6666-6666-6666-666666666666' },
  principalId: '66666666-6666-6666-6666-666666666666',
  target: 'cluster-admin',
  permission: 'cluster-admin',
  scope: PROD,
  steps: [
    { plane: 'azure', action: 'role "Azure Kubernetes Service Cluster Admin Role" allows listClusterAdminCredential', evidence: [] },
    { plane: 'kubernetes', action: 'admin kubeconfig → system:masters', evidence: [] },
  ],
  summary: 'bob@contoso.com can fetch the admin kubeconfig (local accounts on) and act as system:masters',
  remediation: { description: 'disable local accounts', azCli: 'az aks update -g rg-prod -n aks-prod-weu --disable-local-accounts' },
};

export const suppressedFinding: RiskyAccessFinding = {
  kind: 'risky-access',
  rule: 'nodes-proxy',
  severity: 'high',
  clusterId: PROD,
  clusterName: 'aks-prod-weu',
  subject: { kind: 'ServiceAccount', namespace: 'monitoring', name: 'prometheus' },
  summary: 'get nodes/proxy: reach the kubelet API',
  path: [{ plane: 'kubernetes', kind: 'binding', binding: 'ClusterRoleBinding prometheus', role: 'ClusterRole prometheus' }],
};

function summary(generatedAt: string, critical: number, high: number, medium: number, low: number): ReportSummary {
  return {
    id: generatedAt.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, ''),
    generatedAt,
    clusters: 3,
    staleClusters: 0,
    principals: 4,
    findings: critical + high + medium + low,
    suppressed: 0,
    bySeverity: { critical, high, medium, low },
    byKind: {},
    byRule: {},
    byCluster: [],
  };
}

/** Three earlier daily runs, given out of order (the trend sorts them). */
export const PREVIOUS: readonly ReportSummary[] = [
  summary('2026-11-27T06:00:00.000Z', 1, 4, 2, 1),
  summary('2026-11-25T06:00:00.000Z', 3, 6, 2, 0),
  summary('2026-11-26T06:00:00.000Z', 2, 5, 1, 1),
];

export const REPORT_NOW = new Date('2026-11-28T06:00:00.000Z');

export const REPORT_INPUT: ReportInput = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  findings: [missingAcrPull, overPrivileged, scriptSubject, formulaSubject, impersonate, escalation],
  suppressed: [{ finding: suppressedFinding, suppression: { entry: 'suppressions.yaml entry 1', owner: 'platform-team@contoso.com', reason: 'node metrics scraping, reviewed in SEC-42', expires: '2027-01-31' } }],
  expiredSuppressions: [{ entry: 'suppressions.yaml entry 2', owner: 'alice@contoso.com', reason: 'migration window', expires: '2026-10-31', match: { kind: 'risky-access', rule: 'pods-exec' }, wouldMatch: 1 }],
  clusters: [
    { clusterId: PROD, name: 'aks-prod-weu', generation: 'g2', compiledAt: '2026-11-28T05:50:00.000Z', stale: false, staleReasons: [] },
    { clusterId: DEV, name: 'aks-dev-weu', generation: 'g1', compiledAt: '2026-11-27T05:50:00.000Z', stale: true, staleReasons: ['k8s-rbac unit cluster:aks-dev-weu: transient (503 from the API server)'] },
    { clusterId: PAYMENTS, name: 'aks-payments-prod', generation: 'g2', compiledAt: '2026-11-28T05:51:00.000Z', stale: false, staleReasons: [] },
  ],
  units: [
    { unit: 'azure-rbac/tenant', state: 'ok', lastAttempt: '2026-11-28T05:45:00.000Z', lastSuccess: '2026-11-28T05:45:00.000Z' },
    { unit: 'k8s-rbac/cluster:aks-dev-weu', state: 'transient', lastAttempt: '2026-11-28T05:46:00.000Z', lastSuccess: '2026-11-27T05:46:00.000Z', message: '503 from the API server' },
  ],
  previous: PREVIOUS,
  warnings: ['image registry.example.com/app:1 is not from an ACR the input describes'],
};
