/**
 * The five real checklists (../shared/seeds, never copied here) imported and compiled: per seed,
 * the share of items gonogo verifies or performs (check, run, watch, notify) against those a
 * role signs and those a person ticks, printed as a table. What is asserted cannot be faked by
 * the importer's own words: the shares are counted from the compiled playbook that `playbook
 * lint` accepts; every item whose title says it tells someone (by a keyword list of this test's
 * own, broader than the importer's, minus preparation words) is a notify item, and every notify
 * item's title has such a keyword; every channel a notify item names is declared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { measureAutomation } from './playbook-automation.ts';
import { importChecklist } from './playbook-import.ts';
import type { Playbook, PlaybookItem } from './playbook.ts';
import { lintPlaybook } from './playbook-yaml.ts';

const seedsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/seeds');
const seeds = existsSync(seedsDir)
  ? readdirSync(seedsDir)
      .filter((n) => /\.(txt|md)$/.test(n))
      .sort()
  : [];
if (!seeds.length)
  console.warn(
    `playbook-automation.test.ts: seed tests skipped, no seed checklists at ${seedsDir}`,
  );

/** Words that say a line tells someone, written apart from the importer's patterns. */
const telling =
  /notif|announc|status[- ]?page|e-?mail|communicat|\binform(ed)?\b|\bbriefed\b|#[a-z]|\bslack\b|release notes.*publish|publish.*release notes|\bnotice\b/i;
/** Words that say a line prepares or checks a communication rather than sending it. */
const preparing =
  /confirm|draft|prepar|review|generat|\blist\b|active|templat|verif|\btest|\bplan\b/i;

function itemsOf(playbook: Playbook): PlaybookItem[] {
  const out: PlaybookItem[] = [];
  const walk = (items: readonly PlaybookItem[]) => {
    for (const item of items) {
      out.push(item);
      walk(item.items ?? []);
    }
  };
  for (const p of playbook.phases) for (const s of p.sections) walk(s.items);
  for (const s of playbook.rollback) walk(s.items);
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

describe.skipIf(!seeds.length)('automation of the seed checklists', () => {
  const rows: string[] = [];

  it.each(seeds)('%s: its communication lines are notify items, its shares add up', (name) => {
    const text = readFileSync(join(seedsDir, name), 'utf8');
    const imported = importChecklist(text, name);
    const lint = lintPlaybook(imported.yaml, 'gonogo.yaml');
    expect(lint.problems).toEqual([]);
    const playbook = lint.loaded!.playbook;
    const items = itemsOf(playbook);
    const share = measureAutomation(playbook);

    // The counts are the compiled playbook's, kind by kind.
    expect(share.items).toBe(items.length);
    for (const kind of Object.keys(share.byKind) as (keyof typeof share.byKind)[])
      expect(share.byKind[kind]).toBe(items.filter((i) => i.kind === kind).length);
    expect(share.automatedShare + share.signShare + share.manualShare).toBeCloseTo(1, 10);

    // Every line that tells someone is a notify item, and no notify item is anything else.
    const free = items.filter((i) => i.kind === 'manual' || i.kind === 'notify');
    const tells = free.filter((i) => telling.test(i.title) && !preparing.test(i.title));
    expect(tells.filter((i) => i.kind !== 'notify').map((i) => i.title)).toEqual([]);
    const notifies = items.filter((i) => i.kind === 'notify');
    expect(notifies.filter((i) => !telling.test(i.title)).map((i) => i.title)).toEqual([]);
    // A line that only prepares a communication is left to a person.
    expect(notifies.filter((i) => preparing.test(i.title)).map((i) => i.title)).toEqual([]);
    // Each channel a notify item sends to is declared, so lint has nothing to say about it.
    const declared = Object.keys(playbook.notify ?? {});
    for (const n of notifies) for (const to of n.notify!.to) expect(declared).toContain(to);
    // Each notify item is in the report, at a line of the seed that holds its title.
    const lines = text.split('\n');
    for (const placed of imported.report.notifies ?? [])
      expect(lines[placed.line - 1]).toContain(placed.title);
    expect(imported.report.notifies?.length ?? 0).toBe(notifies.length);

    const k = share.byKind;
    rows.push(
      `| ${name} | ${share.items} | ${k.check} | ${k.run} | ${k.watch} | ${k.notify} | ${k.sign} | ${k.manual} | ${pct(share.automatedShare)} | ${pct(share.signShare)} | ${pct(share.manualShare)} |`,
    );
  });

  it('prints the table', () => {
    console.log(
      [
        '| seed | items | check | run | watch | notify | sign | manual | gonogo does | signed | by hand |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...rows,
      ].join('\n'),
    );
    expect(rows.length).toBe(seeds.length);
  });
});
