/**
 * The CLI's side of notifications: the delivery log as lines, and the sender of local mode. With
 * no server, nothing runs in the background, so a command that queued deliveries (or finds some
 * due) starts a detached `gonogo notify --send-queued` and returns at once; that child sends what
 * is due, waits for retries that come due soon, and exits.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { NotifyDelivery } from '../core/notify-delivery.ts';
import type { DeliveryLog } from '../service/service-contract.ts';
import type { Output } from './cli-output.ts';
import { oneLine, paint, table } from './cli-output.ts';

/**
 * The delivery log as lines: one per delivery with its status, attempts, time and the last
 * error or answer; then the disabled channels and the next attempt due.
 *
 * @example renderDeliveryLog(o, log) // ['#4  team  delivered  1 attempt  2026-…  204 msg_…', …]
 */
export function renderDeliveryLog(o: Pick<Output, 'color'>, log: DeliveryLog): string[] {
  if (!log.deliveries.length && !log.disabled.length) return ['no deliveries yet'];
  const rows = log.deliveries.map((d) => [
    d.item !== undefined ? `#${d.item}` : d.event,
    d.channel,
    paint(o, statusStyle(d), d.status),
    `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`,
    d.status === 'delivered'
      ? (d.deliveredAt ?? '')
      : d.status === 'queued' && d.nextAttemptAt
        ? `next ${d.nextAttemptAt}`
        : d.createdAt,
    outcomeOf(d),
  ]);
  const lines = table(rows);
  for (const c of log.disabled)
    lines.push(
      `channel ${c.channel} is disabled since ${c.at}: ${oneLine(c.reason)} (gonogo notify --enable ${c.channel})`,
    );
  if (log.nextAttemptAt) lines.push(`next attempt due ${log.nextAttemptAt}`);
  return lines;
}

function statusStyle(d: NotifyDelivery) {
  return d.status === 'delivered' ? 'green' : d.status === 'queued' ? 'yellow' : 'red';
}

/** What the last attempt said: the error, else the answer's status and message id. */
export function outcomeOf(d: NotifyDelivery): string {
  if (d.status !== 'delivered' && d.lastError) return oneLine(d.lastError).slice(0, 120);
  return [d.lastStatus !== undefined ? String(d.lastStatus) : '', d.messageId ?? '']
    .filter(Boolean)
    .join(' ');
}

/**
 * Starts `gonogo notify --send-queued` detached from this process (its own session, no stdio),
 * so the command that queued deliveries returns at once and the sending outlives it. Only when
 * this process runs the gonogo CLI itself (not a test runner or a program that embeds it).
 */
export function startBackgroundSender(opts: {
  db: string;
  project: string;
  cwd: string;
  argv?: string[];
}): boolean {
  const argv = opts.argv ?? process.argv;
  const entry = argv[1];
  if (!entry || !/^(gonogo(\.js|\.mjs|\.cjs)?|main\.ts)$/.test(basename(entry))) return false;
  if (process.env.GONOGO_NOTIFY_SENDER === 'off') return false;
  try {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        entry,
        'notify',
        '--send-queued',
        '--db',
        opts.db,
        '--project',
        opts.project,
      ],
      { cwd: opts.cwd, detached: true, stdio: 'ignore', env: process.env },
    );
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    // The deliveries stay queued: the next command starts a sender again.
    return false;
  }
}
