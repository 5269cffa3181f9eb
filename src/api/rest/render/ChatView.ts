/**
 * What a chat message says, before it is written as Markdown, Slack Block Kit or a Teams Adaptive Card: a
 * title, a few sections of short lines (the top subjects with their first path), counts, "+N more", notes and
 * a link to the full JSON answer. Texts are plain; each renderer escapes and styles them for its surface.
 */
export interface ChatView {
  readonly title: string;
  /** One line under the title: the verdict or the counts. */
  readonly summary?: string;
  readonly sections: readonly ChatSection[];
  /** Freshness warnings and the answer's notes. */
  readonly notes: readonly string[];
  /** The full answer; absent in messages nobody asked for (a webhook notification has no request to link back to). */
  readonly link?: { readonly label: string; readonly url: string };
}

export interface ChatSection {
  readonly heading: string;
  /** Counts and states as label/value pairs (a Slack fields block, a Teams FactSet). */
  readonly facts?: readonly (readonly [string, string])[];
  readonly items: readonly ChatItem[];
  /** Items left out to keep the message short. */
  readonly more: number;
}

export interface ChatItem {
  /** Who or what: `alice@contoso.com (Alice Adams) · User`. */
  readonly title: string;
  /** Why: the first path, `[k8s aks-prod-weu] RoleBinding payments/devs → ClusterRole edit #0 (+1 more)`. */
  readonly detail: string;
}
