import type { ComplianceReport, ReportSummary } from './ComplianceReport.ts';

/** Where compliance reports are kept: written by the report timer, read by the API and for the next run's trend. */
export interface ReportStore {
  /** Stores a report; a report with the same id is replaced. Its summary appears only once the whole body is written. */
  writeReport(report: ComplianceReport): Promise<void>;
  /** The summaries of the latest `limit` reports, newest first. */
  listSummaries(limit: number): Promise<ReportSummary[]>;
  /** The newest complete report, or undefined before the first run. */
  readLatest(): Promise<ComplianceReport | undefined>;
  readReport(id: string): Promise<ComplianceReport | undefined>;
}

/** What the API reads of the report store (REST GET /report, GraphQL reports/report). */
export type ReportReader = Pick<ReportStore, 'readLatest' | 'readReport' | 'listSummaries'>;
