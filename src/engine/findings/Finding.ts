import type { ClusterIdentityFinding, FindingSeverity } from './clusterIdentityFindings.ts';
import type { EscalationFinding } from './EscalationFinding.ts';
import type { RiskyAccessFinding } from './riskyAccess.ts';

/** Every finding the product reports; `kind` tells them apart (the field names are the CLI JSON and GraphQL contract). */
export type Finding = ClusterIdentityFinding | RiskyAccessFinding | EscalationFinding;

/** The groups `--kind` and the API's `kinds` filter select by; each covers one or more finding kinds. */
export const FINDING_CATEGORIES = ['cluster-identity', 'risky', 'escalation'] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

export function isFindingCategory(value: string): value is FindingCategory {
  return (FINDING_CATEGORIES as readonly string[]).includes(value);
}

/** The category a finding belongs to (what `--kind` selects it by). */
export function findingCategory(finding: Finding): FindingCategory {
  switch (finding.kind) {
    case 'missing-cluster-identity-permission':
    case 'over-privileged-cluster-identity':
      return 'cluster-identity';
    case 'risky-access':
      return 'risky';
    case 'escalation-path':
      return 'escalation';
  }
}

/** Every severity, most severe first. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low'];
