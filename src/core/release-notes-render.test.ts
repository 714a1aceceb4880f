import { describe, expect, it } from 'vitest';
import { buildReleaseNotes } from './release-notes-build.ts';
import type { ReleaseNotesInput } from './release-notes-record.ts';
import { escapeSlack, renderReleaseNotes } from './release-notes-render.ts';
import type { ReleaseNotes } from './release-notes-parse.ts';

const changelog = `# Changelog

## [1.2.0] - 2026-11-30
### Added
- Dark mode ([#412](https://github.com/acme/web/pull/412)) & \`<b>\` tags in **titles**
- Hostile <script>alert(1)</script> <!channel> [x](javascript:alert(1))
### Fixed
- **api:** crash on empty config ([abc1234](https://github.com/acme/web/commit/abc1234def))
  - seen on Windows

## [1.1.0] - 2026-10-02
- Old
`;

const at = '2026-11-30T10:00:00.000Z';
const view: ReleaseNotesInput = {
  release: { version: '1.2.0', state: 'deployed', commit: 'f00dfeed' },
  items: [
    { number: 1, title: 'Tests pass', state: 'passed', updatedAt: at },
    {
      number: 7,
      title: 'Load test <done>',
      state: 'waived',
      note: 'staging was down; *ran* last week',
      updatedBy: 'bob@example.com',
      updatedAt: at,
    },
  ],
  decisions: [
    {
      releaseId: 'r',
      gate: 'release',
      outcome: 'no-go',
      blockers: [],
      inputs: {},
      actor: 'ana@example.com',
      at: '2026-11-30T09:00:00.000Z',
    },
    {
      releaseId: 'r',
      gate: 'release',
      outcome: 'go',
      blockers: [],
      inputs: {},
      actor: 'ana@example.com',
      at: '2026-11-30T09:30:00.000Z',
    },
  ],
  deployments: [
    {
      id: 'd1',
      project: 'p',
      releaseId: 'r',
      version: '1.2.0',
      environment: 'production',
      status: 'succeeded',
      startedAt: '2026-11-30T10:05:00.000Z',
      actor: 'ci@example.com',
    },
  ],
};

describe('renderReleaseNotes', () => {
  it('Markdown keeps the changelog’s Markdown and tells the GO, the waiver and the deployment', () => {
    const built = buildReleaseNotes(changelog, 'v1.2.0', view);
    expect(built.found).toBe(true);
    const md = built.markdown;
    expect(md.startsWith('# Release 1.2.0 (2026-11-30)\n\n## Added\n\n- Dark mode ([#412]')).toBe(
      true,
    );
    expect(md).toContain(
      '- **api:** crash on empty config ([`abc1234`](https://github.com/acme/web/commit/abc1234def))\n  - seen on Windows',
    );
    expect(md).toContain('## Release record');
    expect(md).toContain('- GO for the whole release by ana@example.com, 2026-11-30 09:30 UTC');
    // Recorded text is escaped: the reason's emphasis and the title's tag stay text.
    expect(md).toContain(
      '- Waived #7 Load test \\<done>: staging was down; \\*ran\\* last week (by bob@example.com, 2026-11-30 10:00 UTC)',
    );
    expect(md).toContain(
      '- Deployed to production (succeeded) by ci@example.com, 2026-11-30 10:05 UTC',
    );
    expect(md).not.toContain('no-go');
    // Raw HTML and a javascript: link are text in the Markdown too.
    expect(md).toContain(
      '- Hostile \\<script>alert(1)\\</script> \\<!channel> \\[x](javascript:alert(1))',
    );
  });

  it('HTML escapes everything; only code, bold and http(s) links become markup', () => {
    const html = buildReleaseNotes(changelog, '1.2.0', view).html;
    expect(html).toContain('<h1>Release 1.2.0 <small>2026-11-30</small></h1>');
    expect(html).toContain(
      '<li>Dark mode (<a href="https://github.com/acme/web/pull/412">#412</a>) &amp; <code>&lt;b&gt;</code> tags in <strong>titles</strong></li>',
    );
    expect(html).not.toMatch(/<script|href="javascript/);
    expect(html).toContain('Hostile &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<strong>api:</strong> crash on empty config (<a href="https://github.com/acme/web/commit/abc1234def"><code>abc1234</code></a>)<ul><li>seen on Windows</li></ul>',
    );
    expect(html).toContain('Waived #7 Load test &lt;done&gt;');
  });

  it('Slack mrkdwn escapes &, < and >, so no entry can mention a channel or forge a link', () => {
    const slack = buildReleaseNotes(changelog, '1.2.0', view).slack;
    expect(slack.split('\n').slice(0, 4)).toEqual([
      '*Release 1.2.0* (2026-11-30)',
      '',
      '*Added*',
      '• Dark mode (<https://github.com/acme/web/pull/412|#412>) &amp; `&lt;b&gt;` tags in *titles*',
    ]);
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    expect(slack).toContain(
      '• *api:* crash on empty config (<https://github.com/acme/web/commit/abc1234def|`abc1234`>)',
    );
    expect(slack).toContain('    ◦ seen on Windows');
    expect(slack).toContain(
      '• Waived #7 Load test &lt;done&gt;: staging was down; *ran* last week',
    );
    expect(escapeSlack('a|b')).toBe('a|b');
  });

  it('a link whose text or URL would end a Slack link early is made harmless', () => {
    const notes: ReleaseNotes = {
      version: '1.0.0',
      sections: [
        {
          title: '',
          entries: [{ text: '[a|b>c](https://x.example/?q=1|2>3)', details: [] }],
        },
      ],
      source: { line: 1, heading: '1.0.0', format: 'markdown' },
    };
    expect(renderReleaseNotes(notes, 'slack', { noTitle: true })).toBe(
      '• <https://x.example/?q=1%7C2%3E3|a/b&gt;c>\n',
    );
  });

  it('a version the changelog has no section for gives the record alone and lists the versions', () => {
    const built = buildReleaseNotes(changelog, '1.3.0', view);
    expect(built.found).toBe(false);
    expect(built.versions).toEqual(['1.2.0', '1.1.0']);
    expect(built.markdown.split('\n')[0]).toBe('# Release 1.3.0');
    expect(built.markdown).toContain('## Release record');
    expect(buildReleaseNotes(changelog, '1.3.0').markdown).toBe('# Release 1.3.0\n');
  });

  it('sits under a caller’s heading at the level asked for', () => {
    const md = buildReleaseNotes(changelog, '1.2.0', undefined, {
      noTitle: true,
      headingLevel: 3,
    }).markdown;
    expect(md.split('\n').slice(0, 3)).toEqual([
      '### Added',
      '',
      '- Dark mode ([#412](https://github.com/acme/web/pull/412)) & `<b>` tags in **titles**',
    ]);
  });
});
