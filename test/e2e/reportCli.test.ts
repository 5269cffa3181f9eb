/**
 * `aks-access report` as a process, offline over contoso exported as az JSON and kubectl Lists: the report holds
 * exactly the findings `aks-access findings` prints, counts them by severity and cluster (the clean
 * control aks-payments-prod listed), and writes each format; a suppressions file moves findings aside.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { exportScenarioFiles } from '../../src/sim/scenario/exportScenarioFiles.ts';
import { CONTOSO_PATH } from '../../src/sim/scenario/findingsInputs.ts';
import type { ComplianceReport } from '../../src/reports/ComplianceReport.ts';
import { runCliProcess } from '../helpers/cliProcess.ts';

const cli = (...args: string[]) => runCliProcess(args);

let contosoArgs: string[];
let dir: string;
let clusterNames: string[];
let findingsJson: unknown[];

beforeAll(async () => {
  const s = await loadScenario(CONTOSO_PATH);
  dir = await mkdtemp(join(tmpdir(), 'aks-access-report-'));
  const out = await exportScenarioFiles(s, dir);
  contosoArgs = ['--azure-files', out.azure, '--from-files', ...out.clusters.map((c) => `${c.name}=${c.dir}`)];
  clusterNames = out.clusters.map((c) => c.name).sort();
  const run = await cli('findings', ...contosoArgs, '-o', 'json');
  expect(run.code).toBe(0);
  findingsJson = (JSON.parse(run.stdout) as { findings: unknown[] }).findings;
}, 120_000);

const key = (f: unknown) => JSON.stringify(f);

describe('aks-access report offline on exported contoso', () => {
  it('--format json: the findings of `aks-access findings`, counted by severity and cluster, the clean cluster listed', async () => {
    const run = await cli('report', '--format', 'json', ...contosoArgs);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ComplianceReport;
    expect(report.findings.map(key).sort()).toEqual(findingsJson.map(key).sort());
    expect(report.summary.findings).toBe(findingsJson.length);
    const bySeverity = Object.values(report.summary.bySeverity).reduce((a, b) => a + b, 0);
    expect(bySeverity).toBe(findingsJson.length);
    expect(report.summary.byCluster.map((c) => c.name).sort()).toEqual(clusterNames);
    // The clean control: listed, with no identity gap and no escalation chain (its admin group's risky access is real).
    const payments = findingsJson.filter((f) => (f as { clusterName: string }).clusterName === 'aks-payments-prod');
    expect(report.summary.byCluster.find((c) => c.name === 'aks-payments-prod')?.total).toBe(payments.length);
    expect(payments.filter((f) => (f as { kind: string }).kind !== 'risky-access')).toEqual([]);
    expect(report.summary.byCluster.reduce((a, c) => a + c.total, 0)).toBe(findingsJson.length);
    expect(report.trend).toHaveLength(1);
    expect(report.staleClusters).toEqual([]);
  });

  it('-o FILE writes html, csv and md; the HTML is self-contained and the CSV has one record per finding', async () => {
    for (const format of ['html', 'csv', 'md']) {
      const file = join(dir, `report.${format}`);
      const run = await cli('report', '--format', format, '-o', file, ...contosoArgs);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${findingsJson.length} open findings on ${clusterNames.length} clusters \\(${format}\\)`));
    }
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|\bsrc=|\bhref=/i);
    expect(html.match(/<svg /g)).toHaveLength(3);
    const csv = await readFile(join(dir, 'report.csv'), 'utf8');
    // Records start with a severity at the beginning of a CRLF-separated line (line breaks inside fields are quoted LF).
    expect(csv.split('\r\n').filter((line) => /^(critical|high|medium|low),/.test(line))).toHaveLength(findingsJson.length);
    expect((await readFile(join(dir, 'report.md'), 'utf8')).startsWith('# AKS access compliance report\n')).toBe(true);
  });

  it('--suppressions moves the findings it covers aside, with owner, reason and expiry', async () => {
    const file = join(dir, 'suppressions.json');
    await writeFile(file, JSON.stringify([{ match: { kind: 'risky', cluster: 'aks-dev-weu' }, owner: 'platform@contoso.com', reason: 'dev cluster, reviewed', expires: '2099-12-31' }]));
    const run = await cli('report', ...contosoArgs, '--suppressions', file);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ComplianceReport;
    const devRisky = findingsJson.filter((f) => (f as { kind: string; clusterName: string }).kind === 'risky-access' && (f as { clusterName: string }).clusterName === 'aks-dev-weu');
    expect(devRisky.length).toBeGreaterThan(0);
    expect(report.summary.suppressed).toBe(devRisky.length);
    expect(report.summary.findings).toBe(findingsJson.length - devRisky.length);
    expect(report.suppressed.every((s) => s.suppression.owner === 'platform@contoso.com' && s.suppression.expires === '2099-12-31')).toBe(true);
  });

  it('bad arguments exit 2 with a message that says what to change', async () => {
    const pdf = await cli('report', '--format', 'pdf', ...contosoArgs);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toMatch(/--format pdf: must be json, csv, md, html/);
    const none = await cli('report');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/report needs --azure-files/);
    const id = await cli('report', '--id', '20261129T060000Z', ...contosoArgs);
    expect(id.code).toBe(2);
    expect(id.stderr).toMatch(/--id names a stored report: it needs --api URL/);
    const both = await cli('report', '--api', 'http://localhost:1', ...contosoArgs);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--from-files is for an offline report/);
  });
});
