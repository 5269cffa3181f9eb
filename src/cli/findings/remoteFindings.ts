import type { Finding } from '../../engine/findings/Finding.ts';
import type { ExpiredSuppression, SuppressedFinding } from '../../engine/findings/suppressions.ts';
import { AnswerShapeError } from '../crossPlane/accessPathFromJson.ts';
import type { ParsedArgs } from '../parseArgs.ts';
import { getApiJson } from '../remote/apiClient.ts';
import { clientOptions, type RemoteDeps } from '../remote/remoteCommands.ts';
import type { FindingsOutput } from './printFindings.ts';

export interface RemoteFindingsQuery {
  readonly clusters: readonly string[];
  readonly kinds: readonly string[];
  readonly severities: readonly string[];
}

interface FindingsBody {
  readonly findings?: unknown;
  readonly suppressed?: readonly SuppressedFinding[];
  readonly suppressedCount?: number;
  readonly expiredSuppressions?: readonly ExpiredSuppression[];
  readonly clusters?: readonly { readonly name: string; readonly stale?: boolean; readonly staleReasons?: readonly string[] }[];
  readonly warnings?: readonly string[];
}

/**
 * `aks-access findings --api URL`: GET /api/v1/findings of a running instance, as the offline command's output
 * (`findings`, and `suppressed`/`expiredSuppressions` when the instance applies suppressions), its warnings
 * and stale clusters as warnings.
 */
export async function remoteFindings(args: ParsedArgs, query: RemoteFindingsQuery, deps: RemoteDeps = {}): Promise<FindingsOutput> {
  const options = clientOptions(args, deps);
  const params: [string, string][] = [
    ...query.clusters.map((c): [string, string] => ['cluster', c]),
    ...query.kinds.map((k): [string, string] => ['kind', k]),
    ...query.severities.map((s): [string, string] => ['severity', s]),
    ['includeSuppressed', 'true'],
  ];
  const body = (await getApiJson(options, '/findings', params)) as FindingsBody;
  if (!Array.isArray(body.findings)) throw new AnswerShapeError('the API answer has no "findings" list (is the instance older than the findings endpoint?)');
  const suppressed = body.suppressed ?? [];
  const expired = body.expiredSuppressions ?? [];
  const stale = (body.clusters ?? []).filter((c) => c.stale === true).map((c) => `${c.name} answers from older data: ${(c.staleReasons ?? []).join('; ')}`);
  return {
    findings: body.findings as Finding[],
    ...(suppressed.length > 0 || expired.length > 0 ? { suppressed, expiredSuppressions: expired } : {}),
    warnings: [...(body.warnings ?? []), ...stale],
  };
}
