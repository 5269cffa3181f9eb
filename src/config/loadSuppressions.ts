import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'yaml';
import { parseSuppressions, SuppressionError, type ParsedSuppression } from '../engine/findings/suppressions.ts';
import type { SuppressionsSetting } from './suppressionsSetting.ts';

/** A suppressions file, YAML or JSON (by extension; YAML otherwise, which also reads JSON). Errors name the file and entry. */
export async function readSuppressionsFile(path: string): Promise<ParsedSuppression[]> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SuppressionError(`${path}: cannot read the suppressions file (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new SuppressionError(`${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)})`);
  }
  return parseSuppressions(value, path);
}

export interface LoadedSuppressions {
  readonly suppressions: readonly ParsedSuppression[];
  readonly warnings: readonly string[];
}

/**
 * The suppressions the API applies, read on each call so an edited file takes effect without a restart. A file
 * that becomes unreadable or invalid keeps the last good list in force, with a warning naming the problem; with
 * no good list yet, the error is thrown (findings are not answered with unknown acceptances).
 */
export function suppressionsSource(setting: SuppressionsSetting | undefined): () => Promise<LoadedSuppressions> {
  if (setting === undefined) return () => Promise.resolve({ suppressions: [], warnings: [] });
  if ('inline' in setting) return () => Promise.resolve({ suppressions: setting.inline, warnings: [] });
  let lastGood: readonly ParsedSuppression[] | undefined;
  return async () => {
    try {
      lastGood = await readSuppressionsFile(setting.file);
      return { suppressions: lastGood, warnings: [] };
    } catch (error) {
      if (!(error instanceof SuppressionError) || lastGood === undefined) throw error;
      return { suppressions: lastGood, warnings: [`${error.message} — the last good suppressions stay in force`] };
    }
  };
}
