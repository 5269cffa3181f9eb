import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './loadConfig.ts';
import { ConfigError } from './ConfigError.ts';
import { readSuppressionsFile, suppressionsSource } from './loadSuppressions.ts';
import { SuppressionError } from '../engine/findings/suppressions.ts';

const VALID = {
  TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  COSMOS_ENDPOINT: 'https://aks-access.documents.azure.com:443/',
  COSMOS_DATABASE: 'aks-access',
  AzureWebJobsStorage__queueServiceUri: 'https://aksaccessfn.queue.core.windows.net',
  SYNC_SCHEDULE: '0 0 */6 * * *',
};
const ENTRY = { match: { kind: 'risky', rule: 'secrets-read', cluster: 'aks-prod' }, owner: 'payments-team', reason: 'break-glass', expires: '2027-01-31' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aks-access-suppressions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AKS_ACCESS_SUPPRESSIONS', () => {
  it('absent: no suppressions', () => {
    expect(loadConfig(VALID).suppressions).toBeUndefined();
  });

  it('a path is a file, read when findings are asked for', () => {
    expect(loadConfig({ ...VALID, AKS_ACCESS_SUPPRESSIONS: '/home/site/suppressions.yaml' }).suppressions).toEqual({ file: '/home/site/suppressions.yaml' });
  });

  it('inline JSON is checked at startup', () => {
    const s = loadConfig({ ...VALID, AKS_ACCESS_SUPPRESSIONS: JSON.stringify([ENTRY]) }).suppressions;
    expect(s !== undefined && 'inline' in s ? s.inline.map((x) => [x.entry, x.owner, x.match.rule]) : s).toEqual([['AKS_ACCESS_SUPPRESSIONS entry 1', 'payments-team', 'secrets-read']]);
  });

  it.each([
    ['an entry without an owner', JSON.stringify({ suppressions: [ENTRY, { ...ENTRY, owner: '' }] }), /^AKS_ACCESS_SUPPRESSIONS entry 2: no owner/],
    ['JSON that does not parse', '[{"match":', /^AKS_ACCESS_SUPPRESSIONS starts like inline JSON but does not parse/],
  ])('refuses %s, naming it', (_name, value, message) => {
    const found = problems({ ...VALID, AKS_ACCESS_SUPPRESSIONS: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });
});

describe('suppressions files', () => {
  it('reads YAML and JSON', async () => {
    const yaml = join(dir, 's.yaml');
    await writeFile(yaml, `suppressions:\n  - match: { kind: risky, rule: secrets-read, cluster: aks-prod }\n    owner: payments-team\n    reason: break-glass\n    expires: 2027-01-31\n`);
    const json = join(dir, 's.json');
    await writeFile(json, JSON.stringify([ENTRY]));
    for (const file of [yaml, json]) {
      const [s] = await readSuppressionsFile(file);
      expect(s).toMatchObject({ entry: `${file} entry 1`, owner: 'payments-team', expires: '2027-01-31', match: ENTRY.match });
    }
  });

  it('names the file when it is missing or malformed', async () => {
    await expect(readSuppressionsFile(join(dir, 'none.yaml'))).rejects.toThrow(/none\.yaml: cannot read the suppressions file \(no such file\)/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ nope');
    await expect(readSuppressionsFile(bad)).rejects.toThrow(SuppressionError);
    await expect(readSuppressionsFile(bad)).rejects.toThrow(/bad\.json: not valid JSON/);
  });

  it('the API’s source keeps the last good list when the file turns bad, and says so', async () => {
    const file = join(dir, 'live.yaml');
    await writeFile(file, JSON.stringify([ENTRY]));
    const source = suppressionsSource({ file });
    expect((await source()).suppressions).toHaveLength(1);
    await writeFile(file, JSON.stringify([{ ...ENTRY, reason: undefined }]));
    const after = await source();
    expect(after.suppressions).toHaveLength(1);
    expect(after.warnings).toEqual([`${file} entry 1: no reason — add "reason:" saying why the finding is accepted — the last good suppressions stay in force`]);
    // With no good list yet, the error stands.
    await expect(suppressionsSource({ file })()).rejects.toThrow(/entry 1: no reason/);
  });
});
