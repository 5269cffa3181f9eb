import { existsSync } from 'node:fs';

/** Whether a word after `--from-files`/`--azure-files` is still an input: an existing path, or CLUSTER=PATH. */
export function isInputPath(word: string): boolean {
  if (existsSync(word)) return true;
  const eq = word.indexOf('=');
  return eq > 0 && existsSync(word.slice(eq + 1));
}
