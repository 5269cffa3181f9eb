import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest } from '../../model/accessRequest.ts';
import { actionName, AKS_DATA_ACTION_PREFIX, mapToDataActions } from './aksDataActions.ts';
import { PUBLISHED_AKS_DATA_ACTIONS } from './publishedDataActions.ts';

const P = AKS_DATA_ACTION_PREFIX;
const C = '/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1';

describe('actionName (spec §3.1)', () => {
  it.each([
    ['get', 'read'],
    ['list', 'read'],
    ['watch', 'read'],
    ['create', 'write'],
    ['update', 'write'],
    ['patch', 'write'],
    ['delete', 'delete'],
    ['deletecollection', 'delete'],
    ['bind', 'bind/action'],
    ['escalate', 'escalate/action'],
    ['use', 'use/action'],
    ['impersonate', 'impersonate/action'],
    ['*', '*'],
    // anything else: no verb segment
    ['approve', ''],
    ['sign', ''],
    ['attest', ''],
    ['proxy', ''],
    ['custom-verb', ''],
    ['post', ''],
    ['put', ''],
    ['head', ''],
    // exact and case-sensitive (Go switch)
    ['GET', ''],
    ['Create', ''],
    ['Delete', ''],
  ])('%s → %j', (verb, expected) => {
    expect(actionName(verb)).toBe(expected);
  });
});

describe('resource requests → data action (spec §3, §3.2)', () => {
  it.each([
    // verb table with the spec's example ids
    ['get pods', resourceRequest({ verb: 'get', resource: 'pods', namespace: 'app' }), `${P}/pods/read`],
    ['list deployments.apps', resourceRequest({ verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'app' }), `${P}/apps/deployments/read`],
    ['watch configmaps', resourceRequest({ verb: 'watch', resource: 'configmaps', namespace: 'app' }), `${P}/configmaps/read`],
    ['create configmaps', resourceRequest({ verb: 'create', resource: 'configmaps', namespace: 'app' }), `${P}/configmaps/write`],
    ['update configmaps', resourceRequest({ verb: 'update', resource: 'configmaps', namespace: 'app' }), `${P}/configmaps/write`],
    ['patch configmaps', resourceRequest({ verb: 'patch', resource: 'configmaps', namespace: 'app' }), `${P}/configmaps/write`],
    ['delete secrets', resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'app' }), `${P}/secrets/delete`],
    ['deletecollection secrets', resourceRequest({ verb: 'deletecollection', resource: 'secrets', namespace: 'app' }), `${P}/secrets/delete`],
    ['bind clusterroles', resourceRequest({ verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }), `${P}/rbac.authorization.k8s.io/clusterroles/bind/action`],
    ['escalate roles', resourceRequest({ verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'app' }), `${P}/rbac.authorization.k8s.io/roles/escalate/action`],
    ['use podsecuritypolicies', resourceRequest({ verb: 'use', apiGroup: 'policy', resource: 'podsecuritypolicies' }), `${P}/policy/podsecuritypolicies/use/action`],
    ['impersonate users', resourceRequest({ verb: 'impersonate', resource: 'users', name: 'alice' }), `${P}/users/impersonate/action`],
    ['impersonate groups', resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }), `${P}/groups/impersonate/action`],
    ['impersonate serviceaccounts', resourceRequest({ verb: 'impersonate', resource: 'serviceaccounts', namespace: 'app', name: 'sa' }), `${P}/serviceaccounts/impersonate/action`],
    ['impersonate userextras', resourceRequest({ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes' }), `${P}/authentication.k8s.io/userextras/impersonate/action`],
    // unmapped verbs: no verb segment
    ['approve signers', resourceRequest({ verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }), `${P}/certificates.k8s.io/signers`],
    ['custom verb', resourceRequest({ verb: 'frobnicate', resource: 'pods', namespace: 'app' }), `${P}/pods`],
    ['upper-case verb', resourceRequest({ verb: 'GET', resource: 'pods', namespace: 'app' }), `${P}/pods`],
    // only pods/exec keeps its subresource, regardless of verb
    ['create pods/exec', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'app' }), `${P}/pods/exec/action`],
    ['get pods/exec', resourceRequest({ verb: 'get', resource: 'pods', subresource: 'exec', namespace: 'app' }), `${P}/pods/exec/action`],
    ['approve pods/exec', resourceRequest({ verb: 'approve', resource: 'pods', subresource: 'exec', namespace: 'app' }), `${P}/pods/exec/action`],
    // other subresources are dropped
    ['get pods/log', resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'app' }), `${P}/pods/read`],
    ['create pods/attach', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'attach', namespace: 'app' }), `${P}/pods/write`],
    ['create pods/portforward', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'app' }), `${P}/pods/write`],
    ['create pods/eviction', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'app' }), `${P}/pods/write`],
    ['delete pods/status', resourceRequest({ verb: 'delete', resource: 'pods', subresource: 'status', namespace: 'app' }), `${P}/pods/delete`],
    ['update deployments/scale', resourceRequest({ verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'app' }), `${P}/apps/deployments/write`],
    ['create serviceaccounts/token', resourceRequest({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'app' }), `${P}/serviceaccounts/write`],
    ['get nodes/proxy', resourceRequest({ verb: 'get', resource: 'nodes', subresource: 'proxy' }), `${P}/nodes/read`],
    ['exec on something else than pods', resourceRequest({ verb: 'create', resource: 'deployments', apiGroup: 'apps', subresource: 'exec', namespace: 'app' }), `${P}/apps/deployments/write`],
    // names are never sent
    ['get a named secret', resourceRequest({ verb: 'get', resource: 'secrets', name: 'db-password', namespace: 'app' }), `${P}/secrets/read`],
    // CRDs (feature off): just group/plural/action
    ['CRD', resourceRequest({ verb: 'get', apiGroup: 'cert-manager.io', resource: 'certificates', namespace: 'app' }), `${P}/cert-manager.io/certificates/read`],
  ])('%s', (_label, request, action) => {
    expect(mapToDataActions(request, C).actions).toEqual([action]);
  });

  it('the core group adds nothing (no empty segment, no "v1")', () => {
    const m = mapToDataActions(resourceRequest({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'app' }), C);
    expect(m.actions).toEqual([`${P}/secrets/read`]);
    expect(m.actions[0]).not.toContain('//');
  });

  it('notes what Azure does not see: subresources (but not exec), names, unmapped verbs', () => {
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'app' }), C).notes.join('\n')).toMatch(/subresources: pods\/log is checked as pods/);
    expect(mapToDataActions(resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'app' }), C).notes).toEqual([]);
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'app' }), C).notes.join('\n')).toMatch(/object names/);
    expect(mapToDataActions(resourceRequest({ verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers' }), C).notes.join('\n')).toMatch(/no data action for verb "approve"/);
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'pods', namespace: 'app' }), C).notes).toEqual([]);
  });

  it('a resource request never takes the discovery shortcut', () => {
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'pods' }), C).discoveryShortcut).toBe(false);
  });
});

describe('scope (spec §4)', () => {
  it('namespaced requests: <cluster>/namespaces/NS', () => {
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'app' }), C).scope).toBe(`${C}/namespaces/app`);
  });
  it('cluster-scoped and all-namespaces requests: the cluster', () => {
    expect(mapToDataActions(resourceRequest({ verb: 'list', resource: 'pods' }), C).scope).toBe(C);
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'nodes' }), C).scope).toBe(C);
  });
  it('get namespaces/N carries the namespace N (upstream request info)', () => {
    expect(mapToDataActions(resourceRequest({ verb: 'get', resource: 'namespaces', name: 'app', namespace: 'app' }), C)).toMatchObject({
      actions: [`${P}/namespaces/read`],
      scope: `${C}/namespaces/app`,
    });
  });
  it('non-resource requests: always the cluster', () => {
    expect(mapToDataActions(nonResourceRequest('get', '/metrics'), C).scope).toBe(C);
  });
});

describe('non-resource URLs (spec §5) and the discovery shortcut (§1.5)', () => {
  it.each([
    ['get', '/healthz', `${P}/healthz/read`, true],
    ['get', '/livez', `${P}/livez/read`, false],
    ['get', '/readyz', `${P}/readyz/read`, false],
    ['get', '/metrics', `${P}/metrics/read`, false],
    ['get', '/logs', `${P}/logs/read`, false],
    ['list', '/apis', `${P}/apis/read`, false],
    ['get', '/apis', `${P}/apis/read`, true],
    ['get', '/api', `${P}/api/read`, true],
    ['get', '/api/v1', `${P}/api/v1/read`, true],
    ['get', '/apis/apps/v1', `${P}/apis/apps/v1/read`, true],
    ['get', '/openapi/v2', `${P}/openapi/v2/read`, true],
    ['get', '/openapi/v3/apis/apps/v1', `${P}/openapi/v3/apis/apps/v1/read`, true],
    ['get', '/version', `${P}/version/read`, true],
    ['get', '/versionz', `${P}/versionz/read`, true], // string prefix test, as in guard
    ['get', '/healthz/etcd', `${P}/healthz/etcd/read`, true],
    ['get', '/livez/etcd', `${P}/livez/etcd/read`, false],
    ['get', '/debug/pprof', `${P}/debug/pprof/read`, false],
    ['GET', '/healthz', `${P}/healthz`, true], // shortcut: verb compared case-insensitively; action name: exact
    ['get', '/HEALTHZ', `${P}/HEALTHZ/read`, true], // path compared lower-cased
    ['post', '/healthz', `${P}/healthz`, false],
    ['put', '/logs', `${P}/logs`, false],
    ['head', '/healthz', `${P}/healthz`, false],
    ['create', '/apis', `${P}/apis/write`, false],
  ])('%s %s → %s (shortcut %s)', (verb, path, action, shortcut) => {
    const m = mapToDataActions(nonResourceRequest(verb, path), C);
    expect(m.actions).toEqual([action]);
    expect(m.discoveryShortcut).toBe(shortcut);
    expect(m.scope).toBe(C);
    if (shortcut) expect(m.notes.join('\n')).toMatch(/without asking Azure/);
  });

  it.each([
    ['/healthz/', `${P}/healthz/read`],
    ['//healthz//ping', `${P}/healthz/ping/read`],
    ['/', `${P}/read`],
    ['', `${P}/read`],
    ['/./metrics', `${P}/metrics/read`],
    ['/healthz/../metrics', `${P}/metrics/read`],
    ['/logs/a/./b/../c', `${P}/logs/a/c/read`],
  ])('path cleaning like Go path.Join: get %j → %s', (path, action) => {
    expect(mapToDataActions(nonResourceRequest('get', path), C).actions).toEqual([action]);
  });
});

describe('worked examples (spec §8)', () => {
  it.each([
    ['get secret s -n app', resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'app' }), `${P}/secrets/read`, `${C}/namespaces/app`],
    ['list pods --all-namespaces', resourceRequest({ verb: 'list', resource: 'pods' }), `${P}/pods/read`, C],
    ['create pods/exec -n app', resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web', namespace: 'app' }), `${P}/pods/exec/action`, `${C}/namespaces/app`],
    ['get pods/log -n app', resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', name: 'web', namespace: 'app' }), `${P}/pods/read`, `${C}/namespaces/app`],
    ['patch deployments.apps/scale -n app', resourceRequest({ verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', namespace: 'app' }), `${P}/apps/deployments/write`, `${C}/namespaces/app`],
    ['create clusterrolebindings', resourceRequest({ verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }), `${P}/rbac.authorization.k8s.io/clusterrolebindings/write`, C],
    ['bind clusterroles/admin in ns app', resourceRequest({ verb: 'bind', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin', namespace: 'app' }), `${P}/rbac.authorization.k8s.io/clusterroles/bind/action`, `${C}/namespaces/app`],
    ['impersonate groups system:masters', resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }), `${P}/groups/impersonate/action`, C],
    ['get /readyz', nonResourceRequest('get', '/readyz'), `${P}/readyz/read`, C],
    ['list certificatesigningrequests', resourceRequest({ verb: 'list', apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests' }), `${P}/certificates.k8s.io/certificatesigningrequests/read`, C],
    ['approve signers kubernetes.io/kube-apiserver-client', resourceRequest({ verb: 'approve', apiGroup: 'certificates.k8s.io', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }), `${P}/certificates.k8s.io/signers`, C],
  ])('%s', (_label, request, action, scope) => {
    const m = mapToDataActions(request, C);
    expect(m).toMatchObject({ actions: [action], scope, discoveryShortcut: false });
  });
});

describe('wildcard requests (spec §6) expand to published data actions', () => {
  const published = new Set(PUBLISHED_AKS_DATA_ACTIONS);
  const expand = (verb: string, apiGroup: string, resource: string, namespace = '') =>
    mapToDataActions(resourceRequest({ verb, apiGroup, resource, namespace }), C).actions;

  it('every expanded action is a published one, and the note gives the count', () => {
    const m = mapToDataActions(resourceRequest({ verb: '*', apiGroup: '*', resource: '*' }), C);
    expect(m.actions.length).toBeGreaterThan(100);
    for (const a of m.actions) expect(published.has(a)).toBe(true);
    expect(m.notes.join('\n')).toContain(`(${m.actions.length})`);
  });

  it('verb * on one resource: every published action of that resource, pods/exec included', () => {
    expect([...expand('*', '', 'pods')].sort()).toEqual([`${P}/pods/delete`, `${P}/pods/exec/action`, `${P}/pods/read`, `${P}/pods/write`]);
    expect([...expand('*', '', 'serviceaccounts', 'app')].sort()).toEqual(
      [`${P}/serviceaccounts/delete`, `${P}/serviceaccounts/impersonate/action`, `${P}/serviceaccounts/read`, `${P}/serviceaccounts/write`],
    );
  });

  it('a concrete verb filters to its action (create → write; exec/action not included)', () => {
    expect(expand('create', '', '*', 'app')).toContain(`${P}/pods/write`);
    expect(expand('create', '', '*', 'app')).not.toContain(`${P}/pods/exec/action`);
    for (const a of expand('get', '*', '*')) expect(a).toMatch(/\/read$/);
    for (const a of expand('delete', '*', '*')) expect(a).toMatch(/\/delete$/);
  });

  it('group * with one resource: that resource in every group', () => {
    expect([...expand('get', '*', 'deployments', 'app')].sort()).toEqual([`${P}/apps/deployments/read`, `${P}/extensions/deployments/read`]);
    expect([...expand('get', '*', 'events', 'app')].sort()).toEqual([`${P}/events.k8s.io/events/read`, `${P}/events/read`]);
  });

  it('resource * in the core group: only core resources', () => {
    const core = expand('get', '', '*');
    expect(core).toContain(`${P}/pods/read`);
    expect(core).toContain(`${P}/secrets/read`);
    expect(core).toContain(`${P}/nodes/read`);
    expect(core).not.toContain(`${P}/apps/deployments/read`);
    for (const a of core) expect(a.slice(P.length + 1).split('/')).toHaveLength(2);
  });

  it('resource * in a named group: only that group', () => {
    expect([...expand('*', 'batch', '*')].sort()).toEqual([
      `${P}/batch/cronjobs/delete`, `${P}/batch/cronjobs/read`, `${P}/batch/cronjobs/write`,
      `${P}/batch/jobs/delete`, `${P}/batch/jobs/read`, `${P}/batch/jobs/write`,
    ]);
  });

  it('no non-resource paths and no impersonation pseudo-resources (not discovery resources)', () => {
    const all = expand('*', '*', '*');
    for (const bad of [`${P}/api/read`, `${P}/apis/read`, `${P}/apis/apps/v1/read`, `${P}/healthz/read`, `${P}/livez/etcd/read`, `${P}/readyz/read`, `${P}/metrics/read`, `${P}/logs/read`, `${P}/version/read`, `${P}/openapi/v2/read`, `${P}/users/impersonate/action`, `${P}/groups/impersonate/action`, `${P}/authentication.k8s.io/userextras/impersonate/action`]) {
      expect(all).not.toContain(bad);
    }
    expect(all).toContain(`${P}/serviceaccounts/impersonate/action`);
    expect(all).toContain(`${P}/metrics.k8s.io/pods/read`);
  });

  it('resource * with a namespace: namespaced resources only; without: cluster-scoped ones too', () => {
    const inNs = expand('get', '*', '*', 'app');
    const cluster = expand('get', '*', '*');
    for (const a of [`${P}/nodes/read`, `${P}/namespaces/read`, `${P}/persistentvolumes/read`, `${P}/rbac.authorization.k8s.io/clusterroles/read`, `${P}/storage.k8s.io/storageclasses/read`]) {
      expect(inNs).not.toContain(a);
      expect(cluster).toContain(a);
    }
    for (const a of [`${P}/pods/read`, `${P}/secrets/read`, `${P}/rbac.authorization.k8s.io/roles/read`, `${P}/resourcequotas/read`, `${P}/storage.k8s.io/csistoragecapacities/read`]) {
      expect(inNs).toContain(a);
    }
    expect(mapToDataActions(resourceRequest({ verb: 'get', apiGroup: '*', resource: '*', namespace: 'app' }), C).scope).toBe(`${C}/namespaces/app`);
  });

  it('a named resource is not filtered by namespace (guard filters only for resource *)', () => {
    expect(expand('*', '', 'nodes', 'app')).toEqual(expect.arrayContaining([`${P}/nodes/read`]));
  });

  it('an unmapped verb or unknown resource expands to nothing', () => {
    expect(expand('approve', '*', '*')).toEqual([]);
    expect(expand('*', '', 'widgets')).toEqual([]);
  });
});
