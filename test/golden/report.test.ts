/**
 * Golden outputs of the compliance report: the fixed input of test/helpers/reportFixtures.ts rendered in every
 * format must equal the files in test/golden/report/ byte for byte. The files were read line by line when they
 * were written (counts, order, escaping); a renderer change that alters them shows up as a diff to review.
 * To accept an intended change: UPDATE_GOLDEN=1 npx vitest run test/golden/report.test.ts, then read the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/buildReport.ts';
import { renderReport, REPORT_FORMATS } from '../../src/reports/render/renderReport.ts';
import { REPORT_INPUT, REPORT_NOW } from '../helpers/reportFixtures.ts';

const DIR = join(import.meta.dirname, 'report');

describe('compliance report golden outputs', () => {
  const report = buildReport(REPORT_INPUT, REPORT_NOW);

  it.each(REPORT_FORMATS)('report.%s', (format) => {
    const file = join(DIR, `report.${format}`);
    const actual = renderReport(report, format);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('the JSON golden is the report itself', () => {
    expect(JSON.parse(readFileSync(join(DIR, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
