/**
 * The README's example playbook is what a newcomer copies first: it must lint clean with the
 * gonogo it documents (warnings allowed, no problems).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeRepo, removeRepos, repoRoot } from './cli-helper.ts';

afterAll(removeRepos);

it("lints the README's example playbook clean", async () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const example = /```yaml\n(name: [^\n]*\n[\s\S]*?)```/.exec(readme)?.[1];
  expect(example, 'the README has a yaml block that starts with name:').toBeDefined();
  const repo = await makeRepo();
  writeFileSync(path.join(repo.dir, 'gonogo.yaml'), example!);
  const lint = await repo.run(['playbook', 'lint', '--json']);
  expect(lint.stderr).toBe('');
  const result = JSON.parse(lint.stdout) as { errors: number };
  expect(result.errors, lint.stdout).toBe(0);
  expect(lint.code).toBe(0);

  // What playbook show says of it: what gonogo runs, what a person runs, follow-ups, notes.
  const show = await repo.ok(['playbook', 'show']);
  expect(show.stdout).toMatch(/All unit tests passing .*\[check, runs: npm test\]/);
  expect(show.stdout).toMatch(
    /Deploy to production .*\[run, deploys to production, gonogo run: \.\/deploy\.sh production, timeout 15m\]/,
  );
  expect(show.stdout).toMatch(/Error rate at its baseline .*\[due \+24h\]/);
  expect(show.stdout).toMatch(/^Metrics\n {2}error_rate: Error rate {2}query: /m);
  expect(show.stdout).toMatch(/^Notes .*\n {2}Emergency procedures {2}1 line$/m);
});
