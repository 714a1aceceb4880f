/**
 * `gonogo notes` through the built CLI, in real git repositories: the changelog is read from
 * the release commit (an edit made after it is not in the notes), the release's GO, waiver and
 * deployment are told, the formats are Markdown, HTML and Slack mrkdwn, a version the changelog
 * lacks is exit 2 naming the file and the versions it has, and outside a release a named
 * version reads the working tree's changelog. `export --format github` shows the notes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Repo } from './cli-helper.ts';
import { makeRepo, mondayNow, removeRepos, run } from './cli-helper.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const playbook = `name: Shop release
roles:
  release-manager: Release Manager
environments: [production]
phases:
  - id: pre-release
    items:
      - title: Tests pass
      - title: Load test run
  - id: deploy
    title: Deploy to production
    gate: [release-manager]
    items:
      - title: Deploy the application
        deploys: production
`;

const history = `
1.2.0 / 2026-11-23
==================

  * Add gift cards
  * Fix the <basket> total for 0 items

1.1.0 / 2026-10-02
==================

  * Drop the old checkout
`;

const at = (iso: string) => ({ env: { GONOGO_NOW: iso } });

describe('gonogo notes', () => {
  let repo: Repo;

  beforeAll(async () => {
    repo = await makeRepo({ user: 'rm@example.com' });
    writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
    writeFileSync(path.join(repo.dir, 'History.md'), history);
    await repo.git(['add', 'History.md', 'gonogo.yaml']);
    await repo.commit('history');
    await repo.ok(['release', 'start', '1.2.0'], at(mondayNow));
    await repo.ok(['item', 'done', '1'], at(mondayNow));
    await repo.ok(['item', 'waive', '2', '--note', 'staging is down; ran on 1.1.0'], at(mondayNow));
    await repo.ok(['sign', 'release-manager', 'go'], at(mondayNow));
    await repo.ok(['decide'], at('2026-11-23T10:01:00.000Z'));
    await repo.ok(['deploy', 'production'], at('2026-11-23T10:05:00.000Z'));
    // After the release commit: an edit of the working tree is not in the release's notes.
    writeFileSync(
      path.join(repo.dir, 'History.md'),
      history.replace('  * Add gift cards', '  * Add gift cards\n  * Uncommitted line'),
    );
  });
  afterAll(() => removeRepos());

  it('prints the release’s notes from the release commit with its GO, waiver and deployment', async () => {
    const { stdout } = await repo.ok(['notes']);
    expect(stdout).toContain('(2026-11-23)');
    expect(stdout).toContain('- Add gift cards\n- Fix the \\<basket> total for 0 items\n');
    expect(stdout).not.toContain('Uncommitted line');
    expect(stdout).toMatch(
      /## Release record\n\n- GO for gate "Deploy to production" by rm@example\.com, 2026-11-23 10:01 UTC/,
    );
    expect(stdout).toContain(
      '- Waived #2 Load test run: staging is down; ran on 1.1.0 (by rm@example.com',
    );
    expect(stdout).toContain(
      '- Deployed to production (succeeded) by rm@example.com, 2026-11-23 10:05 UTC',
    );
  });

  it('writes HTML and Slack mrkdwn, escaped', async () => {
    const html = (await repo.ok(['notes', '--format', 'html'])).stdout;
    expect(html).toContain('<li>Fix the &lt;basket&gt; total for 0 items</li>');
    const slack = (await repo.ok(['notes', 'v1.2.0', '--format', 'slack'])).stdout;
    expect(slack).toContain('• Fix the &lt;basket&gt; total for 0 items');
    expect(slack).toContain('*Release record*');
  });

  it('gives JSON with the parsed notes, where they were read and the record', async () => {
    const out = await repo.json<{
      version: string;
      file: string;
      read: string;
      commit: string;
      notes: { source: { format: string; line: number }; sections: { entries: unknown[] }[] };
      record: { go: { by: string }; waived: { number: number }[] };
    }>(['notes']);
    expect(out.file).toBe('History.md');
    expect(out.read).toMatch(/^at the release commit [0-9a-f]{7}$/);
    expect(out.notes.source).toMatchObject({ format: 'history', line: 2 });
    expect(out.notes.sections[0]!.entries).toHaveLength(2);
    expect(out.record.go.by).toBe('rm@example.com');
    expect(out.record.waived.map((w) => w.number)).toEqual([2]);
  });

  it('a version without a section is exit 2 naming the file and the versions it has', async () => {
    const r = await repo.run(['notes', '9.9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'History.md has no section for 9.9.9 in the working tree; it has 1.2.0, 1.1.0',
    );
    expect(r.stdout).toBe('');
    const bad = await repo.run(['notes', '1.2..0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid version "1.2..0"');
  });

  it('shows the notes in the GitHub export', async () => {
    const gh = (await repo.ok(['export', '--format', 'github'])).stdout;
    expect(gh).toContain('## Release notes (`History.md`)\n\n- Add gift cards\n');
    expect(gh.indexOf('## Release notes')).toBeLessThan(gh.indexOf('- [x] '));
  });

  it('outside a repository and a release, a named version reads the directory’s changelog', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gonogo-notes-'));
    writeFileSync(
      path.join(dir, 'CHANGELOG.md'),
      '# Changelog\n\n## [2.0.0] - 2026-12-01\n### Removed\n- The v1 API\n',
    );
    const env = { GONOGO_DB: path.join(dir, 'none.db') };
    const ok = await run(['notes', '2.0.0', '--format', 'slack'], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('*Removed*\n• The v1 API');
    const none = await run(['notes'], { cwd: dir, env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name the version: gonogo notes 1.2.0');
  });
});
