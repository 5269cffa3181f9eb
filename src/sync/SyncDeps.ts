import type { IndexStore } from '../store/IndexStore.ts';
import type { CollectUnit } from './unitCollectors.ts';
import type { RiskyGrantNotifier } from '../notify/riskyGrantNotifier.ts';

/** What sync needs from the outside world, injected: the store, the collectors, the clock and fresh ids. */
export interface SyncDeps {
  readonly store: IndexStore;
  readonly collect: CollectUnit;
  /** Milliseconds since the epoch (Date.now in production; a controllable clock in tests). */
  readonly now: () => number;
  /** A fresh unique token for run and generation ids (crypto.randomUUID in production). */
  readonly newId: () => string;
  /** Units (and compiles) in flight at once in a local run. Default 4. */
  readonly concurrency?: number;
  /** Told about risky capabilities a compile finds newly granted (AKS_ACCESS_WEBHOOK_URL); absent: nobody is. */
  readonly notifier?: RiskyGrantNotifier;
}
