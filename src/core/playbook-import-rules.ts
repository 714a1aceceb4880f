/**
 * The vocabulary of the checklist importer: which words make an item optional, a sign-off,
 * a release-window rule or a rollback criterion, which environments a document names, and
 * how a block of bullets without a heading gets a title. Pure string rules, no Markdown.
 */
import type { Weekday } from './playbook-schema.ts';

/**
 * "(if applicable)", "(if API changed)", "if needed", "(optional)" and friends. Bare "if any"
 * is left out: "if any issue happens" is no condition on the item.
 */
const optionalPattern =
  /\(\s*if\b[^)]*\)|\bif (?:needed|applicable|required|relevant|necessary|appropriate)\b|\(\s*optional\s*\)|^optional\b/i;

/**
 * Whether a title or heading says the work is conditional.
 *
 * @example isOptionalText('Feature flags configured (if applicable)') // true
 */
export function isOptionalText(text: string): boolean {
  return optionalPattern.test(text);
}

const signPattern =
  /\bsign(?:ed)?[- ]?offs?\b|\bsigns? off\b|\bapprov(?:al|als|e|es|ed|ing)\b|\breview(?:ed)? (?:is )?completed?\b/i;

/** Role phrases → role id and display name. Matched longest phrase first. */
const roleVocabulary: [phrase: string, id: string, name: string][] = [
  ['change advisory board', 'cab', 'Change Advisory Board'],
  ['engineering manager', 'engineering-manager', 'Engineering Manager'],
  ['release manager', 'release-manager', 'Release Manager'],
  ['product manager', 'product-manager', 'Product Manager'],
  ['project manager', 'project-manager', 'Project Manager'],
  ['delivery manager', 'delivery-manager', 'Delivery Manager'],
  ['quality assurance', 'qa', 'QA'],
  ['technical lead', 'technical-lead', 'Technical Lead'],
  ['engineering lead', 'engineering-lead', 'Engineering Lead'],
  ['business owner', 'business-owner', 'Business Owner'],
  ['product owner', 'product-owner', 'Product Owner'],
  ['security team', 'security', 'Security'],
  ['scrum master', 'scrum-master', 'Scrum Master'],
  ['ops engineer', 'ops', 'Ops'],
  ['team lead', 'team-lead', 'Team Lead'],
  ['tech lead', 'tech-lead', 'Tech Lead'],
  ['dev lead', 'dev-lead', 'Dev Lead'],
  ['architect', 'architect', 'Architect'],
  ['qa lead', 'qa-lead', 'QA Lead'],
  ['qa team', 'qa', 'QA'],
  ['security', 'security', 'Security'],
  ['compliance', 'compliance', 'Compliance'],
  ['devops', 'devops', 'DevOps'],
  ['legal', 'legal', 'Legal'],
  ['cto', 'cto', 'CTO'],
  ['ceo', 'ceo', 'CEO'],
  ['sre', 'sre', 'SRE'],
  ['dba', 'dba', 'DBA'],
  ['cab', 'cab', 'Change Advisory Board'],
  ['qa', 'qa', 'QA'],
];
roleVocabulary.sort((a, b) => b[0].length - a[0].length);
const roleByPhrase = new Map(roleVocabulary.map(([p, id, name]) => [p, { id, name }]));
const rolePattern = new RegExp(
  `\\b(${roleVocabulary.map(([p]) => p.replace(/ /g, '[\\s-]+')).join('|')})s?\\b`,
  'gi',
);

/** A role found in a text: its id and display name. */
export interface FoundRole {
  id: string;
  name: string;
}

/**
 * The roles named in a text, in order, each once (longest phrase first, so "QA Lead" is
 * qa-lead, not qa).
 *
 * @example findRoles('Team lead, QA, or product manager approves') // team-lead, qa, product-manager
 */
export function findRoles(text: string): FoundRole[] {
  const out: FoundRole[] = [];
  for (const m of text.matchAll(rolePattern)) {
    const phrase = m[1]!.toLowerCase().replace(/[\s-]+/g, ' ');
    const role = roleByPhrase.get(phrase);
    if (role && !out.some((r) => r.id === role.id)) out.push(role);
  }
  return out;
}

/**
 * The roles that must sign an item, when its text speaks of a sign-off or an approval and
 * names a role; empty otherwise ("Code reviewed by another developer" names no role).
 *
 * @example findSigners('QA Lead sign-off received') // [{ id: 'qa-lead', name: 'QA Lead' }]
 */
export function findSigners(text: string): FoundRole[] {
  return signPattern.test(text) ? findRoles(text) : [];
}

const dayNames: [RegExp, Weekday][] = [
  [/\bmondays?\b/i, 'mon'],
  [/\b(?:tuesdays?|tue|tues)\b/i, 'tue'],
  [/\bwednesdays?\b/i, 'wed'],
  [/\b(?:thursdays?|thu|thurs)\b/i, 'thu'],
  [/\b(?:fridays?|fri)\b/i, 'fri'],
  [/\b(?:saturdays?|weekends?)\b/i, 'sat'],
  [/\b(?:sundays?|weekends?)\b/i, 'sun'],
];
const negationPattern = /\b(?:do not|don't|dont|never|no|not|avoid|forbidden)\b/i;
const releasePattern =
  /\b(?:release|releases|releasing|deploy|deploys|deploying|deployments?|ship|shipping)\b/i;

/**
 * The weekdays an item forbids releasing on ("Do NOT release on Friday or weekend" →
 * fri, sat, sun), in weekday order; empty when the item is no such rule.
 *
 * @example findDeniedDays('Do NOT release on Friday or weekend') // ['fri', 'sat', 'sun']
 */
export function findDeniedDays(text: string): Weekday[] {
  if (!negationPattern.test(text) || !releasePattern.test(text)) return [];
  return dayNames.filter(([pattern]) => pattern.test(text)).map(([, day]) => day);
}

/**
 * A rollback criterion in the policy's form: measurable ones as `metric op value`
 * ("Error rate > 5%" → "error_rate > 5%"), the rest verbatim.
 *
 * @example normalizeRollbackCriterion('Response times > 2x baseline') // 'response_time > 2x baseline'
 * @example normalizeRollbackCriterion('Error rate above 2%') // 'error_rate > 2%'
 */
export function normalizeRollbackCriterion(text: string): string {
  // "Error rate above 5%" says "error rate > 5%" in words.
  const worded = text
    .trim()
    .replace(
      /^([A-Za-z][A-Za-z0-9 ]{0,40}?)\s+(?:is\s+|are\s+|goes\s+|rises\s+)?(above|over|exceeds?|greater than|more than|higher than|below|under|less than|lower than)\s+(?=[\d<>])/i,
      (_m, subject: string, word: string) =>
        `${subject} ${/above|over|exceed|greater|more|higher/i.test(word) ? '>' : '<'} `,
    );
  const m = /^([A-Za-z][A-Za-z0-9 ]{0,40}?)\s*(>=|<=|==|!=|>|<|=|≥|≤)\s*(\S.*)$/.exec(worded);
  if (!m) return text.trim();
  const words = m[1]!.toLowerCase().split(/\s+/).filter(Boolean);
  const last = words.at(-1)!;
  // "Response times" measures one response time.
  if (words.length > 1 && /[a-z]{3,}s$/.test(last) && !/ss$/.test(last))
    words[words.length - 1] = last.slice(0, -1);
  const op = ({ '≥': '>=', '≤': '<=', '==': '=' } as Record<string, string>)[m[2]!] ?? m[2]!;
  return `${words.join('_')} ${op} ${m[3]!.trim()}`;
}

/**
 * The environments a document names, in promotion order; production is always there.
 *
 * @example findEnvironments('deploy to staging, then prod') // ['staging', 'production']
 */
export function findEnvironments(text: string): string[] {
  const out: string[] = [];
  if (/\bdev(?:elopment)?\b/i.test(text)) out.push('development');
  if (/\bstaging\b/i.test(text)) out.push('staging');
  out.push('production');
  return out;
}

/** Leading numbering of a heading: "3. ", "2) ", "1.2 ". */
export function stripNumbering(text: string): string {
  return text.replace(/^\s*\d+(?:\.\d+)*[.)]?\s+/, '').trim() || text.trim();
}

/** Keyword table for titling a block of bullets that has no heading. First best score wins. */
const blockTopics: [title: string, pattern: RegExp][] = [
  [
    'Release timing',
    /\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bwindow\b|\bschedul\w*|\btiming\b|\bmilestones?\b/gi,
  ],
  [
    'Version control',
    /\bgit\b|\bcommits?\b|\bprs?\b|\bpull requests?\b|\bbranch\w*|\btags?\b|\bversion\w*|\bmerg\w*|\bsquash\w*/gi,
  ],
  ['Testing', /\btest\w*|\bqa\b|\bregressions?\b/gi],
  ['Changelog', /\bchangelog\w*|\brelease notes?\b|\bknown issues?\b/gi],
  ['Dependencies', /\bpackages?\b|\bdependenc\w*|\blibrar\w*|\bupgrad\w*/gi],
  [
    'Backups & rollback',
    /\bback(?:ups?| up)\b|\brollbacks?\b|\broll(?:ing)? back\b|\brestor\w*|\bmigrations?\b|\bdatabases?\b/gi,
  ],
  [
    'Secrets & configuration',
    /\bsecrets?\b|\bconfig\w*|\bvariables?\b|\bcredentials?\b|\bkeys?\b/gi,
  ],
  ['Logging', /\blog(?:s|ging)?\b|\bstack traces?\b|\bexceptions?\b|\berrors?\b/gi],
  ['Monitoring', /\bmonitor\w*|\balerts?\b|\bdashboards?\b|\bmetrics?\b/gi],
  ['Environments', /\benvironments?\b|\bstaging\b|\bproduction\b|\bservers?\b|\bstacks?\b/gi],
  ['Security', /\bsecurity\b|\bvulnerab\w*|\bpermissions?\b|\bauth\w*/gi],
  ['Documentation', /\bdocs?\b|\bdocumentation\b|\breadme\b|\brunbooks?\b/gi],
  [
    'Communication',
    /\bemails?\b|\bnotif\w*|\bannounce\w*|\bslack\b|\bstakeholders?\b|\bcustomers?\b|\bmessages?\b/gi,
  ],
];

/**
 * A title for a block of items that has no heading: the topic its words speak of most, else
 * its first item's first five words.
 *
 * @example titleBlock(['Backups are running', 'Rolling back is possible']) // 'Backups & rollback'
 */
export function titleBlock(texts: string[]): string {
  const all = texts.join('\n');
  let best: string | undefined;
  let bestScore = 0;
  for (const [title, pattern] of blockTopics) {
    const score = all.match(pattern)?.length ?? 0;
    if (score > bestScore) {
      best = title;
      bestScore = score;
    }
  }
  return best ?? firstWords(texts[0] ?? '', 5);
}

/** The first `n` words of a text, without trailing punctuation. */
export function firstWords(text: string, n: number): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, n)
    .join(' ')
    .replace(/[\s.,;:!?]+$/, '');
}
