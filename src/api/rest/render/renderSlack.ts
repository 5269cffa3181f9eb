import type { ChatView } from './ChatView.ts';

// Block Kit limits: a header's text ≤ 150 characters, a section's ≤ 3000, a field's ≤ 2000, ≤ 10 fields, ≤ 50 blocks.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;
const BLOCKS_MAX = 50;

/** Slack's mrkdwn reads only &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

type Block = Readonly<Record<string, unknown>>;

/** A Slack message payload (`chat.postMessage`, a response_url, an incoming webhook): `text` for notifications plus Block Kit blocks. */
export function renderSlack(view: ChatView): { text: string; blocks: Block[] } {
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: clip(view.title, HEADER_MAX), emoji: false } }];
  if (view.summary !== undefined) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escapeSlack(view.summary), SECTION_MAX) } });
  for (const section of view.sections) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${escapeSlack(section.heading)}*`, SECTION_MAX) } });
    const facts = section.facts ?? [];
    if (facts.length > 0) {
      blocks.push({ type: 'section', fields: facts.slice(0, FIELDS_MAX).map(([label, value]) => ({ type: 'mrkdwn', text: clip(`*${escapeSlack(label)}*\n${escapeSlack(value)}`, FIELD_MAX) })) });
    }
    if (section.items.length > 0 || section.more > 0) {
      const lines = section.items.map((item) => `• *${escapeSlack(item.title)}*\n      ${escapeSlack(item.detail)}`);
      if (section.more > 0) lines.push(`_+${section.more} more_`);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), SECTION_MAX) } });
    }
  }
  if (view.notes.length > 0) blocks.push({ type: 'context', elements: view.notes.slice(0, 10).map((n) => ({ type: 'mrkdwn', text: clip(escapeSlack(n), FIELD_MAX) })) });
  const link = view.link === undefined ? [] : [{ type: 'section', text: { type: 'mrkdwn', text: `<${view.link.url}|${escapeSlack(view.link.label)}>` } }];
  // Keep the link even when a long answer fills the message.
  const kept = blocks.length >= BLOCKS_MAX ? blocks.slice(0, BLOCKS_MAX - link.length) : blocks;
  return { text: clip(view.summary === undefined ? view.title : `${view.title}: ${view.summary}`, SECTION_MAX), blocks: [...kept, ...link] };
}
