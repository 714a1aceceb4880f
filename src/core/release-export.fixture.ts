/**
 * For the export tests: a small release in every item state with its log, and how a CommonMark
 * + GFM reader sees a Markdown text (task boxes, text, stray backslash escapes). Also used by
 * the end-to-end export test.
 */
import type { ListItem, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { chainEvent } from './event-chain.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { ExportInput } from './release-export.ts';
import type { Release, ReleaseEvent, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';

interface Node {
  type: string;
  value?: string;
  children?: Node[];
}

/** The Markdown as a CommonMark + GFM reader (remark) parses it. */
export function parseGfm(markdown: string): Root {
  return unified().use(remarkParse).use(remarkGfm).parse(markdown);
}

/** Every task-list item (`- [ ]` / `- [x]`) a reader finds, at any depth. */
export function taskItems(markdown: string): ListItem[] {
  const found: ListItem[] = [];
  const visit = (node: Node) => {
    if (node.type === 'listItem' && typeof (node as ListItem).checked === 'boolean')
      found.push(node as ListItem);
    for (const c of node.children ?? []) visit(c);
  };
  visit(parseGfm(markdown) as Node);
  return found;
}

/** The text a reader shows for a node: its text, inline code in backticks. */
export function textOf(node: unknown): string {
  const n = node as Node;
  if (n.type === 'inlineCode') return `\`${n.value}\``;
  if (n.type === 'break') return '\n';
  return n.value ?? (n.children ?? []).map(textOf).join('');
}

/**
 * The text nodes a reader shows with a backslash before punctuation in them: an escape that
 * was not needed where it stood (the reader took it as text), or one doubled.
 */
export function strayEscapes(markdown: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.type === 'text' && /\\[!-/:-@[-`{-~]/.test(node.value ?? '')) found.push(node.value!);
    for (const c of node.children ?? []) visit(c);
  };
  visit(parseGfm(markdown) as Node);
  return found;
}

/** Every node type in the parsed Markdown. */
export function nodeTypes(markdown: string): Set<string> {
  const kinds = new Set<string>();
  const visit = (n: Node) => {
    kinds.add(n.type);
    for (const c of n.children ?? []) visit(c);
  };
  visit(parseGfm(markdown) as Node);
  return kinds;
}

export const { playbook, hash } = loadPlaybook(`
name: Web release
roles:
  security: Security
  release-manager: Release Manager
environments: [staging, production]
phases:
  - id: pre-release
    title: Pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: docs
        title: Docs updated
        optional: true
      - id: profile
        title: Load tested (\`python monitoring/performance_profiler.py --load-test\`)
      - id: secrets
        title: No secrets committed
        check: secrets
      - id: tag
        title: Release tagged
        check: git-tag
      - id: backup
        title: Database backup
        details: [Take a snapshot of the production database.]
        suggest:
          run: |-
            # Create the snapshot
            aws rds create-db-snapshot --db-snapshot-identifier pre-$VERSION
      - id: security
        title: Security review
        sign: security
  - id: deploy
    title: Deployment
    gate: [release-manager]
    items:
      - id: smoke
        title: Smoke tests pass
rollback:
  - title: Previous version deployed
`);

const commit = 'a'.repeat(40);
const t = (hhmm: string) => `2026-11-23T${hhmm}:00.000Z`;

export const release: Release = {
  id: 'r1',
  project: 'default',
  version: '1.4.0',
  commit,
  playbookHash: hash,
  state: 'active',
  createdAt: t('09:00'),
  createdBy: 'ann@example.com',
  updatedAt: t('09:00'),
  rowVersion: 0,
  head: { count: 7, hash: 'c0ffee'.repeat(10) + 'abcd' },
};

/** The release's items as started, with `patch` applied by item number. */
export function items(patch: Record<number, Partial<ReleaseItem>> = {}): ReleaseItem[] {
  return expandItems(playbook, { releaseId: 'r1', now: release.createdAt }).map((i) => ({
    ...i,
    ...patch[i.number],
  }));
}

/** A log of the given events, chained, each at its time by its actor. */
export function log(
  events: { type: string; payload: unknown; at: string; actor?: string }[],
): ReleaseEvent[] {
  const out: ReleaseEvent[] = [];
  for (const e of events) {
    out.push(
      chainEvent(out.at(-1), {
        releaseId: 'r1',
        at: t(e.at),
        actor: e.actor ?? 'ann@example.com',
        type: e.type,
        payload: e.payload,
      }),
    );
  }
  return out;
}

/**
 * A release in every state: #1 done with a note, #2 n/a, #3 done, #4 passed by a check, #5
 * failed by a check, then waived, #6 pending, #7 signed; a no-go then a go at the gate; a
 * NO-GO and a GO decision; staging and production deployed, production rolled back.
 */
export function finishedRelease(): ExportInput {
  const list = items({
    1: { state: 'done', note: 'see PR 12', updatedBy: 'ann@example.com', updatedAt: t('09:10') },
    2: { state: 'na', note: 'no docs change', updatedBy: 'ann@example.com', updatedAt: t('09:11') },
    3: { state: 'done', updatedBy: 'ann@example.com', updatedAt: t('09:12') },
    4: {
      state: 'passed',
      updatedBy: 'ann@example.com',
      updatedAt: t('09:05'),
      evidence: {
        result: 'passed',
        summary: 'no secrets in 12 files of the release commit aaaaaaa',
        commit,
        files: [{ path: 'src/app_config.py', sha256: 'b'.repeat(64) }],
        checkedAt: t('09:05'),
      },
    },
    5: {
      state: 'waived',
      note: 'tagged by the pipeline after deploy',
      updatedBy: 'rm@example.com',
      updatedAt: t('09:15'),
      evidence: {
        result: 'failed',
        summary: 'tag v1.4.0 does not exist',
        fix: 'git tag -a v1.4.0',
        commit,
      },
    },
    7: { state: 'passed', updatedBy: 'sec@example.com', updatedAt: t('09:18') },
    8: {
      state: 'failed',
      note: 'error rate 7%',
      updatedBy: 'ann@example.com',
      updatedAt: t('10:40'),
    },
  });
  const events = log([
    { type: 'release.started', payload: { version: '1.4.0', items: 8 }, at: '09:00' },
    {
      type: 'item.state',
      payload: { item: 5, id: 'tag', from: 'failed', to: 'waived', action: 'waive' },
      at: '09:15',
      actor: 'rm@example.com',
    },
    {
      type: 'signoff.recorded',
      payload: {
        role: 'security',
        verdict: 'go',
        target: { kind: 'item', id: 'security' },
        commit,
        comment: null,
      },
      at: '09:18',
      actor: 'sec@example.com',
    },
    {
      type: 'signoff.recorded',
      payload: {
        role: 'release-manager',
        verdict: 'no-go',
        target: { kind: 'gate', id: 'deploy' },
        commit,
        comment: 'load test not reviewed',
      },
      at: '09:20',
      actor: 'rm@example.com',
    },
    {
      type: 'signoff.recorded',
      payload: {
        role: 'release-manager',
        verdict: 'go',
        target: { kind: 'gate', id: 'deploy' },
        commit,
        comment: 'reviewed: fine',
      },
      at: '09:30',
      actor: 'rm@example.com',
    },
  ]);
  return {
    release: { ...release, head: { count: events.length, hash: events.at(-1)!.hash } },
    playbook,
    items: list,
    signoffs: [],
    decisions: [
      {
        releaseId: 'r1',
        gate: 'deploy',
        outcome: 'no-go',
        blockers: [
          { kind: 'item-open', item: 6, message: '#6 "Database backup" is pending' },
          { kind: 'signoff-no-go', role: 'release-manager', message: 'release-manager said no-go' },
        ],
        inputs: {},
        commit,
        actor: 'rm@example.com',
        at: t('09:21'),
      },
      {
        releaseId: 'r1',
        gate: 'deploy',
        outcome: 'go',
        blockers: [],
        inputs: {},
        commit,
        actor: 'rm@example.com',
        at: t('09:31'),
      },
    ],
    deployments: [
      {
        id: 'd1',
        project: 'default',
        releaseId: 'r1',
        version: '1.4.0',
        commit,
        environment: 'staging',
        status: 'succeeded',
        startedAt: t('10:00'),
        actor: 'ann@example.com',
      },
      {
        id: 'd2',
        project: 'default',
        releaseId: 'r1',
        version: '1.4.0',
        commit,
        environment: 'production',
        status: 'rolled-back',
        startedAt: t('10:30'),
        actor: 'ann@example.com',
      },
    ],
    overrides: [],
    incidents: [
      {
        id: 'i1',
        deploymentId: 'd2',
        kind: 'rollback',
        reason: 'error_rate > 5% after deploy',
        openedAt: t('11:00'),
        actor: 'ann@example.com',
      },
    ],
    events,
  };
}
