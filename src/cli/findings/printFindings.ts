import type { Finding } from '../../engine/findings/Finding.ts';
import type { RiskySubject } from '../../engine/findings/riskyAccess.ts';
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

/** Findings as `{"findings":[…]}` (the contract shared by offline and `--api`) or a table; warnings to stderr. */
export function printFindings(io: CliIo, output: 'table' | 'json', result: { readonly findings: readonly Finding[]; readonly warnings: readonly string[] }): void {
  const { findings, warnings } = result;
  if (output === 'json') {
    io.out(`${JSON.stringify({ findings }, null, 2)}\n`);
  } else {
    io.out(findings.length === 0 ? 'No findings.\n' : `${formatTable(['SEVERITY', 'CLUSTER', 'FINDING', 'IDENTITY', 'WHAT'], findings.map(row))}\n`);
  }
  printWarnings(io, warnings);
}
