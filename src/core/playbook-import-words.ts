/**
 * What the words of a checklist say about when its work applies: a release type or an
 * environment ("if major changes", "for hotfixes", "(staging only)"), a due point after the
 * production deployment ("First 24 Hours", "monitor for 15 minutes", "T+1h"), and whether an
 * item is the deployment to an environment ("Deploy to production", "Code deployed to
 * staging"). Pure string rules on one title or heading at a time, each regex bounded, so the
 * importer stays linear in its input.
 */

/** The words a condition may name: the playbook's release types and environments. */
export interface Vocabulary {
  types: readonly string[];
  environments: readonly string[];
}

/** A condition read from words: the release types or environments the work is for. */
export interface Condition {
  type?: string[];
  environment?: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Other names of an environment in prose. */
const environmentAliases: Record<string, string[]> = {
  production: ['prod', 'live'],
  staging: ['stage'],
  development: ['dev'],
};

/** `hotfix` → `hotfix(?:es)?`, `minor` → `minors?`: a type word and its plural. */
function typeWord(t: string): string {
  const w = escape(t).replace(/-/g, '[- ]');
  return /(?:x|s|sh|ch)$/.test(t) ? `${w}(?:es)?` : `${w}s?`;
}

/** A list of names: "minor", "minor/major", "minor or major", "minor and major releases". */
function listOf(word: string): string {
  return `${word}(?:\\s*(?:/|,|\\bor\\b|\\band\\b)\\s*${word}){0,4}`;
}

/** Words after a type that keep it a condition ("major changes"), not an adjective ("major customers"). */
const typeNouns =
  '(?:releases?|changes?|versions?|updates?|upgrades?|deploy\\w*|fix(?:es)?|builds?)';

const conditionCache = new WeakMap<Vocabulary, { types: RegExp[]; environments: RegExp[] }>();

function conditionPatterns(vocab: Vocabulary): { types: RegExp[]; environments: RegExp[] } {
  const cached = conditionCache.get(vocab);
  if (cached) return cached;
  const types = vocab.types.length
    ? listOf(
        `(?:${[...vocab.types]
          .sort((a, b) => b.length - a.length)
          .map(typeWord)
          .join('|')})`,
      )
    : '(?!)';
  const envNames = vocab.environments.flatMap((e) => [e, ...(environmentAliases[e] ?? [])]);
  const envs = envNames.length
    ? listOf(
        `(?:${envNames
          .sort((a, b) => b.length - a.length)
          .map(escape)
          .join('|')})`,
      )
    : '(?!)';
  const end = `(?=\\s*(?:$|[).,;:!?]|\\bonly\\b|\\b${typeNouns}))`;
  const patterns = {
    types: [
      // "(if major changes)", "for hotfixes", "when a patch release"
      new RegExp(`\\b(?:if|when|for|on)\\s+(?:an?\\s+|the\\s+|all\\s+)?(${types})${end}`, 'i'),
      // "major releases only", "hotfix only"
      new RegExp(`\\b(${types})\\s+(?:${typeNouns}\\s+)?only\\b`, 'i'),
      // "only for hotfixes", "only on major releases"
      new RegExp(`\\bonly\\s+(?:for|on|in|with)\\s+(?:an?\\s+|the\\s+)?(${types})\\b`, 'i'),
      // "(major release)", "(hotfix)"
      new RegExp(`\\(\\s*(${types})(?:\\s+${typeNouns})?\\s*\\)`, 'i'),
    ],
    environments: [
      // "(staging only)", "(in staging first!)"; not "(production)", which may only say where
      new RegExp(
        `\\(\\s*(?:in\\s+|on\\s+)?(?:the\\s+)?(${envs})(?:\\s+environment)?\\s+(?:only|first)\\s*!?\\s*\\)`,
        'i',
      ),
      // "staging only", "only in production", "when deploying to staging"
      new RegExp(`\\b(${envs})\\s+only\\b`, 'i'),
      new RegExp(`\\bonly\\s+(?:in|on|for)\\s+(?:the\\s+)?(${envs})\\b`, 'i'),
      new RegExp(`\\b(?:if|when)\\s+deploying\\s+to\\s+(?:the\\s+)?(${envs})\\b`, 'i'),
    ],
  };
  conditionCache.set(vocab, patterns);
  return patterns;
}

const nameCache = new Map<string, RegExp>();

/** The pattern of one type (with its plural) or environment (with its other names). */
function namePattern(name: string, environment: boolean): RegExp {
  const key = `${environment ? 'e' : 't'}:${name}`;
  let re = nameCache.get(key);
  if (!re) {
    const all = [name, ...(environment ? (environmentAliases[name] ?? []) : [])];
    const words = all.map((w) => (environment ? escape(w) : typeWord(w)));
    re = new RegExp(`\\b(?:${words.join('|')})\\b`, 'i');
    // A checklist names a few; a crafted one cannot grow this without bound.
    if (nameCache.size > 256) nameCache.clear();
    nameCache.set(key, re);
  }
  return re;
}

/** The names of `vocab` a matched phrase lists ("minor/major releases" → minor, major). */
function namesIn(phrase: string, names: readonly string[], aliases = false): string[] {
  return names.filter((n) => namePattern(n, aliases).test(phrase));
}

/**
 * The release types or environments a title or heading limits its work to, from words such
 * as "(if major changes)", "for hotfixes", "major releases only", "(staging only)" or "(in
 * staging first!)"; undefined when it names none. Only names in `vocab` count.
 *
 * @example readCondition('Send email to users (if major changes)', { types: ['major'], environments: [] }) // { type: ['major'] }
 */
export function readCondition(text: string, vocab: Vocabulary): Condition | undefined {
  const t = text.replace(/`/g, '');
  const { types, environments } = conditionPatterns(vocab);
  const out: Condition = {};
  for (const re of types) {
    const m = re.exec(t);
    if (m) {
      const found = namesIn(m[1]!, vocab.types);
      if (found.length) out.type = found;
      break;
    }
  }
  for (const re of environments) {
    const m = re.exec(t);
    if (m) {
      const found = namesIn(m[1]!, vocab.environments, true);
      if (found.length) out.environment = found;
      break;
    }
  }
  return out.type || out.environment ? out : undefined;
}

/**
 * Words that make work optional whatever the release: "if applicable", "if needed",
 * "(optional)". A condition on a type alone ("if major changes") is a `when:`, not this.
 *
 * @example saysOptional('Feature flags configured (if applicable)') // true
 */
export function saysOptional(text: string): boolean {
  return /\bif (?:needed|applicable|required|relevant|necessary|appropriate|any)\b|\(\s*optional\s*\)|^optional\b|\bwhere (?:applicable|relevant)\b/i.test(
    text,
  );
}

// Due points ---------------------------------------------------------------------------------

const numberWords: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  thirty: 30,
  'twenty-four': 24,
  'forty-eight': 48,
};
const num = `(\\d{1,4}|${Object.keys(numberWords)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
// A one-letter unit only right after digits ("15m"): "and" is no number and unit.
const unit = '(minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|(?<=\\d|\\d\\s)(?:m|h|d|w))';
const range = `${num}(?:\\s*(?:-|–|to)\\s*${num})?\\s*${unit}\\b`;
const deployNoun =
  '(?:(?:the\\s+)?(?:production\\s+)?(?:deploy\\w*|release|launch|go[- ]live|going\\s+live|cut[- ]?over|rollout|roll-out))';

/** A duration phrase said to come before something ("(1 hour before)"): never a due point. */
const beforeWords = /\b(?:before|prior|ahead|ago|earlier|in advance|beforehand)\b/i;
/** Preparation, by its name. */
const preWords = /\bpre[- ]?(?:deploy\w*|release|launch|production)\b/i;
/** Words that place work after the deployment. */
const afterWords = new RegExp(
  `\\bpost[- ]?(?:deploy\\w*|release|launch|production|go[- ]live)\\b|\\b(?:after|following)\\s+${deployNoun}\\b|\\bt\\s*\\+\\s*\\d`,
  'i',
);

const duePatterns: { re: RegExp; explicit: boolean }[] = [
  // "T+15m", "T + 1 hour"
  { re: new RegExp(`\\bt\\s*\\+\\s*${range}`, 'i'), explicit: true },
  // "+24h", "(+1w)"
  { re: /(?:^|[\s(])\+(\d{1,4})()\s*(m|h|d|w)\b/i, explicit: true },
  // "1 hour after deploy", "24-48 hours after the release"
  {
    re: new RegExp(`\\b${range}\\s+(?:after|post|following)\\s+${deployNoun}`, 'i'),
    explicit: true,
  },
  // "within 24 hours of the deployment"
  {
    re: new RegExp(
      `\\b(?:within|in)\\s+(?:the\\s+)?(?:first\\s+)?${range}\\s+(?:of|after|following)\\s+${deployNoun}`,
      'i',
    ),
    explicit: true,
  },
  // "Monitor for 15 minutes", "Extended monitoring (24-48 hours)", "watch the next 2 hours"
  {
    re: new RegExp(
      `\\b(?:monitor|watch|observ)\\w*\\b[^.;:]{0,40}?(?:\\bfor\\s+|\\(\\s*|\\b)(?:the\\s+)?(?:first\\s+|next\\s+)?${range}`,
      'i',
    ),
    explicit: false,
  },
  // "First Hour", "First 24 Hours", "the first week"
  {
    re: new RegExp(
      `\\bfirst\\s+(?:${num}(?:\\s*(?:-|–|to)\\s*${num})?\\s*)?(minutes?|hours?|days?|weeks?|months?)\\b`,
      'i',
    ),
    explicit: false,
  },
  // "After 1 hour", "within 24 hours"
  {
    re: new RegExp(`\\b(?:after|within)\\s+(?:the\\s+)?(?:first\\s+)?${range}`, 'i'),
    explicit: false,
  },
  // "Day 2", "Week 1"
  { re: /\b(day|week)\s+(\d{1,3})\b/i, explicit: false },
];

/** A due point read from words: `+24h`, and whether the words themselves say "after deploying". */
export interface FoundDue {
  due: string;
  /** The words tie it to the deployment ("after deploy", "post-release", "T+"). */
  explicit: boolean;
}

function toNumber(word: string | undefined): number | undefined {
  if (word === undefined || word === '') return undefined;
  return /^\d+$/.test(word) ? Number(word) : numberWords[word.toLowerCase()];
}

function unitLetter(u: string): { letter: string; factor: number } {
  const w = u.toLowerCase();
  if (w.startsWith('mo')) return { letter: 'd', factor: 30 };
  if (w === 'm' || w.startsWith('min')) return { letter: 'm', factor: 1 };
  if (w.startsWith('h')) return { letter: 'h', factor: 1 };
  if (w.startsWith('d')) return { letter: 'd', factor: 1 };
  return { letter: 'w', factor: 1 };
}

/**
 * The due point a title or heading gives work after the production deployment: "First Hour"
 * → `+1h`, "First 24 Hours" → `+24h`, "First Week" → `+1w`, "Monitor for 24-48 hours after
 * deployment" → `+48h` (a range is due at its end), "T+15m", "Day 2" → `+2d`. Undefined for
 * no duration, and for one said to come before ("(1 hour before)", "pre-deployment").
 * `explicit` tells whether the words say it is after the deployment; otherwise only the place
 * of the words (after the deployment in the checklist) makes it a due point.
 *
 * @example findDue('First 24 Hours') // { due: '+24h', explicit: false }
 * @example findDue('Pre-Deployment (1 hour before)') // undefined
 */
export function findDue(text: string): FoundDue | undefined {
  const t = text.replace(/`/g, '');
  if (preWords.test(t)) return undefined;
  for (const { re, explicit } of duePatterns) {
    const m = re.exec(t);
    if (!m) continue;
    const after = t.slice(m.index + m[0].length, m.index + m[0].length + 30);
    if (beforeWords.test(/^[\s)]*\S*(?:\s+\S+)?/.exec(after)?.[0] ?? '')) return undefined;
    let n: number | undefined;
    let u: string;
    if (/^(?:day|week)$/i.test(m[1] ?? '')) {
      n = toNumber(m[2]);
      u = m[1]!;
    } else {
      // A range is due at its end; "First Hour" is one hour.
      n = toNumber(m[2]) ?? toNumber(m[1]) ?? 1;
      u = m[3]!;
    }
    if (!n) return undefined;
    const { letter, factor } = unitLetter(u);
    return { due: `+${n * factor}${letter}`, explicit: explicit || afterWords.test(t) };
  }
  return undefined;
}

/**
 * Whether a heading names the time after the deployment ("Post-Deployment Monitoring",
 * "After the release", "Follow-up").
 *
 * @example isAfterDeploymentText('Post-Deployment Monitoring') // true
 */
export function isAfterDeploymentText(text: string): boolean {
  return afterWords.test(text) || /\bfollow[- ]?ups?\b|\bhypercare\b|\baftercare\b/i.test(text);
}

// Deployments --------------------------------------------------------------------------------

/** An item that checks, plans or reports on a deployment rather than doing it. */
const notTheDeployment =
  /^(?:verify|verified|confirm|confirmed|check|checked|ensure|validate|validated|monitor|test|tested|review|reviewed|schedule|scheduled|notify|notified|announce|plan|prepare|document|documented|communicate|coordinate|inform|wait|watch|track|record|log|post|send|follow|approve|decide|smoke|roll ?back|revert|is|are|was|were|has|have|does|do|can|should|any|no|not|never|don't|do not)\b/i;
/** What is deployed, when it is not the release itself. */
const otherObjects =
  /\b(?:migrations?|database|db|schema|config(?:uration)?s?|infrastructure|scripts?|docs?|documentation|feature[- ]flags?|secrets?|variables?|branch(?:es)?|tags?|dashboards?|alerts?|runbooks?|notes|hotfix branch|lambdas? layers?)\b/i;
const deployVerb = /\b(?:re)?deploy(?:s|ed)?\b/i;
const otherVerbs =
  /\b(?:promot(?:e|es|ed)|releas(?:e|es|ed)|ship(?:s|ped)?|push(?:es|ed)?|roll(?:s|ed)?[- ]out)\b/i;

/**
 * A heading without its step number: "Step 2: Deploy Application" → "Deploy Application".
 *
 * @example stripStep('3. Database Backup') // 'Database Backup'
 */
export function stripStep(text: string): string {
  return (
    text
      .replace(/^\s*(?:step|phase|stage)\s+\d+(?:\.\d+)*\s*[:.)-]?\s*/i, '')
      .replace(/^\s*\d+(?:\.\d+)*[.)]?\s+/, '')
      .trim() || text.trim()
  );
}

/**
 * The environments an item deploys to: the ones its title names after a deploy verb ("Deploy
 * to staging", "Code deployed to production", "Use the pipeline to deploy the tagged version to
 * production"), or, for a bare imperative "Deploy …" that names none, the last environment when
 * `production` says the item stands where production is deployed. Empty for items that check
 * or report on a deployment ("Verify deployment", "Deployment completed", "Monitor the deploy"),
 * for questions, and for other things deployed (migrations, configuration, scripts).
 *
 * @example deployTargets('Deploy to staging', ['staging', 'production'], false) // ['staging']
 * @example deployTargets('Deploy application', ['staging', 'production'], true) // ['production']
 */
export function deployTargets(
  title: string,
  environments: readonly string[],
  production: boolean,
): string[] {
  const t = stripStep(title.replace(/`/g, '')).slice(0, 300);
  if (/\?\s*$/.test(t) || notTheDeployment.test(t) || otherObjects.test(t)) return [];
  const verb = deployVerb.exec(t) ?? otherVerbs.exec(t);
  if (!verb) return [];
  const rest = t.slice(verb.index + verb[0].length);
  const named = namesIn(rest, environments, true);
  if (named.length) return named;
  // "Release notes", "Push the tag": only deploy itself is a deployment without a place named.
  if (verb[0].toLowerCase().startsWith('promot') || !deployVerb.test(verb[0])) return [];
  if (production && /^(?:re)?deploy\b/i.test(t) && environments.length)
    return [environments.at(-1)!];
  return [];
}

/**
 * Whether a heading names production ("Production Deployment", "Deploy to prod"), not the
 * preparation for it ("Pre-production").
 *
 * @example namesProduction('5. Production Deployment') // true
 */
export function namesProduction(text: string): boolean {
  return (
    /\bproduction\b|\bprod\b|\bgo(?:ing)?[- ]live\b|\blive\s+(?:environment|site|system)\b/i.test(
      text,
    ) && !/\b(?:pre|non)[- ]?prod/i.test(text)
  );
}

/**
 * Whether a text names an environment other than the last (production): "Deploy to staging".
 *
 * @example namesEarlierEnvironment('Deploy to staging', ['staging', 'production']) // true
 */
export function namesEarlierEnvironment(text: string, environments: readonly string[]): boolean {
  return namesIn(text, environments.slice(0, -1), true).length > 0;
}
