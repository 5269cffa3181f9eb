import { postWebhook, type WebhookOutcome, type WebhookPolicy } from './postWebhook.ts';
import { riskyGrantsView, type RiskyGrantsEvent } from './riskyGrantsView.ts';
import { webhookPayload, type WebhookKind } from './webhookPayload.ts';

/** Tells someone about risky capabilities a compile found newly granted. */
export interface RiskyGrantNotifier {
  /** Never throws; `skipped` when the changes hold no new risky capability. */
  notify(event: RiskyGrantsEvent): Promise<NotificationOutcome>;
}

export type NotificationOutcome = { readonly state: 'skipped'; readonly reason: string } | (WebhookOutcome & { readonly riskyGained: number });

export interface WebhookNotifierOptions extends WebhookPolicy {
  readonly url: string;
  readonly kind: WebhookKind;
}

/** A notifier posting to a Teams or Slack incoming webhook. */
export function webhookNotifier(options: WebhookNotifierOptions): RiskyGrantNotifier {
  return {
    async notify(event) {
      try {
        const view = riskyGrantsView(event);
        if (view === undefined) return { state: 'skipped', reason: 'no new risky capability' };
        const riskyGained = event.changes.reduce((n, c) => n + c.riskyGained.length, 0);
        return { ...(await postWebhook(options.url, webhookPayload(options.kind, view), options)), riskyGained };
      } catch (error) {
        // postWebhook does not throw; this is a bug in building the message, and still must not fail a compile.
        return { state: 'failed', attempts: 0, riskyGained: 0, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
