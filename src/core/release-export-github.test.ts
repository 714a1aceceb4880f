import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  finishedRelease,
  nodeTypes,
  parseGfm,
  playbook,
  strayEscapes,
  taskItems,
} from './release-export.fixture.ts';
import { headLine } from './release-export.ts';
import { exportGithub } from './release-export-github.ts';
import { exportMarkdown } from './release-export-markdown.ts';
import { parseReleaseNotes } from './release-notes-parse.ts';

describe('exportGithub', () => {
  const input = finishedRelease();
  const gh = exportGithub(input);

  it('renders task boxes a GFM reader ticks only for done and passed by check', () => {
    const boxes = taskItems(gh).map((t) => t.checked);
    // done, n/a, done, passed, waived, pending, signed go, failed, rollback procedure (open)
    expect(boxes).toEqual([true, false, true, true, false, false, true, false, false]);
    expect(strayEscapes(gh)).toEqual([]);
  });

  it('is more than the plain Markdown: alert, tables, foldLines evidence and code', () => {
    expect(gh).not.toBe(exportMarkdown(input));
    expect(gh).toContain('> [!CAUTION]\n> **production rolled back** by ann@example.com');
    const types = nodeTypes(gh);
    expect(types).toContain('table');
    expect(types).toContain('html');
    // The evidence of the check and the checklist's code fold away.
    expect(gh).toMatch(
      /- \*\*passed by check\*\* `secrets`.*\n {4}<details><summary>Evidence<\/summary>\n\n {4}- read `src\/app_config.py`/,
    );
    expect(gh).toMatch(
      /- Suggested commands:\n {4}<details><summary>show<\/summary>\n\n {4}```\n {4}# Create the snapshot/,
    );
    // The progress writeTable counts each state.
    expect(gh).toContain('| Pre-release | 7 | 2 | 2 | 1 | 1 | 0 | 1 |');
    expect(gh).toContain(headLine(input.release.head!));
  });

  it('lists the sign-off history, decisions and rollbacks as tables', () => {
    const rows = gh.split('\n').filter((l) => l.startsWith('| Gate "Deployment"'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('| **no-go** |');
    expect(rows[0]).toContain('| load test not reviewed |');
    expect(rows[1]).toContain('| counts now |');
    expect(gh).toContain('| **NO-GO** |');
    expect(gh).toContain('#6 "Database backup" is pending<br>release-manager said no-go');
    expect(gh).toContain(
      '| rollback | production | ann@example.com | error_rate > 5% after deploy | still open |',
    );
  });

  it('keeps a `|` in recorded text inside its cell', () => {
    const out = exportGithub({
      ...input,
      incidents: [{ ...input.incidents![0]!, reason: 'a | b `c | d`' }],
    });
    const tables = parseGfm(out).children.filter((n) => n.type === 'table');
    const incidents = tables.at(-1) as { children: { children: unknown[] }[] };
    expect(incidents.children[1]!.children).toHaveLength(6);
  });

  it('writes issue-template front matter with the version in the title, only for a template', () => {
    expect(gh.startsWith('---')).toBe(false);
    const templated = exportGithub({
      ...input,
      playbook: {
        ...playbook,
        metadata: {
          title: '[Release] - <Version>',
          about: 'Release checklist',
          labels: ['release'],
          assignees: [],
        },
      },
    });
    const front = /^---\n([\s\S]*?)\n---\n/.exec(templated);
    expect(front).not.toBeNull();
    expect(parse(front![1]!)).toEqual({
      name: 'Web release',
      about: 'Release checklist',
      title: '[Release] - 1.4.0',
      labels: ['release'],
      assignees: [],
    });
    expect(taskItems(templated)).toHaveLength(9);
  });

  it('shows an abandoned release in a warning with its reason', () => {
    const out = exportGithub({
      ...input,
      incidents: [],
      release: {
        ...input.release,
        state: 'abandoned',
        stateReason: 'replaced by 1.4.1',
        stateBy: 'rm@example.com',
        stateAt: '2026-11-24T08:00:00.000Z',
      },
    });
    expect(out).toContain(
      '> [!WARNING]\n> **abandoned** by rm@example.com at 2026-11-24 08:00 UTC: replaced by 1.4.1',
    );
  });
});

describe('exportGithub with release notes', () => {
  const changelog = `# Changelog\n\n## [1.4.0] - 2026-11-23\n### Added\n- Dark mode *preview* (\`--theme\`)\n### Fixed\n- **api:** crash ([abc1234](https://github.com/acme/shop/commit/abc1234))\n`;

  it('shows the changelog’s section before the checklist, its sub-headings one level down', () => {
    const input = finishedRelease();
    const notes = parseReleaseNotes(changelog, input.release.version, 'CHANGELOG.md');
    expect(notes).toBeDefined();
    const gh = exportGithub({ ...input, notes });
    const at = gh.indexOf(
      '## Release notes (`CHANGELOG.md`)\n\n### Added\n\n- Dark mode \\*preview\\* (`--theme`)\n\n### Fixed\n\n- **api:** crash ([`abc1234`](https://github.com/acme/shop/commit/abc1234))\n',
    );
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(gh.indexOf('- [x] '));
    expect(strayEscapes(gh)).toEqual([]);
    // Without notes the body is as before.
    expect(exportGithub(input)).not.toContain('Release notes');
    expect(exportGithub({ ...input, notes: { ...notes!, sections: [] } })).toBe(
      exportGithub(input),
    );
  });
});
