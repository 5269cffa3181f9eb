import { describe, expect, it } from 'vitest';
import type { EntraDirectory, EntraGroup } from '../../model/entra.ts';
import { buildEntraIndex } from './entraIndex.ts';

const group = (id: string, memberIds: string[], displayName?: string): EntraGroup => ({ kind: 'group', id, memberIds, ...(displayName === undefined ? {} : { displayName }) });

/*
 *   all ⊃ eng ⊃ backend ⊃ alice
 *   all ⊃ ops ⊃ alice               (second, shorter route from alice to "all")
 *   eng ⊃ sp-ci
 *   loop-a ⊃ loop-b ⊃ loop-a ⊃ bob  (a cycle)
 */
const directory: EntraDirectory = {
  users: [
    { kind: 'user', id: 'U-ALICE', userPrincipalName: 'Alice@Contoso.com', displayName: 'Alice' },
    { kind: 'user', id: 'u-bob', userPrincipalName: 'bob@contoso.com' },
    { kind: 'user', id: 'u-nogroups', userPrincipalName: '' },
  ],
  groups: [
    group('g-all', ['g-eng', 'g-ops'], 'all'),
    group('g-eng', ['g-backend', 'sp-ci'], 'eng'),
    group('g-backend', ['u-alice']),
    group('g-ops', ['U-Alice']),
    group('g-loop-a', ['g-loop-b', 'u-bob']),
    group('g-loop-b', ['g-loop-a']),
    group('g-self', ['g-self', 'u-bob']),
    group('g-unknown-member', ['ghost-id']),
  ],
  servicePrincipals: [{ kind: 'servicePrincipal', id: 'sp-ci', appId: 'app-ci', servicePrincipalType: 'ManagedIdentity', displayName: 'id-ci' }],
};
const entra = buildEntraIndex(directory);

describe('principal / resolve / displayName', () => {
  it('finds principals by object id case-insensitively', () => {
    expect(entra.principal('u-alice')?.kind).toBe('user');
    expect(entra.principal('G-ALL')?.kind).toBe('group');
    expect(entra.principal('SP-CI')?.kind).toBe('servicePrincipal');
    expect(entra.principal('nobody')).toBeUndefined();
  });

  it('resolves users by UPN case-insensitively, and anything by object id', () => {
    expect(entra.resolve('alice@contoso.com')?.id).toBe('U-ALICE');
    expect(entra.resolve('ALICE@CONTOSO.COM')?.id).toBe('U-ALICE');
    expect(entra.resolve('g-eng')?.kind).toBe('group');
    expect(entra.resolve('sp-ci')?.kind).toBe('servicePrincipal');
    expect(entra.resolve('app-ci')).toBeUndefined();
    expect(entra.resolve('eve@contoso.com')).toBeUndefined();
  });

  it('display name: displayName, else the UPN for users, else undefined', () => {
    expect(entra.displayName('u-alice')).toBe('Alice');
    expect(entra.displayName('u-bob')).toBe('bob@contoso.com');
    expect(entra.displayName('g-backend')).toBeUndefined();
    expect(entra.displayName('g-all')).toBe('all');
    expect(entra.displayName('nobody')).toBeUndefined();
  });
});

describe('groupsOf: transitive membership with shortest chains', () => {
  it('nested groups, each with its shortest chain (direct group first, the group itself last)', () => {
    const groups = entra.groupsOf('u-alice');
    const byId = new Map(groups.map((g) => [g.groupId, g.chain]));
    expect(byId.get('g-backend')).toEqual(['g-backend']);
    expect(byId.get('g-ops')).toEqual(['g-ops']);
    expect(byId.get('g-eng')).toEqual(['g-backend', 'g-eng']);
    // two routes to g-all: via ops (2 hops) and via backend → eng (3 hops); the shorter one wins
    expect(byId.get('g-all')).toEqual(['g-ops', 'g-all']);
    expect(groups).toHaveLength(4);
  });

  it('member ids compare case-insensitively (U-Alice, u-alice and U-ALICE are one principal)', () => {
    expect(entra.groupsOf('U-ALICE').map((g) => g.groupId).sort()).toEqual(['g-all', 'g-backend', 'g-eng', 'g-ops']);
  });

  it('lists each group once, nearest first', () => {
    const groups = entra.groupsOf('u-alice');
    expect(new Set(groups.map((g) => g.groupId)).size).toBe(groups.length);
    const lengths = groups.map((g) => g.chain.length);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
  });

  it('service principals are members too', () => {
    expect(entra.groupsOf('sp-ci')).toEqual([
      { groupId: 'g-eng', chain: ['g-eng'] },
      { groupId: 'g-all', chain: ['g-eng', 'g-all'] },
    ]);
  });

  it('groups have groups (a group nested in another)', () => {
    expect(entra.groupsOf('g-backend')).toEqual([
      { groupId: 'g-eng', chain: ['g-eng'] },
      { groupId: 'g-all', chain: ['g-eng', 'g-all'] },
    ]);
  });

  it('cycles are tolerated and terminate', () => {
    const bob = entra.groupsOf('u-bob');
    const byId = new Map(bob.map((g) => [g.groupId, g.chain]));
    expect(byId.get('g-loop-a')).toEqual(['g-loop-a']);
    expect(byId.get('g-loop-b')).toEqual(['g-loop-a', 'g-loop-b']);
    expect(byId.get('g-self')).toEqual(['g-self']);
    expect(bob).toHaveLength(3);
    // a group in a cycle is (transitively) a member of itself
    expect(entra.groupsOf('g-loop-a').map((g) => g.groupId).sort()).toEqual(['g-loop-a', 'g-loop-b']);
  });

  it('no groups: empty', () => {
    expect(entra.groupsOf('u-nogroups')).toEqual([]);
    expect(entra.groupsOf('not-in-directory')).toEqual([]);
  });

  it('answers the same on repeated calls (cache)', () => {
    expect(entra.groupsOf('u-alice')).toEqual(entra.groupsOf('u-alice'));
  });
});

describe('membersOf: every non-group principal, transitively, shortest chain', () => {
  it('nested members with chains from the direct group up to the asked group', () => {
    const members = entra.membersOf('g-all');
    const byId = new Map(members.map((m) => [m.principalId.toLowerCase(), m.chain]));
    expect(byId.get('u-alice')).toEqual(['g-ops', 'g-all']);
    expect(byId.get('sp-ci')).toEqual(['g-eng', 'g-all']);
    expect(members).toHaveLength(2);
  });

  it('direct members have a one-element chain', () => {
    expect(entra.membersOf('g-backend')).toEqual([{ principalId: 'u-alice', chain: ['g-backend'] }]);
  });

  it('chains agree with groupsOf (same shortest route)', () => {
    for (const m of entra.membersOf('g-all')) {
      const viaGroupsOf = entra.groupsOf(m.principalId).find((g) => g.groupId === 'g-all');
      expect(viaGroupsOf?.chain).toEqual(m.chain);
    }
  });

  it('does not list groups, and survives cycles (including a group containing itself)', () => {
    expect(entra.membersOf('g-loop-a')).toEqual([{ principalId: 'u-bob', chain: ['g-loop-a'] }]);
    expect(entra.membersOf('g-loop-b')).toEqual([{ principalId: 'u-bob', chain: ['g-loop-a', 'g-loop-b'] }]);
    expect(entra.membersOf('g-self')).toEqual([{ principalId: 'u-bob', chain: ['g-self'] }]);
  });

  it('members unknown to the directory are still listed (by id)', () => {
    expect(entra.membersOf('g-unknown-member')).toEqual([{ principalId: 'ghost-id', chain: ['g-unknown-member'] }]);
  });

  it('an unknown group, or a user id, has no members', () => {
    expect(entra.membersOf('g-nope')).toEqual([]);
    expect(entra.membersOf('u-alice')).toEqual([]);
  });

  it('a member listed through two groups appears once', () => {
    const ids = entra.membersOf('g-all').map((m) => m.principalId.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
  });
});
