import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.ts';
import { knownChecks, walkItems } from './playbook.ts';
import type { Playbook, PlaybookItem } from './playbook.ts';
import { lintPlaybook, loadPlaybook } from './playbook-yaml.ts';
import { findTemplate, templateTitle, templates } from './templates.ts';

function load(name: string): Playbook {
  return loadPlaybook(findTemplate(name).yaml, `${name}.yaml`).playbook;
}

function allItems(p: Playbook): PlaybookItem[] {
  const sections = [...p.phases.flatMap((ph) => ph.sections), ...p.rollback];
  return sections.flatMap((s) => [...walkItems(s.items)]);
}

function phaseItems(p: Playbook): PlaybookItem[] {
  return p.phases.flatMap((ph) => ph.sections).flatMap((s) => [...walkItems(s.items)]);
}

function rollbackItems(p: Playbook): PlaybookItem[] {
  return p.rollback.flatMap((s) => [...walkItems(s.items)]);
}

describe('templates', () => {
  it('has the six built-in templates with unique kebab-case names', () => {
    const names = templates.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(
      ['container-service', 'default', 'django-aws', 'enterprise', 'lean', 'multi-repo'].sort(),
    );
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('is exactly the YAML files in templates/, each bundled whole', () => {
    const dir = path.join(import.meta.dirname, 'templates');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(templates.map((t) => `${t.name}.yaml`).sort());
    for (const t of templates)
      expect(t.yaml, t.name).toBe(readFileSync(path.join(dir, `${t.name}.yaml`), 'utf8'));
  });

  it.each(templates.map((t) => [t.name, t] as const))('%s lints clean', (name, t) => {
    const { problems, loaded } = lintPlaybook(t.yaml, `${name}.yaml`);
    expect(problems).toEqual([]);
    expect(loaded?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(templates.map((t) => [t.name, t] as const))(
    '%s starts with a comment and says what it is for',
    (_name, t) => {
      expect(t.yaml.startsWith('# ')).toBe(true);
      expect(t.summary.length).toBeGreaterThan(10);
      expect(t.fits.length).toBeGreaterThan(10);
    },
  );

  it.each(templates.map((t) => [t.name] as const))(
    '%s has machine-verifiable checks, a deploy step, a gate and a rollback',
    (name) => {
      const p = load(name);
      const items = allItems(p);
      expect(items.some((i) => i.kind === 'check')).toBe(true);
      for (const i of items) {
        if (i.check) expect(knownChecks).toContain(i.check.name);
        if (i.watch?.check) expect(knownChecks).toContain(i.watch.check.name);
      }
      expect(items.some((i) => i.kind === 'run')).toBe(true);
      expect(items.some((i) => i.check?.name === 'window')).toBe(true);
      expect(p.policy.window?.deny?.length).toBeGreaterThan(0);
      const gates = [...p.phases.flatMap((ph) => ph.gate ?? [])];
      expect(gates.length).toBeGreaterThan(0);
      expect(rollbackItems(p).length).toBeGreaterThan(0);
      expect(phaseItems(p).some((i) => i.optional)).toBe(true);
    },
  );

  it('counts the items of each template', () => {
    // Update this table on purpose when a template gains or loses items.
    const counts = Object.fromEntries(
      templates.map((t) => {
        const p = load(t.name);
        return [t.name, { phases: phaseItems(p).length, rollback: rollbackItems(p).length }];
      }),
    );
    expect(counts).toEqual({
      default: { phases: 9, rollback: 2 },
      lean: { phases: 29, rollback: 3 },
      'django-aws': { phases: 38, rollback: 5 },
      'container-service': { phases: 49, rollback: 7 },
      'multi-repo': { phases: 27, rollback: 5 },
      enterprise: { phases: 56, rollback: 8 },
    });
  });

  it('names a freeze with a reason in every template that declares one', () => {
    for (const t of templates) {
      const freezes = load(t.name).policy.window?.freezes ?? [];
      if (t.name !== 'default') expect(freezes.length, t.name).toBeGreaterThan(0);
      for (const f of freezes) expect(f.reason.length).toBeGreaterThan(3);
    }
  });
});

describe('findTemplate', () => {
  it('finds a template by name', () => {
    expect(findTemplate('lean').name).toBe('lean');
  });

  it('finds a template by its id however it is written, or by its title', () => {
    for (const name of [
      'Container-Service',
      'CONTAINER-SERVICE',
      'container_service',
      ' Container Service ',
      'container--service',
      'Container service release',
    ])
      expect(findTemplate(name).name, name).toBe('container-service');
    expect(findTemplate('Default').name).toBe('default');
    expect(() => findTemplate('Container-Servic')).toThrow(/did you mean "container-service"\?/);
  });

  it('knows each title as its playbook gives it', () => {
    for (const t of templates) expect(templateTitle(t), t.name).toBe(load(t.name).name);
    expect(new Set(templates.map(templateTitle)).size).toBe(templates.length);
  });

  it('suggests the closest name and lists them all', () => {
    expect(() => findTemplate('enterprize')).toThrow(NotFoundError);
    expect(() => findTemplate('enterprize')).toThrow(/did you mean "enterprise"\?/);
    expect(() => findTemplate('enterprize')).toThrow(/container-service, multi-repo, enterprise/);
  });

  it('lists the names without a guess when nothing is close', () => {
    let error: unknown;
    try {
      findTemplate('kubernetes-blue-green');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('not-found');
    expect((error as Error).message).not.toMatch(/did you mean/);
    for (const t of templates) expect((error as Error).message).toContain(t.name);
  });
});

describe('distinctive features', () => {
  it('default: release-manager gate, a run item, a watch and a rollback', () => {
    const p = load('default');
    const gate = p.phases.find((ph) => ph.gate);
    expect(gate?.gate).toEqual(['release-manager']);
    const items = phaseItems(p);
    expect(items.find((i) => i.kind === 'run')?.run).toBe('./deploy.sh production');
    expect(items.some((i) => i.kind === 'watch')).toBe(true);
    for (const name of ['changelog', 'version', 'secrets', 'command'])
      expect(
        items.some((i) => i.check?.name === name),
        name,
      ).toBe(true);
  });

  it('enterprise: exactly the five sign-off roles and a gate before deployment', () => {
    const p = load('enterprise');
    const five = ['qa-lead', 'product-owner', 'security', 'technical-lead', 'release-manager'];
    expect(Object.keys(p.roles).sort()).toEqual([...five].sort());
    const signSection = p.phases.find((ph) => ph.id === 'sign-offs')!;
    const signers = signSection.sections.flatMap((s) => s.items).flatMap((i) => i.sign ?? []);
    expect(signers.sort()).toEqual([...five].sort());
    const gateAt = p.phases.findIndex((ph) => ph.id === 'go-no-go');
    const deployAt = p.phases.findIndex((ph) => ph.id === 'deployment');
    expect(p.phases[gateAt]?.gate).toEqual(['release-manager']);
    expect(gateAt).toBeGreaterThan(p.phases.findIndex((ph) => ph.id === 'sign-offs'));
    expect(deployAt).toBe(gateAt + 1);
    const deploy = p.phases[deployAt]!.sections.flatMap((s) => s.items);
    expect(deploy.some((i) => i.kind === 'run')).toBe(true);
    expect(p.rollback.map((s) => s.title)).toEqual(['Decide', 'Execute', 'Afterwards']);
    expect(p.policy.window?.deny).toEqual(['fri', 'sat', 'sun']);
  });

  it('container-service: release types, rollback criteria, a watch window and rollback items', () => {
    const p = load('container-service');
    expect(p.types).toEqual(['hotfix', 'minor', 'major']);
    expect(p.policy.rollback?.when).toEqual(
      expect.arrayContaining(['error_rate > 5%', 'p99_latency > 2x baseline']),
    );
    const items = phaseItems(p);
    const watch = items.find((i) => i.kind === 'watch' && !i.when);
    expect(watch?.watch).toMatchObject({ for: '15m', every: '30s', check: { name: 'http' } });
    const majorPhase = p.phases.find((ph) => ph.when?.type?.includes('major'));
    expect(
      majorPhase?.sections.flatMap((s) => s.items).some((i) => /load test/i.test(i.title)),
    ).toBe(true);
    expect(items.some((i) => i.when?.type?.includes('hotfix'))).toBe(true);
    // The hotfix fast path leaves the slower suites out.
    const slow = items.filter((i) => i.check?.name === 'command' && i.when?.type);
    expect(slow.some((i) => !i.when!.type!.includes('hotfix'))).toBe(true);
    expect(rollbackItems(p).some((i) => i.kind === 'run')).toBe(true);
    expect(rollbackItems(p).some((i) => i.kind === 'sign')).toBe(true);
  });

  it('multi-repo: development then production, tags every application, snapshots the database', () => {
    const p = load('multi-repo');
    expect(p.environments).toEqual(['development', 'production']);
    const ids = p.phases.map((ph) => ph.id);
    expect(ids.indexOf('tag')).toBeLessThan(ids.indexOf('snapshot'));
    expect(ids.indexOf('development')).toBeLessThan(ids.indexOf('production'));
    const items = phaseItems(p);
    expect(items.some((i) => i.run === './scripts/tag-all.sh')).toBe(true);
    expect(items.some((i) => i.check?.name === 'milestone')).toBe(true);
    expect(p.phases.find((ph) => ph.id === 'production')?.gate).toEqual(['release-lead']);
  });

  it('lean: no Friday or weekend releases and a single gate role', () => {
    const p = load('lean');
    expect(p.policy.window?.deny).toEqual(['fri', 'sat', 'sun']);
    expect(Object.keys(p.roles)).toEqual(['lead']);
    expect(p.phases.flatMap((ph) => ph.gate ?? [])).toEqual(['lead']);
    const checks = phaseItems(p).map((i) => i.check?.name);
    for (const name of ['window', 'milestone', 'git-tag', 'changelog', 'secrets', 'env-documented'])
      expect(checks, name).toContain(name);
  });

  it('django-aws: migrations, static files and deploy settings are checked before staging sign-off', () => {
    const p = load('django-aws');
    const commands = phaseItems(p)
      .filter((i) => i.check?.name === 'command')
      .map((i) => String(i.check!.params));
    expect(commands.some((c) => c.includes('makemigrations --check'))).toBe(true);
    expect(commands.some((c) => c.includes('collectstatic'))).toBe(true);
    expect(commands.some((c) => c.includes('check --deploy'))).toBe(true);
    const staging = p.phases.find((ph) => ph.id === 'staging')!;
    expect(staging.sections.flatMap((s) => s.items).some((i) => i.sign?.includes('qa'))).toBe(true);
    expect(p.phases.find((ph) => ph.id === 'production')?.gate).toEqual(['tech-lead']);
    expect(p.policy.window?.deny_hours).toEqual(['17:30-09:00']);
  });
});

const seedsDir = path.resolve(import.meta.dirname, '../../../shared/seeds');
const haveSeeds = existsSync(seedsDir);
if (!haveSeeds) console.warn(`templates.test: ${seedsDir} not found; skipping the seed comparison`);

describe.skipIf(!haveSeeds)('templates against the seed checklists', () => {
  it('copies no checklist line from the seeds', () => {
    const normalise = (s: string) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9%]+/g, ' ')
        .trim();
    const seedLines = new Set<string>();
    for (const f of readdirSync(seedsDir)) {
      for (const line of readFileSync(path.join(seedsDir, f), 'utf8').split('\n')) {
        const text = normalise(line.replace(/^\s*(?:[-*•]|\d+\.)?\s*(?:\[[ x]\])?\s*/, ''));
        if (text.split(' ').length >= 4) seedLines.add(text);
      }
    }
    for (const t of templates) {
      for (const i of allItems(load(t.name))) {
        for (const text of [i.title, ...(i.details ?? [])]) {
          expect(seedLines.has(normalise(text)), `${t.name}: "${text}"`).toBe(false);
        }
      }
    }
  });

  it('shares no run of eight words with the seeds, comments included', () => {
    const words = (s: string) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9%]+/g, ' ')
        .trim()
        .split(' ');
    const runs = (ws: string[]) => ws.slice(0, -7).map((_, i) => ws.slice(i, i + 8).join(' '));
    const seedRuns = new Set<string>();
    for (const f of readdirSync(seedsDir)) {
      for (const r of runs(words(readFileSync(path.join(seedsDir, f), 'utf8')))) seedRuns.add(r);
    }
    for (const t of templates) {
      const shared = runs(words(t.yaml)).filter((r) => seedRuns.has(r));
      expect(shared, t.name).toEqual([]);
    }
  });
});
