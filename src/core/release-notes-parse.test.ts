import { describe, expect, it } from 'vitest';
import {
  listChangelogVersions,
  parseReleaseNotes,
  sameVersion,
  type ReleaseNotes,
} from './release-notes-parse.ts';

const keepAChangelog = `# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

### Added
- Nothing released yet: a draft line

## [1.2.0] - 2026-11-30

### Added
- Dark mode for the dashboard ([#412](https://github.com/acme/web/pull/412))
- \`--json\` output for \`acme export\`,
  with one object per line

### Changed
- Sessions now expire after 12 hours
  - The old 24 hours can be set with \`SESSION_TTL\`

### Fixed
- Crash when the config file is empty

## [1.2.0-rc.1] - 2026-11-20

### Added
- Dark mode (preview)

## [1.1.0] - 2026-10-02

### Security
- Bumped \`undici\` for CVE-2026-1234

[Unreleased]: https://github.com/acme/web/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/web/compare/v1.1.0...v1.2.0
[1.2.0-rc.1]: https://github.com/acme/web/compare/v1.1.0...v1.2.0-rc.1
[1.1.0]: https://github.com/acme/web/compare/v1.0.0...v1.1.0
`;

const history = `
1.2.0 / 2026-11-30
==================

  * Add \`res.sendStatus()\` support for 103
  * Fix \`router.param\` called twice
    for one request
  * deps: qs@6.13.0

1.1.0 / 2026-10-02
------------------

  * Drop support for Node.js 16

1.0.1 / 2026-09-01
==================

  * Fix typo in error message
`;

const changesets = `# @acme/ui

## 1.2.0

### Minor Changes

- 4f9a2c1: Add the \`Toast\` component
- [#88](https://github.com/acme/ui/pull/88) [\`9be12ad\`](https://github.com/acme/ui/commit/9be12ad0c7e1) Thanks [@ana](https://github.com/ana)! - Buttons accept \`size="xl"\`

### Patch Changes

- 0d1e2f3: Fix focus ring in Safari
- Updated dependencies [4f9a2c1]
  - @acme/tokens@2.0.1

## 1.1.3

### Patch Changes

- 77aa001: Fix the tooltip arrow
`;

const releasePlease = `# Changelog

## [1.2.0](https://github.com/acme/api/compare/v1.1.0...v1.2.0) (2026-11-30)


### Features

* **auth:** support passkeys ([a1b2c3d](https://github.com/acme/api/commit/a1b2c3d4e5f6))
* rate limit per token ([e4f5a6b](https://github.com/acme/api/commit/e4f5a6b7c8d9)), closes [#77](https://github.com/acme/api/issues/77)


### Bug Fixes

* **db:** retry on serialization failure ([0f0f0f0](https://github.com/acme/api/commit/0f0f0f0aa))

## [1.1.0](https://github.com/acme/api/compare/v1.0.0...v1.1.0) (2026-10-02)


### Features

* first public API ([1111111](https://github.com/acme/api/commit/1111111))
`;

const titles = (n: ReleaseNotes | undefined) => n?.sections.map((s) => s.title);
const texts = (n: ReleaseNotes | undefined, i: number) =>
  n?.sections[i]?.entries.map((e) => e.text);

describe('parseReleaseNotes — Keep a Changelog', () => {
  it('reads the version’s sections, date and compare link from the references at the bottom', () => {
    const n = parseReleaseNotes(keepAChangelog, '1.2.0', 'CHANGELOG.md');
    expect(n?.version).toBe('1.2.0');
    expect(n?.date).toBe('2026-11-30');
    expect(n?.compareUrl).toBe('https://github.com/acme/web/compare/v1.1.0...v1.2.0');
    expect(n?.source).toEqual({
      file: 'CHANGELOG.md',
      line: 13,
      heading: '[1.2.0] - 2026-11-30',
      format: 'keep-a-changelog',
    });
    expect(titles(n)).toEqual(['Added', 'Changed', 'Fixed']);
    expect(texts(n, 0)).toEqual([
      'Dark mode for the dashboard ([#412](https://github.com/acme/web/pull/412))',
      '`--json` output for `acme export`, with one object per line',
    ]);
    expect(n?.sections[1]?.entries[0]?.details).toEqual([
      'The old 24 hours can be set with `SESSION_TTL`',
    ]);
  });

  it('matches v1.2.0 to 1.2.0, but a prerelease only to itself', () => {
    expect(parseReleaseNotes(keepAChangelog, 'v1.2.0')?.source.line).toBe(13);
    const rc = parseReleaseNotes(keepAChangelog, '1.2.0-rc.1');
    expect(rc?.date).toBe('2026-11-20');
    expect(texts(rc, 0)).toEqual(['Dark mode (preview)']);
    expect(parseReleaseNotes(keepAChangelog, '1.2.0-rc.2')).toBeUndefined();
  });

  it('leaves Unreleased and the link references out of the last section', () => {
    const n = parseReleaseNotes(keepAChangelog, '1.1.0');
    expect(n?.sections).toEqual([
      { title: 'Security', entries: [{ text: 'Bumped `undici` for CVE-2026-1234', details: [] }] },
    ]);
    expect(listChangelogVersions(keepAChangelog)).toEqual(['1.2.0', '1.2.0-rc.1', '1.1.0']);
    expect(parseReleaseNotes(keepAChangelog, '9.9.9')).toBeUndefined();
  });
});

describe('parseReleaseNotes — History.md', () => {
  it('reads setext headings underlined with = and -, bullets and their continuation lines', () => {
    const n = parseReleaseNotes(history, '1.2.0', 'History.md');
    expect(n?.date).toBe('2026-11-30');
    expect(n?.source.format).toBe('history');
    expect(n?.source.line).toBe(2);
    expect(titles(n)).toEqual(['']);
    expect(texts(n, 0)).toEqual([
      'Add `res.sendStatus()` support for 103',
      'Fix `router.param` called twice for one request',
      'deps: qs@6.13.0',
    ]);
    const minor = parseReleaseNotes(history, 'v1.1.0');
    expect(minor?.source.format).toBe('history');
    expect(texts(minor, 0)).toEqual(['Drop support for Node.js 16']);
    expect(listChangelogVersions(history)).toEqual(['1.2.0', '1.1.0', '1.0.1']);
  });

  it('reads bare "1.2.0 / date" lines without an underline', () => {
    const bare = '1.2.0 / 2026-11-30\n\n  * One\n  * Two\n\n1.1.0 / 2026-10-01\n\n  * Old\n';
    const n = parseReleaseNotes(bare, '1.2.0');
    expect(n?.source.format).toBe('history');
    expect(texts(n, 0)).toEqual(['One', 'Two']);
  });
});

describe('parseReleaseNotes — changesets', () => {
  it('takes the commit hash off the entry, in the default and the GitHub changelog formats', () => {
    const n = parseReleaseNotes(changesets, '1.2.0');
    expect(n?.source.format).toBe('changesets');
    expect(n?.date).toBeUndefined();
    expect(titles(n)).toEqual(['Minor Changes', 'Patch Changes']);
    expect(n?.sections[0]?.entries).toEqual([
      { text: 'Add the `Toast` component', commit: '4f9a2c1', details: [] },
      {
        text: 'Buttons accept `size="xl"`',
        commit: '9be12ad',
        commitUrl: 'https://github.com/acme/ui/commit/9be12ad0c7e1',
        pr: '88',
        details: [],
      },
    ]);
    expect(n?.sections[1]?.entries[1]).toEqual({
      text: 'Updated dependencies [4f9a2c1]',
      details: ['@acme/tokens@2.0.1'],
    });
    expect(texts(parseReleaseNotes(changesets, '1.1.3'), 0)).toEqual(['Fix the tooltip arrow']);
  });
});

describe('parseReleaseNotes — release-please', () => {
  it('reads the linked heading, its date after the compare link, scopes and commit links', () => {
    const n = parseReleaseNotes(releasePlease, 'v1.2.0');
    expect(n?.source.format).toBe('release-please');
    expect(n?.date).toBe('2026-11-30');
    expect(n?.compareUrl).toBe('https://github.com/acme/api/compare/v1.1.0...v1.2.0');
    expect(titles(n)).toEqual(['Features', 'Bug Fixes']);
    expect(n?.sections[0]?.entries[0]).toEqual({
      text: 'support passkeys',
      scope: 'auth',
      commit: 'a1b2c3d',
      commitUrl: 'https://github.com/acme/api/commit/a1b2c3d4e5f6',
      details: [],
    });
    // A "closes" after the commit link keeps the whole line: the reference is not at the end.
    expect(n?.sections[0]?.entries[1]?.text).toContain('closes [#77]');
    expect(n?.sections[1]?.entries[0]?.scope).toBe('db');
    expect(listChangelogVersions(releasePlease)).toEqual(['1.2.0', '1.1.0']);
  });
});

describe('parseReleaseNotes — other Markdown', () => {
  it('reads "## v1.2.0 (date)" headings with bold sub-headings and ignores code fences', () => {
    const text = [
      '# Release notes',
      '',
      '## v1.2.0 (Nov 30, 2026)',
      '',
      '**Improvements**',
      '',
      '- Faster start-up',
      '',
      '```md',
      '## 9.9.9',
      '- not a release',
      '```',
      '',
      '## v1.1.0',
      '- Old',
    ].join('\n');
    const n = parseReleaseNotes(text, '1.2.0');
    expect(n?.date).toBe('Nov 30, 2026');
    expect(n?.source.format).toBe('markdown');
    expect(n?.sections).toEqual([
      { title: 'Improvements', entries: [{ text: 'Faster start-up', details: [] }] },
    ]);
    expect(listChangelogVersions(text)).toEqual(['1.2.0', '1.1.0']);
  });

  it('compares semver as semver and other versions as written', () => {
    expect(sameVersion('v1.2.0', '1.2.0')).toBe(true);
    expect(sameVersion('1.2.0-rc.1', '1.2.0')).toBe(false);
    expect(sameVersion('2026-11-22.1', '2026-11-22.1')).toBe(true);
    expect(sameVersion('1.2', '1.2.0')).toBe(false);
  });
});
