import { ENDPOINTS, FORMAT_PARAMETER, TOP_PARAMETER, type Endpoint } from './endpoints.ts';
import type { DocumentFormats } from './endpoints.ts';
import { CONTENT_TYPES, FORMATS } from './negotiate.ts';
import type { ParameterSpec } from './parameters.ts';

/*
 * The OpenAPI 3.1 description of /api/v1, generated from the same endpoint table that routes and validates
 * requests, so it lists exactly what is served: every path, every parameter with its type and constraints.
 */

type Schema = Readonly<Record<string, unknown>>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const strings: Schema = { type: 'array', items: { type: 'string' } };

const SCHEMAS: Readonly<Record<string, Schema>> = {
  Error: {
    type: 'object',
    required: ['error', 'requestId'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', examples: ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'UNKNOWN_CLUSTER', 'UNKNOWN_PRINCIPAL', 'NOT_INDEXED', 'NOT_FOUND'] },
          message: { type: 'string' },
          parameter: { type: 'string', description: 'The parameter at fault (400).' },
          expected: { type: 'string', description: 'What the parameter must hold (400).' },
        },
      },
      requestId: { type: 'string' },
    },
  },
  ClusterFreshness: {
    type: 'object',
    required: ['clusterId', 'name', 'generation', 'compiledAt', 'stale', 'staleReasons'],
    properties: {
      clusterId: { type: 'string', description: 'ARM resource id.' },
      name: { type: 'string' },
      generation: { type: 'string' },
      compiledAt: { type: 'string', format: 'date-time' },
      stale: { type: 'boolean', description: 'A unit feeding this cluster last failed: answers come from older data.' },
      staleReasons: strings,
    },
  },
  Subject: {
    type: 'object',
    required: ['kind', 'name'],
    properties: {
      kind: { enum: ['User', 'Group', 'ServiceAccount'] },
      name: { type: 'string', description: 'The Kubernetes name: UPN for Entra users, object id for groups and service principals.' },
      namespace: { type: 'string' },
      objectId: { type: 'string' },
      principalType: { enum: ['User', 'Group', 'ServicePrincipal', 'ManagedIdentity'] },
      displayName: { type: 'string' },
    },
  },
  AccessPath: {
    type: 'object',
    description:
      'One way access is granted, in the words of its plane. kubernetes/rbac: binding → role → rule (ruleIndex, rule, namespace, aggregatedFrom); kubernetes/systemMasters; azure/dataAction: role assignment (assignmentId, roleName, scope) → dataAction (matchedBy, condition); azure/adminGroup: the cluster\'s admin group → cluster-admin; azure/adminCredential: a role allowing a credential action → becomes; azure/discovery; azure/escalation: a control-plane action leading to cluster takeover (why). viaGroup: the Entra membership chain.',
    required: ['plane', 'kind', 'cluster'],
    properties: {
      plane: { enum: ['kubernetes', 'azure'] },
      kind: { enum: ['rbac', 'systemMasters', 'dataAction', 'adminGroup', 'adminCredential', 'discovery', 'escalation'] },
      cluster: { type: 'string' },
      viaGroup: { type: 'object', properties: { groupId: { type: 'string' }, chain: strings } },
    },
    additionalProperties: true,
  },
  Names: { type: 'object', description: 'Display names of the Entra object ids the answer mentions.', additionalProperties: { type: 'string' } },
  WhoCanAnswer: {
    type: 'object',
    required: ['question', 'clusters', 'warnings'],
    properties: {
      question: { type: 'object', additionalProperties: true },
      clusters: {
        type: 'array',
        items: {
          type: 'object',
          required: ['cluster', 'freshness', 'subjects', 'eligible', 'escalations', 'denied', 'notes', 'warnings', 'names'],
          properties: {
            cluster: { type: 'string' },
            freshness: ref('ClusterFreshness'),
            subjects: { type: 'array', items: { allOf: [ref('Subject')], properties: { namespaces: strings, conditional: { const: true }, via: { type: 'array', items: ref('AccessPath') } } } },
            eligible: { type: 'array', items: { allOf: [ref('Subject')], properties: { via: { type: 'array', items: ref('AccessPath') } } } },
            escalations: { type: 'array', items: { allOf: [ref('Subject')], properties: { via: { type: 'array', items: ref('AccessPath') } } } },
            denied: { type: 'array', items: { allOf: [ref('Subject')], properties: { reason: { type: 'string' } } } },
            notes: strings,
            warnings: strings,
            names: ref('Names'),
          },
        },
      },
      warnings: strings,
    },
  },
  CanIAnswer: {
    type: 'object',
    required: ['question', 'allowed', 'reason', 'cluster', 'principal', 'via', 'eligible', 'escalations', 'azureDenials', 'notes', 'warnings', 'freshness', 'names'],
    properties: {
      question: { type: 'object', additionalProperties: true },
      allowed: { oneOf: [{ type: 'boolean' }, { const: 'conditional' }] },
      reason: { type: 'string' },
      cluster: { type: 'string' },
      principal: { type: 'object', properties: { kubernetesName: { type: 'string' }, groups: strings, objectId: { type: 'string' }, principalType: { type: 'string' }, displayName: { type: 'string' } } },
      via: { type: 'array', items: ref('AccessPath') },
      eligible: { type: 'array', items: ref('AccessPath') },
      escalations: { type: 'array', items: ref('AccessPath') },
      azureDenials: strings,
      notes: strings,
      warnings: strings,
      freshness: ref('ClusterFreshness'),
      names: ref('Names'),
    },
  },
  AccessAnswer: {
    type: 'object',
    required: ['principal', 'type', 'namespace', 'clusters'],
    properties: {
      principal: { type: 'string' },
      type: { enum: ['entra', 'kubernetes'] },
      namespace: { type: 'string' },
      clusters: {
        type: 'array',
        items: {
          type: 'object',
          required: ['cluster', 'namespace', 'principal', 'kubernetes', 'azure', 'adminGroups', 'notes', 'warnings', 'freshness', 'names'],
          properties: {
            cluster: { type: 'string' },
            namespace: { type: 'string' },
            principal: { type: 'object', additionalProperties: true },
            kubernetes: { type: 'array', items: { type: 'object', properties: { plane: { const: 'kubernetes' }, verbs: strings, apiGroups: strings, resources: strings, resourceNames: strings, nonResourceURLs: strings, via: { type: 'object' } } } },
            azure: { type: 'array', items: { type: 'object', properties: { plane: { const: 'azure' }, assignmentId: { type: 'string' }, roleName: { type: 'string' }, scope: { type: 'string' }, state: { enum: ['active', 'eligible'] }, condition: { type: 'string' }, dataActionsApply: { type: 'boolean' }, clusterActions: strings } } },
            adminGroups: { type: 'array', items: { type: 'object', properties: { groupId: { type: 'string' } } } },
            notes: strings,
            warnings: strings,
            freshness: ref('ClusterFreshness'),
            names: ref('Names'),
          },
        },
      },
    },
  },
  Clusters: { type: 'object', required: ['clusters'], properties: { clusters: { type: 'array', items: ref('ClusterFreshness') } } },
  Status: {
    type: 'object',
    required: ['clusters', 'units'],
    properties: {
      clusters: { type: 'array', items: ref('ClusterFreshness') },
      units: { type: 'object', properties: { total: { type: 'integer' }, ok: { type: 'integer' }, denied: { type: 'integer' }, transient: { type: 'integer' }, invalid: { type: 'integer' }, lastAttempt: { type: 'string', format: 'date-time' } } },
      unitStatus: { type: 'array', description: 'Access.Admin only.', items: { type: 'object', additionalProperties: true } },
      note: { type: 'string' },
    },
  },
  SlackMessage: { type: 'object', required: ['text', 'blocks'], properties: { text: { type: 'string' }, blocks: { type: 'array', items: { type: 'object' } } } },
  AdaptiveCard: { type: 'object', required: ['type', 'version', 'body'], properties: { type: { const: 'AdaptiveCard' }, version: { type: 'string' }, body: { type: 'array' }, actions: { type: 'array' } } },
};

const ANSWER_SCHEMA: Readonly<Record<string, string>> = { whoCan: 'WhoCanAnswer', canI: 'CanIAnswer', principalAccess: 'AccessAnswer', clusters: 'Clusters', status: 'Status' };

function parameter(spec: ParameterSpec): Schema {
  const base: Record<string, unknown> =
    spec.type === 'list'
      ? { type: 'array', items: { type: 'string', ...(spec.pattern === undefined ? {} : { pattern: spec.pattern.source }) } }
      : spec.type === 'boolean'
        ? { type: 'boolean' }
        : spec.type === 'integer'
          ? { type: 'integer', ...(spec.minimum === undefined ? {} : { minimum: spec.minimum }), ...(spec.maximum === undefined ? {} : { maximum: spec.maximum }) }
          : { type: 'string', ...(spec.pattern === undefined ? {} : { pattern: spec.pattern.source }), ...(spec.enum === undefined ? {} : { enum: spec.enum }) };
  if (spec.default !== undefined) base.default = spec.default;
  return {
    name: spec.name,
    in: 'query',
    required: spec.required === true,
    description: spec.description,
    schema: base,
    ...(spec.type === 'list' ? { style: 'form', explode: true } : {}),
    ...(spec.example === undefined ? {} : { example: spec.example }),
  };
}

const errorResponse = (description: string): Schema => ({ description, content: { [CONTENT_TYPES.json.split(';')[0] ?? 'application/json']: { schema: ref('Error') } } });

/** An endpoint with formats of its own (the compliance report): its format parameter, and one media type per format. */
function documentOperation(endpoint: Endpoint, formats: DocumentFormats): Schema {
  const content: Record<string, Schema> = {};
  for (const [format, type] of Object.entries(formats.contentTypes)) {
    content[type.split(';')[0] ?? type] = format === 'json' ? { schema: { type: 'object', description: 'The whole report: summary, findings, suppressed findings, stale clusters, failing units, trend, warnings (docs/reports.md).' } } : { schema: { type: 'string' } };
  }
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: endpoint.description,
    parameters: [...endpoint.parameters, formats.parameter].map(parameter),
    responses: {
      '200': { description: `The document, in the format asked for (${Object.keys(formats.contentTypes).join(', ')}).`, content },
      '400': errorResponse('A parameter is unknown or malformed, or no stored report has the id given.'),
      '401': errorResponse('No valid identity: send an Entra access token for this API (Authorization: Bearer).'),
      '403': errorResponse('A valid identity without the app role Access.Read.'),
      '503': errorResponse('No report stored yet (Retry-After), or the caller\'s identity could not be verified right now.'),
    },
  };
}

function operation(endpoint: Endpoint): Schema {
  if (endpoint.documentFormats !== undefined) return documentOperation(endpoint, endpoint.documentFormats);
  const answer = ANSWER_SCHEMA[endpoint.operationId] ?? 'Error';
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: endpoint.description,
    parameters: [
      ...endpoint.pathParameters.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: { type: 'string' }, ...(p.example === undefined ? {} : { example: p.example }) })),
      ...[...endpoint.parameters, FORMAT_PARAMETER, TOP_PARAMETER].map(parameter),
    ],
    responses: {
      '200': {
        description: `The answer: JSON by default; format=${FORMATS.filter((f) => f !== 'json').join('|')} or the Accept header for a chat message with a link to the full JSON answer.`,
        headers: { 'X-Request-Id': { schema: { type: 'string' }, description: 'Echoes a well-formed X-Request-Id from the request, else a new id; in every log line about the request.' } },
        content: {
          'application/json': { schema: ref(answer) },
          'text/markdown': { schema: { type: 'string' } },
          'application/vnd.slack.blocks+json': { schema: ref('SlackMessage') },
          'application/vnd.microsoft.card.adaptive+json': { schema: ref('AdaptiveCard') },
        },
      },
      '400': errorResponse('A parameter is missing, unknown or malformed: error.parameter names it, error.expected says what it must hold.'),
      '401': errorResponse('No valid identity: send an Entra access token for this API (Authorization: Bearer).'),
      '403': errorResponse('A valid identity without the needed app role (Access.Read; Access.Admin for status details).'),
      '404': errorResponse('An unknown cluster or principal (the message lists what exists).'),
      '406': errorResponse('The Accept header names no served media type.'),
      '503': errorResponse('Nothing indexed yet, or the caller\'s identity could not be verified right now (Retry-After).'),
    },
  };
}

export function openApiDocument(origin: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const endpoint of ENDPOINTS) paths[endpoint.path] = { get: operation(endpoint) };
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApi',
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'The OpenAPI 3.1 description of /api/v1', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'aks-access REST API for chat bots',
      version: '1',
      description:
        'Who can do what in AKS clusters, and why, across Azure RBAC, Entra and Kubernetes RBAC. Small GET endpoints with the CLI\'s parameters; JSON by default, or Markdown, Slack Block Kit or a Teams Adaptive Card on request (format= or Accept). Entra bearer tokens with the app role Access.Read (Access.Admin for status details); `npm start` serves it without a token on loopback only.',
    },
    servers: [{ url: `${origin}/api/v1` }],
    security: [{ entra: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { entra: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An Entra ID access token for the API\'s app registration, carrying the app role Access.Read or Access.Admin.' } },
    },
  };
}
