import { describeAccessPath } from '../engine/access/accessPath.ts';
import type { FindingSeverity } from '../engine/findings/clusterIdentityFindings.ts';
import type { RiskyAccessFinding, RiskySubject } from '../engine/findings/riskyAccess.ts';
import type { ReportFinding } from './ComplianceReport.ts';

/**
 * One finding as a flat row — the columns of the CSV and of the Markdown and HTML tables. The kinds carry
 * different fields; the row puts each in the column an auditor looks for (who, what, where, why, fix), and the
 * JSON rendering keeps every field of the finding itself.
 */
export interface FindingRow {
  readonly severity: FindingSeverity;
  readonly kind: string;
  /** The risky-access rule, the escalation technique, or the condition that makes a permission required. */
  readonly rule: string;
  readonly cluster: string;
  readonly clusterId: string;
  /** Entra object id when the finding names one. */
  readonly principalId: string;
  /** Who, in words: the identity role of a cluster identity, or the Kubernetes / Entra subject. */
  readonly subject: string;
  /** What is missing or held: a permission, a role, or the target of an escalation. */
  readonly permission: string;
  readonly scope: string;
  /** Why it matters (the published reason, or what the subject can do). */
  readonly detail: string;
  /** What makes it true: the grant, binding or chain. */
  readonly evidence: string;
  /** How to fix it: a command, or what to cut. */
  readonly remediation: string;
}

export const FINDING_COLUMNS: readonly (keyof FindingRow)[] = ['severity', 'kind', 'rule', 'cluster', 'clusterId', 'principalId', 'subject', 'permission', 'scope', 'detail', 'evidence', 'remediation'];

export function subjectText(subject: RiskySubject): string {
  const name = subject.namespace === undefined ? subject.name : `${subject.namespace}/${subject.name}`;
  const display = subject.displayName === undefined || subject.displayName === subject.name ? '' : ` (${subject.displayName})`;
  return `${subject.kind} ${name}${display}`;
}

function riskyEvidence(finding: RiskyAccessFinding): string {
  const first = finding.path[0];
  if (first === undefined) return '';
  const text = first.kind === 'binding' ? `[kubernetes] ${first.binding} → ${first.role}` : describeAccessPath(first);
  const more = finding.path.length - 1;
  return more > 0 ? `${text} (+${more} more)` : text;
}

export function findingRow(finding: ReportFinding): FindingRow {
  const base = { severity: finding.severity, kind: finding.kind, cluster: finding.clusterName, clusterId: finding.clusterId };
  switch (finding.kind) {
    case 'missing-cluster-identity-permission':
      return {
        ...base,
        rule: finding.condition,
        principalId: finding.principalId,
        subject: `${finding.identity} identity`,
        permission: finding.permission,
        scope: finding.scope,
        detail: finding.reason,
        evidence: [`decision: ${finding.decision}`, ...finding.evidence].join('; '),
        remediation: finding.remediation.azCli,
      };
    case 'over-privileged-cluster-identity':
      return {
        ...base,
        rule: 'over-privileged',
        principalId: finding.principalId,
        subject: `${finding.identity} identity`,
        permission: finding.role,
        scope: finding.scope,
        detail: finding.reason,
        evidence: finding.assignmentId,
        remediation: finding.remediation.azCli,
      };
    case 'risky-access':
      return {
        ...base,
        rule: finding.rule,
        principalId: finding.subject.objectId ?? '',
        subject: subjectText(finding.subject),
        permission: finding.rule,
        scope: finding.namespaces === undefined ? 'cluster' : finding.namespaces.map((n) => (n === '*' ? 'every namespace' : `namespace/${n}`)).join(', '),
        detail: `${finding.summary}${finding.conditional === true ? ' (only under an ABAC condition)' : ''}`,
        evidence: riskyEvidence(finding),
        remediation: '',
      };
    case 'escalation-path':
      return {
        ...base,
        rule: finding.technique,
        principalId: finding.principalId ?? '',
        subject: subjectText(finding.subject),
        permission: finding.permission,
        scope: finding.scope,
        detail: finding.summary,
        evidence: finding.steps.map((s) => `[${s.plane}] ${s.action}`).join(' → '),
        remediation: [finding.remediation?.description, finding.remediation?.azCli, finding.remediation?.kubectl].filter((s) => s !== undefined && s !== '').join('; '),
      };
  }
}
