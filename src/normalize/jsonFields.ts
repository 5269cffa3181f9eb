import { ManifestError } from '../manifests/ManifestError.ts';

/** Small typed readers over parsed JSON that fail with the field path, so bad input names itself. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field looked up case-insensitively: ARM says enableAzureRBAC, the az CLI enableAzureRbac. */
export function field(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function str(obj: Json, name: string, where: string): string {
  const v = field(obj, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ManifestError(`${where}: ${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function requiredStr(obj: Json, name: string, where: string): string {
  const v = str(obj, name, where);
  if (v === '') throw new ManifestError(`${where}: ${name} is required`);
  return v;
}

export function strList(obj: Json, name: string, where: string): string[] {
  const v = field(obj, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ManifestError(`${where}: ${name} must be a list of strings`);
  return v;
}

export function bool(obj: Json, name: string, where: string): boolean | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ManifestError(`${where}: ${name} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function obj(o: Json, name: string): Json | undefined {
  const v = field(o, name);
  return isObject(v) ? v : undefined;
}

export function list(o: Json, name: string, where: string): unknown[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ManifestError(`${where}: ${name} must be a list`);
  return v;
}

/** ARM wraps resource properties in `properties`; the az CLI flattens them. Read from either. */
export function props(o: Json): Json {
  const p = field(o, 'properties');
  return isObject(p) ? { ...o, ...p } : o;
}
