/**
 * `aks-access findings --suppressions FILE` as a process, on the bundled examples: accepted findings move to
 * "suppressed" with their owner, reason and expiry; an expired suppression applies to nothing and is reported;
 * a suppression without an owner is an error naming the entry (exit 2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/cliProcess.ts';

const EXAMPLES = ['--azure-files', 'examples/azure', '--from-files', 'aks-prod-weu=examples/k8s/aks-contoso', '--kind', 'risky'];
const cli = (...args: string[]) => runCliProcess(args);

interface Json {
  findings: { rule?: string; subject?: { name: string } }[];
  suppressed?: { finding: { rule?: string; subject?: { name: string } }; suppression: { owner: string; reason: string; expires: string; entry: string } }[];
  expiredSuppressions?: { entry: string; owner: string; wouldMatch: number }[];
}

let dir: string;
let plain: Json;
const isBobSecrets = (f: { rule?: string; subject?: { name: string } }) => f.rule === 'secrets-read' && f.subject?.name === 'bob@contoso.com';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aks-access-suppress-cli-'));
  const run = await cli('findings', ...EXAMPLES, '-o', 'json');
  expect(run.code).toBe(0);
  plain = JSON.parse(run.stdout) as Json;
  expect(plain.findings.filter(isBobSecrets)).toHaveLength(1);
  expect(Object.keys(plain)).toEqual(['findings']);
}, 60_000);

describe('aks-access findings --suppressions', () => {
  it('moves the accepted finding aside with owner, reason and expiry; the rest are unchanged', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'suppressions:\n  - match: { kind: risky, rule: secrets-read, subject: bob@contoso.com }\n    owner: payments-team\n    reason: break-glass account, reviewed monthly\n    expires: 2999-12-31\n');
    const run = await cli('findings', ...EXAMPLES, '--suppressions', file, '-o', 'json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Json;
    expect(out.findings).toEqual(plain.findings.filter((f) => !isBobSecrets(f)));
    expect(out.suppressed?.map((s) => [s.finding.rule, s.finding.subject?.name, s.suppression])).toEqual([
      ['secrets-read', 'bob@contoso.com', { entry: `${file} entry 1`, owner: 'payments-team', reason: 'break-glass account, reviewed monthly', expires: '2999-12-31' }],
    ]);
    expect(out.expiredSuppressions).toEqual([]);
    const table = await cli('findings', ...EXAMPLES, '--suppressions', file);
    expect(table.stdout).toMatch(/Suppressed \(1\):\n.*ACCEPTED BY\n.*payments-team until 2999-12-31: break-glass account/);
  });

  it('an expired suppression applies to nothing and is reported', async () => {
    const file = join(dir, 'expired.json');
    await writeFile(file, JSON.stringify([{ match: { kind: 'risky-access', rule: 'secrets-read', subject: 'bob@contoso.com' }, owner: 'payments-team', reason: 'temporary', expires: '2020-01-01' }]));
    const run = await cli('findings', ...EXAMPLES, '--suppressions', file, '-o', 'json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Json;
    expect(out.findings).toEqual(plain.findings);
    expect(out.suppressed).toEqual([]);
    expect(out.expiredSuppressions?.map((e) => [e.entry, e.owner, e.wouldMatch])).toEqual([[`${file} entry 1`, 'payments-team', 1]]);
    expect(run.stderr).toContain(`expired suppression: ${file} entry 1 (owner payments-team, expired 2020-01-01) no longer applies`);
  });

  it('a suppression without an owner is an error naming the entry (exit 2)', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, '- match: { kind: risky }\n  reason: x\n  expires: 2999-01-01\n');
    const run = await cli('findings', ...EXAMPLES, '--suppressions', file, '-o', 'json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: ${file} entry 1: no owner — add "owner:" naming the person or team who accepted the finding\n`);
  });
});
