import { QueryError } from '../QueryError.ts';

/** One query parameter of a REST endpoint: how it is read and validated, and how the OpenAPI document describes it. */
export interface ParameterSpec {
  readonly name: string;
  /** `list`: repeated (`cluster=a&cluster=b`) or comma-separated (`cluster=a,b`). `boolean`: true/false/1/0, or present without a value. */
  readonly type: 'string' | 'boolean' | 'integer' | 'list';
  readonly required?: boolean;
  readonly description: string;
  /** What a valid value looks like, said in the 400 when the value is not. */
  readonly expected?: string;
  readonly pattern?: RegExp;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: string | number | boolean;
  readonly example?: string;
}

/** A 400 that names the parameter and says what it expects. */
export class ParameterError extends QueryError {
  readonly parameter: string;
  readonly expected: string | undefined;

  constructor(parameter: string, message: string, expected?: string) {
    super('BAD_REQUEST', message);
    this.parameter = parameter;
    this.expected = expected;
  }
}

/** The validated parameters of one request. */
export class Parameters {
  private readonly values: ReadonlyMap<string, readonly string[]>;

  constructor(values: ReadonlyMap<string, readonly string[]>) {
    this.values = values;
  }

  text(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  list(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  flag(name: string): boolean {
    const value = this.values.get(name)?.[0];
    return value === 'true';
  }

  integer(name: string, fallback: number): number {
    const value = this.values.get(name)?.[0];
    return value === undefined ? fallback : Number(value);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

function describeAllowed(specs: readonly ParameterSpec[]): string {
  return specs.length === 0 ? 'this endpoint takes no parameters' : `expected one of: ${specs.map((s) => s.name).join(', ')}`;
}

/**
 * Reads the query against the endpoint's parameters: an unknown name (a typo such as `namepsace`), a single
 * parameter given twice, a missing required one or a malformed value is a ParameterError naming it.
 */
export function readParameters(query: URLSearchParams, specs: readonly ParameterSpec[]): Parameters {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const raw = new Map<string, string[]>();
  for (const [name, value] of query) {
    const spec = byName.get(name);
    if (spec === undefined) {
      const close = specs.find((s) => s.name.toLowerCase() === name.toLowerCase());
      throw new ParameterError(name, `unknown parameter "${name}"${close === undefined ? '' : ` (did you mean "${close.name}"?)`}`, describeAllowed(specs));
    }
    const list = raw.get(name) ?? [];
    if (spec.type !== 'list' && list.length > 0) throw new ParameterError(name, `parameter "${name}" is given more than once`, spec.expected ?? spec.description);
    list.push(value);
    raw.set(name, list);
  }
  const values = new Map<string, readonly string[]>();
  for (const spec of specs) {
    const given = raw.get(spec.name);
    if (given === undefined) {
      if (spec.required === true) throw new ParameterError(spec.name, `missing required parameter "${spec.name}": ${spec.description}`, spec.expected);
      continue;
    }
    values.set(spec.name, validate(spec, given));
  }
  return new Parameters(values);
}

function validate(spec: ParameterSpec, given: readonly string[]): readonly string[] {
  const bad = (value: string, why: string) => new ParameterError(spec.name, `parameter "${spec.name}"="${value}" ${why}`, spec.expected ?? spec.description);
  switch (spec.type) {
    case 'boolean': {
      const value = (given[0] ?? '').toLowerCase();
      if (value === '' || value === 'true' || value === '1') return ['true'];
      if (value === 'false' || value === '0') return ['false'];
      throw bad(given[0] ?? '', 'is not a boolean: use true or false');
    }
    case 'integer': {
      const value = given[0] ?? '';
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || (spec.minimum !== undefined && n < spec.minimum) || (spec.maximum !== undefined && n > spec.maximum)) {
        throw bad(value, `must be a whole number from ${spec.minimum ?? '-∞'} to ${spec.maximum ?? '∞'}`);
      }
      return [value];
    }
    case 'list': {
      const values = given.flatMap((v) => v.split(',')).map((v) => v.trim());
      const empty = values.find((v) => v === '');
      if (empty !== undefined) throw bad(given.join(','), 'has an empty item');
      for (const v of values) check(spec, v, bad);
      return values;
    }
    case 'string': {
      const value = given[0] ?? '';
      if (value === '') throw bad(value, 'is empty');
      check(spec, value, bad);
      return [value];
    }
  }
}

function check(spec: ParameterSpec, value: string, bad: (value: string, why: string) => ParameterError): void {
  if (spec.enum !== undefined && !spec.enum.includes(value)) throw bad(value, `must be one of ${spec.enum.join(', ')}`);
  if (spec.pattern !== undefined && !spec.pattern.test(value)) throw bad(value, `is not valid: ${spec.expected ?? spec.description}`);
}
