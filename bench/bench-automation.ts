/**
 * The `automation` part of the bench: each seed checklist imported and compiled, and the share
 * of its items gonogo verifies or performs (check, run, watch, notify) against those a role
 * signs and those a person ticks. Counted, not timed: it says how much of a real checklist the
 * importer hands to gonogo. Rewrites only its own section of RESULTS.md.
 */
import { readFileSync } from 'node:fs';
import { measureAutomation } from '../src/core/playbook-automation.ts';
import type { AutomationShare } from '../src/core/playbook-automation.ts';
import { importChecklist } from '../src/core/playbook-import.ts';
import { loadPlaybook } from '../src/core/playbook-yaml.ts';
import type { Seed } from './bench-setup.ts';
import { writeResultsSection } from './bench-report.ts';

export const automationHeading = '## What gonogo does of each seed (automation)';

/** One seed's counts. */
export interface SeedAutomation {
  seed: string;
  share: AutomationShare;
  /** The channels its notify items send to. */
  channels: string[];
}

/**
 * Imports and compiles each seed (as `playbook import` then `playbook lint` would) and counts
 * its items by kind.
 *
 * @example measureSeedAutomation(findSeeds(repoRoot)!)[0].share.automatedShare // 0.15
 */
export function measureSeedAutomation(seeds: Seed[]): SeedAutomation[] {
  return seeds.map((s) => {
    const imported = importChecklist(readFileSync(s.path, 'utf8'), s.name);
    const { playbook } = loadPlaybook(imported.yaml, 'gonogo.yaml');
    return {
      seed: s.name,
      share: measureAutomation(playbook),
      channels: Object.keys(playbook.notify ?? {}),
    };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** The section of RESULTS.md for the automation part. */
export function renderAutomationSection(rows: SeedAutomation[], date: string): string[] {
  const total = rows.reduce(
    (t, r) => ({
      items: t.items + r.share.items,
      automated: t.automated + r.share.automated,
      sign: t.sign + r.share.byKind.sign,
    }),
    { items: 0, automated: 0, sign: 0 },
  );
  return [
    automationHeading,
    '',
    `From the run of ${date}. Each seed imported by \`gonogo playbook import\`'s importer and compiled as \`playbook lint\` does; items of the phases and of the rollback procedure, sub-items included. "gonogo does" is check + run + watch + notify: what gonogo verifies or performs once the team has pointed it (a command, a metric query, a channel's URL); "signed" is a role holder's go; "by hand" a person ticks.`,
    '',
    '| seed | items | check | run | watch | notify | sign | manual | gonogo does | signed | by hand | channels |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const k = r.share.byKind;
      return `| \`${r.seed}\` | ${r.share.items} | ${k.check} | ${k.run} | ${k.watch} | ${k.notify} | ${k.sign} | ${k.manual} | ${pct(r.share.automatedShare)} | ${pct(r.share.signShare)} | ${pct(r.share.manualShare)} | ${r.channels.join(', ') || '—'} |`;
    }),
    `| **all seeds** | ${total.items} |  |  |  |  |  |  | **${pct(total.items ? total.automated / total.items : 0)}** | ${pct(total.items ? total.sign / total.items : 0)} | ${pct(total.items ? (total.items - total.automated - total.sign) / total.items : 0)} |  |`,
    '',
  ];
}

/**
 * Writes the automation section into RESULTS.md in place (or before the analysis when it is
 * new), leaving every other section as it is.
 *
 * @example writeAutomationSection('bench/RESULTS.md', renderAutomationSection(rows, date));
 */
export function writeAutomationSection(path: string, lines: string[]): void {
  writeResultsSection(path, automationHeading, lines);
}
