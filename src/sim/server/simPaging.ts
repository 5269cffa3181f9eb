import type { SimRequest } from './simHttp.ts';

/**
 * Server-driven paging as ARM and Microsoft Graph do it: a page of items and, unless it is the last one, an
 * absolute next link that repeats the request's query with a `$skiptoken` added. The token is opaque to
 * clients (here: the offset, base64url-encoded), so a client that builds its own links instead of following
 * the server's gets a 400.
 */
export interface SimPage<T> {
  readonly items: readonly T[];
  /** Absolute URL of the next page; undefined on the last page. */
  readonly nextLink?: string;
}

export class SkipTokenError extends Error {
  override readonly name = 'SkipTokenError';
}

const TOKEN_PREFIX = 'sim:';

function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`).toString('base64url');
}

function decodeToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new SkipTokenError(`The skip token '${token}' is not valid.`);
  return offset;
}

/** The request's own origin, from its Host header: next links must lead back to the server that was asked. */
export function requestOrigin(req: SimRequest): string {
  const host = req.headers.host ?? req.url.host;
  return `https://${host}`;
}

/** One page of `items` for this request, `pageSize` items long, starting at the request's `$skiptoken`. */
export function pageOf<T>(req: SimRequest, items: readonly T[], pageSize: number): SimPage<T> {
  const token = req.url.searchParams.get('$skiptoken');
  const offset = token === null ? 0 : decodeToken(token);
  const size = Math.max(1, pageSize);
  const slice = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { items: slice };
  // Keep the query as the client sent it (ARM and Graph echo `$filter=atScope()` unencoded), swapping the token.
  const query = req.url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('$skiptoken=') && !part.startsWith('%24skiptoken='));
  query.push(`$skiptoken=${encodeToken(offset + size)}`);
  return { items: slice, nextLink: `${requestOrigin(req)}${req.url.pathname.replace(/\/{2,}/g, '/')}?${query.join('&')}` };
}
