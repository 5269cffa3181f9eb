import { createSchema, createYoga as createYogaServer, type YogaServerInstance } from 'graphql-yoga';
import type { AccessQueries } from '../AccessQueries.ts';
import type { Authenticate } from '../auth/Caller.ts';
import { consoleApiLog, type ApiLog } from './apiLog.ts';
import type { GraphqlContext, GraphqlServerContext } from './GraphqlContext.ts';
import { loadSchemaSource } from './loadSchemaSource.ts';
import { useRequestId } from './plugins/useRequestId.ts';
import { useAuth } from './plugins/useAuth.ts';
import { useErrorMasking } from './plugins/useErrorMasking.ts';
import { useQueryLimits, type QueryLimits } from './plugins/useQueryLimits.ts';
import { whoCan } from './resolvers/whoCan.ts';
import { can } from './resolvers/can.ts';
import { accessOf } from './resolvers/accessOf.ts';
import { clusters } from './resolvers/clusters.ts';
import { principal } from './resolvers/principal.ts';
import { principals } from './resolvers/principals.ts';
import { indexStatus } from './resolvers/indexStatus.ts';
import { accessChanges } from './resolvers/accessChanges.ts';
import { typeResolvers } from './resolvers/typeResolvers.ts';
import { findings, findingTypeResolvers } from './resolvers/findings.ts';
import { report, reports, reportTypeResolvers } from './resolvers/reports.ts';
import type { ReportReader } from '../../reports/ReportStore.ts';

/** Where the Functions host serves the `graphql` route (under its `api` prefix); src/dev serves the same path. */
export const GRAPHQL_ENDPOINT = '/api/graphql';

export interface GraphqlDeps {
  /** The query layer: one per process (its per-generation model cache is what makes answers fast). */
  readonly queries: AccessQueries;
  /** Stored compliance reports for Query.reports and Query.report (absent: they answer NOT_INDEXED, saying so). */
  readonly reports?: ReportReader;
  readonly authenticate: Authenticate;
  /** GraphiQL on GET: local mode only. */
  readonly graphiql?: boolean;
  readonly endpoint?: string;
  /** Structured log lines, each with its request id; default JSON lines on the console. */
  readonly log?: ApiLog;
  readonly limits?: Partial<QueryLimits>;
  /** Browser origins allowed to call the API (CORS); none by default — portals call it server-side or through their own origin. */
  readonly corsOrigins?: readonly string[];
}

/** The user context yoga builds per request; the plugins add `caller` and `requestId` to make a GraphqlContext. */
export type GraphqlServer = YogaServerInstance<GraphqlServerContext, UserContext>;

/** What every request's context starts with (the plugins add the caller and the request id). */
interface UserContext {
  readonly queries: AccessQueries;
  readonly reports?: ReportReader;
}

/**
 * The GraphQL API: schema-first (schema/*.graphql), one resolver per Query field, cross-cutting concerns as
 * plugins — request id first (so every later line and error has it), then auth (before parsing), limits, and
 * error masking. Build one per process at module scope and hand it every request: `yoga.fetch(request,
 * { remoteAddress })` or `yoga.handle(...)`.
 */
export function createYoga(deps: GraphqlDeps): GraphqlServer {
  const log = deps.log ?? consoleApiLog;
  const schema = createSchema<GraphqlContext>({
    typeDefs: loadSchemaSource(),
    resolvers: {
      Query: { whoCan, can, accessOf, clusters, principal, principals, indexStatus, findings, accessChanges, reports, report },
      ...typeResolvers,
      ...findingTypeResolvers,
      ...reportTypeResolvers,
    },
  });
  return createYogaServer<GraphqlServerContext, UserContext>({
    schema,
    graphqlEndpoint: deps.endpoint ?? GRAPHQL_ENDPOINT,
    context: (): UserContext => ({ queries: deps.queries, ...(deps.reports === undefined ? {} : { reports: deps.reports }) }),
    graphiql: deps.graphiql === true ? { title: 'aks-access', defaultQuery: GRAPHIQL_EXAMPLE } : false,
    landingPage: false,
    // Masking is done by useErrorMasking (which knows the request id); yoga's own would log without it.
    maskedErrors: false,
    logging: false,
    cors: deps.corsOrigins === undefined || deps.corsOrigins.length === 0 ? false : { origin: [...deps.corsOrigins], credentials: false, methods: ['GET', 'POST'] },
    plugins: [useRequestId({ log }), useAuth(deps.authenticate, log), useQueryLimits(deps.limits), useErrorMasking(log)],
  });
}

const GRAPHIQL_EXAMPLE = `# Who can read secrets in namespace payments, and why?
query WhoCanReadSecrets {
  whoCan(request: { verb: "get", resource: "secrets", namespace: "payments" }) {
    cluster { name generation }
    stale
    staleReasons
    subjects(first: 20) {
      totalCount
      edges {
        node {
          kind
          name
          principalType
          displayName
          conditional
          via { plane kind explanation }
        }
      }
    }
  }
}
`;
