import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { QueryError } from '../../QueryError.ts';
import type { ApiLog } from '../apiLog.ts';
import { requestState } from '../requestState.ts';

/** The code of errors the schema itself raises (parse, validation, variable coercion) when they have none. */
export const INVALID_QUERY = 'GRAPHQL_VALIDATION_FAILED';

/** The cause behind GraphQL's wrapping: the first error in the chain that is not a GraphQLError, if any. */
function causeOf(error: GraphQLError): unknown {
  let cause: unknown = error.originalError;
  while (cause instanceof GraphQLError) cause = cause.originalError;
  return cause;
}

function rebuilt(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}

/**
 * Expected errors keep their message and say what they are in `extensions.code`: QueryError's own code, or
 * GRAPHQL_VALIDATION_FAILED (or the code already there) for what GraphQL itself refused. Everything else is a
 * bug or an outage: masked as "Unexpected error." (INTERNAL_SERVER_ERROR) and logged in full. Every error
 * carries the request id.
 */
export function useErrorMasking(log: ApiLog): Plugin {
  const mask = (error: GraphQLError, requestId: string, codes: string[]): GraphQLError => {
    const cause = causeOf(error);
    if (cause instanceof QueryError) {
      codes.push(cause.code);
      return rebuilt(error, cause.message, { code: cause.code, requestId });
    }
    if (cause === undefined) {
      const code = typeof error.extensions.code === 'string' ? error.extensions.code : INVALID_QUERY;
      codes.push(code);
      return rebuilt(error, error.message, { ...error.extensions, code, requestId });
    }
    codes.push('INTERNAL_SERVER_ERROR');
    log({ level: 'error', message: 'unexpected error', requestId, path: error.path?.join('.'), error: cause });
    // `unexpected` and `http` are yoga's internals (never serialised): a request-level failure answers 500.
    return rebuilt(error, 'Unexpected error.', { code: 'INTERNAL_SERVER_ERROR', requestId, unexpected: true });
  };
  const maskResult = (result: ExecutionResult, requestId: string, codes: string[]): ExecutionResult =>
    result.errors === undefined || result.errors.length === 0 ? result : { ...result, errors: result.errors.map((e) => mask(e, requestId, codes)) };

  return {
    onResultProcess(payload) {
      const { request, result } = payload;
      const state = requestState(request);
      const requestId = state?.requestId ?? '';
      const codes = state?.errorCodes ?? [];
      // Streams (subscriptions, @defer) are not part of this schema.
      if (Array.isArray(result)) payload.setResult(result.map((r) => maskResult(r, requestId, codes)));
      else if (!(Symbol.asyncIterator in result)) payload.setResult(maskResult(result, requestId, codes));
    },
  };
}
