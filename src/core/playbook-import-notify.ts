/**
 * The importer's communication lines as `notify` items: a line that tells someone something
 * ("Notify stakeholders", "Release completion announcement sent", "Post in #releases", "Status
 * page updated", "Email sent to customers", "Release notes published") sends a message to a
 * channel named after its audience (`stakeholders`, `team`, `customers`, `status-page`,
 * `support`, `on-call`, `product`, a `#channel` as written; `team` when it names none), with a
 * built-in message chosen from its words and its place: `rollback-started` / `rollback-finished`
 * in the rollback procedure, `maintenance-notice`, `release-notes`, `deployed`,
 * `release-finished`, else `release-started` before the deployment and `deployed` after it.
 * Lines that only prepare or confirm a communication ("Stakeholder notification list
 * confirmed", "Release announcement drafted") stay items a person ticks. The channels are
 * declared with the environment variable each one reads its URL from, for the team to set.
 * Pure; each pattern bounded.
 */
import type { BuiltInMessage, NotifyChannel } from './notify-channel.ts';
import type { Unit } from './playbook-import-draft.ts';
import type { RawItem } from './playbook-schema.ts';
import type { PlacedNotify } from './playbook-import-summary.ts';

export type { PlacedNotify } from './playbook-import-summary.ts';

/** Words that prepare, confirm or test a communication without sending it. */
const preparing =
  /\b(?:confirm(?:s|ed|ing)?|draft(?:s|ed|ing)?|prepar(?:e|es|ed|ing)|review(?:s|ed|ing)?|lists?|active|ready|agreed|generat(?:e|es|ed|ing)|writ(?:e|es|ten|ing)|templates?|test(?:s|ed|ing)?|verif(?:y|ies|ied|ying)|identif(?:y|ies|ied|ying)|defin(?:e|es|ed|ing)|set up|configur(?:e|es|ed|ing)|plans?)\b/i;

/** Verbs that tell someone by themselves. */
const tellVerbs = /\b(?:notif(?:y|ies|ied|ying)|announc(?:e|es|ed|ing))\b/i;
/** Verbs that tell only when the line names whom ("Services communicate over TLS" does not). */
const tellWhomVerbs =
  /\b(?:inform(?:s|ed|ing)?|communicat(?:e|es|ed|ing)|tell|told|brief(?:ed|ing)|brief (?:the )|alert(?:s|ed)?)\b/i;
/** Things that are told once sent, posted or published. */
const tellNouns =
  /\b(?:notifications?|announcements?|communications?|notices?|messages?|e-?mails?|status updates?|newsletters?|release[- ]notes?)\b/i;
// "post" but not "Post-deploy".
const sendVerbs =
  /\b(?:send|sends|sent|sending|post(?!-)|posts|posted|posting|publish(?:es|ed|ing)?|shar(?:e|es|ed|ing)|deliver(?:s|ed)?|distribut(?:e|es|ed|ing)|circulat(?:e|es|ed|ing))\b/i;
const emailTo =
  /\be-?mail(?:ed|s)?\s+(?:sent\s+)?(?:to\s+)?(?:the\s+|all\s+|our\s+)?(?:team|users?|customers?|clients?|stakeholders|support|on-?call|product|project|everyone|engineering)\b/i;
const statusPage = /\bstatus[- ]?page\b/i;
const statusVerbs = /\b(?:updat\w*|post\w*|set|mark\w*|chang\w*|enabl\w*|switch\w*)\b/i;
const hashChannel = /(?:^|[\s(])#([A-Za-z][\w-]{0,63})\b/;

/** Audiences by the words that name them, in the order a line is read for them. */
const audiences: { words: RegExp; channel: string }[] = [
  { words: statusPage, channel: 'status-page' },
  { words: /\bon[- ]?call\b/i, channel: 'on-call' },
  { words: /\bsupport(?:\s+(?:team|staff|desk|engineers?))?\b/i, channel: 'support' },
  {
    words: /\b(?:customers?|users?|clients?|customer-facing|the public|subscribers)\b/i,
    channel: 'customers',
  },
  {
    words: /\b(?:stakeholders?|management|leadership|executives?|the business)\b/i,
    channel: 'stakeholders',
  },
  { words: /\bproduct (?:owners?|managers?|team)\b/i, channel: 'product' },
  {
    words: /\b(?:team|engineering|developers|internal|everyone|staff|slack|e-?mail)\b/i,
    channel: 'team',
  },
];

/**
 * Whether a line tells someone something (rather than preparing, confirming or testing a
 * communication).
 *
 * @example isCommunicationLine('Stakeholders notified of rollback') // true
 * @example isCommunicationLine('Stakeholder notification list confirmed') // false
 */
export function isCommunicationLine(line: string): boolean {
  const text = line.slice(0, 500);
  if (preparing.test(text)) return false;
  if (tellVerbs.test(text)) return true;
  if (
    tellWhomVerbs.test(text) &&
    (hashChannel.test(text) || audiences.some((a) => a.words.test(text)))
  )
    return true;
  if (tellNouns.test(text) && sendVerbs.test(text)) return true;
  if (emailTo.test(text) || /^\s*(?:send|e-?mail)\b/i.test(text)) return true;
  if (statusPage.test(text) && statusVerbs.test(text)) return true;
  return hashChannel.test(text) && /\b(?:post\w*|shar\w*|announc\w*|say|write)\b/i.test(text);
}

/**
 * The channels a communication line addresses: a `#channel` as written, else the audiences its
 * words name, else `team`.
 *
 * @example audiencesOf('Known issues communicated to support team') // ['support']
 * @example audiencesOf('Announce deployment in #engineering Slack channel') // ['engineering']
 */
export function audiencesOf(line: string): string[] {
  const text = line.slice(0, 500);
  const hash = hashChannel.exec(text);
  if (hash) return [hash[1]!.toLowerCase().replace(/_/g, '-')];
  const found = audiences
    .map((a) => ({ channel: a.channel, at: a.words.exec(text)?.index ?? -1 }))
    .filter((a) => a.at >= 0);
  // "team" names the default audience: only alone, not beside a more specific one.
  const specific = found.filter((a) => a.channel !== 'team');
  const chosen = specific.length ? specific : found;
  const out = [...new Set(chosen.sort((a, b) => a.at - b.at).map((a) => a.channel))];
  return out.length ? out : ['team'];
}

/** Where a line stands in the release: before the deployment, after it, or in the rollback. */
export type LinePlace = 'before' | 'after' | 'rollback' | 'unknown';

/**
 * The built-in message a communication line sends, from its words (and its headings'), else
 * from its place.
 *
 * @example chooseMessage('Notify stakeholders that the deployment is complete', [], 'after') // 'deployed'
 * @example chooseMessage('Post-rollback communication sent', [], 'rollback') // 'rollback-finished'
 */
export function chooseMessage(
  line: string,
  headings: string[],
  place: LinePlace,
  to: string[] = [],
): BuiltInMessage {
  const all = [line, ...headings].join(' \n ').slice(0, 2000);
  if (place === 'rollback')
    return /\bpost[- ]?rollback\b|\bafter (?:the )?rollback\b|\brollback (?:is )?(?:complete|completed|finished|done)\b|\brestored\b/i.test(
      all,
    )
      ? 'rollback-finished'
      : 'rollback-started';
  if (
    /\brelease[- ]notes?\b|\bchangelog\b|\bwhat'?s new\b|\bnew release\b|\brelease changes\b|\bknown issues\b/i.test(
      all,
    )
  )
    return 'release-notes';
  if (/\bmaintenance\b|\bdowntime\b|\boutage window\b/i.test(line)) return 'maintenance-notice';
  if (
    /\bdeploy\w*\s+(?:is\s+|was\s+|has\s+been\s+)?(?:complete|completed|done|finished|succeeded|successful)\b|\bdeployed\b|\bis live\b|\bwent live\b/i.test(
      line,
    )
  )
    return 'deployed';
  if (/\bcomplet\w*|\bfinished\b|\boperational\b|\bsuccess\w*|\bwrap[- ]?up\b/i.test(line))
    return 'release-finished';
  if (/\bupcoming\b|\bstart\w*\b|\babout to\b|\bbegin\w*\b|\bwill be\b/i.test(line))
    return 'release-started';
  // A status page before the release announces maintenance.
  if (place === 'before' && to.includes('status-page')) return 'maintenance-notice';
  return place === 'after' ? 'deployed' : 'release-started';
}

/** The channel skeleton for a name: Slack for a `#channel` or a line that says Slack. */
export function skeletonChannel(name: string, slack: boolean): NotifyChannel {
  const env = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return slack
    ? { type: 'slack', url_env: `${env}_SLACK_URL`, events: [] }
    : { type: 'webhook', url_env: `${env}_WEBHOOK_URL`, events: [] };
}

/** The environment variable a skeleton channel reads its URL from. */
export function channelEnv(channel: NotifyChannel): string | undefined {
  return 'url_env' in channel ? channel.url_env : undefined;
}

/**
 * Makes the communication lines of the units `notify` items (in place), skipping items that
 * already do something or hold sub-items; returns each with its place in `text` and the
 * channels they address, with a skeleton to declare each one. `rollback` units get rollback
 * messages; the others are before or after the production deployment (the first item that
 * deploys to `production`, else a heading that says so).
 *
 * @example placeNotifies(unitsOf(phases), unitsOf([rollback]), text, 'production').placed[0]
 * // { line: 61, col: 7, title: 'Announce deployment in #engineering Slack channel', to: ['engineering'], message: 'release-started' }
 */
export function placeNotifies(
  units: Unit[],
  rollbackUnits: Unit[],
  text: string,
  production: string | undefined,
): { placed: PlacedNotify[]; channels: Map<string, NotifyChannel> } {
  const lines = text.split('\n');
  const placed: PlacedNotify[] = [];
  const slackish = new Map<string, boolean>();
  // The first unit and item that deploy to production: what comes after is "after".
  const deploys = (it: RawItem) =>
    it.deploys !== undefined &&
    (production === undefined ||
      (Array.isArray(it.deploys) ? it.deploys : [it.deploys]).includes(production));
  let deployUnit = units.findIndex((u) => u.items.some(deploys));
  const deployItem = deployUnit >= 0 ? units[deployUnit]!.items.findIndex(deploys) : -1;
  if (deployUnit < 0) deployUnit = Infinity;
  const placeOf = (u: Unit, i: number, k: number): LinePlace => {
    const heads = u.headings.join(' ');
    if (
      /\bpost[- ]?(?:deploy\w*|release)\b|\bafter (?:the )?(?:deploy\w*|release)\b|\bverify production\b|\bfollow[- ]?up\b/i.test(
        heads,
      )
    )
      return 'after';
    if (
      /\bpre[- ]?(?:deploy\w*|release)\b|\bbefore (?:the )?(?:deploy\w*|release)\b|\bpreparation\b|\bplanning\b/i.test(
        heads,
      )
    )
      return 'before';
    if (deployUnit === Infinity) return 'unknown';
    return i > deployUnit || (i === deployUnit && k > deployItem) ? 'after' : 'before';
  };
  let searchFrom = 0;
  const visit = (u: Unit, i: number, rollback: boolean) => {
    u.items.forEach((item, k) => {
      if (item.check || item.run || item.sign || item.watch || item.notify || item.deploys) return;
      if (item.items?.length || !isCommunicationLine(item.title)) return;
      const to = audiencesOf(item.title);
      const place = rollback ? 'rollback' : placeOf(u, i, k);
      const message = chooseMessage(item.title, u.headings, place, to);
      item.notify = { to: to.length === 1 ? to[0]! : to, message };
      const slack = /\bslack\b/i.test(item.title) || hashChannel.test(item.title);
      for (const c of to) slackish.set(c, (slackish.get(c) ?? false) || slack);
      // The line in the text, searched onward so a title written twice is found at each place.
      let at = lines.findIndex((l, n) => n >= searchFrom && l.includes(item.title));
      if (at < 0) at = lines.findIndex((l) => l.includes(item.title));
      else searchFrom = at + 1;
      placed.push({
        line: at >= 0 ? at + 1 : (u.source?.line ?? 1),
        col: at >= 0 ? lines[at]!.indexOf(item.title) + 1 : 1,
        title: item.title,
        to,
        message,
      });
    });
  };
  units.forEach((u, i) => visit(u, i, false));
  rollbackUnits.forEach((u, i) => visit(u, i, true));
  const channels = new Map<string, NotifyChannel>();
  for (const [name, slack] of slackish) channels.set(name, skeletonChannel(name, slack));
  placed.sort((a, b) => a.line - b.line || a.col - b.col);
  return { placed, channels };
}
