/** An expected, user-fixable problem with a question: surfaced with its code (GraphQL extensions.code, REST 400/404). */
export type QueryErrorCode = 'UNKNOWN_CLUSTER' | 'UNKNOWN_PRINCIPAL' | 'BAD_REQUEST' | 'NOT_INDEXED' | 'FORBIDDEN' | 'UNAUTHENTICATED';

export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly code: QueryErrorCode;

  constructor(code: QueryErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
