import { app, type HttpFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';
import { createYoga, type GraphqlServer } from '../src/api/graphql/createYoga.ts';
import { functionsHandler } from '../src/api/graphql/functionsHandler.ts';

// One yoga instance per process, built on the first request (a configuration error then fails that request,
// naming every problem, instead of stopping the worker that also runs the sync functions).
let yoga: GraphqlServer | undefined;

/** GraphQL at /api/graphql. Anonymous to the platform: every request is authenticated in code (src/api/auth). */
export const graphql: HttpFunctionOptions = {
  route: 'graphql',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: functionsHandler(() => {
    const { api, reports } = composition();
    yoga ??= createYoga({ queries: api.queries, reports: reports.store, authenticate: api.authenticate, graphiql: api.localMode });
    return yoga;
  }),
};

app.http('graphql', graphql);
