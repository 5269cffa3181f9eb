import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest } from '../../model/accessRequest.ts';
import { resourceRule, rule, urlRule } from '../../../test/helpers/rbacFixtures.ts';
import {
  apiGroupMatches,
  failedAttributes,
  nonResourceRuleAllows,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  resourceRuleAllows,
  ruleAllows,
  verbMatches,
} from './ruleAllows.ts';

// Tables follow evaluation_helpers.go (spec §2): each row is (rule field, request attribute).

describe('verbMatches', () => {
  it.each<[string[], string]>([
    [['*'], 'get'],
    [['*'], 'GET'],
    [['*'], 'impersonate'],
    [['get'], 'get'],
    [['list', 'get'], 'get'],
    [['escalate'], 'escalate'],
  ])('rule verbs %j MATCH %s', (verbs, verb) => {
    expect(verbMatches(rule({ verbs }), verb)).toBe(true);
    expect(ruleAllows(rule({ verbs, nonResourceURLs: ['*'] }), nonResourceRequest(verb, '/x'))).toBe(true);
  });

  it.each<[string[], string]>([
    [['GET'], 'get'],
    [['get'], 'GET'],
    [['get'], 'list'],
    [[], 'get'],
    [[], ''],
    [[], '*'],
    [['ge*'], 'get'],
    [['get '], 'get'],
  ])('rule verbs %j do NOT match %s', (verbs, verb) => {
    expect(verbMatches(rule({ verbs }), verb)).toBe(false);
    expect(ruleAllows(rule({ verbs, nonResourceURLs: ['*'] }), nonResourceRequest(verb, '/x'))).toBe(false);
    expect(failedAttributes(rule({ verbs, nonResourceURLs: ['*'] }), nonResourceRequest(verb, '/x'))).toEqual(['verb']);
  });
});

describe('apiGroupMatches', () => {
  it.each<[string[], string]>([
    [[''], ''],
    [['apps'], 'apps'],
    [['*'], ''],
    [['*'], 'apps'],
    [['', 'apps'], 'apps'],
    [['batch', ''], ''],
  ])('rule apiGroups %j MATCH group %j', (apiGroups, group) => {
    expect(apiGroupMatches(rule({ apiGroups }), group)).toBe(true);
  });

  it.each<[string[], string]>([
    [[''], 'apps'],
    [['apps'], ''],
    [[], ''],
    [[], 'apps'],
    [['Apps'], 'apps'],
    [['apps'], 'apps.k8s.io'],
    [['*.k8s.io'], 'rbac.authorization.k8s.io'],
  ])('rule apiGroups %j do NOT match group %j', (apiGroups, group) => {
    expect(apiGroupMatches(rule({ apiGroups }), group)).toBe(false);
  });
});

describe('resourceMatches', () => {
  it.each<[string[], string, string]>([
    [['*'], 'pods', ''],
    [['*'], 'pods', 'log'],
    [['*'], 'deployments', 'scale'],
    [['pods'], 'pods', ''],
    [['pods/log'], 'pods', 'log'],
    [['secrets', 'pods/log'], 'pods', 'log'],
    [['*/scale'], 'deployments', 'scale'],
    [['*/scale'], 'replicasets', 'scale'],
    [['*/scale'], 'statefulsets', 'scale'],
    // `pods/*` is no wildcard: it equals only a literal subresource named `*`.
    [['pods/*'], 'pods', '*'],
  ])('rule resources %j MATCH %s subresource %j', (resources, resource, subresource) => {
    expect(resourceMatches(rule({ resources }), resource, subresource)).toBe(true);
  });

  it.each<[string[], string, string]>([
    [['pods'], 'pods', 'log'],
    [['pods'], 'pods', 'exec'],
    [['pods/log'], 'pods', ''],
    [['pods/log'], 'pods', 'exec'],
    [['pods/log'], 'nodes', 'log'],
    [['*/scale'], 'deployments', ''],
    [['*/scale'], 'scale', ''],
    [['*/scale'], 'deployments', 'status'],
    [['*/scale'], 'deployments', 'rescale'],
    [['*/sca'], 'deployments', 'scale'],
    [['*/scale'], 'deployments', 'sca'],
    [['*scale'], 'deployments', 'scale'],
    [['x/scale'], 'deployments', 'scale'],
    [['pods/*'], 'pods', 'log'],
    [['pods/*'], 'pods', ''],
    [['*/*'], 'pods', 'log'],
    [['*/'], 'pods', ''],
    [['Pods'], 'pods', ''],
    [['pod'], 'pods', ''],
    [[], 'pods', ''],
  ])('rule resources %j do NOT match %s subresource %j', (resources, resource, subresource) => {
    expect(resourceMatches(rule({ resources }), resource, subresource)).toBe(false);
  });
});

describe('resourceNameMatches', () => {
  it.each<[string[], string]>([
    [[], ''],
    [[], 'db-password'],
    [['db-password'], 'db-password'],
    [['a', 'b'], 'b'],
    // Upstream compares literally; a rule naming "" (which validation rejects) would match a nameless request.
    [[''], ''],
  ])('rule resourceNames %j MATCH name %j', (resourceNames, name) => {
    expect(resourceNameMatches(rule({ resourceNames }), name)).toBe(true);
  });

  it.each<[string[], string]>([
    // A request without a name (list, watch, create, deletecollection) is never covered by a named rule.
    [['db-password'], ''],
    [['a', 'b'], ''],
    [['a'], 'b'],
    [['A'], 'a'],
    [['a*'], 'ab'],
    [['*'], 'a'],
  ])('rule resourceNames %j do NOT match name %j', (resourceNames, name) => {
    expect(resourceNameMatches(rule({ resourceNames }), name)).toBe(false);
  });
});

describe('nonResourceURLMatches', () => {
  it.each<[string[], string]>([
    [['*'], '/anything/at/all'],
    [['*'], '/'],
    [['*'], ''],
    [['/healthz'], '/healthz'],
    [['/livez', '/healthz'], '/healthz'],
    [['/api/*'], '/api/'],
    [['/api/*'], '/api/v1'],
    [['/api/*'], '/api/v1/namespaces'],
    [['/healthz*'], '/healthz'],
    [['/healthz*'], '/healthzfoo'],
    [['/healthz*'], '/healthz/etcd'],
    // Every trailing `*` is trimmed before the prefix test.
    [['/api/**'], '/api/'],
    [['/api/**'], '/api/v1'],
    [['/api***'], '/api'],
  ])('rule nonResourceURLs %j MATCH %s', (nonResourceURLs, path) => {
    expect(nonResourceURLMatches(rule({ nonResourceURLs }), path)).toBe(true);
  });

  it.each<[string[], string]>([
    [['/healthz'], '/healthz/'],
    [['/healthz'], '/healthzfoo'],
    [['/healthz'], '/healthz/etcd'],
    [['/healthz'], '/Healthz'],
    [['/api/*'], '/api'],
    [['/api/**'], '/api'],
    [['/api/*'], '/apis'],
    [['/api/*/foo'], '/api/v1/foo'],
    [['/*/healthz'], '/x/healthz'],
    [[], '/healthz'],
    [[], ''],
  ])('rule nonResourceURLs %j do NOT match %s', (nonResourceURLs, path) => {
    expect(nonResourceURLMatches(rule({ nonResourceURLs }), path)).toBe(false);
  });
});

describe('ruleAllows: a resource request needs verb, group, resource and name to match', () => {
  const getPods = resourceRule(['get', 'list'], [''], ['pods']);
  const named = resourceRule(['get', 'update'], [''], ['configmaps'], ['cluster-info']);

  it.each([
    { rule: getPods, request: resourceRequest({ verb: 'get', resource: 'pods', name: 'web', namespace: 'a' }) },
    { rule: getPods, request: resourceRequest({ verb: 'list', resource: 'pods' }) },
    { rule: named, request: resourceRequest({ verb: 'update', resource: 'configmaps', name: 'cluster-info', namespace: 'kube-public' }) },
    { rule: resourceRule(['*'], ['*'], ['*']), request: resourceRequest({ verb: 'create', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }) },
  ])('$rule.verbs $rule.resources MATCHES $request.verb $request.resource', ({ rule, request }) => {
    expect(resourceRuleAllows(rule, request)).toBe(true);
    expect(ruleAllows(rule, request)).toBe(true);
    expect(failedAttributes(rule, request)).toEqual([]);
  });

  it.each([
    { rule: getPods, request: resourceRequest({ verb: 'watch', resource: 'pods' }), failed: ['verb'] },
    { rule: getPods, request: resourceRequest({ verb: 'get', apiGroup: 'apps', resource: 'pods' }), failed: ['apiGroup'] },
    { rule: getPods, request: resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log' }), failed: ['resource'] },
    { rule: named, request: resourceRequest({ verb: 'get', resource: 'configmaps' }), failed: ['resourceName'] },
    { rule: named, request: resourceRequest({ verb: 'delete', resource: 'secrets', name: 'x' }), failed: ['verb', 'resource', 'resourceName'] },
  ])('$rule.verbs $rule.resources does NOT match $request.verb $request.resource ($failed)', ({ rule, request, failed }) => {
    expect(resourceRuleAllows(rule, request)).toBe(false);
    expect(ruleAllows(rule, request)).toBe(false);
    expect(failedAttributes(rule, request)).toEqual(failed);
  });
});

describe('ruleAllows: a rule listing both resources and nonResourceURLs is evaluated per request type', () => {
  const both = rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'], nonResourceURLs: ['/healthz'] });

  it.each([
    { request: resourceRequest({ verb: 'get', resource: 'pods', namespace: 'a' }), allowed: true },
    { request: nonResourceRequest('get', '/healthz'), allowed: true },
    { request: resourceRequest({ verb: 'get', resource: 'healthz' }), allowed: false },
    { request: nonResourceRequest('get', '/pods'), allowed: false },
    { request: nonResourceRequest('post', '/healthz'), allowed: false },
  ])('$request → $allowed', ({ request, allowed }) => {
    expect(ruleAllows(both, request)).toBe(allowed);
  });

  it('a resource-only rule never allows a non-resource request, and vice versa', () => {
    expect(nonResourceRuleAllows(resourceRule(['*'], ['*'], ['*']), nonResourceRequest('get', '/healthz'))).toBe(false);
    expect(resourceRuleAllows(urlRule(['*'], ['*']), resourceRequest({ verb: 'get', resource: 'pods' }))).toBe(false);
    expect(failedAttributes(resourceRule(['*'], ['*'], ['*']), nonResourceRequest('get', '/healthz'))).toEqual(['nonResourceURL']);
    expect(failedAttributes(urlRule(['*'], ['*']), resourceRequest({ verb: 'get', resource: 'pods' }))).toEqual(['apiGroup', 'resource']);
  });
});
