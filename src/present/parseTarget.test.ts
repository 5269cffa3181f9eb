import { describe, expect, it } from 'vitest';
import { parseTarget } from './parseTarget.ts';
import { UsageError } from './UsageError.ts';
import type { AccessRequest } from '../model/accessRequest.ts';

function resource(fields: { verb?: string; resource: string; apiGroup: string; name?: string; subresource?: string; namespace?: string }): AccessRequest {
  return { type: 'resource', verb: 'get', name: '', subresource: '', namespace: '', ...fields };
}

function usageErrorOf(verb: string | undefined, target: string | undefined, subresource = ''): string {
  try {
    parseTarget(verb, target, subresource, '');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected parseTarget to throw');
}

describe('parseTarget: built-in types get their group from the table', () => {
  it.each([
    ['secrets', 'secrets', '', true],
    ['secret', 'secrets', '', true],
    ['pods', 'pods', '', true],
    ['po', 'pods', '', true],
    ['nodes', 'nodes', '', false],
    ['namespaces', 'namespaces', '', false],
    ['deployments', 'deployments', 'apps', true],
    ['deployment', 'deployments', 'apps', true],
    ['deploy', 'deployments', 'apps', true],
    ['cronjobs', 'cronjobs', 'batch', true],
    ['ingresses', 'ingresses', 'networking.k8s.io', true],
    ['clusterroles', 'clusterroles', 'rbac.authorization.k8s.io', false],
    ['crd', 'customresourcedefinitions', 'apiextensions.k8s.io', false],
    ['users', 'users', '', false],
  ])('%s → %s in group "%s"', (target, resourceName, apiGroup, namespaced) => {
    const parsed = parseTarget('get', target, '', '');
    expect(parsed.request).toEqual(resource({ resource: resourceName, apiGroup }));
    expect(parsed.namespaced).toBe(namespaced);
    expect(parsed.warnings).toEqual([]);
  });
});

describe('parseTarget: TYPE.GROUP and TYPE.VERSION.GROUP', () => {
  it.each(['deployments.apps', 'deployments.v1.apps', 'deploy.apps', 'deployment.v1.apps'])('%s → deployments.apps', (target) => {
    const parsed = parseTarget('patch', target, '', 'payments');
    expect(parsed.request).toEqual(resource({ verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'payments' }));
    expect(parsed.namespaced).toBe(true);
    expect(parsed.warnings).toEqual([]);
  });

  it('takes a version with alpha/beta suffix off too', () => {
    expect(parseTarget('get', 'cronjobs.v1beta1.batch', '', '').request).toEqual(resource({ resource: 'cronjobs', apiGroup: 'batch' }));
    expect(parseTarget('get', 'widgets.v2alpha3.example.com', '', '').request).toEqual(resource({ resource: 'widgets', apiGroup: 'example.com' }));
  });

  it('keeps a custom resource as written, without a warning, scope unknown', () => {
    for (const target of ['certificates.cert-manager.io', 'certificates.v1.cert-manager.io']) {
      const parsed = parseTarget('list', target, '', 'payments');
      expect(parsed.request).toEqual(resource({ verb: 'list', resource: 'certificates', apiGroup: 'cert-manager.io', namespace: 'payments' }));
      expect(parsed.namespaced).toBeUndefined();
      expect(parsed.warnings).toEqual([]);
    }
  });

  it('does not move a built-in name into a group it does not belong to', () => {
    // pods.apps is not a built-in type: asked literally, as RBAC would match it.
    const parsed = parseTarget('get', 'pods.apps', '', '');
    expect(parsed.request).toEqual(resource({ resource: 'pods', apiGroup: 'apps' }));
    expect(parsed.namespaced).toBeUndefined();
  });

  it('a trailing dot means the core group', () => {
    expect(parseTarget('get', 'secrets.', '', '').request).toEqual(resource({ resource: 'secrets', apiGroup: '' }));
  });
});

describe('parseTarget: names, subresources, namespaces', () => {
  it('TYPE/NAME sets the name', () => {
    const parsed = parseTarget('get', 'secrets/db-password', '', 'payments');
    expect(parsed.request).toEqual(resource({ resource: 'secrets', apiGroup: '', name: 'db-password', namespace: 'payments' }));
  });

  it('TYPE.GROUP/NAME with a subresource', () => {
    const parsed = parseTarget('patch', 'deployments.apps/web', 'scale', 'payments');
    expect(parsed.request).toEqual(resource({ verb: 'patch', resource: 'deployments', apiGroup: 'apps', name: 'web', subresource: 'scale', namespace: 'payments' }));
  });

  it('alias with name', () => {
    expect(parseTarget('get', 'deploy/web', '', '').request).toEqual(resource({ resource: 'deployments', apiGroup: 'apps', name: 'web' }));
  });

  it('TYPE/NAME/SUB is refused: the subresource goes in --subresource', () => {
    expect(usageErrorOf('get', 'pods/web/log')).toBe('"pods/web/log": expected TYPE/NAME; give a subresource with --subresource');
  });
});

describe('parseTarget: wildcards, non-resource URLs, unknown types', () => {
  it('`*` is every resource in every group', () => {
    const parsed = parseTarget('delete', '*', '', 'payments');
    expect(parsed.request).toEqual(resource({ verb: 'delete', resource: '*', apiGroup: '*', namespace: 'payments' }));
    expect(parsed.namespaced).toBeUndefined();
    expect(parsed.warnings).toEqual([]);
  });

  it('a path is a non-resource URL, never namespaced', () => {
    const parsed = parseTarget('get', '/healthz', '', 'payments');
    expect(parsed.request).toEqual({ type: 'nonResource', verb: 'get', path: '/healthz' });
    expect(parsed.namespaced).toBe(false);
    expect(parsed.warnings).toEqual([]);
    expect(parseTarget('get', '/metrics/cadvisor', '', '').request).toEqual({ type: 'nonResource', verb: 'get', path: '/metrics/cadvisor' });
  });

  it('a non-resource URL takes no subresource', () => {
    expect(usageErrorOf('get', '/healthz', 'status')).toBe('--subresource cannot be used with a non-resource URL');
  });

  it('an unknown bare type is assumed core, with a warning that says how to name a custom resource', () => {
    const parsed = parseTarget('get', 'widgets', '', '');
    expect(parsed.request).toEqual(resource({ resource: 'widgets', apiGroup: '' }));
    expect(parsed.namespaced).toBeUndefined();
    expect(parsed.warnings).toEqual([
      '"widgets" is not a built-in resource type; assuming the core API group (""). Write TYPE.GROUP for a custom resource, e.g. certificates.cert-manager.io',
    ]);
  });

  it('is case-sensitive like the authorizer: `Pods` is not a built-in type', () => {
    const parsed = parseTarget('get', 'Pods', '', '');
    expect(parsed.request).toEqual(resource({ resource: 'Pods', apiGroup: '' }));
    expect(parsed.warnings).toHaveLength(1);
    expect(parseTarget('get', 'Deployments.apps', '', '').request).toEqual(resource({ resource: 'Deployments', apiGroup: 'apps' }));
  });

  it('an unknown type keeps its name and gets the warning with a name too', () => {
    const parsed = parseTarget('get', 'widgets/w1', '', 'ns');
    expect(parsed.request).toEqual(resource({ resource: 'widgets', apiGroup: '', name: 'w1', namespace: 'ns' }));
    expect(parsed.warnings).toHaveLength(1);
  });

  it('a missing verb or target is a usage error', () => {
    expect(usageErrorOf(undefined, undefined)).toBe('missing VERB (for example: get, list, create, impersonate, escalate)');
    expect(usageErrorOf('', 'pods')).toBe('missing VERB (for example: get, list, create, impersonate, escalate)');
    expect(usageErrorOf('get', undefined)).toBe('missing TYPE[.GROUP][/NAME] or NONRESOURCEURL after the verb');
    expect(usageErrorOf('get', '')).toBe('missing TYPE[.GROUP][/NAME] or NONRESOURCEURL after the verb');
  });
});
