import { describe, expect, it } from 'vitest';
import type { EntraPages } from './fetch.ts';
import { transformEntra } from './transform.ts';

const pages = (overrides: Partial<EntraPages> = {}): EntraPages => ({
  users: [{ id: 'u1', displayName: 'Alice', userPrincipalName: 'alice@contoso.com' }],
  groups: [{ id: 'g1', displayName: 'eng', securityEnabled: true, groupTypes: [] }],
  membersByGroupId: new Map([
    [
      'g1',
      [
        { '@odata.type': '#microsoft.graph.user', id: 'u1', userPrincipalName: 'alice@contoso.com' },
        { '@odata.type': '#microsoft.graph.group', id: 'g2' },
        { '@odata.type': '#microsoft.graph.servicePrincipal', id: 's1', appId: 'app' },
      ],
    ],
  ]),
  servicePrincipals: [{ id: 's1', appId: 'app', displayName: 'ci', servicePrincipalType: 'Application' }],
  ...overrides,
});

describe('entra transform', () => {
  it('a group gets its direct members; members are not listed again as users or service principals', () => {
    expect(transformEntra(pages())).toEqual({
      users: [{ kind: 'user', id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' }],
      groups: [{ kind: 'group', id: 'g1', displayName: 'eng', memberIds: ['u1', 'g2', 's1'] }],
      servicePrincipals: [{ kind: 'servicePrincipal', id: 's1', appId: 'app', displayName: 'ci', servicePrincipalType: 'Application' }],
    });
  });

  it('a group whose members were not listed has none', () => {
    expect(transformEntra(pages({ membersByGroupId: new Map() })).groups[0]?.memberIds).toEqual([]);
  });

  it('malformed objects are named by id and name, or by name when the id is missing', () => {
    expect(() => transformEntra(pages({ groups: [{ displayName: 'eng' }] }))).toThrow('group "eng" (no id): id is required');
    expect(() => transformEntra(pages({ users: [{ id: 'u1', userPrincipalName: 42 }] }))).toThrow('user u1: userPrincipalName must be a string, got 42');
    expect(() => transformEntra(pages({ membersByGroupId: new Map([['g1', [{ '@odata.type': '#microsoft.graph.user' }]]]) }))).toThrow('group g1 (eng) members[0]: id is required');
  });
});
