import { describe, expect, it } from 'vitest';
import { buildReport } from '../buildReport.ts';
import { formulaSubject, REPORT_INPUT, REPORT_NOW } from '../../../test/helpers/reportFixtures.ts';
import { csvField, renderCsv } from './renderCsv.ts';

/** An RFC 4180 reader, written from the RFC for this test: records split on CRLF outside quotes, "" inside quotes is ". */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['', ''],
    ['/subscriptions/x', '/subscriptions/x'],
  ])('%j → %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
  ])('a formula-looking %j is kept as text: %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe('renderCsv', () => {
  const report = buildReport(REPORT_INPUT, REPORT_NOW);
  const text = renderCsv(report);
  const records = parseCsv(text);
  const header = records[0] ?? [];
  const col = (name: string) => header.indexOf(name);

  it('is one header and one record per finding, open then suppressed, every record as wide as the header', () => {
    expect(header.slice(0, 4)).toEqual(['severity', 'kind', 'rule', 'cluster']);
    expect(records).toHaveLength(1 + report.findings.length + report.suppressed.length);
    for (const r of records) expect(r).toHaveLength(header.length);
    expect(records.slice(1).map((r) => r[col('status')])).toEqual(['open', 'open', 'open', 'open', 'open', 'open', 'suppressed']);
  });

  it('round-trips commas, quotes and line breaks inside fields', () => {
    const row = records.find((r) => r[col('rule')] === 'secrets-read');
    expect(row?.[col('subject')]).toBe('User <script>alert("x")</script> (Mallory, "the" intern\nsecond line)');
    const acr = records.find((r) => r[col('rule')] === 'acr-attach');
    expect(acr?.[col('detail')]).toBe('Required to pull images from an attached ACR, e.g. "contosoacr.azurecr.io/web:1.2", for nodes, pods, jobs');
    expect(text).toContain('"User <script>alert(""x"")</script> (Mallory, ""the"" intern\nsecond line)"');
  });

  it('keeps the suppression owner, reason and expiry', () => {
    const row = records.at(-1) ?? [];
    expect([row[col('suppressedBy')], row[col('suppressionReason')], row[col('suppressionExpires')]]).toEqual(['platform-team@contoso.com', 'node metrics scraping, reviewed in SEC-42', '2027-01-31']);
  });

  it('defuses a field that a spreadsheet would run as a formula, and only such a field', () => {
    const hostile = buildReport({ findings: [{ ...formulaSubject, summary: '=HYPERLINK("http://evil.example","x")' }], clusters: [] }, REPORT_NOW);
    const [head, row] = parseCsv(renderCsv(hostile));
    const detail = row?.[head?.indexOf('detail') ?? -1];
    expect(detail).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(row?.[head?.indexOf('subject') ?? -1]).toBe('Group =HYPERLINK("http://evil.example","x")');
  });
});
