import { describe, expect, it } from 'vitest';
import { QueryError } from '../QueryError.ts';
import { parseAccessRequest, type AccessRequestArgs } from './accessRequestInput.ts';
import { parseIdentity } from './identityInput.ts';

function refusal(input: AccessRequestArgs, question: 'whoCan' | 'can' = 'whoCan'): string {
  try {
    parseAccessRequest(input, question);
  } catch (error) {
    if (error instanceof QueryError && error.code === 'BAD_REQUEST') return error.message;
    throw error;
  }
  throw new Error('expected BAD_REQUEST');
}

describe('parseAccessRequest: the request as the CLI reads it', () => {
  it.each<[AccessRequestArgs, object]>([
    [{ verb: 'get', resource: 'secrets', namespace: 'payments' }, { type: 'resource', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'payments', name: '', subresource: '' }],
    [{ verb: 'create', resource: 'deployments' }, { apiGroup: 'apps', resource: 'deployments' }],
    [{ verb: 'patch', resource: 'deployments.v1.apps', name: 'api' }, { apiGroup: 'apps', resource: 'deployments', name: 'api' }],
    [{ verb: 'create', resource: 'pods', subresource: 'exec', name: 'web-0', namespace: 'payments' }, { resource: 'pods', subresource: 'exec', name: 'web-0' }],
    [{ verb: 'list', resource: 'certificates.cert-manager.io' }, { apiGroup: 'cert-manager.io', resource: 'certificates' }],
    [{ verb: '*', resource: '*' }, { verb: '*', apiGroup: '*', resource: '*' }],
    [{ verb: 'get', nonResourceURL: '/logs/*' }, { type: 'nonResource', verb: 'get', path: '/logs/*' }],
    [{ verb: 'get', resource: ' secrets ', namespace: '', name: '' }, { resource: 'secrets', namespace: '', name: '' }],
  ])('%j', (input, expected) => {
    expect(parseAccessRequest(input, 'can').request).toMatchObject(expected);
  });

  it('warns, without refusing, about a custom verb, an unknown type and a namespace on a cluster-scoped type', () => {
    expect(parseAccessRequest({ verb: 'approve', resource: 'certificatesigningrequests.certificates.k8s.io' }, 'can').warnings).toEqual([]);
    expect(parseAccessRequest({ verb: 'frobnicate', resource: 'pods' }, 'can').warnings).toEqual(['"frobnicate" is not a standard Kubernetes verb; answered as a custom verb (only rules naming it or * match)']);
    expect(parseAccessRequest({ verb: 'get', resource: 'widgets' }, 'can').warnings[0]).toMatch(/"widgets" is not a built-in resource type/);
    expect(parseAccessRequest({ verb: 'get', resource: 'nodes', namespace: 'payments' }, 'can').warnings[0]).toMatch(/nodes is cluster-scoped/);
  });

  it('any namespace: only for whoCan, and a cluster-scoped type answers cluster-wide', () => {
    expect(parseAccessRequest({ verb: 'get', resource: 'secrets', allNamespaces: true }, 'whoCan').anyNamespace).toBe(true);
    const nodes = parseAccessRequest({ verb: 'get', resource: 'nodes', allNamespaces: true }, 'whoCan');
    expect(nodes.anyNamespace).toBe(false);
    expect(nodes.warnings).toContainEqual(expect.stringMatching(/cluster-scoped; allNamespaces answers for the cluster-scoped request/));
  });

  it.each<[AccessRequestArgs, RegExp]>([
    [{ verb: '', resource: 'secrets' }, /verb "" is not a Kubernetes verb/],
    [{ verb: 'Get', resource: 'secrets' }, /\(verbs are lower-case: get\)/],
    [{ verb: 'get;delete', resource: 'secrets' }, /is not a Kubernetes verb/],
    [{ verb: 'get', resource: 'secrets', nonResourceURL: '/healthz' }, /not both or neither/],
    [{ verb: 'get' }, /not both or neither/],
    [{ verb: 'get', resource: 'secrets/x' }, /give the object's name in "name"/],
    [{ verb: 'get', resource: 'secrets..apps' }, /is not TYPE\[\.GROUP\]/],
    [{ verb: 'get', resource: 'secrets', name: 'a/b' }, /name "a\/b" is not an object name/],
    [{ verb: 'get', resource: 'pods', subresource: 'exec/shell' }, /subresource "exec\/shell"/],
    [{ verb: 'get', resource: 'secrets', namespace: '-payments' }, /not a namespace name/],
    [{ verb: 'get', resource: 'secrets', namespace: 'x'.repeat(64) }, /not a namespace name/],
    [{ verb: 'get', resource: 'secrets', namespace: 'payments', allNamespaces: true }, /cannot be used together/],
    [{ verb: 'get', nonResourceURL: 'healthz' }, /must start with "\/"/],
    [{ verb: 'get', nonResourceURL: '/healthz', subresource: 'status' }, /no name, subresource or namespace/],
  ])('BAD_REQUEST: %j', (input, message) => {
    expect(refusal(input)).toMatch(message);
  });

  it('allNamespaces is refused for can (one namespace, or cluster-wide)', () => {
    expect(refusal({ verb: 'get', resource: 'secrets', allNamespaces: true }, 'can')).toMatch(/"allNamespaces" is for whoCan/);
  });
});

describe('parseIdentity', () => {
  it('an Entra principal, or a Kubernetes user with groups', () => {
    expect(parseIdentity({ principal: ' bob@contoso.com ' })).toEqual({ principal: 'bob@contoso.com' });
    expect(parseIdentity({ user: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', ' '] })).toEqual({ user: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] });
    expect(() => parseIdentity({})).toThrow(QueryError);
    expect(() => parseIdentity({ principal: 'bob@contoso.com', user: 'bob' })).toThrow(/not both or neither/);
    expect(() => parseIdentity({ principal: 'bob@contoso.com', groups: ['x'] })).toThrow(/"groups" go with "user"/);
  });
});
