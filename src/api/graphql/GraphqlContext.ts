import type { AccessQueries } from '../AccessQueries.ts';
import type { Caller } from '../auth/Caller.ts';
import type { ReportReader } from '../../reports/ReportStore.ts';

/** What a host passes with each request (yoga's server context). */
export interface GraphqlServerContext {
  /** The TCP peer's address, for local mode's loopback check. Node hosts may pass `req` instead. */
  readonly remoteAddress?: string;
  /** node:http adapters (yoga as a request listener) pass the IncomingMessage. */
  readonly req?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** What every resolver gets. */
export interface GraphqlContext {
  readonly queries: AccessQueries;
  /** Stored compliance reports (Query.reports, Query.report); absent where the host keeps none. */
  readonly reports?: ReportReader;
  readonly caller: Caller;
  readonly requestId: string;
}
