import { app, type TimerFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';

/** Builds and stores the compliance report on the schedule in the AKS_ACCESS_REPORT_SCHEDULE app setting (NCRONTAB; daily by default). */
export const reportTimer: TimerFunctionOptions = {
  schedule: '%AKS_ACCESS_REPORT_SCHEDULE%',
  handler: async (timer, context) => {
    await composition().reports.onSchedule(timer, context);
  },
};

app.timer('reportTimer', reportTimer);
