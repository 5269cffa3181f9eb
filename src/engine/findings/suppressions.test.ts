import { describe, expect, it } from 'vitest';
import type { Finding } from './Finding.ts';
import type { MissingClusterIdentityPermission, OverPrivilegedClusterIdentity } from './clusterIdentityFindings.ts';
import type { RiskyAccessFinding } from './riskyAccess.ts';
import { applySuppressions, parseSuppressions, SuppressionError, suppressionMatches, type SuppressionMatch } from './suppressions.ts';

const PROD = '/subscriptions/s1/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const SUBNET = '/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet';

const secretsBob: RiskyAccessFinding = {
  kind: 'risky-access',
  rule: 'secrets-read',
  severity: 'high',
  clusterId: PROD,
  clusterName: 'aks-prod',
  subject: { kind: 'User', name: 'bob@contoso.com', objectId: '11111111-1111-1111-1111-111111111111' },
  summary: 'can read secrets',
  path: [],
};
const execSa: RiskyAccessFinding = {
  ...secretsBob,
  rule: 'pods-exec',
  subject: { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
};
const subnetGap: MissingClusterIdentityPermission = {
  kind: 'missing-cluster-identity-permission',
  severity: 'high',
  clusterId: PROD,
  clusterName: 'aks-prod',
  identity: 'control-plane',
  principalId: '22222222-2222-2222-2222-222222222222',
  permission: 'Microsoft.Network/virtualNetworks/subnets/read',
  scope: SUBNET,
  condition: 'custom-vnet-subnet-in-another-rg',
  reason: 'r',
  decision: 'notGranted',
  evidence: [],
  remediation: { role: 'Network Contributor', roleDefinitionId: 'x', azCli: 'az', bicep: 'b' },
};
const owner: OverPrivilegedClusterIdentity = {
  kind: 'over-privileged-cluster-identity',
  severity: 'critical',
  clusterId: PROD,
  clusterName: 'aks-prod',
  identity: 'kubelet',
  principalId: '33333333-3333-3333-3333-333333333333',
  role: 'Owner',
  scope: '/subscriptions/s1',
  assignmentId: 'a',
  reason: 'r',
  remediation: { azCli: 'az' },
};
const ALL: Finding[] = [secretsBob, execSa, subnetGap, owner];
const names = new Map<Finding, string>([
  [secretsBob, 'secretsBob'],
  [execSa, 'execSa'],
  [subnetGap, 'subnetGap'],
  [owner, 'owner'],
]);

describe('suppressionMatches: every given field must agree', () => {
  it.each<[string, SuppressionMatch, string[]]>([
    ['a kind', { kind: 'risky-access' }, ['secretsBob', 'execSa']],
    ['a category', { kind: 'cluster-identity' }, ['subnetGap', 'owner']],
    ['kind is case-insensitive', { kind: 'RISKY' }, ['secretsBob', 'execSa']],
    ['rule (risky rule)', { kind: 'risky', rule: 'pods-exec' }, ['execSa']],
    ['rule (identity condition)', { kind: 'cluster-identity', rule: 'custom-vnet-subnet-in-another-rg' }, ['subnetGap']],
    ['rule (identity permission)', { kind: 'missing-cluster-identity-permission', rule: 'microsoft.network/virtualnetworks/subnets/read' }, ['subnetGap']],
    ['rule (over-privileged role)', { kind: 'cluster-identity', rule: 'Owner' }, ['owner']],
    ['cluster by name', { kind: 'risky', cluster: 'AKS-PROD' }, ['secretsBob', 'execSa']],
    ['cluster by id', { kind: 'risky', cluster: PROD.toLowerCase() }, ['secretsBob', 'execSa']],
    ['another cluster', { kind: 'risky', cluster: 'aks-dev' }, []],
    ['subject by name', { kind: 'risky', subject: 'bob@contoso.com' }, ['secretsBob']],
    ['service account as NAMESPACE/NAME', { kind: 'risky', subject: 'ci/deployer' }, ['execSa']],
    ['a bare name is not another namespace’s', { kind: 'risky', subject: 'other/deployer' }, []],
    ['subject as the identity role', { kind: 'cluster-identity', subject: 'kubelet' }, ['owner']],
    ['principalId of a subject', { kind: 'risky', principalId: '11111111-1111-1111-1111-111111111111' }, ['secretsBob']],
    ['principalId of an identity', { kind: 'cluster-identity', principalId: '22222222-2222-2222-2222-222222222222' }, ['subnetGap']],
    ['scope, trailing slash and case aside', { kind: 'cluster-identity', scope: `${SUBNET.toUpperCase()}/` }, ['subnetGap']],
    ['a scope never matches scope-less risky access', { kind: 'risky', scope: SUBNET }, []],
    ['a narrower scope is not the finding’s scope', { kind: 'cluster-identity', scope: `${SUBNET}/x` }, []],
    ['all fields together', { kind: 'risky', rule: 'secrets-read', cluster: 'aks-prod', subject: 'bob@contoso.com' }, ['secretsBob']],
    ['one field off', { kind: 'risky', rule: 'pods-exec', subject: 'bob@contoso.com' }, []],
  ])('%s', (_name, match, expected) => {
    expect(ALL.filter((f) => suppressionMatches(match, f)).map((f) => names.get(f))).toEqual(expected);
  });
});

const NOW = Date.parse('2026-11-29T12:00:00Z');

describe('applySuppressions', () => {
  const parsed = parseSuppressions(
    [
      { match: { kind: 'risky', rule: 'secrets-read', subject: 'bob@contoso.com' }, owner: 'payments-team', reason: 'break-glass account', expires: '2026-11-29' },
      { match: { kind: 'cluster-identity', rule: 'Owner' }, owner: 'platform', reason: 'migration', expires: '2026-11-28' },
    ],
    'suppressions.yaml',
  );

  it('moves covered findings aside with owner, reason and expiry; keeps the rest in order', () => {
    const r = applySuppressions(ALL, parsed, NOW);
    expect(r.findings.map((f) => names.get(f))).toEqual(['execSa', 'subnetGap', 'owner']);
    expect(r.suppressed).toEqual([{ finding: secretsBob, suppression: { entry: 'suppressions.yaml entry 1', owner: 'payments-team', reason: 'break-glass account', expires: '2026-11-29' } }]);
  });

  it('a date covers its whole day (UTC); after it the suppression is expired, applies to nothing and is reported', () => {
    expect(applySuppressions(ALL, parsed, Date.parse('2026-11-29T23:59:59Z')).suppressed).toHaveLength(1);
    const after = applySuppressions(ALL, parsed, Date.parse('2026-11-30T00:00:00Z'));
    expect(after.suppressed).toEqual([]);
    expect(after.findings).toEqual(ALL);
    expect(after.expired.map((e) => [e.entry, e.owner, e.wouldMatch])).toEqual([
      ['suppressions.yaml entry 1', 'payments-team', 1],
      ['suppressions.yaml entry 2', 'platform', 1],
    ]);
    expect(after.warnings[1]).toMatch(/^expired suppression: suppressions\.yaml entry 2 \(owner platform, expired 2026-11-28\) no longer applies — 1 finding\(s\) it covered are reported again/);
  });

  it('a date-time expiry is exact', () => {
    const [s] = parseSuppressions([{ match: { kind: 'risky' }, owner: 'o', reason: 'r', expires: '2026-11-29T12:00:00Z' }], 'f');
    if (s === undefined) throw new Error('parsed nothing');
    expect(applySuppressions(ALL, [s], NOW - 1).suppressed).toHaveLength(2);
    expect(applySuppressions(ALL, [s], NOW).suppressed).toHaveLength(0);
  });
});

describe('parseSuppressions: a bad entry is an error naming it', () => {
  const ok = { match: { kind: 'risky' }, owner: 'o', reason: 'r', expires: '2027-01-01' };
  it.each<[string, unknown, RegExp]>([
    ['no owner', [{ ...ok, owner: undefined }], /^f entry 1: no owner — add "owner:"/],
    ['blank reason', [ok, { ...ok, reason: '  ' }], /^f entry 2: no reason — add "reason:"/],
    ['no expires', [{ ...ok, expires: undefined }], /^f entry 1: no expires — add "expires: YYYY-MM-DD"/],
    ['expires not a date', [{ ...ok, expires: 'next year' }], /^f entry 1: expires "next year" is not an ISO 8601 date/],
    ['expires not a real day', [{ ...ok, expires: '2027-02-30' }], /^f entry 1: expires "2027-02-30" is not an ISO 8601 date/],
    ['no match', [{ ...ok, match: undefined }], /^f entry 1: no match — add "match:" with at least "kind:"/],
    ['no kind', [{ ...ok, match: { rule: 'pods-exec' } }], /^f entry 1: match\.kind is missing/],
    ['unknown kind', [{ ...ok, match: { kind: 'riskey' } }], /^f entry 1: match\.kind "riskey" is not a finding kind/],
    ['a typo in the entry', [{ ...ok, expiry: '2027-01-01' }], /^f entry 1: unknown field "expiry"/],
    ['a typo in match (would widen it)', [{ ...ok, match: { kind: 'risky', clsuter: 'aks-prod' } }], /^f entry 1: unknown match field "clsuter"/],
    ['a match field not a string', [{ ...ok, match: { kind: 'risky', cluster: 3 } }], /^f entry 1: match\.cluster must be a non-empty string/],
    ['not a list', { owner: 'x' }, /^f: expected a list of suppressions/],
    ['an entry not a mapping', ['x'], /^f entry 1: expected a mapping/],
  ])('%s', (_name, value, message) => {
    expect(() => parseSuppressions(value, 'f')).toThrow(SuppressionError);
    expect(() => parseSuppressions(value, 'f')).toThrow(message);
  });

  it('accepts a list, "suppressions: [...]" and an empty document', () => {
    expect(parseSuppressions([ok], 'f')).toHaveLength(1);
    expect(parseSuppressions({ suppressions: [ok, ok] }, 'f')).toHaveLength(2);
    expect(parseSuppressions(null, 'f')).toEqual([]);
  });
});
