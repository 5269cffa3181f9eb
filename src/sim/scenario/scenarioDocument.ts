import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ScenarioError } from './ScenarioError.ts';
import { didYouMean } from './suggest.ts';

export type PathKey = string | number;

/** A value in the parsed document and where it sits, so every error can name its place. */
export interface Cursor {
  readonly value: unknown;
  readonly path: readonly PathKey[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `clusters[2].kubernetes.serviceAccounts[0].annotations["azure.workload.identity/client-id"]` */
export function renderPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * A parsed YAML scenario file with typed, path-tracking readers: a wrong type, a missing field or an
 * unknown key fails with `file:line:col: path: problem`.
 */
export class ScenarioDocument {
  readonly source: string;
  readonly root: Cursor;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(source: string, doc: Document, lines: LineCounter) {
    this.source = source;
    this.doc = doc;
    this.lines = lines;
    this.root = { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, path: [] };
  }

  static parse(text: string, source: string): ScenarioDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const error = doc.errors[0];
    if (error !== undefined) {
      const pos = error.linePos?.[0];
      throw new ScenarioError(source, '', `invalid YAML: ${error.message.split('\n')[0] ?? error.message}`, pos === undefined ? undefined : { line: pos.line, column: pos.col });
    }
    return new ScenarioDocument(source, doc, lines);
  }

  /** Line and column of the deepest node on `path` that exists (of the key itself when `atKey`). */
  position(path: readonly PathKey[], atKey = false): { line: number; column: number } | undefined {
    let node: unknown = this.doc.contents;
    let offset: number | undefined = (node as Node | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const key = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key);
        if (pair === undefined) break;
        const last = i === path.length - 1;
        if (last && atKey && isScalar(pair.key)) {
          offset = pair.key.range?.[0] ?? offset;
          break;
        }
        node = pair.value;
        offset = (node as Node | null)?.range?.[0] ?? (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
      } else if (isSeq(node) && typeof key === 'number') {
        const item: unknown = node.items[key];
        if (item === undefined) break;
        node = item;
        offset = (item as Node | null)?.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** The scalar as written in the file (`2.0`, not the number 2), for hints. */
  private written(path: readonly PathKey[], value: unknown): string {
    const node: unknown = this.doc.getIn(path, true);
    return isScalar(node) && typeof node.source === 'string' ? node.source : String(value);
  }

  private quoteHint(at: Cursor): string {
    return typeof at.value === 'number' || typeof at.value === 'boolean' ? ` (quote it: "${this.written(at.path, at.value)}")` : '';
  }

  fail(at: Cursor | readonly PathKey[], problem: string, atKey = false): never {
    const path = Array.isArray(at) ? (at as readonly PathKey[]) : (at as Cursor).path;
    throw new ScenarioError(this.source, renderPath(path), problem, this.position(path, atKey));
  }

  field(at: Cursor, key: string): Cursor {
    return { value: isObject(at.value) ? at.value[key] : undefined, path: [...at.path, key] };
  }

  /** The mapping at `at`, rejecting keys outside `allowed` (typos surface instead of being ignored). */
  mapping(at: Cursor, allowed: readonly string[], what = 'a mapping'): Record<string, unknown> {
    if (!isObject(at.value)) this.fail(at, `expected ${what}, got ${describe(at.value)}`);
    for (const key of Object.keys(at.value)) {
      if (!allowed.includes(key)) this.fail([...at.path, key], `unknown field '${key}'${didYouMean(key, allowed)}; expected one of ${allowed.join(', ')}`, true);
    }
    return at.value;
  }

  isPresent(at: Cursor): boolean {
    return at.value !== undefined && at.value !== null;
  }

  /** List items; an absent list is empty. */
  items(at: Cursor): Cursor[] {
    if (!this.isPresent(at)) return [];
    if (!Array.isArray(at.value)) this.fail(at, `expected a list, got ${describe(at.value)}`);
    return at.value.map((value: unknown, i) => ({ value, path: [...at.path, i] }));
  }

  optionalString(at: Cursor): string | undefined {
    if (!this.isPresent(at)) return undefined;
    if (typeof at.value !== 'string') this.fail(at, `expected a string, got ${describe(at.value)}${this.quoteHint(at)}`);
    if (at.value.trim() === '') this.fail(at, 'must not be empty');
    return at.value;
  }

  string(at: Cursor): string {
    const value = this.optionalString(at);
    if (value === undefined) this.fail(at, 'is required');
    return value;
  }

  boolean(at: Cursor, fallback: boolean): boolean {
    if (!this.isPresent(at)) return fallback;
    if (typeof at.value !== 'boolean') this.fail(at, `expected true or false, got ${describe(at.value)}`);
    return at.value;
  }

  integer(at: Cursor, fallback: number, min = 0): number {
    if (!this.isPresent(at)) return fallback;
    if (typeof at.value !== 'number' || !Number.isInteger(at.value) || at.value < min) this.fail(at, `expected a whole number >= ${min}, got ${describe(at.value)}`);
    return at.value;
  }

  stringList(at: Cursor): string[] {
    return this.items(at).map((item) => this.string(item));
  }

  stringMap(at: Cursor): Record<string, string> {
    if (!this.isPresent(at)) return {};
    if (!isObject(at.value)) this.fail(at, `expected a mapping of strings, got ${describe(at.value)}`);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(at.value)) {
      const item = { value, path: [...at.path, key] };
      if (typeof value !== 'string') this.fail(item, `expected a string, got ${describe(value)}${this.quoteHint(item)}`);
      out[key] = value;
    }
    return out;
  }

  /** A string, or for the `{name: …}` long form, the mapping (callers read it with `mapping`). */
  isString(at: Cursor): boolean {
    return typeof at.value === 'string';
  }
}
