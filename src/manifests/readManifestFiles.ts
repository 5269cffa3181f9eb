import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ManifestError } from './ManifestError.ts';
import { extractRbacObjects, type ExtractResult } from './extractRbacObjects.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Files named on the command line, and manifest files (by extension) inside directories, recursively, sorted. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) await expand(path, true, out);
  return out;
}

async function expand(path: string, explicit: boolean, out: string[]): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file or directory' : (code ?? String(error))})`);
  }
  if (info.isDirectory()) {
    let entries: string[];
    try {
      entries = (await readdir(path)).sort();
    } catch (error) {
      // Unwrapped, an unreadable directory surfaced as "internal error (please report)" with a stack trace.
      throw new ManifestError(`${path}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    for (const entry of entries) await expand(join(path, entry), false, out);
  } else if (explicit || MANIFEST_EXTENSIONS.has(extname(path).toLowerCase())) {
    // A file named on the command line is read whatever its extension; in directories only manifests.
    out.push(path);
  }
}

/**
 * UTF-8, with or without a byte-order mark, and UTF-16LE with its mark: Windows PowerShell 5.1 writes
 * `kubectl get ... -o yaml > rbac.yaml` as UTF-16LE and `Out-File -Encoding utf8` with a BOM. Read as
 * plain UTF-8, the first failed as "expected a Kubernetes object" on garbage and the second as invalid JSON.
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

export async function parseFile(path: string): Promise<{ value: unknown; source: string }[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ManifestError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const text = decode(bytes);
  if (extname(path).toLowerCase() === '.json') {
    try {
      return [{ value: JSON.parse(text) as unknown, source: path }];
    } catch (error) {
      throw new ManifestError(`${path}: invalid JSON: ${(error as Error).message}`);
    }
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const docs = Array.isArray(documents) ? documents : [documents];
  return docs.map((doc, i) => {
    const first = doc.errors[0];
    if (first !== undefined) throw new ManifestError(`${path}: document ${i + 1}: invalid YAML: ${first.message}`);
    return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, source: docs.length > 1 ? `${path} document ${i + 1}` : path };
  });
}

/** Reads files and directories (recursively) of YAML (multi-document) and JSON manifests. */
export async function readManifestFiles(paths: readonly string[]): Promise<ExtractResult & { files: readonly string[] }> {
  const expanded: string[] = [];
  for (const path of paths) await expand(path, true, expanded);
  // A file reached twice (a directory and a file in it) is read once: reading it again reported every
  // object in it as "appears twice (F items[0] and F items[0])".
  const seen = new Set<string>();
  const files = expanded.filter((file) => {
    const key = resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (files.length === 0) throw new ManifestError(`no .yaml, .yml or .json files found in ${paths.join(', ')}`);
  const documents = [];
  for (const file of files) documents.push(...(await parseFile(file)));
  return { ...extractRbacObjects(documents), files };
}
