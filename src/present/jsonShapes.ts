import type { ObjectKey } from '../model/k8sRbac.ts';
import type { GrantPath } from '../engine/k8s/index.ts';

/** The `via` entry of the CLI's JSON: binding → role → rule index (plus the aggregation chain when there is one). */
export function pathJson(path: GrantPath): Record<string, unknown> {
  const key = (k: ObjectKey) => (k.namespace === undefined ? { kind: k.kind, name: k.name } : { kind: k.kind, name: k.name, namespace: k.namespace });
  const out: Record<string, unknown> = { binding: key(path.binding), role: key(path.role), ruleIndex: path.ruleIndex };
  if (path.aggregatedFrom.length > 0) out.aggregatedFrom = path.aggregatedFrom;
  return out;
}

export function shortKey(k: ObjectKey): string {
  return k.namespace === undefined ? `${k.kind} ${k.name}` : `${k.kind} ${k.namespace}/${k.name}`;
}

export function shortPath(path: Pick<GrantPath, 'binding' | 'role' | 'ruleIndex' | 'aggregatedFrom'>): string {
  const from = path.aggregatedFrom.at(-1);
  return `${shortKey(path.binding)} → ${shortKey(path.role)} #${path.ruleIndex}${from === undefined ? '' : ` (from ${from})`}`;
}
