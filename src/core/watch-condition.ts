/**
 * The small expression language of a watch's `successCondition` and `failureCondition` (Argo
 * Rollouts' names): comparisons of `result` (the measured number) with numbers, `baseline` (the
 * metric's value captured before the deploy) and `Nx baseline`, joined by `&&` and `||`, with
 * parentheses. Numbers take a unit: `5%` is 0.05, `200ms` is 0.2, `2s` is 2 (Prometheus speaks
 * ratios and seconds). A hand-written parser: a condition is playbook text, never code to run.
 */

export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed condition. */
export type Condition =
  | { op: '&&' | '||'; left: Condition; right: Condition }
  | { op: Comparator; left: Operand; right: Operand };

/** One side of a comparison: a number, `result`, or `factor` times `baseline`. */
export type Operand =
  { kind: 'number'; value: number } | { kind: 'result' } | { kind: 'baseline'; factor: number };

/** What a condition is evaluated over. */
export interface ConditionScope {
  result: number;
  /** Undefined when no baseline was captured: a condition naming it cannot be evaluated. */
  baseline?: number;
}

/** Longer conditions are not something a person writes; the bound keeps parsing cheap. */
const maxConditionChars = 500;

const unitFactor: Record<string, number> = { '%': 0.01, ms: 0.001, s: 1, m: 60 };

type Token =
  | { t: 'num'; v: number; at: number }
  | { t: 'word'; v: string; at: number }
  | { t: 'op'; v: string; at: number };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(\d+(?:\.\d+)?|\.\d+)(%|ms|s|m(?![a-z])|x(?![a-z]))?/.exec(text.slice(i));
    if (num) {
      const value = Number(num[1]);
      const unit = num[2];
      // `2x` stays a word-like token: it only means something before `baseline`.
      if (unit === 'x') tokens.push({ t: 'word', v: `${value}x`, at: i });
      else tokens.push({ t: 'num', v: unit ? value * unitFactor[unit]! : value, at: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ t: 'word', v: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const op = /^(&&|\|\||<=|>=|==|!=|<|>|\(|\)|\*)/.exec(text.slice(i));
    if (op) {
      tokens.push({ t: 'op', v: op[0], at: i });
      i += op[0].length;
      continue;
    }
    return `unexpected "${c}" at column ${i + 1}`;
  }
  return tokens;
}

/**
 * Parses a condition; a string saying what is wrong (with the column) when it does not parse.
 *
 * @example parseCondition('result < 5% || result <= 2x baseline') // { op: '||', ... }
 * @example parseCondition('result >') // 'expected a number, result or baseline at the end'
 */
export function parseCondition(text: string): Condition | string {
  if (text.length > maxConditionChars) return `longer than ${maxConditionChars} characters`;
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return tokens;
  let pos = 0;
  const where = () => (pos < tokens.length ? `at column ${tokens[pos]!.at + 1}` : 'at the end');
  const peek = (v: string) => tokens[pos]?.t === 'op' && tokens[pos]!.v === v;
  let depth = 0;

  const operand = (): Operand | string => {
    const tok = tokens[pos];
    if (tok?.t === 'num') {
      pos++;
      if (peek('*') && tokens[pos + 1]?.t === 'word' && tokens[pos + 1]!.v === 'baseline') {
        pos += 2;
        return { kind: 'baseline', factor: tok.v };
      }
      return { kind: 'number', value: tok.v };
    }
    if (tok?.t === 'word') {
      if (tok.v === 'result') return (pos++, { kind: 'result' });
      if (tok.v === 'baseline') return (pos++, { kind: 'baseline', factor: 1 });
      const times = /^(\d+(?:\.\d+)?)x$/.exec(tok.v);
      if (times && tokens[pos + 1]?.t === 'word' && tokens[pos + 1]!.v === 'baseline') {
        pos += 2;
        return { kind: 'baseline', factor: Number(times[1]) };
      }
      return `unknown name "${tok.v}" ${where()} (a condition knows result, baseline and Nx baseline)`;
    }
    return `expected a number, result or baseline ${where()}`;
  };

  const comparison = (): Condition | string => {
    if (peek('(')) {
      if (++depth > 20) return 'nested too deeply';
      pos++;
      const inner = or();
      if (typeof inner === 'string') return inner;
      if (!peek(')')) return `expected ")" ${where()}`;
      pos++;
      depth--;
      return inner;
    }
    const left = operand();
    if (typeof left === 'string') return left;
    const tok = tokens[pos];
    if (tok?.t !== 'op' || !['<', '<=', '>', '>=', '==', '!='].includes(tok.v))
      return `expected a comparison (<, <=, >, >=, ==, !=) ${where()}`;
    pos++;
    const right = operand();
    if (typeof right === 'string') return right;
    return { op: tok.v as Comparator, left, right };
  };

  const and = (): Condition | string => {
    let left = comparison();
    while (typeof left !== 'string' && peek('&&')) {
      pos++;
      const right = comparison();
      if (typeof right === 'string') return right;
      left = { op: '&&', left, right };
    }
    return left;
  };

  const or = (): Condition | string => {
    let left = and();
    while (typeof left !== 'string' && peek('||')) {
      pos++;
      const right = and();
      if (typeof right === 'string') return right;
      left = { op: '||', left, right };
    }
    return left;
  };

  if (tokens.length === 0) return 'the condition is empty';
  const tree = or();
  if (typeof tree === 'string') return tree;
  if (pos < tokens.length) return `unexpected "${tokens[pos]!.v}" ${where()}`;
  return tree;
}

/** True when the condition names `baseline` anywhere. */
export function conditionNeedsBaseline(c: Condition): boolean {
  switch (c.op) {
    case '&&':
    case '||':
      return conditionNeedsBaseline(c.left) || conditionNeedsBaseline(c.right);
    default:
      return c.left.kind === 'baseline' || c.right.kind === 'baseline';
  }
}

/**
 * Evaluates a parsed condition; throws a plain `Error` when it names `baseline` and none is
 * known (the caller records that as an `error` measurement).
 *
 * @example evaluateCondition(parseCondition('result > 2x baseline') as Condition, { result: 3, baseline: 1 }) // true
 */
export function evaluateCondition(c: Condition, scope: ConditionScope): boolean {
  switch (c.op) {
    case '&&':
      return evaluateCondition(c.left, scope) && evaluateCondition(c.right, scope);
    case '||':
      return evaluateCondition(c.left, scope) || evaluateCondition(c.right, scope);
  }
  const a = valueOf(c.left, scope);
  const b = valueOf(c.right, scope);
  switch (c.op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

function valueOf(o: Operand, scope: ConditionScope): number {
  if (o.kind === 'number') return o.value;
  if (o.kind === 'result') return scope.result;
  if (scope.baseline === undefined) throw new Error('no baseline was captured for this metric');
  return o.factor * scope.baseline;
}

/**
 * A `policy.rollback.when` line as a failure condition on the metric it names:
 * `error_rate > 5%` → metric `error_rate`, condition `result > 5%`. Undefined for a line that
 * is prose for people ("Critical functionality broken").
 *
 * @example compileRollbackLine('p99_latency > 2x baseline') // { metric: 'p99_latency', condition: 'result > 2x baseline', ... }
 */
export function compileRollbackLine(
  line: string,
): { metric: string; condition: string; parsed: Condition } | undefined {
  const m = /^\s*([a-z][a-z0-9_-]*)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$/i.exec(line);
  if (!m) return undefined;
  const condition = `result ${m[2]} ${m[3]}`;
  const parsed = parseCondition(condition);
  if (typeof parsed === 'string') return undefined;
  return { metric: m[1]!, condition, parsed };
}
