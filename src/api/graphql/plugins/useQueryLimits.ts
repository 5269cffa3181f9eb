import { getNamedType, GraphQLError, isInterfaceType, isObjectType, Kind, OperationTypeNode, type ASTVisitor, type ExecutionArgs, type GraphQLField, type GraphQLNamedType, type GraphQLSchema, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_PAGE } from '../connection.ts';

export const QUERY_LIMIT_EXCEEDED = 'QUERY_LIMIT_EXCEEDED';

export interface QueryLimits {
  /** Nesting of fields, fragments expanded (`whoCan { subjects { edges { node { via { viaGroup { chain }}}}}}` is 7). */
  readonly maxDepth: number;
  /** Introspection nests `ofType` deeply by design; its own, larger bound. */
  readonly maxIntrospectionDepth: number;
  /** Aliased fields in one document: aliases are how one request asks the same expensive question many times. */
  readonly maxAliases: number;
  /** Estimated fields resolved: each field 1, times the `first` of every connection above it. */
  readonly maxCost: number;
  /** Lexical tokens in the document: stops huge documents before they are parsed into memory. */
  readonly maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxIntrospectionDepth: 16, maxAliases: 15, maxCost: 25_000, maxTokens: 2_000 };

function limitError(what: string, limit: number, found: number, nodes?: readonly FieldNode[] | OperationDefinitionNode): GraphQLError {
  return new GraphQLError(`${what}: ${found} is over the limit of ${limit}`, { ...(nodes === undefined ? {} : { nodes }), extensions: { code: QUERY_LIMIT_EXCEEDED, limit, found } });
}

type FragmentOf = (name: string) => FragmentDefinitionNode | undefined;

/** The deepest field nesting under a selection set, fragments expanded (a fragment cycle counts once: validation rejects it anyway). */
function depthOf(set: SelectionSetNode | undefined, fragment: FragmentOf, introspection: { seen: boolean }, visiting: ReadonlySet<string> = new Set()): number {
  if (set === undefined) return 0;
  let deepest = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value === '__schema' || s.name.value === '__type') introspection.seen = true;
      deepest = Math.max(deepest, 1 + depthOf(s.selectionSet, fragment, introspection, visiting));
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(s.selectionSet, fragment, introspection, visiting));
    } else if (!visiting.has(s.name.value)) {
      deepest = Math.max(deepest, depthOf(fragment(s.name.value)?.selectionSet, fragment, introspection, new Set([...visiting, s.name.value])));
    }
  }
  return deepest;
}

function depthRule(limits: QueryLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    OperationDefinition(operation) {
      const introspection = { seen: false };
      const depth = depthOf(operation.selectionSet, (name) => context.getFragment(name) ?? undefined, introspection);
      const limit = introspection.seen ? limits.maxIntrospectionDepth : limits.maxDepth;
      if (depth > limit) context.reportError(limitError('query depth', limit, depth, operation));
    },
  });
}

function aliasRule(limits: QueryLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const aliased: FieldNode[] = [];
    return {
      Field(field) {
        if (field.alias !== undefined) aliased.push(field);
      },
      Document: {
        leave() {
          if (aliased.length > limits.maxAliases) context.reportError(limitError('aliases', limits.maxAliases, aliased.length, aliased.slice(limits.maxAliases)));
        },
      },
    };
  };
}

/** The page size a connection field will use: its `first` (a literal or a variable), else the schema's default. */
function pageSize(field: FieldNode, definition: GraphQLField<unknown, unknown>, variables: Readonly<Record<string, unknown>>): number | undefined {
  const declared = definition.args.find((a) => a.name === 'first');
  if (declared === undefined) return undefined;
  const fallback = typeof declared.defaultValue === 'number' ? declared.defaultValue : MAX_PAGE;
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (arg === undefined) return fallback;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return typeof value === 'number' ? value : fallback;
  }
  return fallback;
}

/**
 * Fields resolved, estimated: every field once per item of each connection above it (a field with a `first`
 * argument multiplies what is below it by its page size). Lists that are not connections count once: their
 * length comes from the data (clusters, paths), not from the query.
 */
export function costOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Readonly<Record<string, unknown>>): number {
  const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === undefined || operationName === null ? operations[0] : operations.find((o) => o.name?.value === operationName);
  const typeNamed = (name: string | undefined, fallback: GraphQLNamedType | undefined) => (name === undefined ? fallback : (schema.getType(name) ?? fallback));
  const cost = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, multiplier: number, visiting: ReadonlySet<string>): number => {
    if (set === undefined) return 0;
    let total = 0;
    // An object is of one concrete type: fragments on different types of an interface cost the dearest of them, not their sum.
    const byType = new Map<string, number>();
    const onType = (condition: string | undefined, amount: number) => {
      if (condition === undefined || condition === parent?.name) total += amount;
      else byType.set(condition, (byType.get(condition) ?? 0) + amount);
    };
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const definition = parent !== undefined && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[s.name.value] : undefined;
        const page = definition === undefined ? undefined : pageSize(s, definition, variables);
        const child = definition === undefined ? undefined : getNamedType(definition.type);
        total += multiplier + cost(s.selectionSet, child, multiplier * (page ?? 1), visiting);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const condition = s.typeCondition?.name.value;
        onType(condition, cost(s.selectionSet, typeNamed(condition, parent), multiplier, visiting));
      } else if (!visiting.has(s.name.value)) {
        const fragment = fragments.get(s.name.value);
        const condition = fragment?.typeCondition.name.value;
        onType(condition, cost(fragment?.selectionSet, typeNamed(condition, parent), multiplier, new Set([...visiting, s.name.value])));
      }
    }
    return total + Math.max(0, ...byType.values());
  };
  if (operation === undefined) return 0;
  const root = operation.operation === OperationTypeNode.QUERY ? schema.getQueryType() : operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getSubscriptionType();
  return cost(operation.selectionSet, root ?? undefined, 1, new Set());
}

/**
 * Depth, alias, cost and token limits, as small rules of our own: each refusal is a GraphQL error with
 * `extensions.code` QUERY_LIMIT_EXCEEDED and the limit it hit. Depth and aliases are checked with validation
 * (cached per document); cost at execution, when the variables (`first: $n`) are known.
 */
export function useQueryLimits(overrides: Partial<QueryLimits> = {}): Plugin {
  const limits = { ...DEFAULT_QUERY_LIMITS, ...overrides };
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxTokens: limits.maxTokens }) as DocumentNode;
        } catch (error) {
          // graphql-js says "Document contains more that N tokens"; give it the limit's code.
          if (error instanceof GraphQLError && /contains more th(?:an|at) \d+ tokens/.test(error.message)) {
            throw new GraphQLError(`query size: more than ${limits.maxTokens} tokens`, { extensions: { code: QUERY_LIMIT_EXCEEDED, limit: limits.maxTokens } });
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(depthRule(limits));
      addValidationRule(aliasRule(limits));
    },
    onExecute(payload) {
      const args = payload.args as ExecutionArgs;
      const cost = costOf(args.schema, args.document, args.operationName, args.variableValues ?? {});
      if (cost > limits.maxCost) payload.setResultAndStopExecution({ errors: [limitError('query cost (fields × page sizes)', limits.maxCost, cost)] });
    },
  };
}
