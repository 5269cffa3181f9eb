import type { ComplianceReport } from './ComplianceReport.ts';

/**
 * The report as a caller without the right to unit details sees it: GET /api/v1/status shows a unit's message
 * and the permission it needs to Access.Admin only, so the report's failing units keep their name, state and
 * times for such a caller, and a warning says what was left out and why.
 */
export function withoutUnitDetails(report: ComplianceReport, adminRole: string): ComplianceReport {
  if (report.units.failing.every((u) => u.message === undefined && u.permission === undefined)) return report;
  return {
    ...report,
    units: {
      total: report.units.total,
      failing: report.units.failing.map((u) => ({
        unit: u.unit,
        state: u.state,
        ...(u.lastAttempt === undefined ? {} : { lastAttempt: u.lastAttempt }),
        ...(u.lastSuccess === undefined ? {} : { lastSuccess: u.lastSuccess }),
      })),
    },
    warnings: [...report.warnings, `failing units' messages and the permissions they need are shown to the app role ${adminRole} only (as in /status)`],
  };
}
