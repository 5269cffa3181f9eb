/**
 * Golden tests over the upstream bootstrap RBAC policy (kube-apiserver's default roles and bindings, see
 * examples/k8s/kubernetes-bootstrap/README.md). Every expected set below was worked out by reading
 * the YAML, not by running the engine: the comments say which binding and rule puts each subject there.
 *
 * Who is bound (cluster-role-bindings.yaml, controller-role-bindings.yaml, namespace-role-bindings.yaml):
 * - cluster-admin → Group system:masters; system:basic-user, system:discovery → Group system:authenticated;
 *   system:public-info-viewer → Groups system:authenticated and system:unauthenticated;
 *   system:kube-controller-manager → User system:kube-controller-manager; system:kube-scheduler and
 *   system:volume-scheduler → User system:kube-scheduler; system:node-proxier → User system:kube-proxy;
 *   system:kube-dns → SA kube-system/kube-dns; system:node → no subjects at all.
 * - every system:controller:X ClusterRole → SA kube-system/X (38 controllers).
 * - RoleBindings: kube-public bootstrap-signer; kube-system extension-apiserver-authentication-reader,
 *   leader-locking-*, bootstrap-signer, cloud-provider, token-cleaner.
 * - admin, edit, view, system:monitoring, system:heapster, system:kubelet-api-admin, system:auth-delegator… are
 *   not bound by anything in this (older) binding set.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest, type AccessRequest } from '../../src/model/accessRequest.ts';
import type { RbacObjects } from '../../src/model/k8sRbac.ts';
import { readManifestFiles } from '../../src/manifests/readManifestFiles.ts';
import { buildRbacPolicy, type RbacPolicy } from '../../src/engine/k8s/rbacPolicy.ts';
import { compileRbacIndex, type CompiledRbacIndex } from '../../src/engine/k8s/compiledRbacIndex.ts';
import { whoCan, whoCanInAnyNamespace } from '../../src/engine/k8s/whoCan.ts';
import { can } from '../../src/engine/k8s/can.ts';
import { impersonatedUser, serviceAccountUser } from '../../src/engine/k8s/identity.ts';
import { ruleAllows } from '../../src/engine/k8s/ruleAllows.ts';
import { aggregateClusterRoles } from '../../src/engine/k8s/aggregateClusterRoles.ts';
import { groupSubject, roleBinding, subjectKeys, toClusterRole, userSubject } from '../helpers/rbacFixtures.ts';
import { naiveCan, naiveWhoCan } from '../reference/naiveAuthorizer.ts';

const BOOTSTRAP_DIR = fileURLToPath(new URL('../../examples/k8s/kubernetes-bootstrap', import.meta.url));

let objects: RbacObjects;
let policy: RbacPolicy;
let index: CompiledRbacIndex;
let loadWarnings: readonly string[];

beforeAll(async () => {
  // No skip when the folder is missing: readManifestFiles throws and every test here fails.
  const loaded = await readManifestFiles([BOOTSTRAP_DIR]);
  objects = { roles: loaded.roles, bindings: loaded.bindings };
  loadWarnings = loaded.warnings;
  policy = buildRbacPolicy(objects);
  index = compileRbacIndex(policy);
});

const MASTERS = 'Group:system:masters';
const kubeSystemSA = (name: string) => `ServiceAccount:kube-system/${name}`;
const controller = (name: string) => kubeSystemSA(name);

/** Checks the engine and the reference evaluator against the hand-derived set. */
function expectWhoCan(request: AccessRequest, expected: string[]): void {
  expect(subjectKeys(whoCan(index, request))).toEqual([...expected].sort());
  expect([...naiveWhoCan(objects, request)].sort()).toEqual([...expected].sort());
}

describe('bootstrap policy: loading', () => {
  it('the reference folder exists', () => {
    expect(existsSync(BOOTSTRAP_DIR), `${BOOTSTRAP_DIR} is missing`).toBe(true);
  });

  it('loads every object without warnings and resolves every roleRef', () => {
    // cluster-roles 31 + controller-roles 38 ClusterRoles; 7 namespace Roles.
    expect(objects.roles.filter((r) => r.kind === 'ClusterRole')).toHaveLength(69);
    expect(objects.roles.filter((r) => r.kind === 'Role')).toHaveLength(7);
    // 10 + 38 ClusterRoleBindings; 7 RoleBindings.
    expect(objects.bindings.filter((b) => b.kind === 'ClusterRoleBinding')).toHaveLength(48);
    expect(objects.bindings.filter((b) => b.kind === 'RoleBinding')).toHaveLength(7);
    expect(loadWarnings).toEqual([]);
    expect(policy.warnings).toEqual([]);
    expect(policy.bindings.filter((b) => b.error !== undefined)).toEqual([]);
  });
});

describe('bootstrap policy: who can', () => {
  it('get secrets in kube-system', () => {
    expectWhoCan(resourceRequest({ verb: 'get', resource: 'secrets', name: 'some-secret', namespace: 'kube-system' }), [
      MASTERS,
      // system:kube-controller-manager ClusterRole: get configmaps, namespaces, secrets, serviceaccounts.
      'User:system:kube-controller-manager',
      // get on `*` in group `*`.
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
      // kube-system Roles: bootstrap-signer (get,list,watch secrets), token-cleaner (delete,get,list,watch secrets).
      kubeSystemSA('bootstrap-signer'),
      kubeSystemSA('token-cleaner'),
    ]);
  });

  it('get secrets in another namespace: the kube-system RoleBindings drop out', () => {
    expectWhoCan(resourceRequest({ verb: 'get', resource: 'secrets', name: 'some-secret', namespace: 'default' }), [
      MASTERS,
      'User:system:kube-controller-manager',
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
    ]);
  });

  it('create pods/exec in a namespace: only system:masters (edit/admin are not bound)', () => {
    expectWhoCan(resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web-0', namespace: 'default' }), [MASTERS]);
    expectWhoCan(resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web-0', namespace: 'kube-system' }), [MASTERS]);
  });

  it('escalate clusterroles', () => {
    expectWhoCan(resourceRequest({ verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' }), [
      MASTERS,
      // clusterrole-aggregation-controller: escalate,get,list,patch,update,watch clusterroles.
      controller('clusterrole-aggregation-controller'),
    ]);
  });

  it('bind clusterroles', () => {
    expectWhoCan(resourceRequest({ verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' }), [MASTERS]);
  });

  it('get nodes/proxy', () => {
    expectWhoCan(resourceRequest({ verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'node-1' }), [
      MASTERS,
      // podcheckpoint-controller: create,get nodes/proxy.
      controller('podcheckpoint-controller'),
      // `*` covers every subresource.
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
    ]);
  });

  it('get /healthz', () => {
    expectWhoCan(nonResourceRequest('get', '/healthz'), [
      MASTERS,
      // system:discovery and system:public-info-viewer list /healthz exactly.
      'Group:system:authenticated',
      'Group:system:unauthenticated',
    ]);
  });

  it('get /healthz/etcd: /healthz is exact; /healthz/* is only in the unbound system:monitoring', () => {
    expectWhoCan(nonResourceRequest('get', '/healthz/etcd'), [MASTERS]);
  });

  it('get /apis/apps/v1 (system:discovery /apis/*) and /apis (exact)', () => {
    expectWhoCan(nonResourceRequest('get', '/apis/apps/v1'), [MASTERS, 'Group:system:authenticated']);
    expectWhoCan(nonResourceRequest('get', '/apis'), [MASTERS, 'Group:system:authenticated']);
    expectWhoCan(nonResourceRequest('post', '/apis'), [MASTERS]);
  });

  it('list nodes (cluster-wide)', () => {
    expectWhoCan(resourceRequest({ verb: 'list', resource: 'nodes' }), [
      MASTERS,
      // system:kube-scheduler and system:node-proxier: get,list,watch nodes; system:kube-controller-manager: list on `*`.
      'User:system:kube-scheduler',
      'User:system:kube-proxy',
      'User:system:kube-controller-manager',
      // Controllers with list on nodes, or list on `*`.
      controller('attachdetach-controller'),
      controller('daemon-set-controller'),
      controller('endpointslice-controller'),
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
      controller('node-controller'),
      controller('persistent-volume-binder'),
      controller('pod-garbage-collector'),
      controller('podcheckpoint-controller'),
      controller('resourcequota-controller'),
      controller('route-controller'),
      controller('service-controller'),
      controller('ttl-controller'),
    ]);
  });

  it('impersonate users', () => {
    expectWhoCan(resourceRequest({ verb: 'impersonate', resource: 'users', name: 'alice' }), [MASTERS]);
    // edit's impersonate serviceaccounts is not bound either.
    expectWhoCan(resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', name: 'default', namespace: 'default' }), [MASTERS]);
  });

  it('create serviceaccounts/token', () => {
    expectWhoCan(resourceRequest({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'builder', namespace: 'default' }), [
      MASTERS,
      // system:kube-controller-manager: create serviceaccounts/token (system:node has it too, but its binding has no subjects).
      'User:system:kube-controller-manager',
    ]);
  });

  it('get configmaps in kube-public', () => {
    expectWhoCan(resourceRequest({ verb: 'get', resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' }), [
      MASTERS,
      'User:system:kube-controller-manager',
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
      // kube-public Role system:controller:bootstrap-signer: get,list,watch configmaps.
      kubeSystemSA('bootstrap-signer'),
    ]);
  });

  it('update configmaps in kube-public: the bootstrap-signer only for cluster-info (resourceNames)', () => {
    const update = (name: string) => resourceRequest({ verb: 'update', resource: 'configmaps', name, namespace: 'kube-public' });
    // root-ca-cert-publisher: create,update configmaps; generic-garbage-collector: update on `*`.
    const always = [MASTERS, controller('generic-garbage-collector'), controller('root-ca-cert-publisher')];
    expectWhoCan(update('cluster-info'), [...always, kubeSystemSA('bootstrap-signer')]);
    expectWhoCan(update('something-else'), always);
  });

  it('list configmaps in kube-public: resourceNames never answer a list', () => {
    expectWhoCan(resourceRequest({ verb: 'list', resource: 'configmaps', namespace: 'kube-public' }), [
      MASTERS,
      // list on `*`.
      'User:system:kube-controller-manager',
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
      controller('resourcequota-controller'),
      kubeSystemSA('bootstrap-signer'),
    ]);
  });

  it('get the legacy token tracking configmap in kube-system', () => {
    expectWhoCan(resourceRequest({ verb: 'get', resource: 'configmaps', name: 'kube-apiserver-legacy-service-account-token-tracking', namespace: 'kube-system' }), [
      MASTERS,
      'User:system:kube-controller-manager',
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
      // resourceNames: [kube-apiserver-legacy-service-account-token-tracking].
      controller('legacy-service-account-token-cleaner'),
      // kube-system Role system:controller:cloud-provider: create,get,list,watch configmaps.
      kubeSystemSA('cloud-provider'),
    ]);
  });

  it('get leases in kube-system: leader-locking Roles', () => {
    expectWhoCan(resourceRequest({ verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'kube-scheduler', namespace: 'kube-system' }), [
      MASTERS,
      // resourceNames [kube-scheduler] in system:kube-scheduler; the leader-locking Roles have no names.
      'User:system:kube-scheduler',
      'User:system:kube-controller-manager',
      kubeSystemSA('kube-controller-manager'),
      kubeSystemSA('leader-election-controller'),
      kubeSystemSA('kube-scheduler'),
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
    ]);
  });

  it('get deployments/scale (disruption-controller and HPA via */scale)', () => {
    expectWhoCan(resourceRequest({ verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', namespace: 'default' }), [
      MASTERS,
      controller('disruption-controller'),
      controller('horizontal-pod-autoscaler'),
      controller('generic-garbage-collector'),
      controller('namespace-controller'),
    ]);
    // `*/scale` does not cover the deployment itself.
    expectWhoCan(resourceRequest({ verb: 'update', apiGroup: 'apps', resource: 'deployments', name: 'web', namespace: 'default' }), [
      MASTERS,
      controller('deployment-controller'),
      controller('generic-garbage-collector'),
    ]);
  });
});

describe('bootstrap policy: can', () => {
  it('authenticated users may read /healthz, first through system:discovery', () => {
    const decision = can(index, impersonatedUser('bob', []), nonResourceRequest('get', '/healthz'));
    expect(decision.allowed).toBe(true);
    expect(decision.decidedBy).toMatchObject({ binding: { kind: 'ClusterRoleBinding', name: 'system:discovery' }, subject: { kind: 'Group', name: 'system:authenticated' } });
  });

  it('anonymous may read /healthz via system:public-info-viewer, but not /api', () => {
    const anonymous = impersonatedUser('system:anonymous', []);
    expect(can(index, anonymous, nonResourceRequest('get', '/healthz')).decidedBy?.binding.name).toBe('system:public-info-viewer');
    const api = can(index, anonymous, nonResourceRequest('get', '/api'));
    expect(api.allowed).toBe(false);
    expect(api.nearMisses.map((m) => [m.path.binding.name, m.failed])).toEqual([['system:public-info-viewer', 'nonResourceURL']]);
  });

  it('every service account may create selfsubjectaccessreviews (system:basic-user) and nothing in kube-system secrets', () => {
    const sa = serviceAccountUser('default', 'default');
    expect(can(index, sa, resourceRequest({ verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' })).allowed).toBe(true);
    expect(can(index, sa, resourceRequest({ verb: 'get', resource: 'secrets', name: 'x', namespace: 'kube-system' })).allowed).toBe(false);
  });

  it('the controller SAs hold exactly their controller role', () => {
    const gc = serviceAccountUser('kube-system', 'generic-garbage-collector');
    expect(can(index, gc, resourceRequest({ verb: 'delete', apiGroup: 'apps', resource: 'deployments', name: 'x', namespace: 'a' })).allowed).toBe(true);
    expect(can(index, gc, resourceRequest({ verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'a' })).allowed).toBe(false);
    const sameNameElsewhere = serviceAccountUser('default', 'generic-garbage-collector');
    expect(can(index, sameNameElsewhere, resourceRequest({ verb: 'delete', apiGroup: 'apps', resource: 'deployments', name: 'x', namespace: 'a' })).allowed).toBe(false);
  });

  it('the system:node binding has no subjects: nodes get nothing from RBAC', () => {
    const node = { name: 'system:node:aks-1', groups: ['system:nodes', 'system:authenticated'] };
    expect(can(index, node, resourceRequest({ verb: 'get', resource: 'secrets', name: 'x', namespace: 'default' })).allowed).toBe(false);
    expect(can(index, node, resourceRequest({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'x', namespace: 'default' })).allowed).toBe(false);
  });
});

describe('bootstrap policy: aggregated admin, edit, view', () => {
  const rulesOf = (name: string) =>
    aggregateClusterRoles(objects.roles.filter((r) => r.kind === 'ClusterRole')).rulesByClusterRole.get(name) ?? [];
  const allows = (name: string, request: AccessRequest) => rulesOf(name).some((e) => ruleAllows(e.rule, request));

  it('rule counts: view = aggregate-to-view (10), edit = aggregate-to-edit (13) + view, admin = edit + aggregate-to-admin (2)', () => {
    expect(rulesOf('view')).toHaveLength(10);
    expect(rulesOf('edit')).toHaveLength(23);
    expect(rulesOf('admin')).toHaveLength(25);
    // edit's selector matches system:aggregate-to-edit and view (sorted by name); admin's matches edit and system:aggregate-to-admin.
    expect(rulesOf('edit')[0]?.aggregatedFrom).toEqual(['system:aggregate-to-edit']);
    expect(rulesOf('edit')[13]?.aggregatedFrom).toEqual(['view', 'system:aggregate-to-view']);
    expect(rulesOf('admin')[13]?.aggregatedFrom).toEqual(['edit', 'view', 'system:aggregate-to-view']);
    expect(rulesOf('admin')[23]?.aggregatedFrom).toEqual(['system:aggregate-to-admin']);
  });

  const ns = 'team-a';
  it.each<[string, AccessRequest, boolean, boolean, boolean]>([
    // request, view, edit, admin
    ['list pods', resourceRequest({ verb: 'list', resource: 'pods', namespace: ns }), true, true, true],
    ['get pods/log', resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', name: 'p', namespace: ns }), true, true, true],
    ['get secrets', resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: ns }), false, true, true],
    ['create pods/exec', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'p', namespace: ns }), false, true, true],
    ['create deployments.apps', resourceRequest({ verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: ns }), false, true, true],
    ['update deployments.apps/scale', resourceRequest({ verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'd', namespace: ns }), false, true, true],
    ['impersonate serviceaccounts', resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', name: 'default', namespace: ns }), false, true, true],
    ['create serviceaccounts/token', resourceRequest({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'default', namespace: ns }), false, true, true],
    ['create rolebindings', resourceRequest({ verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: ns }), false, false, true],
    ['create localsubjectaccessreviews', resourceRequest({ verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'localsubjectaccessreviews', namespace: ns }), false, false, true],
    ['bind roles', resourceRequest({ verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', name: 'r', namespace: ns }), false, false, false],
    ['update resourcequotas', resourceRequest({ verb: 'update', resource: 'resourcequotas', name: 'q', namespace: ns }), false, false, false],
  ])('%s: view %s, edit %s, admin %s', (_, request, view, edit, admin) => {
    expect(allows('view', request)).toBe(view);
    expect(allows('edit', request)).toBe(edit);
    expect(allows('admin', request)).toBe(admin);
  });

  it('bound through RoleBindings, they hold in that namespace only and never cluster-wide', () => {
    const extended: RbacObjects = {
      roles: objects.roles,
      bindings: [
        ...objects.bindings,
        roleBinding(ns, 'devs-edit', toClusterRole('edit'), [groupSubject('devs')]),
        roleBinding(ns, 'viewer', toClusterRole('view'), [userSubject('val')]),
        roleBinding(ns, 'owner', toClusterRole('admin'), [userSubject('olga')]),
      ],
    };
    const idx = compileRbacIndex(buildRbacPolicy(extended));
    const dev = impersonatedUser('dan', ['devs']);
    const createDeployment = resourceRequest({ verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: ns });
    const getSecret = resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: ns });
    expect(can(idx, dev, createDeployment).allowed).toBe(true);
    expect(can(idx, dev, createDeployment).decidedBy?.aggregatedFrom).toEqual(['system:aggregate-to-edit']);
    expect(can(idx, dev, { ...createDeployment, namespace: 'other' }).allowed).toBe(false);
    expect(can(idx, impersonatedUser('val', []), resourceRequest({ verb: 'list', resource: 'pods', namespace: ns })).allowed).toBe(true);
    expect(can(idx, impersonatedUser('val', []), getSecret).allowed).toBe(false);
    // view lists namespaces, a cluster-scoped resource: a RoleBinding never grants it.
    expect(can(idx, impersonatedUser('val', []), resourceRequest({ verb: 'list', resource: 'namespaces' })).allowed).toBe(false);
    expect(can(idx, impersonatedUser('olga', []), resourceRequest({ verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: ns })).allowed).toBe(true);
    expect(naiveCan(extended, dev, createDeployment)).toBe(true);
    expect(naiveCan(extended, impersonatedUser('val', []), getSecret)).toBe(false);

    const secretsAnywhere = whoCanInAnyNamespace(idx, resourceRequest({ verb: 'get', resource: 'secrets', name: 's' }));
    const where = Object.fromEntries(secretsAnywhere.subjects.map((s) => [`${s.subject.kind}:${s.subject.namespace ?? ''}/${s.subject.name}`, s.namespaces]));
    expect(where).toEqual({
      'User:/olga': [ns],
      'User:/system:kube-controller-manager': ['*'],
      'Group:/devs': [ns],
      'Group:/system:masters': ['*'],
      'ServiceAccount:kube-system/generic-garbage-collector': ['*'],
      'ServiceAccount:kube-system/namespace-controller': ['*'],
      'ServiceAccount:kube-system/bootstrap-signer': ['kube-system'],
      'ServiceAccount:kube-system/token-cleaner': ['kube-system'],
    });
  });
});
