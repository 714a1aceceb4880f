/**
 * Text is data: titles, notes, comments, actor names and captured output are stored as given,
 * but a terminal or a Markdown reader must never take them as instructions. This module is the
 * one place that says what is removed before text is shown. Pure.
 */

// Whole escape sequences first, so their parameters do not survive as visible junk:
// - CSI: ESC [ (or 8-bit 0x9B), parameter and intermediate bytes, one final byte;
// - OSC, DCS, SOS, PM, APC: ESC ] P X ^ _ (or 0x9D 0x90 0x98 0x9E 0x9F) up to BEL or ST
//   (ESC \ or 0x9C), or to the end of the text when never terminated (a terminal would swallow
//   everything after it too);
// - any other two-byte escape: ESC and the byte after it (ESC c resets the terminal).
const escapeSequence =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[\u0020-\u007e]?/g;
// Left over: C0 controls but tab and newline, DEL, C1, and the bidirectional overrides and
// isolates, which make a line read in another order than it is stored ("Trojan source").
// eslint-disable-next-line no-control-regex
const controlChar = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const anyUnsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Shown in place of a line break when text must stay on one line. */
export const lineBreakMark = '⏎';

/**
 * Text as it may be shown to a person: escape sequences (CSI, OSC, DCS, ...) removed whole,
 * then every other control character (C0 but newline and tab, DEL, C1, bidirectional
 * overrides). With `oneLine`, line breaks become ` ⏎ ` and tabs a space, so the text cannot
 * start a line of its own in a listing. Carriage returns are removed (they would overwrite the
 * line on a terminal).
 *
 * @example sanitizeText('ok\u001b[2J done') // 'ok done'
 * @example sanitizeText('ok\n- [x] forged', { oneLine: true }) // 'ok ⏎ - [x] forged'
 */
export function sanitizeText(text: string, opts: { oneLine?: boolean } = {}): string {
  let out = text;
  // Fast path: most text has nothing to remove.
  if (anyUnsafe.test(out)) out = out.replace(escapeSequence, '').replace(controlChar, '');
  if (opts.oneLine && /[\n\t]/.test(out)) {
    out = out
      .replace(/\t/g, ' ')
      .replace(/[ ]*\n+[ ]*/g, ` ${lineBreakMark} `)
      .trim();
  }
  return out;
}

/**
 * The first character of `text` that may not be in a name shown on every line of the record
 * (an actor's name or e-mail): any control character, line breaks and tabs included, as a
 * readable description; undefined when there is none.
 *
 * @example findControlChar('ann@example.com\n') // 'a line break (U+000A)'
 */
export function findControlChar(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const hit = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.exec(text);
  if (!hit) return undefined;
  const code = hit[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const names: Record<number, string> = {
    0x0a: 'a line break',
    0x0d: 'a carriage return',
    0x09: 'a tab',
    0x1b: 'an escape character',
  };
  return `${names[code] ?? 'a control character'} (${hex})`;
}

/**
 * JSON text with the characters `JSON.stringify` leaves raw but a terminal may act on (DEL,
 * C1, bidirectional overrides, line and paragraph separators) written as `\uXXXX` escapes: the
 * same JSON value, safe to print. Such characters only occur inside JSON strings, where the
 * escape means the same character.
 *
 * @example escapeJsonControls(JSON.stringify({ t: 'a\u009b2Jb' })) // '{"t":"a\\u009b2Jb"}'
 */
export function escapeJsonControls(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` with the five HTML-special characters escaped, for element text and quoted attributes
 * (e-mail bodies, release notes as HTML).
 *
 * @example escapeHtml('<b>"x" & y</b>') // '&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c]!);
}

/**
 * `text` escaped for Slack mrkdwn: `&`, `<` and `>` as `&amp;`, `&lt;`, `&gt;` (Slack's rule),
 * so `<!channel>` or `<https://x|y>` in a title stays text.
 *
 * @example escapeSlack('<!channel> & <https://evil|click>') // '&lt;!channel&gt; &amp; &lt;https://evil|click&gt;'
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
