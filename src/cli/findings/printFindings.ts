import type { Finding } from '../../engine/findings/Finding.ts';
import type { RiskySubject } from '../../engine/findings/riskyAccess.ts';
import type { ExpiredSuppression, SuppressedFinding } from '../../engine/findings/suppressions.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';

function subjectText(s: RiskySubject): string {
  return `${s.kind} ${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}`;
}

function row(f: Finding): string[] {
  switch (f.kind) {
    case 'missing-cluster-identity-permission':
      return [f.severity, f.clusterName, f.kind, `${f.identity} ${f.principalId}`, `${f.permission} at ${f.scope} (${f.condition})`];
    case 'over-privileged-cluster-identity':
      return [f.severity, f.clusterName, f.kind, `${f.identity} ${f.principalId}`, `${f.role} at ${f.scope}`];
    case 'risky-access':
      return [f.severity, f.clusterName, `${f.kind}/${f.rule}`, subjectText(f.subject), f.summary];
    case 'escalation-path':
      return [f.severity, f.clusterName, `${f.kind}/${f.technique}`, subjectText(f.subject), f.summary];
  }
}

export interface FindingsOutput {
  readonly findings: readonly Finding[];
  readonly warnings: readonly string[];
  /** Present when suppressions were applied: what they cover, and those that expired. */
  readonly suppressed?: readonly SuppressedFinding[];
  readonly expiredSuppressions?: readonly ExpiredSuppression[];
}

/**
 * Findings as `{"findings":[…]}` (the contract shared by offline and `--api`; with suppressions also
 * `suppressed` and `expiredSuppressions`) or a table; warnings to stderr.
 */
export function printFindings(io: CliIo, output: 'table' | 'json', result: FindingsOutput): void {
  const { findings, warnings, suppressed, expiredSuppressions } = result;
  if (output === 'json') {
    const json = { findings, ...(suppressed === undefined ? {} : { suppressed }), ...(expiredSuppressions === undefined ? {} : { expiredSuppressions }) };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(findings.length === 0 ? 'No findings.\n' : `${formatTable(['SEVERITY', 'CLUSTER', 'FINDING', 'IDENTITY', 'WHAT'], findings.map(row))}\n`);
    if (suppressed !== undefined && suppressed.length > 0) {
      const rows = suppressed.map((s) => [...row(s.finding).slice(0, 4), `${s.suppression.owner} until ${s.suppression.expires}: ${s.suppression.reason}`]);
      io.out(`\nSuppressed (${String(suppressed.length)}):\n${formatTable(['SEVERITY', 'CLUSTER', 'FINDING', 'IDENTITY', 'ACCEPTED BY'], rows)}\n`);
    }
  }
  printWarnings(io, warnings);
}
