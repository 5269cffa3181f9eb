import type { ComplianceReport } from '../ComplianceReport.ts';
import { FINDING_COLUMNS, findingRow, type FindingRow } from '../findingRow.ts';

/*
 * RFC 4180: CRLF between records, a field in double quotes when it holds a comma, a quote, CR or LF, and a
 * quote inside doubled. Spreadsheets run a cell starting with = + - @ (or a tab / CR) as a formula, so such a
 * field gets a leading apostrophe (OWASP "CSV injection"): a subject named `=HYPERLINK(…)` stays text.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRecord(values: readonly string[]): string {
  return values.map(csvField).join(',');
}

const COLUMNS: readonly (keyof FindingRow | 'status' | 'suppressedBy' | 'suppressionReason' | 'suppressionExpires')[] = [...FINDING_COLUMNS, 'status', 'suppressedBy', 'suppressionReason', 'suppressionExpires'];

/** One row per finding (open ones first, then the suppressed ones with their owner, reason and expiry), with a header row. */
export function renderCsv(report: ComplianceReport): string {
  const records = [csvRecord(COLUMNS)];
  for (const finding of report.findings) {
    const row = findingRow(finding);
    records.push(csvRecord([...FINDING_COLUMNS.map((c) => row[c]), 'open', '', '', '']));
  }
  for (const s of report.suppressed) {
    const row = findingRow(s.finding);
    records.push(csvRecord([...FINDING_COLUMNS.map((c) => row[c]), 'suppressed', s.suppression.owner, s.suppression.reason, s.suppression.expires]));
  }
  return `${records.join('\r\n')}\r\n`;
}
