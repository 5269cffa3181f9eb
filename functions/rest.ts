import { app, type HttpFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';
import { createRestHandler, type RestHandler } from '../src/api/rest/createRestHandler.ts';
import { functionsHandler } from '../src/api/graphql/functionsHandler.ts';

// One handler per process over the shared query layer (GraphQL and REST use the same per-generation cache),
// built on the first request so a configuration error fails that request, naming every problem.
let rest: RestHandler | undefined;

/**
 * The REST API for chat bots at /api/v1/… (who-can, can-i, principals/{id}/access, clusters, status,
 * openapi.json). Anonymous to the platform: every request is authenticated in code (src/api/auth). Every
 * method is routed here so that anything but GET gets the API's own 405, not a bare platform 404.
 */
export const restV1: HttpFunctionOptions = {
  route: 'v1/{*path}',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  authLevel: 'anonymous',
  handler: functionsHandler(() => {
    const { api, reports } = composition();
    const handler = (rest ??= createRestHandler({ queries: api.queries, authenticate: api.authenticate, reports: reports.store, log: (line) => {
          console.log(line);
        },
      }));
    return { fetch: (input, init) => handler(new Request(input, init)) };
  }),
};

app.http('restV1', restV1);
