/**
 * A small pool of worker threads for the playbook routes' parsing (`server-text-worker.ts`):
 * importing a Markdown checklist or linting a YAML playbook takes time that grows with the text,
 * and on the server's one thread it would hold up every other request. Each job gets a time
 * limit; a worker that runs past it is terminated and a fresh one takes its place on the next
 * job. Workers start on first use and do not keep the process alive. Jobs beyond the pool wait
 * in a bounded queue; beyond that the pool is busy.
 */
import { Worker } from 'node:worker_threads';
import { GonogoError, InputError, PlaybookError } from '../core/errors.ts';
import type { TextJob, TextJobAnswer, TextJobError, TextJobKind } from './server-text-job.ts';

export interface TextPoolOptions {
  /** Worker threads at most (each one parses one text at a time). */
  size: number;
  /** How long a job may run in its worker, in ms, by kind. */
  timeoutMs: Record<TextJobKind, number>;
  /** Jobs that may wait for a worker; beyond them `run` answers busy at once. */
  maxWaiting: number;
  /** The worker's module (tests may point elsewhere); by default `server-text-worker`. */
  workerUrl?: URL;
}

/** A job's outcome: the worker's value, or why there is none (errors the job threw are thrown). */
export type TextJobOutcome =
  { ok: true; value: unknown } | { ok: false; reason: 'timeout' | 'busy' };

export interface TextPool {
  /** Runs the job in a worker; throws the GonogoError it threw there, rebuilt. */
  run(kind: TextJobKind, text: string, file: string): Promise<TextJobOutcome>;
  /** Terminates every worker; jobs still waiting or running fail. */
  close(): Promise<void>;
}

interface Pending {
  job: TextJob;
  resolve: (outcome: TextJobOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker?: Worker;
  /** Its modules are loaded (a job's time limit counts from then). */
  ready?: boolean;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * A pool of `size` workers, started as jobs come.
 *
 * @example
 * const pool = createTextPool({ size: 2, timeoutMs: { import: 5000, lint: 5000 }, maxWaiting: 8 });
 * const outcome = await pool.run('import', '# Release\n- [ ] Tests pass\n', 'checklist.md');
 */
export function createTextPool(options: TextPoolOptions): TextPool {
  const workerUrl = options.workerUrl ?? textWorkerUrl();
  const slots: Slot[] = Array.from({ length: options.size }, () => ({}));
  const waiting: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot): Pending | undefined => {
    const pending = slot.current;
    clearTimeout(slot.timer);
    slot.current = undefined;
    slot.timer = undefined;
    return pending;
  };

  const discard = (slot: Slot): void => {
    const worker = slot.worker;
    slot.worker = undefined;
    if (worker) void worker.terminate();
  };

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(workerUrl);
    slot.ready = false;
    worker.on('message', (answer: TextJobAnswer) => {
      if (slot.worker !== worker) return;
      if ('ready' in answer) {
        slot.ready = true;
        if (slot.current) startClock(slot, slot.current);
        return;
      }
      if (slot.current?.job.id !== answer.id) return;
      const pending = finish(slot)!;
      if (answer.ok) pending.resolve({ ok: true, value: answer.value });
      else pending.reject(rebuildError(answer.error));
      dispatch();
    });
    // A worker that dies (out of memory, a bug) fails its job and is replaced on the next one.
    const lost = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      finish(slot)?.reject(error);
      dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the text worker exited (code ${code})`)));
    // After the listeners: adding a message listener refs the worker again, and an idle worker
    // must not keep `gonogo serve` from exiting.
    worker.unref();
    return worker;
  };

  const startClock = (slot: Slot, pending: Pending): void => {
    slot.timer = setTimeout(() => {
      finish(slot);
      discard(slot);
      pending.resolve({ ok: false, reason: 'timeout' });
      dispatch();
    }, options.timeoutMs[pending.job.kind]);
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (closed || slot.current || waiting.length === 0) continue;
      const pending = waiting.shift()!;
      const worker = slot.worker ?? (slot.worker = spawn(slot));
      slot.current = pending;
      if (slot.ready) startClock(slot, pending);
      worker.postMessage(pending.job);
    }
  };

  return {
    run(kind, text, file) {
      if (closed) return Promise.reject(new Error('the text pool is closed'));
      if (waiting.length >= options.maxWaiting) {
        return Promise.resolve({ ok: false, reason: 'busy' });
      }
      return new Promise((resolve, reject) => {
        waiting.push({ job: { id: nextId++, kind, text, file }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) pending.reject(new Error('the text pool closed'));
      for (const slot of slots) {
        finish(slot)?.reject(new Error('the text pool closed'));
        const worker = slot.worker;
        slot.worker = undefined;
        await worker?.terminate();
      }
    },
  };
}

/**
 * The worker's module: the TypeScript beside this file when run from source (Node strips the
 * types), or `dist/text-worker.js` in the bundle (scripts/build.ts), where this code sits in
 * `dist/` or `dist/chunks/`.
 */
function textWorkerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./server-text-worker.ts', here);
  return new URL(/\/chunks\/[^/]*$/.test(here) ? '../text-worker.js' : './text-worker.js', here);
}

/** The worker's error as the class the server maps to an envelope (anything else is a bug). */
function rebuildError(e: TextJobError): Error {
  const options = {
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
  };
  if (e.code === 'internal') return new Error(e.message);
  if (e.code === 'invalid-playbook')
    return new PlaybookError(e.problems ?? [{ message: e.message }], options);
  if (e.problems) return new InputError(e.problems, { ...options, code: e.code });
  return new GonogoError(e.code, e.message, options);
}
