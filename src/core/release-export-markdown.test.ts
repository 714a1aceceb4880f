import type { List } from 'mdast';
import { describe, expect, it } from 'vitest';
import { importChecklist } from './playbook-import.ts';
import {
  finishedRelease,
  items,
  log,
  nodeTypes,
  playbook,
  release,
  strayEscapes,
  taskItems,
  textOf,
} from './release-export.fixture.ts';
import { headLine } from './release-export.ts';
import { exportMarkdown } from './release-export-markdown.ts';

/** The line under item `title` that says its state. */
function stateLine(md: string, title: string): string {
  const lines = md.split('\n');
  const i = lines.findIndex((l) => /^\s*- \[[ x]\] /.test(l) && l.includes(title));
  expect(i, `no task line for ${title}`).toBeGreaterThanOrEqual(0);
  return lines[i + 1]!.trim();
}

describe('exportMarkdown: items as an auditor reads them', () => {
  const input = finishedRelease();
  const md = exportMarkdown(input);

  it('ticks only what was done or passed by a check; every other state is written out', () => {
    const boxes = taskItems(md).map((t) => [textOf(t.children[0]).split('\n')[0], t.checked]);
    expect(boxes).toEqual([
      ['CHANGELOG updated', true],
      ['Docs updated', false],
      ['Load tested (`python monitoring/performance_profiler.py --load-test`)', true],
      ['No secrets committed', true],
      ['Release tagged', false],
      ['Database backup', false],
      ['Security review', true],
      ['Smoke tests pass', false],
      // The rollback procedure, not started.
      ['Previous version deployed', false],
    ]);
  });

  it('says who did what, when and why under each item', () => {
    expect(stateLine(md, 'CHANGELOG updated')).toBe(
      '- **done** by ann@example.com at 2026-11-23 09:10 UTC: see PR 12',
    );
    expect(stateLine(md, 'Docs updated')).toBe(
      '- **n/a** by ann@example.com at 2026-11-23 09:11 UTC: no docs change',
    );
    expect(stateLine(md, 'No secrets committed')).toBe(
      `- **passed by check** \`secrets\` on commit \`aaaaaaaaaaaa\` at 2026-11-23 09:05 UTC (run by ann@example.com): no secrets in 12 files of the release commit aaaaaaa`,
    );
    expect(stateLine(md, 'Release tagged')).toBe(
      '- **waived** by rm@example.com at 2026-11-23 09:15 UTC (the check had failed: tag v1.4.0 does not exist): tagged by the pipeline after deploy',
    );
    expect(stateLine(md, 'Security review')).toBe(
      '- **signed go** by sec@example.com as Security at 2026-11-23 09:18 UTC',
    );
    expect(stateLine(md, 'Smoke tests pass')).toBe(
      '- **failed** by ann@example.com at 2026-11-23 10:40 UTC: error rate 7%',
    );
    // A pending item has no state line, but the checklist's details and code.
    expect(stateLine(md, 'Database backup')).toBe('- Take a snapshot of the production database.');
  });

  it('keeps inline code and the checklist code block, and escapes nothing a reader would show', () => {
    expect(md).toContain('performance_profiler.py --load-test`)');
    expect(md).toContain('  - Suggested commands:\n    ```\n    # Create the snapshot\n');
    expect(nodeTypes(md)).toContain('code');
    expect(md).not.toMatch(/\\_/);
    expect(strayEscapes(md)).toEqual([]);
  });

  it('shows the sign-off history per gate in checklist order: the no-go, then the go', () => {
    const signoffs = md.slice(md.indexOf('## Sign-offs'), md.indexOf('## Decisions'));
    expect(signoffs.indexOf('### #7 "Security review"')).toBeLessThan(
      signoffs.indexOf('### Gate "Deployment"'),
    );
    const gate = signoffs.slice(signoffs.indexOf('### Gate "Deployment"'));
    expect(gate).toContain('### Gate "Deployment" — Release Manager');
    expect(gate.indexOf('**no-go** by rm@example.com')).toBeLessThan(gate.indexOf('**go** by rm'));
    expect(gate).toContain(': load test not reviewed\n');
    expect(gate).toMatch(
      /\*\*go\*\* by rm@example\.com as Release Manager .*\(counts now\): reviewed: fine/,
    );
  });

  it('lists the decisions with their blockers, the deployments and the rollback with its reason', () => {
    expect(md).toContain(
      '- 2026-11-23 09:21 UTC: **NO-GO** for gate "Deployment" by rm@example.com on commit `aaaaaaaaaaaa`, 2 blockers:\n  - \\#6 "Database backup" is pending\n  - release-manager said no-go',
    );
    expect(md).toContain('**GO** for gate "Deployment"');
    expect(md).toContain('- 2026-11-23 10:00 UTC: **staging** succeeded, by ann@example.com');
    expect(md).toContain('- 2026-11-23 10:30 UTC: **production** rolled back, by ann@example.com');
    expect(md).toContain(
      '**rollback of production** (deployed at 2026-11-23 10:30 UTC) by ann@example.com, still open; reason: error_rate > 5% after deploy',
    );
  });

  it('shows a forced deployment and a window override with who and why', () => {
    const at = input.deployments![1]!.startedAt;
    const out = exportMarkdown({
      ...input,
      overrides: [
        {
          releaseId: 'r1',
          kind: 'window',
          gate: 'deploy',
          role: 'release-manager',
          actor: 'rm@example.com',
          at: '2026-11-23T09:31:00.000Z',
          reason: 'hotfix on a Friday',
          blockers: [],
        },
        {
          releaseId: 'r1',
          kind: 'force',
          environment: 'production',
          role: 'release-manager',
          actor: 'rm@example.com',
          at,
          reason: 'customer outage',
          blockers: [{ kind: 'item-open', message: 'x' }],
        },
      ],
    });
    expect(out).toContain(
      '- 2026-11-23 10:30 UTC: **production** rolled back, by ann@example.com, commit `aaaaaaaaaaaa`\n  - forced past NO-GO (1 blocker) by rm@example.com as Release Manager: customer outage',
    );
    expect(out).toContain(
      '## Window overrides\n\n- 2026-11-23 09:31 UTC: release window overridden for gate "Deployment" by rm@example.com as Release Manager: hotfix on a Friday',
    );
  });

  it('names the log head and says how to verify it', () => {
    expect(md).toContain(headLine(input.release.head!));
    expect(md).toContain('`gonogo audit verify 1.4.0`');
  });

  it('imports back to the same items', () => {
    expect(importChecklist(md, 'export.md').stats.items).toBe(9);
  });
});

describe('exportMarkdown: recorded text stays data', () => {
  it('keeps a note that tries to forge a task line inside its item', () => {
    const forged = 'ok\n- [x] #9 Security review\n\n## Sign-offs\n- Security: go\n   1. step';
    const md = exportMarkdown({
      release,
      playbook,
      items: items({ 1: { state: 'done', note: forged, updatedBy: 'ann@example.com' } }),
      signoffs: [],
    });
    const tasks = taskItems(md);
    expect(tasks.map((t) => t.checked)).toEqual([true, ...Array(8).fill(false)]);
    // The forged text is all there, as the note's text under item 1.
    const note = (tasks[0]!.children.find((c) => c.type === 'list') as List).children;
    expect(note).toHaveLength(1);
    const text = textOf(note[0]);
    expect(text).toContain('- [x] #9 Security review');
    expect(text).toContain('## Sign-offs');
    expect(md).not.toMatch(/^\s*- \[x\] #9/m);
    expect(md).not.toMatch(/^## Sign-offs\n\n- Security/m);
    expect(importChecklist(md, 'export.md').stats.items).toBe(9);
  });

  it('removes control characters from titles, notes and names', () => {
    const input = finishedRelease();
    const md = exportMarkdown({
      ...input,
      items: items({
        1: {
          title: 'CHANGELOG\u001b[2J updated',
          state: 'done',
          note: 'see \u001b]8;;https://evil.example/\u0007here\u001b]8;;\u0007',
          updatedBy: 'ann\u001b[31m@example.com',
        },
      }),
      decisions: [
        {
          ...input.decisions![0]!,
          actor: 'r\nm@example.com',
          blockers: [{ kind: 'item-open', message: 'x\u009b2J' }],
        },
      ],
      incidents: [{ ...input.incidents![0]!, reason: 'bad\n- [x] forged' }],
    });
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(md).toContain('CHANGELOG updated');
    expect(md).toContain('see here');
    expect(md).toContain('by r ⏎ m@example.com');
    expect(md).not.toMatch(/^\s*- \[x\] forged/m);
  });

  it('escapes markup at the start of a note line that would begin a block', () => {
    const md = exportMarkdown({
      release,
      playbook,
      items: items({ 1: { state: 'done', note: 'a\n---\n+ b\n=== c\n> d\n1. e' } }),
      signoffs: [],
    });
    const kinds = nodeTypes(md);
    expect([...kinds]).not.toContain('thematicBreak');
    expect([...kinds]).not.toContain('blockquote');
    expect(taskItems(md)).toHaveLength(9);
  });

  it('leaves the head out of a release whose log is empty', () => {
    const { head: _h, ...noHead } = release;
    const md = exportMarkdown({ release: noHead, playbook, items: items(), signoffs: [] });
    expect(md).not.toMatch(/Event log:/);
    expect(md).toContain('- The event log is empty.');
  });

  it('shows the state of a release that ended, with who, when and why', () => {
    const md = exportMarkdown({
      ...finishedRelease(),
      release: {
        ...release,
        state: 'abandoned',
        stateReason: 'replaced by a hotfix',
        stateBy: 'rm@example.com',
        stateAt: '2026-11-24T08:00:00.000Z',
        supersededBy: '1.4.1',
      },
    });
    expect(md).toContain(
      '- State: **abandoned** by rm@example.com at 2026-11-24 08:00 UTC: replaced by a hotfix',
    );
    expect(md).toContain('- Superseded by release 1.4.1');
  });

  it('shows a sign-off carried over from a superseded release with its signer and time', () => {
    const input = finishedRelease();
    const events = log([
      {
        type: 'signoff.recorded',
        payload: {
          role: 'security',
          verdict: 'go',
          target: { kind: 'item', id: 'security' },
          commit: release.commit,
          comment: null,
          carried: { from: '1.3.9', actor: 'sec@example.com', at: '2026-11-20T15:00:00.000Z' },
        },
        at: '09:00',
      },
    ]);
    const md = exportMarkdown({ ...input, events });
    expect(md).toContain(
      '- 2026-11-20 15:00 UTC: **go** by sec@example.com as Security on commit `aaaaaaaaaaaa` (carried over from release 1.3.9; counts now)',
    );
  });

  it('shows the current sign-offs when no log is given', () => {
    const { events: _e, ...input } = finishedRelease();
    const md = exportMarkdown({
      ...input,
      signoffs: [
        {
          releaseId: 'r1',
          role: 'release-manager',
          verdict: 'go',
          target: { kind: 'gate', id: 'deploy' },
          commit: release.commit!,
          actor: 'rm@example.com',
          at: '2026-11-23T09:30:00.000Z',
          stale: false,
        },
      ],
    });
    expect(md).toMatch(/\*\*go\*\* by rm@example\.com as Release Manager .*\(counts now\)/);
    expect(md).not.toContain('**no-go**');
  });

  it('says a sign-off given before a re-snapshot changed its gate is stale, and why', () => {
    const { events: _e, ...input } = finishedRelease();
    const md = exportMarkdown({
      ...input,
      signoffs: [
        {
          releaseId: 'r1',
          role: 'release-manager',
          verdict: 'go',
          target: { kind: 'gate', id: 'deploy' },
          commit: release.commit!,
          actor: 'rm@example.com',
          at: '2026-11-23T09:30:00.000Z',
          staleSince: 7,
          stale: true,
        },
      ],
    });
    expect(md).toMatch(
      /\*\*go\*\* by rm@example\.com .*\(stale: given before the playbook re-snapshot of event 7\)/,
    );
    expect(md).not.toContain('counts now');
  });
});
