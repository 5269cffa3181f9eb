import { describe, expect, it } from 'vitest';
import { REPORT_INPUT, REPORT_NOW } from '../../test/helpers/reportFixtures.ts';
import { buildReport } from './buildReport.ts';
import { withoutUnitDetails } from './withoutUnitDetails.ts';

describe('withoutUnitDetails', () => {
  it('drops the message and permission of failing units, keeps name, state and times, and says why', () => {
    const report = buildReport({ ...REPORT_INPUT, units: [{ unit: 'azure-rbac|sub:1', state: 'denied', lastAttempt: 't1', message: '403 from ARM', permission: 'Microsoft.Authorization/roleAssignments/read' }] }, REPORT_NOW);
    const shown = withoutUnitDetails(report, 'Access.Admin');
    expect(shown.units).toEqual({ total: 1, failing: [{ unit: 'azure-rbac|sub:1', state: 'denied', lastAttempt: 't1' }] });
    expect(shown.warnings.at(-1)).toMatch(/shown to the app role Access\.Admin only/);
    expect(JSON.stringify(shown)).not.toMatch(/403 from ARM|roleAssignments\/read/);
    expect(shown.findings).toBe(report.findings);
  });

  it('leaves a report with nothing to hide as it is', () => {
    const report = buildReport({ ...REPORT_INPUT, units: [{ unit: 'tenant', state: 'ok' }] }, REPORT_NOW);
    expect(withoutUnitDetails(report, 'Access.Admin')).toBe(report);
  });
});
