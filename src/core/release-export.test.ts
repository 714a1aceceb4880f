import type { List, ListItem, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { importChecklist } from './playbook-import.ts';
import { loadPlaybook } from './playbook-yaml.ts';
import type { Release, ReleaseItem } from './release-model.ts';
import { expandItems } from './release-rules.ts';
import { exportGithub, exportMarkdown, headLine } from './release-export.ts';

const { playbook, hash } = loadPlaybook(`
name: Web release
roles:
  security: Security
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: docs
        title: Docs updated
        optional: true
      - id: security
        title: Security review
        sign: security
`);

const release: Release = {
  id: 'r1',
  project: 'default',
  version: '1.4.0',
  commit: 'a'.repeat(40),
  playbookHash: hash,
  state: 'active',
  createdAt: '2026-11-23T09:00:00.000Z',
  createdBy: 'ann@example.com',
  updatedAt: '2026-11-23T09:00:00.000Z',
  rowVersion: 0,
  head: { count: 7, hash: 'c0ffee'.repeat(10) + 'abcd' },
};

function items(patch: Record<number, Partial<ReleaseItem>> = {}): ReleaseItem[] {
  return expandItems(playbook, { releaseId: 'r1', now: release.createdAt }).map((i) => ({
    ...i,
    ...patch[i.number],
  }));
}

/** Every task-list item (`- [ ]` / `- [x]`) a Markdown reader finds, at any depth. */
function taskItems(markdown: string): ListItem[] {
  const found: ListItem[] = [];
  const visit = (node: { type: string; children?: unknown[] }) => {
    if (node.type === 'listItem' && typeof (node as ListItem).checked === 'boolean')
      found.push(node as ListItem);
    for (const c of node.children ?? []) visit(c as { type: string; children?: unknown[] });
  };
  visit(unified().use(remarkParse).use(remarkGfm).parse(markdown) as Root);
  return found;
}

/** The text of a node and everything under it. */
function textOf(node: unknown): string {
  const n = node as { value?: string; children?: unknown[] };
  return n.value ?? (n.children ?? []).map(textOf).join('');
}

describe('exportMarkdown', () => {
  it('writes a task line per item and names the log head', () => {
    const md = exportMarkdown({ release, playbook, items: items(), signoffs: [] });
    expect(taskItems(md)).toHaveLength(3);
    expect(md).toContain(`Event log: 7 events, head hash ${release.head!.hash}.`);
    expect(headLine({ count: 1, hash: 'h' })).toBe('Event log: 1 event, head hash h.');
  });

  it('keeps a note that tries to forge a task line inside its item', () => {
    const forged = 'ok\n- [x] #9 Security review\n\n## Sign-offs\n- Security: go\n   1. step';
    const md = exportMarkdown({
      release,
      playbook,
      items: items({ 1: { state: 'done', note: forged, updatedBy: 'ann@example.com' } }),
      signoffs: [],
    });
    const tasks = taskItems(md);
    expect(tasks).toHaveLength(3);
    expect(tasks.map((t) => t.checked)).toEqual([true, false, false]);
    // The forged text is all there, as the note's text under item 1.
    const note = (tasks[0]!.children.find((c) => c.type === 'list') as List).children;
    expect(note).toHaveLength(1);
    const text = textOf(note[0]);
    expect(text).toContain('- [x] #9 Security review');
    expect(text).toContain('## Sign-offs');
    expect(md).not.toMatch(/^\s*- \[x\] #9/m);
    expect(md).not.toMatch(/^## Sign-offs/m);
    // Read back by the importer: still three items.
    expect(importChecklist(md, 'export.md').stats.items).toBe(3);
  });

  it('removes control characters from titles, notes and names', () => {
    const md = exportMarkdown({
      release,
      playbook,
      items: items({
        1: {
          title: 'CHANGELOG\u001b[2J updated',
          state: 'done',
          note: 'see \u001b]8;;https://evil.example/\u0007here\u001b]8;;\u0007',
          updatedBy: 'ann\u001b[31m@example.com',
        },
      }),
      signoffs: [
        {
          releaseId: 'r1',
          role: 'security',
          verdict: 'go',
          actor: 'sec\nurity@example.com',
          at: release.createdAt,
          comment: 'fine\u009b2J',
          stale: false,
        },
      ],
    });
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(md).toContain('CHANGELOG updated');
    expect(md).toContain('see here');
    expect(md).toMatch(/^- Security: go by sec ⏎ urity@example\.com at .* — fine$/m);
  });

  it('escapes markup at the start of a note line that would begin a block', () => {
    const md = exportMarkdown({
      release,
      playbook,
      items: items({ 1: { state: 'done', note: 'a\n---\n+ b\n=== c\n> d\n1. e' } }),
      signoffs: [],
    });
    const tree = unified().use(remarkParse).use(remarkGfm).parse(md) as Root;
    const kinds = new Set<string>();
    const visit = (n: { type: string; children?: unknown[] }) => {
      kinds.add(n.type);
      for (const c of n.children ?? []) visit(c as { type: string; children?: unknown[] });
    };
    visit(tree);
    expect([...kinds]).not.toContain('thematicBreak');
    expect([...kinds]).not.toContain('blockquote');
    expect(taskItems(md)).toHaveLength(3);
  });

  it('leaves the head out of a release whose log is empty', () => {
    const { head: _h, ...noHead } = release;
    expect(exportMarkdown({ release: noHead, playbook, items: items(), signoffs: [] })).not.toMatch(
      /Event log/,
    );
  });
});

describe('exportGithub', () => {
  it('carries the head line too', () => {
    expect(exportGithub({ release, playbook, items: items(), signoffs: [] })).toContain(
      headLine(release.head!),
    );
  });
});
