import { createHash } from 'node:crypto';
import { QueryError } from '../QueryError.ts';

/** The most one page may hold; `first` above it is a BAD_REQUEST, not silently cut. */
export const MAX_PAGE = 500;

export interface Connection<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
  readonly totalCount: number;
}

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/*
 * Cursors are opaque to clients: base64url of `<scope>|<offset>`. The scope names what the list was computed
 * from (a cluster's generation, a search), so a cursor from another list or from data that has since been
 * replaced is refused instead of silently skipping or repeating entries.
 */
function cursorOf(scope: string, offset: number): string {
  return Buffer.from(`${scope}|${offset}`, 'utf8').toString('base64url');
}

function offsetAfter(cursor: string, scope: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = decoded.lastIndexOf('|');
  const offset = Number(decoded.slice(bar + 1));
  if (bar < 0 || !Number.isInteger(offset) || offset < 0) throw new QueryError('BAD_REQUEST', `"after": "${cursor}" is not a cursor of this list`);
  if (decoded.slice(0, bar) !== scope) throw new QueryError('BAD_REQUEST', `"after": the cursor belongs to another list, or the data changed since (a new generation was compiled); start from the first page`);
  return offset + 1;
}

/** A Relay connection over a list already computed in full (answers are computed per cluster, then paged). */
export function connection<T>(items: readonly T[], args: PageArgs, scope: string, defaultFirst: number): Connection<T> {
  const first = args.first ?? defaultFirst;
  if (first > MAX_PAGE) throw new QueryError('BAD_REQUEST', `"first": ${first} is more than the ${MAX_PAGE} a page may hold`);
  const start = args.after === undefined || args.after === null ? 0 : offsetAfter(args.after, scope);
  const page = items.slice(start, start + first);
  const edges = page.map((node, i) => ({ cursor: cursorOf(scope, start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}

/** A short stable name for a computed list (what cursors are checked against). */
export function listScope(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}
