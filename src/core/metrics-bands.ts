/**
 * DORA's published performance bands, as data: one table per report year, each level with the
 * report's own words and the bound gonogo reads them as. The logic (`levelOf`) knows no number;
 * a new report year is a new table here. The published bands have gaps and overlaps (2023's
 * medium and low share a frequency band; 2021's lead times skip one hour to one day); each bound
 * below says how gonogo closes them: a value gets the best level whose bound it meets, so a
 * value in a gap gets the next level down. docs/metrics.md lists them.
 */

export type MetricsBandLevel = 'elite' | 'high' | 'medium' | 'low';
export type MetricsBandKey =
  'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'recoveryTime';

/** A level's bound: frequency in deployments per day (at least), the others at most (seconds, ratio). */
export interface MetricsBand {
  level: MetricsBandLevel;
  /** The report's words for the level. */
  published: string;
  /** At least this (frequency) or at most this (the others); absent: every value (the last level). */
  bound?: number;
  /** `lt`: strictly below the bound ("less than one hour"); otherwise at most. */
  strict?: boolean;
}

export interface MetricsBandTable {
  year: '2021' | '2023';
  source: string;
  keys: Record<MetricsBandKey, MetricsBand[]>;
}

const hour = 3600;
const day = 24 * hour;
const week = 7 * day;
const month = 30 * day;
const sixMonths = 182 * day;

/** Accelerate State of DevOps Report 2023 (DORA), "How do you compare?" table. */
const bands2023: MetricsBandTable = {
  year: '2023',
  source:
    'https://dora.dev/research/2023/dora-report/ (Accelerate State of DevOps Report 2023, p. 13)',
  keys: {
    deploymentFrequency: [
      { level: 'elite', published: 'on demand', bound: 1 },
      { level: 'high', published: 'between once per day and once per week', bound: 1 / 7 },
      { level: 'medium', published: 'between once per week and once per month', bound: 1 / 30 },
      { level: 'low', published: 'between once per week and once per month (fewer, here)' },
    ],
    leadTime: [
      { level: 'elite', published: 'less than one day', bound: day, strict: true },
      { level: 'high', published: 'between one day and one week', bound: week },
      { level: 'medium', published: 'between one week and one month', bound: month },
      { level: 'low', published: 'between one week and one month (longer, here)' },
    ],
    changeFailureRate: [
      { level: 'elite', published: '5%', bound: 0.05 },
      { level: 'high', published: '10%', bound: 0.1 },
      { level: 'medium', published: '15%', bound: 0.15 },
      { level: 'low', published: '64%' },
    ],
    recoveryTime: [
      { level: 'elite', published: 'less than one hour', bound: hour, strict: true },
      { level: 'high', published: 'less than one day', bound: day, strict: true },
      { level: 'medium', published: 'between one day and one week', bound: week },
      { level: 'low', published: 'between one month and six months' },
    ],
  },
};

/** Accelerate State of DevOps Report 2021 (DORA), software delivery performance table. */
const bands2021: MetricsBandTable = {
  year: '2021',
  source:
    'https://dora.dev/research/2021/dora-report/ (Accelerate State of DevOps Report 2021, p. 10)',
  keys: {
    deploymentFrequency: [
      { level: 'elite', published: 'on-demand (multiple deploys per day)', bound: 1 },
      { level: 'high', published: 'between once per week and once per month', bound: 1 / 30 },
      {
        level: 'medium',
        published: 'between once per month and once every 6 months',
        bound: 1 / 182,
      },
      { level: 'low', published: 'fewer than once per six months' },
    ],
    leadTime: [
      { level: 'elite', published: 'less than one hour', bound: hour, strict: true },
      { level: 'high', published: 'between one day and one week', bound: week },
      { level: 'medium', published: 'between one month and six months', bound: sixMonths },
      { level: 'low', published: 'more than six months' },
    ],
    changeFailureRate: [
      { level: 'elite', published: '0%-15%', bound: 0.15 },
      // High, medium and low share 16%-30%: gonogo says high up to 30 %, low beyond.
      { level: 'high', published: '16%-30%', bound: 0.3 },
      { level: 'low', published: '16%-30% (more, here)' },
    ],
    recoveryTime: [
      { level: 'elite', published: 'less than one hour', bound: hour, strict: true },
      { level: 'high', published: 'less than one day', bound: day, strict: true },
      { level: 'medium', published: 'between one day and one week', bound: week },
      { level: 'low', published: 'more than six months' },
    ],
  },
};

/** The tables by year. */
export const metricsBandTables: Record<'2021' | '2023', MetricsBandTable> = {
  '2021': bands2021,
  '2023': bands2023,
};

/**
 * The level of a value under a table: the best level whose bound it meets; null without a value.
 *
 * @example levelOf(metricsBandTables['2023'], 'changeFailureRate', 0.08) // 'high'
 */
export function levelOf(
  table: MetricsBandTable,
  key: MetricsBandKey,
  value: number | null,
): MetricsBandLevel | null {
  if (value === null) return null;
  const higherIsBetter = key === 'deploymentFrequency';
  for (const band of table.keys[key]) {
    if (band.bound === undefined) return band.level;
    const meets = higherIsBetter
      ? value >= band.bound
      : band.strict
        ? value < band.bound
        : value <= band.bound;
    if (meets) return band.level;
  }
  return table.keys[key].at(-1)!.level;
}
