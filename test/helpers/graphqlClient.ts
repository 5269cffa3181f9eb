/** Asks a yoga instance through `yoga.fetch` (no network), as a portal would over HTTP. */
import type { GraphqlServer } from '../../src/api/graphql/createYoga.ts';

export interface GraphqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly requestId?: string; readonly [key: string]: unknown };
}

export interface GraphqlReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T | null | undefined;
  readonly errors: readonly GraphqlError[];
}

export const LOOPBACK = { remoteAddress: '127.0.0.1' };
export const REMOTE = { remoteAddress: '10.1.2.3' };

export async function ask<T = Record<string, unknown>>(
  yoga: GraphqlServer,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string>; origin?: { remoteAddress?: string } } = {},
): Promise<GraphqlReply<T>> {
  const response = await yoga.fetch(
    'http://localhost:7071/api/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers }, body: JSON.stringify({ query, variables: options.variables }) },
    options.origin ?? LOOPBACK,
  );
  const body = (await response.json()) as { data?: T | null; errors?: GraphqlError[] };
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors ?? [] };
}

/** The `extensions.code` of every error, in order. */
export function codes(reply: GraphqlReply<unknown>): (string | undefined)[] {
  return reply.errors.map((e) => e.extensions?.code);
}
