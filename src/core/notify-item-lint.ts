/**
 * The semantic rules of `notify` items and channels: a message is a built-in name or a template
 * whose `{{fields}}` exist; a channel an item sends to should be declared under `notify:` (a
 * warning: an imported checklist names its audiences before anyone configured them).
 */
import type { RawItem, RawPlaybook } from './playbook-schema.ts';
import { builtInMessages, templateFields } from './notify-channel.ts';
import { suggestName } from './names.ts';

export interface NotifyLintProblem {
  path: (string | number)[];
  message: string;
  fix?: string;
  atKey?: boolean;
  warning?: boolean;
}

/** True when a message is one word: the name of a built-in message rather than a template. */
export function isMessageName(message: string): boolean {
  return /^[a-z0-9][a-z0-9-]*$/.test(message.trim());
}

/**
 * The problems of one item's `notify:` and `when_reached:` (paths relative to the item).
 *
 * @example lintNotifyItem({ title: 'Tell them', notify: { to: 'team', message: 'deployd' } }, raw)
 * // → [{ path: ['notify', 'message'], message: 'unknown message "deployd"; did you mean "deployed"?', … }]
 */
export function lintNotifyItem(it: RawItem, raw: RawPlaybook): NotifyLintProblem[] {
  const out: NotifyLintProblem[] = [];
  if (it.when_reached !== undefined && it.notify === undefined)
    out.push({
      path: ['when_reached'],
      atKey: true,
      message: '"when_reached" applies to notify items only',
      fix: 'remove it, or give the item a notify: { to, message }',
    });
  if (!it.notify) return out;
  const channels = Object.keys(raw.notify ?? {});
  const to = Array.isArray(it.notify.to) ? it.notify.to : [it.notify.to];
  to.forEach((name, i) => {
    if (channels.includes(name)) return;
    const near = suggestName(name, channels);
    out.push({
      path: ['notify', 'to', ...(Array.isArray(it.notify!.to) ? [i] : [])],
      warning: true,
      message: `channel "${name}" is not declared under notify:, so this item cannot be sent yet`,
      fix: near
        ? `did you mean "${near}"?`
        : `declare it, e.g. notify: { ${name}: { type: slack, url_env: ${envName(name)}_SLACK_URL } }`,
    });
  });
  const message = it.notify.message.trim();
  if (isMessageName(message)) {
    if (!(builtInMessages as readonly string[]).includes(message)) {
      const near = suggestName(message, [...builtInMessages]);
      out.push({
        path: ['notify', 'message'],
        message: `unknown message "${message}"${near ? `; did you mean "${near}"?` : ''}`,
        fix: `name a built-in message (${builtInMessages.join(', ')}) or write the text, with fields such as {{version}}`,
      });
    }
  } else {
    for (const [, field] of message.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if ((templateFields as readonly string[]).includes(field!)) continue;
      const near = suggestName(field!, [...templateFields]);
      out.push({
        path: ['notify', 'message'],
        message: `unknown field {{${field}}} in the message${near ? `; did you mean {{${near}}}?` : ''}`,
        fix: `the fields are ${templateFields.map((f) => `{{${f}}}`).join(', ')}`,
      });
    }
  }
  return out;
}

const envName = (channel: string) => channel.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
