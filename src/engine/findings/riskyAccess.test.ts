/**
 * Risky access: each rule with allowed and denied cases, including the corner cases surveyed tools get wrong
 * (a resourceNames-restricted secret rule is not "can list secrets"; get nodes/proxy counts; bind is checked
 * on roles/clusterroles, not on bindings), baselines, and the Azure-plane rules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../model/k8sRbac.ts';
import { loadContoso } from '../../sim/scenario/findingsInputs.ts';
import type { AccessModel } from '../access/accessModel.ts';
import { riskyAccessFindings, type RiskyAccessFinding, type RiskyRule } from './riskyAccess.ts';
import {
  assignment,
  cluster,
  clusterRole,
  clusterRoleBinding,
  groupSubject,
  rbacObjects,
  rg,
  ROLE,
  roleBinding,
  rule,
  saSubject,
  user,
  userSubject,
  world,
} from '../../../test/helpers/azureFixtures.ts';

const C = cluster('c1', { localAccountsEnabled: false });

/** Who one cluster role bound to user "u" (cluster-wide, or in namespace ns) makes risky, by rule. */
function rulesFor(rules: PolicyRule[], ns?: string): RiskyRule[] {
  const objects = rbacObjects(
    clusterRole('r', rules),
    ns === undefined ? clusterRoleBinding('b', 'r', [userSubject('u')]) : roleBinding(ns, 'b', { kind: 'ClusterRole', name: 'r' }, [userSubject('u')]),
  );
  const model = world({ clusters: [C], kubernetes: [[C, objects]] });
  return [...new Set(riskyAccessFindings(model).findings.filter((f) => f.subject.name === 'u').map((f) => f.rule))].sort();
}

describe('Kubernetes rules: allowed and denied', () => {
  it.each<[string, PolicyRule[], string | undefined, RiskyRule[]]>([
    ['list secrets', [rule(['list'], [''], ['secrets'])], 'payments', ['secrets-read']],
    ['watch secrets', [rule(['watch'], [''], ['secrets'])], undefined, ['secrets-read']],
    ['get secrets (any name)', [rule(['get'], [''], ['secrets'])], 'payments', ['secrets-read']],
    ['resourceNames-restricted get/list is not "can read secrets"', [rule(['get', 'list', 'watch'], [''], ['secrets'], ['db-password'])], 'payments', []],
    ['secrets in another API group', [rule(['list'], ['apps'], ['secrets'])], undefined, []],
    ['configmaps are not secrets', [rule(['list'], [''], ['configmaps'])], undefined, []],
    ['create pods/exec', [rule(['create'], [''], ['pods/exec'])], 'payments', ['pods-exec']],
    ['get pods/exec is not exec', [rule(['get'], [''], ['pods/exec'])], 'payments', []],
    ['*/exec', [rule(['create'], [''], ['*/exec'])], 'payments', ['pods-exec']],
    ['pods (no subresource) is not pods/exec', [rule(['create'], [''], ['pods'])], 'payments', []],
    ['create pods in kube-system', [rule(['create'], [''], ['pods'])], 'kube-system', ['workloads-in-kube-system']],
    ['patch deployments in kube-system', [rule(['patch'], ['apps'], ['deployments'])], 'kube-system', ['workloads-in-kube-system']],
    ['create deployments elsewhere', [rule(['create'], ['apps'], ['deployments'])], 'payments', []],
    ['create deployments cluster-wide', [rule(['create'], ['apps'], ['deployments'])], undefined, ['workloads-in-kube-system']],
    ['deployments in the wrong API group', [rule(['create'], ['extensions.example'], ['deployments'])], 'kube-system', []],
    ['escalate clusterroles', [rule(['escalate'], ['rbac.authorization.k8s.io'], ['clusterroles'])], undefined, ['rbac-escalate']],
    ['escalate roles in a namespace', [rule(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])], 'payments', ['rbac-escalate']],
    ['bind clusterroles', [rule(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'])], undefined, ['rbac-bind']],
    ['bind on rolebindings is not bind', [rule(['bind'], ['rbac.authorization.k8s.io'], ['rolebindings', 'clusterrolebindings'])], undefined, []],
    ['create rolebindings alone is not bind', [rule(['create'], ['rbac.authorization.k8s.io'], ['rolebindings'])], 'payments', []],
    ['bind restricted to one role name: still no bind on an unnamed role', [rule(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'], ['view'])], undefined, []],
    ['impersonate groups', [rule(['impersonate'], [''], ['groups'])], undefined, ['impersonate']],
    ['impersonate serviceaccounts in a namespace', [rule(['impersonate'], [''], ['serviceaccounts'])], 'payments', ['impersonate']],
    ['get nodes/proxy counts', [rule(['get'], [''], ['nodes/proxy'])], undefined, ['nodes-proxy']],
    ['get nodes is not nodes/proxy', [rule(['get'], [''], ['nodes'])], undefined, []],
    ['update CSR approval', [rule(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/approval'])], undefined, ['csr-approval']],
    ['update CSRs (no /approval)', [rule(['update'], ['certificates.k8s.io'], ['certificatesigningrequests'])], undefined, []],
    ['patch mutating webhooks', [rule(['patch'], ['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'])], undefined, ['webhook-config-write']],
    ['list webhooks', [rule(['list'], ['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'])], undefined, []],
    ['create serviceaccounts/token', [rule(['create'], [''], ['serviceaccounts/token'])], 'payments', ['serviceaccount-token']],
    ['create serviceaccounts is not token', [rule(['create'], [''], ['serviceaccounts'])], 'payments', []],
    [
      'full wildcard: every rule',
      [rule(['*'], ['*'], ['*'])],
      undefined,
      ['csr-approval', 'impersonate', 'nodes-proxy', 'pods-exec', 'rbac-bind', 'rbac-escalate', 'secrets-read', 'serviceaccount-token', 'webhook-config-write', 'wildcard', 'workloads-in-kube-system'],
    ],
    ['* verbs on core resources: not the wildcard rule', [rule(['*'], [''], ['*'])], 'payments', ['impersonate', 'pods-exec', 'secrets-read', 'serviceaccount-token']],
  ])('%s', (_label, rules, ns, expected) => {
    expect(rulesFor(rules, ns)).toEqual(expected);
  });
});

describe('bindings to unauthenticated and every authenticated identity', () => {
  const objects = rbacObjects(
    clusterRole('view-all', [rule(['get'], [''], ['pods'])]),
    clusterRoleBinding('anon-view', 'view-all', [userSubject('system:anonymous')]),
    clusterRoleBinding('everyone-view', 'view-all', [groupSubject('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', 'view-all', [groupSubject('system:unauthenticated')]),
  );
  const model = world({ clusters: [C], kubernetes: [[C, objects]] });
  it('reports them, without the upstream baseline unless asked', () => {
    const f = riskyAccessFindings(model).findings.filter((x) => x.rule === 'unauthenticated-binding');
    expect(f.map((x) => [x.subject.name, x.severity, x.path[0]])).toEqual([
      ['system:anonymous', 'critical', { plane: 'kubernetes', kind: 'binding', binding: 'ClusterRoleBinding/anon-view', role: 'ClusterRole/view-all' }],
      ['system:authenticated', 'high', { plane: 'kubernetes', kind: 'binding', binding: 'ClusterRoleBinding/everyone-view', role: 'ClusterRole/view-all' }],
    ]);
    const all = riskyAccessFindings(model, { includeBaseline: true }).findings.filter((x) => x.rule === 'unauthenticated-binding');
    expect(all.map((x) => [x.subject.name, x.baseline ?? false])).toContainEqual(['system:unauthenticated', true]);
  });
});

describe('baselines', () => {
  const objects = rbacObjects(
    clusterRole('secrets', [rule(['list'], [''], ['secrets'])]),
    clusterRoleBinding('system:controller:x', 'secrets', [saSubject('kube-system', 'x-controller')]),
    clusterRoleBinding('aks-service-secrets', 'secrets', [userSubject('aks-support')]),
    clusterRoleBinding('team-secrets', 'secrets', [saSubject('apps', 'deployer')]),
  );
  const model = world({ clusters: [C], kubernetes: [[C, objects]] });
  const names = (fs: RiskyAccessFinding[]) => fs.filter((f) => f.rule === 'secrets-read').map((f) => `${f.subject.name}${f.baseline === true ? ' (baseline)' : ''}`);
  it('kube-system service accounts and aks-*/system:* bindings are suppressed by default, shown with includeBaseline', () => {
    expect(names(riskyAccessFindings(model).findings)).toEqual(['deployer']);
    expect(names(riskyAccessFindings(model, { includeBaseline: true }).findings).sort()).toEqual(['aks-support (baseline)', 'deployer', 'x-controller (baseline)']);
  });
});

describe('Azure-plane rules', () => {
  const ERIN = user('e2170000-0000-4000-8000-000000000005', 'erin@contoso.com', 'Erin');
  const LOCAL = cluster('local', { localAccountsEnabled: true });
  const OFF = cluster('off', { localAccountsEnabled: false });
  const model: AccessModel = world({
    clusters: [LOCAL, OFF],
    users: [ERIN],
    assignments: [assignment(ERIN.id, ROLE.contributor, rg('rg-aks'))],
  });
  const rules = (name: string) => riskyAccessFindings(model, { clusters: model.clusters.filter((c) => c.name === name) }).findings.filter((f) => f.subject.objectId === ERIN.id && f.path.every((p) => p.kind === 'escalation')).map((f) => f.rule);
  it('Contributor at the resource group: admin credential only with local accounts on; run command and cluster write always; no role-assignment write (notActions)', () => {
    expect(rules('local')).toEqual(['admin-credential-local-accounts', 'run-command', 'cluster-write']);
    expect(rules('off')).toEqual(['run-command', 'cluster-write']);
  });
  it('with local accounts on, the admin credential is a path for every Kubernetes rule too', () => {
    const secrets = riskyAccessFindings(model, { clusters: model.clusters.filter((c) => c.name === 'local') }).findings.find((f) => f.rule === 'secrets-read' && f.subject.objectId === ERIN.id);
    expect(secrets?.path.map((p) => p.kind)).toEqual(['adminCredential']);
  });
});

describe('contoso', () => {
  let findings: RiskyAccessFinding[];
  beforeAll(async () => {
    const { identityInput } = await loadContoso();
    findings = riskyAccessFindings(identityInput.model).findings;
  });
  const who = (cluster: string, r: RiskyRule) => findings.filter((f) => f.clusterName === cluster && f.rule === r).map((f) => f.subject.displayName ?? f.subject.name);
  it('alice reads one named secret only: not a secret reader on her own', () => {
    expect(who('aks-prod-weu', 'secrets-read')).not.toContain('Alice Smith');
    expect(who('aks-prod-weu', 'secrets-read')).toContain('payments-devs');
  });
  it('aks-ops-weu: the admin credential with local accounts on; nobody else has that finding', () => {
    expect(findings.filter((f) => f.rule === 'admin-credential-local-accounts').map((f) => `${f.clusterName} ${f.subject.displayName ?? f.subject.name}`).sort()).toEqual(['aks-ops-weu platform-team', 'aks-ops-weu terraform-platform']);
  });
  it('get nodes/proxy through the prometheus scraper role', () => {
    expect(who('aks-prod-weu', 'nodes-proxy')).toContain('prometheus');
  });
  it('an ABAC-conditional grant (grace: cert-manager.io only) is flagged conditional', () => {
    const grace = findings.filter((f) => f.subject.displayName === 'Grace Hopper');
    expect(grace.length).toBeGreaterThan(0);
    expect(grace.every((f) => f.conditional === true)).toBe(true);
  });
  it('no built-in subject leaks through by default', () => {
    expect(findings.filter((f) => f.subject.name.startsWith('system:') || f.subject.namespace === 'kube-system')).toEqual([]);
  });
});
