/**
 * The importer's monitoring lines as watch windows: a line after the deployment whose words say
 * what to watch (error rates, 5xx, Sentry errors; latency, response times) and for how long
 * ("for 15 minutes", "for the first hour", a "Monitor for 15 minutes:" lead or a "First Hour"
 * heading) becomes a `watch` item on a metric named after what is watched (`error_rate`,
 * `latency`). The metric's query is left blank for the team to point at their system, and each
 * such watch is listed with what it needs. Lines that do not say both stay items a person ticks.
 * Pure; each pattern bounded.
 */
import { parseDuration } from './duration.ts';
import type { Unit } from './playbook-import-draft.ts';
import type { RawItem } from './playbook-schema.ts';
import type { PlacedWatch } from './playbook-import-summary.ts';

export type { PlacedWatch } from './playbook-import-summary.ts';

/** What is watched, by the words that name it. */
const subjects: { words: RegExp; metric: string; title: string }[] = [
  {
    words: /\b(?:error[- ]?rates?|errors?|5xx|exceptions?|sentry)\b/i,
    metric: 'error_rate',
    title: 'Error rate',
  },
  { words: /\bresponse[- ]times?\b/i, metric: 'response_time', title: 'Response time' },
  { words: /\blatency\b/i, metric: 'latency', title: 'Latency' },
];

/** Words that watch over time; `check` only with a duration in the same line. */
const watchVerbs =
  /\b(?:monitor(?:ing|ed)?|watch(?:ing)?|observe|keep an eye)\b|\bno\b.{0,30}\bspikes?\b/i;
const checkVerbs = /\b(?:check|track)\b/i;

const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * How long a line says to watch: "for 15 minutes", "first 15 minutes", "for the first hour",
 * "24-48 hours" (the longer); undefined when it says none.
 *
 * @example durationIn('Check Sentry/logs for the first hour') // '1h'
 */
export function durationIn(text: string): string | undefined {
  const m =
    /\b(?:for|first|during)\s+(?:the\s+)?(?:first\s+)?(an?|one|\d{1,3})?(?:\s*[-–]\s*(\d{1,3}))?\s*(minutes?|mins?|hours?|hrs?|days?)\b/i.exec(
      text,
    ) ?? /\b(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?\s*(minutes?|mins?|hours?|hrs?|days?)\b/i.exec(text);
  if (!m) return undefined;
  const first = /^\d+$/.test(m[1] ?? '') ? Number(m[1]) : 1;
  const upper = m[2] ? Number(m[2]) : first;
  const word = m[3]!.toLowerCase();
  const unit = word.startsWith('m') ? 'minute' : word.startsWith('d') ? 'day' : 'hour';
  const ms = Math.max(first, upper) * unitMs[unit];
  return ms > 0 ? formatWindow(ms) : undefined;
}

function formatWindow(ms: number): string {
  if (ms % unitMs.day === 0 && ms >= unitMs.day * 2) return `${ms / unitMs.day}d`;
  if (ms % unitMs.hour === 0) return `${ms / unitMs.hour}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** A monitoring line as a watch: the metric it watches and for how long. */
export interface WatchGuess {
  metric: string;
  /** The metric's title, for `metrics:`. */
  metricTitle: string;
  /** How long, as `for:` says it. */
  for: string;
  /** Where the duration came from: the line itself or its heading / lead line. */
  from: 'line' | 'context';
}

/**
 * Reads a line as a watch: what it watches and for how long, from its own words, else from the
 * heading or lead line above it (`context`, which may also carry the watching verb, as
 * "Monitor for 15 minutes:" does for "No 5XX errors").
 *
 * @example guessWatch('Monitor error rates for 15 minutes') // { metric: 'error_rate', for: '15m', … }
 */
export function guessWatch(line: string, context: string[] = []): WatchGuess | undefined {
  const subject = subjects.find((s) => s.words.test(line));
  if (!subject) return undefined;
  const own = durationIn(line);
  const verb = watchVerbs.test(line) || (own !== undefined && checkVerbs.test(line));
  const around = context.find((c) => watchVerbs.test(c) && durationIn(c));
  if (own && verb)
    return { metric: subject.metric, metricTitle: subject.title, for: own, from: 'line' };
  if (around || (verb && context.some((c) => durationIn(c)))) {
    const d = durationIn(around ?? context.find((c) => durationIn(c))!)!;
    return { metric: subject.metric, metricTitle: subject.title, for: d, from: 'context' };
  }
  return undefined;
}

/**
 * Makes the monitoring lines of the units watches (in place: leads share the item objects),
 * rollback procedure and items that already do something aside; returns each with its place in
 * `text` and the metrics they watch (id → title).
 *
 * @example placeWatches(unitsOf(phases), text).placed[0] // { line: 183, col: 7, metric: 'error_rate', for: '15m', … }
 */
export function placeWatches(
  units: Unit[],
  text: string,
): { placed: PlacedWatch[]; metrics: Map<string, string> } {
  const lines = text.split('\n');
  const placed: PlacedWatch[] = [];
  const metrics = new Map<string, string>();
  for (const u of units) {
    const inheritsDue = Boolean(u.section?.due ?? u.group.due);
    for (const item of u.items) {
      if (item.check || item.run || item.sign || item.watch || item.items?.length) continue;
      const leads = (u.source?.leads ?? [])
        .filter((l) => l.items.includes(item))
        .map((l) => l.text);
      const guess = guessWatch(item.title, [...u.headings, ...leads]);
      if (!guess) continue;
      applyWatch(item, guess, inheritsDue);
      if (!metrics.has(guess.metric)) metrics.set(guess.metric, guess.metricTitle);
      const at = lines.findIndex((l) => l.includes(item.title));
      placed.push({
        line: at >= 0 ? at + 1 : (u.source?.line ?? 1),
        col: at >= 0 ? lines[at]!.indexOf(item.title) + 1 : 1,
        title: item.title,
        metric: guess.metric,
        for: guess.for,
      });
    }
  }
  return { placed, metrics };
}

/**
 * Makes the item a watch as guessed: measured once a minute (every 15 minutes past two hours),
 * from the deployment on (`due: +0m`: a heading's due point names the window's end, while a
 * watch's due point is where it starts).
 *
 * @example applyWatch(item, guess, true); item.watch // { metric: 'error_rate', for: '15m', interval: '1m' }
 */
export function applyWatch(item: RawItem, guess: WatchGuess, inheritsDue: boolean): void {
  const ms = parseDuration(guess.for) ?? 0;
  item.watch = {
    metric: guess.metric,
    for: guess.for,
    interval: ms > 2 * unitMs.hour ? '15m' : '1m',
  };
  if (item.due !== undefined || inheritsDue) item.due = '+0m';
}

/**
 * A metric id as a title.
 *
 * @example humanizeMetric('response_time') // 'Response time'
 */
export function humanizeMetric(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
