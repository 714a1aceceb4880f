/**
 * Crafted checklists that made the Markdown importer slow (quadratic or worse in remark or in
 * the importer's own rules), for the unit test that they import or are refused with a place,
 * and for `bench/bench-import.ts`, which times them at growing sizes.
 */

export interface HostileShape {
  name: string;
  /** What the shape attacks. */
  about: string;
  /** The text repeated to the size wanted. */
  unit: string;
  /** Text before the repetition. */
  head?: string;
}

export const hostileShapes: HostileShape[] = [
  { name: 'setext', about: 'setext headings, no blank line', unit: 'a\n=\n' },
  { name: 'setext-blank', about: 'setext headings between blank lines', unit: 'a\n=\n\n' },
  { name: 'setext-dash', about: 'setext h2 headings', unit: 'a\n-\n' },
  { name: 'emphasis-open', about: 'unclosed emphasis openers', unit: '*a ' },
  { name: 'emphasis-close', about: 'emphasis closers without openers', unit: 'a_ ' },
  { name: 'link-open', about: 'unclosed link openers', unit: '[a ' },
  { name: 'link-close', about: 'link ends without openers', unit: 'a] ' },
  { name: 'link-resource', about: 'unclosed link destinations', unit: '[a]( ' },
  { name: 'autolink', about: 'unclosed autolinks', unit: '<http://a ' },
  { name: 'code-span', about: 'unmatched code-span runs', unit: '`a ``b ' },
  { name: 'lazy-quote', about: 'lazy lines in a quote', unit: '> a\nb\n' },
  { name: 'lazy-table', about: 'lazy lines after a table row in a quote', unit: '> | a |\nb\n' },
  {
    name: 'item-marks',
    about: 'task items full of unclosed emphasis',
    unit: `- [ ] ${'a_ '.repeat(200)}\n`,
  },
  { name: 'tasks', about: 'one long task list', unit: '- [ ] a\n' },
  { name: 'tasks-blank', about: 'task items between blank lines', unit: '- [ ] a\n\n' },
  {
    name: 'nested',
    about: 'one item with many nested items',
    head: '- [ ] a\n',
    unit: '  - [ ] b\n',
  },
  {
    name: 'deep',
    about: 'lists nested five deep',
    unit: '- a\n  - b\n    - c\n      - d\n        - [ ] e\n',
  },
  { name: 'too-deep', about: 'quotes nested past the limit', unit: `${'> '.repeat(70)}a\n\n` },
  { name: 'phases', about: 'a heading per item', unit: '# a\n- [ ] x\n' },
  { name: 'blocks', about: 'titled blocks of bullets without headings', unit: 'x\n- a\n- b\n\n' },
  {
    name: 'references',
    about: 'references to definitions elsewhere',
    unit: '- [ ] [a]\n\n[a]: /x\n\n',
  },
  { name: 'open-fence', about: 'unclosed fences in list items', unit: '- a\n    ```\n- b\n' },
  {
    name: 'html-comment',
    about: 'an HTML comment that never ends',
    head: '<!--\n',
    unit: 'a\n\n# h\n\n',
  },
  {
    name: 'optional-words',
    about: 'the "(if" pattern repeated in titles',
    unit: `- [ ] x ${'(if '.repeat(60)}\n`,
  },
  {
    name: 'word-rules',
    about: 'rule words repeated in titles',
    unit: `- [ ] ${'test deploy production friday '.repeat(40)}\n`,
  },
  { name: 'urls', about: 'URLs that never reach /health', unit: 'see http://http://http://a\n\n' },
  {
    name: 'due-words',
    about: 'due-point, condition and deploy words repeated in titles',
    unit: `- [ ] ${'monitor for the first 1 - 2 hours after (if major deploy to staging only) '.repeat(8)}\n`,
  },
  { name: 'blanks', about: 'placeholders on every line', unit: '- [ ] [Name] <who> ____ TBD [a\n' },
  { name: 'notes', about: 'headings with prose and no items', unit: '# a\n\nwords <!-- x\n\n' },
  {
    name: 'release-types',
    about: 'release types headings with steps',
    unit: '## Release types\n### Hotfix release\n1. step\n',
  },
  { name: 'metrics', about: 'metric definitions with one name', unit: '## Metrics\n- Uptime: x\n' },
  {
    name: 'headings-deep',
    about: 'headings nested six deep, no items',
    unit: '# a\n## b\n### c\n#### d\n##### e\n###### f\n',
  },
];

/**
 * A crafted checklist of about `bytes` bytes, ending in one ordinary task so that a shape
 * which yields no item still imports.
 *
 * @example makeHostile(hostileShapes[0]!, 10 * 1024).length // ≈ 10240
 */
export function makeHostile(shape: HostileShape, bytes: number): string {
  const head = shape.head ?? '';
  const count = Math.max(1, Math.ceil((bytes - head.length) / shape.unit.length));
  return `${head}${shape.unit.repeat(count)}\n\n- [ ] end\n`;
}
