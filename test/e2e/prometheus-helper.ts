/**
 * A real Prometheus for end-to-end tests: Debian's /usr/bin/prometheus, started on loopback
 * with a temporary config and store, scraping one target every second. Tests that need it skip,
 * saying so, when it is not installed (`.ci/run` installs it).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const prometheusBin = '/usr/bin/prometheus';
export const hasPrometheus = existsSync(prometheusBin);

/** Says, once per test file, why its Prometheus tests are skipped. */
export function warnWithoutPrometheus(what: string): void {
  if (!hasPrometheus)
    console.warn(`skipping ${what}: ${prometheusBin} is missing (apt-get install prometheus)`);
}

/** A port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export interface Prometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The first value of an instant query, undefined when it has none. */
  instant(query: string): Promise<number | undefined>;
  /** Polls the query until `ok` holds for its value (it scrapes every second). */
  until(query: string, ok: (v: number | undefined) => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping `127.0.0.1:targetPort/metrics` every second and waits until it is
 * ready.
 *
 * @example const prom = await startPrometheus(appPort); await prom.until(q, (v) => v === 0, 'calm');
 */
export async function startPrometheus(targetPort: number): Promise<Prometheus> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'gonogo-prom-'));
  await writeFile(
    path.join(tmp, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    prometheusBin,
    [
      `--config.file=${path.join(tmp, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(tmp, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (i > 300) {
      await stop();
      throw new Error('prometheus did not become ready');
    }
    await sleep(100);
  }
  const instant = async (query: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
    const v = body.data?.result?.[0]?.value[1];
    return v === undefined ? undefined : Number(v);
  };
  const until = async (query: string, ok: (v: number | undefined) => boolean, what: string) => {
    for (let i = 0; i < 600; i++) {
      if (ok(await instant(query).catch(() => undefined))) return;
      await sleep(100);
    }
    throw new Error(`Prometheus never showed ${what}`);
  };
  return { url, instant, until, stop };
}
