import type { ClusterAnswer, ClusterFreshness } from '../AccessQueries.ts';
import type { UnitStatus } from '../../store/IndexStore.ts';
import type { CrossPlaneSubject, CrossPlaneWhoCan } from '../../engine/access/whoCanAcross.ts';
import type { CrossPlaneDecision } from '../../engine/access/canAcross.ts';
import type { RulesAcross } from '../../engine/access/rulesAcross.ts';
import { describeAccessPath, type NameOf } from '../../engine/access/accessPath.ts';
import { accessPathShort } from '../../present/accessPathJson.ts';
import { shortPath } from '../../present/jsonShapes.ts';
import type { ChatItem, ChatSection, ChatView } from './render/ChatView.ts';

/*
 * The chat message of each answer: concise by construction (the top N of each list with its first path,
 * counts, "+N more"), the full answer one link away.
 */

/** Clusters shown in one chat message; the rest are counted and left to the full answer. */
const MAX_CLUSTERS = 5;

export interface ViewOptions {
  readonly top: number;
  readonly link: string;
  readonly nameOf: NameOf;
}

function fullAnswer(url: string): ChatView['link'] {
  return { label: 'Full answer (JSON)', url };
}

function subjectTitle(s: Omit<CrossPlaneSubject, 'via' | 'conditional'>): string {
  const base = s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name;
  const name = s.displayName !== undefined && s.displayName !== s.name ? `${base} (${s.displayName})` : base;
  return `${name} · ${s.principalType ?? s.kind}`;
}

function staleNotes(clusters: readonly ClusterFreshness[]): string[] {
  return clusters.filter((c) => c.stale).map((c) => `⚠ ${c.name} answers from older data: ${c.staleReasons.join('; ')}`);
}

function limitClusters<T extends { cluster: ClusterFreshness }>(answers: readonly T[]): { shown: readonly T[]; note: string[] } {
  const hidden = answers.length - MAX_CLUSTERS;
  return { shown: answers.slice(0, MAX_CLUSTERS), note: hidden > 0 ? [`+${hidden} more cluster(s) in the full answer`] : [] };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function whoCanView(question: string, answers: readonly ClusterAnswer<CrossPlaneWhoCan>[], warnings: readonly string[], options: ViewOptions): ChatView {
  const { shown, note } = limitClusters(answers);
  const total = answers.reduce((n, a) => n + a.answer.subjects.length, 0);
  const sections: ChatSection[] = shown.map(({ cluster, answer }) => {
    const onPlane = (plane: string) => answer.subjects.filter((s) => s.via.some((p) => p.plane === plane)).length;
    const facts: [string, string][] = [
      ['Kubernetes RBAC', plural(onPlane('kubernetes'), 'subject')],
      ['Azure', plural(onPlane('azure'), 'subject')],
    ];
    if (answer.eligible.length > 0) facts.push(['Eligible (PIM)', plural(answer.eligible.length, 'grant')]);
    if (answer.escalations.length > 0) facts.push(['Escalation paths', String(answer.escalations.length)]);
    if (answer.denied.length > 0) facts.push(['Stopped by deny assignments', plural(answer.denied.length, 'subject')]);
    const items: ChatItem[] = answer.subjects.slice(0, options.top).map((s) => {
      const first = s.via[0];
      const more = s.via.length > 1 ? ` (+${s.via.length - 1} more)` : '';
      return { title: subjectTitle(s), detail: `${first === undefined ? '' : accessPathShort(first, options.nameOf)}${more}${s.conditional ? ' [conditional]' : ''}` };
    });
    return { heading: `${cluster.name}: ${plural(answer.subjects.length, 'subject')}${cluster.stale ? ' (stale)' : ''}`, facts, items, more: Math.max(0, answer.subjects.length - options.top) };
  });
  const notes = [...new Set(answers.flatMap((a) => a.answer.notes))].map((n) => `${n}.`);
  return {
    title: `Who can ${question}${answers.length === 1 ? ` on ${answers[0]?.cluster.name ?? ''}` : ''}?`,
    summary: answers.length === 1 ? plural(total, 'subject') : `${plural(total, 'subject')} across ${plural(answers.length, 'cluster')}`,
    sections,
    notes: [...staleNotes(answers.map((a) => a.cluster)), ...note, ...notes, ...warnings],
    link: fullAnswer(options.link),
  };
}

export function canView(who: string, question: string, result: ClusterAnswer<CrossPlaneDecision>, warnings: readonly string[], options: ViewOptions): ChatView {
  const d = result.answer;
  const verdict = d.allowed === true ? 'Yes' : d.allowed === 'conditional' ? 'Conditional' : 'No';
  const list = (heading: string, paths: readonly Parameters<typeof describeAccessPath>[0][]): ChatSection[] =>
    paths.length === 0 ? [] : [{ heading, items: paths.slice(0, options.top).map((p) => ({ title: `${p.plane} · ${p.kind}`, detail: describeAccessPath(p, options.nameOf) })), more: Math.max(0, paths.length - options.top) }];
  return {
    title: `Can ${who} ${question} on ${result.cluster.name}?`,
    summary: `${verdict}: ${d.reason.replace(/^(allowed|denied|conditional): /, '')}`,
    sections: [...list('Other paths', d.paths.slice(1)), ...list('Eligible (PIM), once activated', d.eligible), ...list('Escalation paths', d.escalations)],
    notes: [...staleNotes([result.cluster]), ...d.notes, ...warnings],
    link: fullAnswer(options.link),
  };
}

export function accessView(who: string, namespace: string, answers: readonly ClusterAnswer<RulesAcross>[], options: ViewOptions): ChatView {
  const { shown, note } = limitClusters(answers);
  const sections: ChatSection[] = shown.map(({ cluster, answer }) => {
    const k8s = answer.kubernetes?.rules ?? [];
    // What someone asking "what can X do?" wants first: cluster-admin, Azure roles, then the team's own bindings before the defaults every identity gets.
    const ordinary = (r: (typeof k8s)[number]) => r.binding.name.startsWith('system:') || r.role.name.startsWith('system:');
    const items: ChatItem[] = [
      ...answer.adminGroups.map((g) => ({ title: 'cluster-admin', detail: `member of the cluster's admin group ${options.nameOf(g.groupId) ?? g.groupId}` })),
      ...answer.azure.map((a) => ({
        title: a.role.roleName,
        detail: `[azure] at ${a.assignment.scope} (${a.assignment.state}${a.assignment.condition === undefined ? '' : ', conditional'})${a.viaGroup === undefined ? '' : ` via group ${a.viaGroup.chain.map((id) => options.nameOf(id) ?? id).join(' → ')}`}`,
      })),
      ...[...k8s.filter((r) => !ordinary(r)), ...k8s.filter(ordinary)].map((r) => ({
        title: `${r.rule.verbs.join(',')} ${[...r.rule.resources, ...r.rule.nonResourceURLs].join(',')}${r.rule.resourceNames.length > 0 ? ` (${r.rule.resourceNames.join(',')})` : ''}`,
        detail: `[kubernetes] ${shortPath(r)}`,
      })),
    ];
    return {
      heading: `${cluster.name}${cluster.stale ? ' (stale)' : ''}`,
      facts: [
        ['Kubernetes rules', String(k8s.length)],
        ['Azure role assignments', String(answer.azure.length)],
        ['Admin groups', String(answer.adminGroups.length)],
      ],
      items: items.slice(0, options.top),
      more: Math.max(0, items.length - options.top),
    };
  });
  return {
    title: `Access of ${who}${namespace === '' ? ' (cluster-wide)' : ` in namespace ${namespace}`}`,
    summary: `on ${plural(answers.length, 'cluster')}`,
    sections,
    notes: [...staleNotes(answers.map((a) => a.cluster)), ...note, ...[...new Set(answers.flatMap((a) => a.answer.notes))].map((n) => `${n}.`)],
    link: fullAnswer(options.link),
  };
}

export function clustersView(clusters: readonly ClusterFreshness[], options: ViewOptions): ChatView {
  return {
    title: 'Indexed clusters',
    summary: `${plural(clusters.length, 'cluster')}, ${clusters.filter((c) => c.stale).length} stale`,
    sections: [
      {
        heading: 'Clusters',
        items: clusters.slice(0, options.top).map((c) => ({ title: c.name, detail: `compiled ${c.compiledAt}${c.stale ? ' — stale' : ''}` })),
        more: Math.max(0, clusters.length - options.top),
      },
    ],
    notes: staleNotes(clusters),
    link: fullAnswer(options.link),
  };
}

export function statusView(clusters: readonly ClusterFreshness[], units: readonly UnitStatus[], showFailures: boolean, options: ViewOptions): ChatView {
  const failing = units.filter((u) => u.state !== 'ok');
  const sections: ChatSection[] = [
    {
      heading: 'Clusters',
      items: clusters.slice(0, options.top).map((c) => ({ title: c.name, detail: `${c.stale ? 'stale' : 'fresh'}, compiled ${c.compiledAt}` })),
      more: Math.max(0, clusters.length - options.top),
    },
  ];
  if (showFailures && failing.length > 0) {
    sections.push({
      heading: 'Failing units',
      items: failing.slice(0, options.top).map((u) => ({ title: u.unit, detail: `${u.state} since ${u.lastAttempt}${u.permission === undefined ? '' : ` (needs ${u.permission})`}: ${u.message ?? ''}` })),
      more: Math.max(0, failing.length - options.top),
    });
  }
  return {
    title: 'Index status',
    summary: `${plural(clusters.length, 'cluster')} (${clusters.filter((c) => c.stale).length} stale); ${units.length - failing.length} of ${plural(units.length, 'unit')} ok`,
    sections,
    notes: staleNotes(clusters),
    link: fullAnswer(options.link),
  };
}
