import { FINDING_CATEGORIES, FINDING_KINDS, FINDING_SEVERITIES, KIND_FILTER_VALUES } from '../../engine/findings/Finding.ts';
import { findingRow } from '../../reports/findingRow.ts';
import type { FindingsAnswer } from '../AccessQueries.ts';
import type { Endpoint } from './endpoints.ts';
import type { ParameterSpec } from './parameters.ts';
import type { ChatView } from './render/ChatView.ts';
import type { ViewOptions } from './chatViews.ts';

const CLUSTER: ParameterSpec = {
  name: 'cluster',
  type: 'list',
  description: 'Cluster names or ARM resource ids (repeat, or separate with commas); default every indexed cluster.',
  expected: 'a cluster name such as aks-prod-weu, or its ARM id (GET /api/v1/clusters lists them)',
  example: 'aks-prod-weu',
};

/** Findings as a chat message: counts by severity, the top findings in words, suppressions and freshness as notes. */
function findingsView(answer: FindingsAnswer, options: ViewOptions): ChatView {
  const count = (n: number, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;
  const facts = FINDING_SEVERITIES.map((s) => [s, String(answer.findings.filter((f) => f.severity === s).length)] as const).filter(([, n]) => n !== '0');
  const items = answer.findings.slice(0, options.top).map((f) => {
    const r = findingRow(f);
    return { title: `${r.severity} · ${r.cluster} · ${r.kind === 'risky-access' || r.kind === 'escalation-path' ? r.rule : r.kind}`, detail: `${r.subject}: ${r.permission}${r.scope === '' ? '' : ` at ${r.scope}`}` };
  });
  return {
    title: `Findings on ${answer.clusters.length === 1 ? (answer.clusters[0]?.name ?? '') : count(answer.clusters.length, 'cluster')}`,
    summary: `${count(answer.findings.length, 'finding')}${answer.suppressedCount > 0 ? `, ${String(answer.suppressedCount)} suppressed` : ''}`,
    sections: answer.findings.length === 0 ? [] : [{ heading: 'Open findings', facts, items, more: Math.max(0, answer.findings.length - options.top) }],
    notes: [...answer.clusters.filter((c) => c.stale).map((c) => `⚠ ${c.name} answers from older data: ${c.staleReasons.join('; ')}`), ...answer.warnings],
    link: { label: 'Full answer (JSON)', url: options.link },
  };
}

/** GET /api/v1/findings: the stored findings with the same fields as `aks-access findings -o json`. */
export const findingsEndpoint: Endpoint = {
  path: '/findings',
  operationId: 'findings',
  summary: 'Findings: cluster identities lacking required permissions or over-privileged, risky access, escalation paths',
  description:
    'The same findings as `aks-access findings -o json` (`{"findings":[…]}` with the same fields), computed when each cluster was compiled. Suppressions (AKS_ACCESS_SUPPRESSIONS) in force move a finding aside: counted in `suppressedCount`, listed in `suppressed` with its owner, reason and expiry when includeSuppressed=true; expired suppressions apply to nothing and are listed in `expiredSuppressions`.',
  pathParameters: [],
  parameters: [
    CLUSTER,
    { name: 'kind', type: 'list', description: `Finding categories (${FINDING_CATEGORIES.join(', ')}) or finding kinds (${FINDING_KINDS.join(', ')}); repeat, or separate with commas; default all.`, expected: KIND_FILTER_VALUES.join(', '), example: 'cluster-identity' },
    { name: 'severity', type: 'list', description: `Severities (repeat, or separate with commas): ${FINDING_SEVERITIES.join(', ')}; default all.`, expected: FINDING_SEVERITIES.join(', '), example: 'critical,high' },
    { name: 'includeSuppressed', type: 'boolean', description: 'List the suppressed findings (always counted) with their suppression.', expected: 'true or false' },
  ],
  run: async ({ params, queries }) => {
    const includeSuppressed = params.flag('includeSuppressed');
    const answer = await queries.findings({ clusters: params.list('cluster'), kinds: params.list('kind'), severities: params.list('severity'), includeSuppressed });
    const json = {
      findings: answer.findings,
      ...(includeSuppressed ? { suppressed: answer.suppressed } : {}),
      suppressedCount: answer.suppressedCount,
      expiredSuppressions: answer.expiredSuppressions,
      clusters: answer.clusters,
      warnings: answer.warnings,
    };
    return { json, chat: (options) => findingsView(answer, options) };
  },
};
