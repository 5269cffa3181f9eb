/**
 * Entra users, groups (with `$expand=members`) and service principals, from Microsoft Graph (`@odata.type`,
 * `{value: [...]}`) and `az ad ... list` (plain arrays, no `@odata.type`).
 */
import { describe, expect, it } from 'vitest';
import { entraKind, normalizeEntraObject } from './normalizeEntraObject.ts';
import { extractAzureObjects } from './extractAzureObjects.ts';

describe('entraKind', () => {
  it.each([
    [{ '@odata.type': '#microsoft.graph.user', id: 'u' }, 'user'],
    [{ '@odata.type': '#microsoft.graph.group', id: 'g' }, 'group'],
    [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: 's' }, 'servicePrincipal'],
    [{ '@odata.type': '#microsoft.graph.device', id: 'd' }, undefined],
    [{ id: 'u', userPrincipalName: 'a@b.c' }, 'user'],
    [{ id: 's', appId: 'app', servicePrincipalType: 'ManagedIdentity' }, 'servicePrincipal'],
    [{ id: 's', servicePrincipalType: 'Application' }, 'servicePrincipal'],
    [{ id: 'g', securityEnabled: true }, 'group'],
    [{ id: 'g', groupTypes: ['Unified'] }, 'group'],
    [{ id: 'g', members: [] }, 'group'],
    [{ id: 'x', displayName: 'who knows' }, undefined],
  ])('%j → %s', (raw, kind) => {
    expect(entraKind(raw)).toBe(kind);
  });
});

describe('normalizeEntraObject', () => {
  it('az ad user list item', () => {
    expect(normalizeEntraObject({ id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice', mail: 'alice@contoso.com' }, 'x', 'user')).toEqual([
      { kind: 'user', id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' },
    ]);
  });

  it('service principal: a managed identity keeps its type and app id', () => {
    expect(
      normalizeEntraObject(
        { id: '5b1', appId: 'a1', displayName: 'id-ci-deployer', servicePrincipalType: 'ManagedIdentity', alternativeNames: ['isExplicit=True', '/subscriptions/s/…/id-ci-deployer'] },
        'x',
        'servicePrincipal',
      ),
    ).toEqual([{ kind: 'servicePrincipal', id: '5b1', appId: 'a1', servicePrincipalType: 'ManagedIdentity', displayName: 'id-ci-deployer' }]);
  });

  it('group with $expand=members: users, nested groups and devices are members; users and SPs are returned too', () => {
    const out = normalizeEntraObject(
      {
        id: 'g1',
        displayName: 'payments-devs',
        securityEnabled: true,
        members: [
          { '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Jane', userPrincipalName: 'jane@contoso.com' },
          { '@odata.type': '#microsoft.graph.group', id: 'g2', displayName: 'eng' },
          { '@odata.type': '#microsoft.graph.servicePrincipal', id: 'sp1', appId: 'app1', servicePrincipalType: 'Application' },
          { '@odata.type': '#microsoft.graph.device', id: 'd1', displayName: null },
        ],
      },
      'x',
      'group',
    );
    expect(out).toEqual([
      { kind: 'group', id: 'g1', memberIds: ['u1', 'g2', 'sp1', 'd1'], displayName: 'payments-devs' },
      { kind: 'user', id: 'u1', userPrincipalName: 'jane@contoso.com', displayName: 'Jane' },
      { kind: 'servicePrincipal', id: 'sp1', appId: 'app1', servicePrincipalType: 'Application' },
    ]);
  });

  it('group without members listed: no members', () => {
    expect(normalizeEntraObject({ id: 'g1', securityEnabled: true, members: null }, 'x', 'group')).toEqual([{ kind: 'group', id: 'g1', memberIds: [] }]);
  });

  it('malformed: names the item and the field', () => {
    expect(() => normalizeEntraObject({ userPrincipalName: 'a@b.c' }, 'users.json [4]', 'user')).toThrow(/users\.json \[4\]: id is required/);
    expect(() => normalizeEntraObject({ id: 'u', userPrincipalName: 7 }, 'users.json [4]', 'user')).toThrow(/users\.json \[4\]: userPrincipalName must be a string, got 7/);
    expect(() => normalizeEntraObject({ id: 'g', members: {} }, 'groups.json value[0]', 'group')).toThrow(/groups\.json value\[0\]: members must be a list/);
    expect(() => normalizeEntraObject({ id: 'g', members: [{ '@odata.type': '#microsoft.graph.user' }] }, 'groups.json value[0]', 'group')).toThrow(/groups\.json value\[0\] members\[0\]: id is required/);
  });
});

describe('the directory through extractAzureObjects', () => {
  it('Graph pages and az CLI arrays; a group listed twice merges its members', () => {
    const result = extractAzureObjects([
      { source: 'users.json', value: [{ id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' }] },
      { source: 'sps.json', value: { '@odata.context': 'x', value: [{ id: 'sp1', appId: 'a', servicePrincipalType: 'ManagedIdentity', displayName: 'mi' }] } },
      { source: 'groups-1.json', value: { value: [{ id: 'g1', displayName: 'g', securityEnabled: true, members: [{ '@odata.type': '#microsoft.graph.user', id: 'u1', userPrincipalName: 'alice@contoso.com' }] }] } },
      { source: 'groups-2.json', value: { value: [{ id: 'G1', securityEnabled: true, members: [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: 'sp1' }] }] } },
    ]);
    expect(result.entra.groups).toEqual([{ kind: 'group', id: 'G1', memberIds: ['u1', 'sp1'], displayName: 'g' }]);
    expect(result.entra.users).toEqual([{ kind: 'user', id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' }]);
    expect(result.entra.servicePrincipals).toEqual([{ kind: 'servicePrincipal', id: 'sp1', appId: 'a', servicePrincipalType: 'ManagedIdentity', displayName: 'mi' }]);
  });

  it('a member embedded with fewer fields does not erase what the full listing said (either order)', () => {
    const full = { source: 'users.json', value: [{ id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' }] };
    const sparse = { source: 'groups.json', value: { value: [{ id: 'g1', securityEnabled: true, members: [{ '@odata.type': '#microsoft.graph.user', id: 'u1' }] }] } };
    for (const documents of [[full, sparse], [sparse, full]]) {
      const result = extractAzureObjects(documents);
      expect(result.entra.users).toEqual([{ kind: 'user', id: 'u1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' }]);
    }
  });

  it('objects it does not know are counted in a warning, not an error', () => {
    const result = extractAzureObjects([{ source: 'x.json', value: [{ id: 'x', displayName: 'mystery' }, { '@odata.type': '#microsoft.graph.device', id: 'd' }] }]);
    expect(result.warnings).toEqual([expect.stringMatching(/skipped 2 JSON object\(s\)/)]);
  });

  it('malformed items: the error names the file, the item and the field', () => {
    expect(() => extractAzureObjects([{ source: 'users.json', value: [{ id: 'u', userPrincipalName: 'a@b.c' }, 'oops'] }])).toThrow(/users\.json \[1\]: expected a JSON object/);
    expect(() => extractAzureObjects([{ source: 'users.json', value: [{ id: 'u', userPrincipalName: 'a@b.c' }, { userPrincipalName: 'b@b.c' }] }])).toThrow(/users\.json \[1\]: id is required/);
    expect(() => extractAzureObjects([{ source: 'ra.json', value: { value: [{ type: 5, id: 'x' }] } }])).toThrow(/ra\.json value\[0\]: type must be a string/);
    expect(() => extractAzureObjects([{ source: 'g.json', value: [{ '@odata.type': 1, id: 'x' }] }])).toThrow(/g\.json \[0\]: @odata\.type must be a string/);
    expect(() => extractAzureObjects([{ source: 'r.json', value: { body: { value: [] } } }])).toThrow(/r\.json: looks like a wrapped HTTP response/);
  });
});
