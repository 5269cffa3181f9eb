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

const KIND_CATEGORY: Readonly<Record<Finding['kind'], FindingCategory>> = {
  'missing-cluster-identity-permission': 'cluster-identity',
  'over-privileged-cluster-identity': 'cluster-identity',
  'risky-access': 'risky',
  'escalation-path': 'escalation',
};

/** Every finding kind. */
export const FINDING_KINDS = Object.keys(KIND_CATEGORY) as readonly Finding['kind'][];

/** The category a finding belongs to (what `--kind` selects it by). */
export function findingCategory(finding: Finding): FindingCategory {
  return KIND_CATEGORY[finding.kind];
}

/** The category a kind filter (`--kind`, the API's `kinds`) names: a category, or a finding kind's; undefined when it is neither. */
export function kindFilterCategory(value: string): FindingCategory | undefined {
  const v = value.toLowerCase();
  return isFindingCategory(v) ? v : (KIND_CATEGORY as Readonly<Record<string, FindingCategory>>)[v];
}

/** Whether a finding is selected by a kind filter value (its kind or its category, case-insensitive). */
export function matchesKindFilter(finding: Finding, value: string): boolean {
  const v = value.toLowerCase();
  return finding.kind === v || findingCategory(finding) === v;
}

/** What a kind filter accepts, for error messages. */
export const KIND_FILTER_VALUES: readonly string[] = [...FINDING_CATEGORIES, ...Object.keys(KIND_CATEGORY)];

/** Every severity, most severe first. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low'];
