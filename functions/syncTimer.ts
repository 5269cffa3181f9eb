import { app, type TimerFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';

/** Starts a sync run on the schedule in the SYNC_SCHEDULE app setting (NCRONTAB). */
export const syncTimer: TimerFunctionOptions = {
  schedule: '%SYNC_SCHEDULE%',
  handler: (timer, context) => composition().syncHandlers.onSchedule(timer, context),
};

app.timer('syncTimer', syncTimer);
