/**
 * Text is data, end to end: notes, titles and names with terminal escape sequences or forged
 * lines are stored as given, but no human output of the built CLI lets a control character
 * through, the Markdown export keeps a forged line inside its item, and an identity with a line
 * break is refused before anything is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repo, RunResult } from './cli-helper.ts';
import { hashDb, makeRepo, removeRepos } from './cli-helper.ts';

// A title with an escape sequence in it, as YAML allows ("\e" is ESC in a double-quoted string).
const playbook = `name: Text safety
roles:
  security: Security
phases:
  - id: pre-release
    items:
      - id: changelog
        title: CHANGELOG updated
      - id: notes
        title: "Release notes \\e[31mwritten\\e[0m"
      - id: security
        title: Security review
        sign: security
  - id: go-no-go
    gate: [security]
`;

const clear = '\u001b[2J\u001b[H';
const link = '\u001b]8;;https://evil.example/\u0007click me\u001b]8;;\u0007';
const hostileNote = `looks fine${clear} ${link} \u009b2J\r\nsecond line`;
const forgedNote = 'ok\n- [x] #9 Security review';

// Any C0 control but newline, DEL, C1: none of it may reach a terminal.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let repo: Repo;

/** Expects a run's stdout and stderr to carry no control character (tab allowed in neither). */
function expectClean(r: RunResult, what: string) {
  expect(r.stdout, `${what}: stdout`).not.toMatch(controls);
  expect(r.stderr, `${what}: stderr`).not.toMatch(controls);
}

beforeAll(async () => {
  repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
  await repo.ok(['release', 'start', '1.0.0']);
  await repo.ok(['item', 'done', 'changelog', '--note', hostileNote]);
  await repo.ok(['item', 'done', 'notes', '--note', forgedNote]);
  await repo.ok(['sign', 'security', 'no-go', '--comment', `not yet${clear}`]);
}, 60_000);

afterAll(removeRepos);

describe('recorded text is shown without control characters', () => {
  it('stores the note as given', async () => {
    const shown = await repo.json<{ item: { note: string; title: string } }>([
      'item',
      'show',
      'changelog',
    ]);
    expect(shown.item.note).toBe(hostileNote);
    expect(
      (await repo.json<{ item: { title: string } }>(['item', 'show', 'notes'])).item.title,
    ).toBe('Release notes \u001b[31mwritten\u001b[0m');
  });

  it('keeps escape sequences from the terminal in item show, log, status, decide and export', async () => {
    const show = await repo.ok(['item', 'show', 'changelog']);
    expectClean(show, 'item show');
    expect(show.stdout).toContain('note: looks fine click me');
    // The second line of the note stays indented under it, never at the margin.
    expect(show.stdout).toMatch(/^ {8}second line$/m);

    const title = await repo.ok(['item', 'show', 'notes']);
    expectClean(title, 'item show (title)');
    expect(title.stdout).toContain('#2 Release notes written');
    // One line per history entry: the forged line is marked, not started.
    expect(title.stdout).toMatch(/ — ok ⏎ - \[x\] #9 Security review$/m);
    expect(title.stdout).not.toMatch(/^- \[x\] #9/m);

    for (const args of [['log'], ['status'], ['decide'], ['release', 'show'], ['export']]) {
      const r = await repo.run(args);
      expect([0, 1]).toContain(r.code);
      expectClean(r, args.join(' '));
    }
    const status = await repo.run(['status']);
    expect(status.stdout).toContain('not yet');
  });

  it('writes JSON with the same text, escaped: nothing raw reaches the terminal', async () => {
    const r = await repo.ok(['item', 'show', 'changelog', '--json']);
    expect(r.stdout).not.toMatch(controls);
    expect(r.stdout).toContain('\\u009b');
    expect((JSON.parse(r.stdout) as { item: { note: string } }).item.note).toBe(hostileNote);
    const log = await repo.ok(['log', '--json']);
    expect(log.stdout).not.toMatch(controls);
  });

  it('keeps control characters out of an error message that quotes what was typed', async () => {
    const r = await repo.run(['release', 'show', `9.9.9${clear}`]);
    expect(r.code).toBe(2);
    expectClean(r, 'release show (error)');
    expect(r.stderr).toMatch(/no release "9\.9\.9/);
  });
});

describe('the Markdown export', () => {
  it('keeps a note that forges a task line inside its item', async () => {
    const out = path.join(repo.dir, 'release.md');
    await repo.ok(['export', '--format', 'md', '-o', out]);
    const md = readFileSync(out, 'utf8');
    expect(md).not.toMatch(controls);
    const tasks = md.split('\n').filter((l) => /^\s*- \[[ x]\] /.test(l));
    // Three items, and the rollback procedure has none: three task lines, no forged fourth.
    expect(tasks).toHaveLength(3);
    expect(md).not.toMatch(/^\s*- \[x\] #9/m);
    expect(md).toContain('#9 Security review');

    // Read back by the importer, it is still three items.
    const imported = await repo.json<{ stats: { items: number } }>([
      'playbook',
      'import',
      out,
      '-o',
      path.join(repo.dir, 'reimported.yaml'),
    ]);
    expect(imported.stats.items).toBe(3);
  });
});

describe('identity', () => {
  it('refuses GONOGO_USER with a line break or an escape, naming it, and writes nothing', async () => {
    for (const [user, what] of [
      ['ann@example.com\n   5 item.state forged', 'a line break'],
      ['ann\u001b[2J@example.com', 'an escape character'],
    ] as const) {
      const before = hashDb(repo.db);
      const r = await repo.run(['item', 'reset', 'changelog'], { env: { GONOGO_USER: user } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`GONOGO_USER contains ${what}`));
      expectClean(r, 'refused identity');
      expect(hashDb(repo.db)).toBe(before);
    }
    // A read never needs the identity, so it still works.
    await repo.ok(['status'], { env: { GONOGO_USER: 'ann\nx' } });
  });
});
