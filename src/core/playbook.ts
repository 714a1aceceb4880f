/**
 * The playbook model: the normalised form every other layer works with, and
 * `compilePlaybook`, which turns a schema-valid raw playbook into it and reports every
 * semantic problem (unknown roles, duplicate ids, unknown checks, ...) by path.
 */
import type { RawItem, RawPlaybook, RawSection, Weekday } from './playbook-schema.ts';
import { slugify, suggestName, titleCase, walkItems } from './names.ts';

// Re-exported: these helpers live in names.ts so light callers do not load the schemas.
export { slugify, suggestName, titleCase, walkItems } from './names.ts';
import { checkParams, environmentsNamed, isCheckName } from './check-params.ts';
import type { CheckName } from './check-params.ts';
import { checkRollbackCriteria, checkRollbackPolicy, checkWatch } from './watch-spec-lint.ts';
import type { NotifyChannel } from './notify-channel.ts';
import { lintNotifyItem } from './notify-item-lint.ts';

export type ItemKind = 'check' | 'run' | 'sign' | 'watch' | 'notify' | 'manual';

/** A check as named in a playbook: `changelog` → `{ name: 'changelog', params: {} }`. */
export interface CheckSpec {
  name: string;
  params: unknown;
}

export interface When {
  type?: string[];
  environment?: string[];
}

export interface PlaybookItem {
  id: string;
  title: string;
  kind: ItemKind;
  optional: boolean;
  details?: string[];
  when?: When;
  check?: CheckSpec;
  run?: string | string[];
  /** Roles of which any one may sign this item. */
  sign?: string[];
  watch?: WatchSpec;
  /** A notify item: the channels it sends to and its message (built-in name or template). */
  notify?: { to: string[]; message: string };
  /** A notify item gonogo performs by itself once the release reaches it. */
  whenReached?: true;
  /** Suggestions from the importer: shown to people, never run unasked. */
  suggest?: { run?: string; check?: CheckSpec };
  /** How long a run item (or a check) may take: `15m`, `1h`. */
  timeout?: string;
  /** A run item: roles of which whoever runs it must hold one (anyone when absent). */
  by?: string[];
  /** A run item: ask before running it on a terminal (refused without one unless told yes). */
  confirm?: true;
  /** A run item: the folder it runs in, relative to the repository root. */
  cwd?: string;
  /**
   * A follow-up's due point after the production deployment, normalised to `+24h` (from the
   * item, else its section, else its phase). Not a blocker once production runs the release.
   */
  due?: string;
  /** Environments this item deploys to: `deploy ENV` ticks it, with the deployment as evidence. */
  deploys?: string[];
  items?: PlaybookItem[];
}

export interface PlaybookSection {
  id: string;
  title?: string;
  /** A go/no-go point before this section: roles that must say `go`. */
  gate?: string[];
  /** Four eyes: nobody who started the release or acted on its items gives this gate's go. */
  fourEyes?: true;
  /** Limits the section to release types or environments, as an item's `when`. */
  when?: When;
  items: PlaybookItem[];
}

export interface PlaybookPhase {
  id: string;
  title: string;
  /** A go/no-go point before this phase: roles that must say `go`. */
  gate?: string[];
  /** Four eyes: nobody who started the release or acted on its items gives this gate's go. */
  fourEyes?: true;
  when?: When;
  sections: PlaybookSection[];
}

export interface WindowPolicy {
  timezone: string;
  deny?: Weekday[];
  deny_hours?: string[];
  freezes?: { from: string; to: string; reason: string }[];
  /**
   * Roles whose holders may override the window for one gate, with a reason. None named:
   * nobody may.
   */
  override?: string[];
}

export interface Playbook {
  name: string;
  /** The project its releases belong to, when the playbook names one. */
  project?: string;
  description?: string;
  metadata?: {
    title?: string;
    about?: string;
    labels?: string[];
    assignees?: string[];
    source?: string;
  };
  /** Role id → display name. */
  roles: Record<string, string>;
  /**
   * Role id → the people (e-mail or user name) who hold it. A role without members may be
   * taken by anyone (a small team's default); one with members only by them.
   */
  members?: Record<string, string[]>;
  environments: string[];
  types: string[];
  policy: {
    window?: WindowPolicy;
    /**
     * Roles whose holders may deploy past a gate that says NO-GO, with a reason. None named:
     * nobody may.
     */
    force?: string[];
    /**
     * Rollback criteria (`error_rate > 5%`), and what a failed watch does by itself: `auto`
     * records the rollback of production and runs the procedure's run items (`gonogo watch`),
     * `lock_on_failure` locks production.
     */
    rollback?: { when: string[]; auto?: boolean; lock_on_failure?: boolean };
  };
  /** What the checklist says that is not an item, kept for people to read. */
  notes?: PlaybookNote[];
  /** Metric id → its title and, once known, its query. */
  metrics?: Record<string, PlaybookMetric>;
  /** Where metric queries go. */
  prometheus?: { url: string; timeout?: string };
  /** Notification channels by name. */
  notify?: Record<string, NotifyChannel>;
  phases: PlaybookPhase[];
  rollback: PlaybookSection[];
}

/** A watch window as the playbook says it (see `watch-spec.ts` for what it compiles to). */
export interface WatchSpec {
  for?: string;
  every?: string;
  interval?: string;
  initialDelay?: string;
  count?: number;
  /** A metric id of the playbook's `metrics:` (measured with its query). */
  metric?: string;
  /** An `http` check, measured by its samples. */
  check?: CheckSpec;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
}

export interface PlaybookNote {
  title: string;
  text: string;
}

export interface PlaybookMetric {
  title: string;
  query?: string;
}

/** The checks gonogo knows by name (the `checks/` layer implements them). */
export const knownChecks = Object.keys(checkParams) as readonly CheckName[];

/** Environments every playbook has unless it names its own. */
export const defaultEnvironments = ['development', 'staging', 'production'];
/** Release types every playbook has unless it names its own. */
export const defaultTypes = ['hotfix', 'patch', 'minor', 'major'];

/** A semantic problem at a path into the raw playbook. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
  fix?: string;
  /** Point at the key itself rather than its value. */
  atKey?: boolean;
}

/** Normalises `check: name` / `check: { name: params }`. */
export function normalizeCheck(spec: string | Record<string, unknown>): CheckSpec {
  if (typeof spec === 'string') return { name: spec, params: {} };
  const [name, params] = Object.entries(spec)[0]!;
  return { name, params: params ?? {} };
}

const list = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/**
 * Compiles a schema-valid raw playbook into the model, with derived ids, kinds and defaults,
 * and returns every semantic problem found on the way (empty when it is sound).
 *
 * @example
 * const { playbook, problems } = compilePlaybook(playbookSchema.parse(yamlValue));
 */
export function compilePlaybook(raw: RawPlaybook): {
  playbook: Playbook;
  problems: PathProblem[];
  warnings: PathProblem[];
} {
  const problems: PathProblem[] = [];
  // Sound but not ready (a metric without a query yet): said, and the playbook still loads.
  const warnings: PathProblem[] = [];
  const sort = ({ warning, ...p }: PathProblem & { warning?: boolean }) =>
    (warning ? warnings : problems).push(p);
  const roles: Record<string, string> = {};
  const members: Record<string, string[]> = {};
  for (const [id, v] of Object.entries(raw.roles ?? {})) {
    roles[id] = typeof v === 'string' ? v : v.name;
    if (typeof v !== 'string' && v.members?.length) members[id] = v.members;
  }
  const roleIds = Object.keys(roles);
  const environments = raw.environments ?? defaultEnvironments;
  const types = raw.types ?? defaultTypes;
  const usedIds = new Set<string>();

  const checkRole = (role: string, path: (string | number)[]) => {
    if (roles[role] !== undefined) return;
    const near = suggestName(role, roleIds);
    problems.push({
      path,
      message: `unknown role "${role}"`,
      fix: near
        ? `did you mean "${near}"?`
        : `declare it under roles:, e.g. roles: { ${role}: ${JSON.stringify(titleCase(role))} }`,
    });
  };

  // `by`, `confirm` and `cwd` say how a run item runs: on another kind they would be ignored
  // silently, so they are errors there.
  const compileRunKeys = (it: RawItem, item: PlaybookItem, path: (string | number)[]) => {
    for (const key of ['by', 'confirm', 'cwd'] as const) {
      if (it[key] !== undefined && item.kind !== 'run')
        problems.push({
          path: [...path, key],
          atKey: true,
          message: `"${key}" applies to run items only, and this is a ${item.kind} item`,
          fix: `remove "${key}", or give the item a run: command`,
        });
    }
    if (item.kind !== 'run') return;
    if (it.by !== undefined) {
      const roleList = list(it.by)!;
      roleList.forEach((r, i) =>
        checkRole(r, [...path, 'by', ...(Array.isArray(it.by) ? [i] : [])]),
      );
      item.by = roleList;
    }
    if (it.confirm) item.confirm = true;
    if (it.cwd !== undefined && it.cwd !== '.') item.cwd = it.cwd;
  };

  const checkFourEyes = (gate: string[] | undefined, path: (string | number)[]): true => {
    if (!gate?.length)
      problems.push({
        path: [...path, 'four_eyes'],
        atKey: true,
        message: 'four_eyes applies to a gate, and this one names no roles',
        fix: 'add gate: [roles] beside it, e.g. gate: [release-manager]',
      });
    return true;
  };

  const checkWhen = (when: RawItem['when'], path: (string | number)[]): When | undefined => {
    if (!when) return undefined;
    const out: When = {};
    const t = list(when.type);
    const e = list(when.environment);
    t?.forEach((x, i) => {
      if (!types.includes(x))
        problems.push({
          path: [...path, 'type', ...(Array.isArray(when.type) ? [i] : [])],
          message: `unknown release type "${x}"`,
          fix: hint(x, types, 'types'),
        });
    });
    e?.forEach((x, i) => {
      if (!environments.includes(x))
        problems.push({
          path: [...path, 'environment', ...(Array.isArray(when.environment) ? [i] : [])],
          message: `unknown environment "${x}"`,
          fix: hint(x, environments, 'environments'),
        });
    });
    if (t) out.type = t;
    if (e) out.environment = e;
    return out;
  };

  const checkCheck = (
    spec: string | Record<string, unknown>,
    path: (string | number)[],
  ): CheckSpec => {
    const c = normalizeCheck(spec);
    if (isCheckName(c.name)) {
      const parsed = checkParams[c.name].safeParse(c.params);
      if (!parsed.success) {
        // An unknown key usually is the missing one misspelt: report it, not both.
        const unknownAt = new Set(
          parsed.error.issues
            .filter((i) => i.code === 'unrecognized_keys')
            .map((i) => i.path.join('.')),
        );
        for (const issue of parsed.error.issues) {
          if (
            issue.code === 'invalid_type' &&
            issue.input === undefined &&
            unknownAt.has(issue.path.slice(0, -1).join('.'))
          )
            continue;
          const at =
            typeof spec === 'string'
              ? path
              : [
                  ...path,
                  c.name,
                  ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k)),
                ];
          if (issue.code === 'unrecognized_keys') {
            const allowed = allowedParams(c.name);
            for (const key of issue.keys) {
              const near = suggestName(key, allowed);
              problems.push({
                path: [...at, key],
                atKey: true,
                message: `unknown parameter "${key}" of check "${c.name}"`,
                fix: `${near ? `did you mean "${near}"? ` : ''}its parameters: ${allowed.join(', ') || '(none)'}`,
              });
            }
          } else {
            problems.push({
              path: at,
              message: `check "${c.name}": ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
              fix: `its parameters: ${allowedParams(c.name).join(', ') || '(none)'}`,
            });
          }
        }
      }
    }
    if (typeof spec !== 'string') {
      // A value per environment (an http check's `url:`) names environments of the playbook.
      for (const { param, environment } of environmentsNamed(c.name, c.params)) {
        if (environments.includes(environment)) continue;
        problems.push({
          path: [...path, c.name, param, environment],
          atKey: true,
          message: `unknown environment "${environment}" in ${param}`,
          fix: hint(environment, environments, 'environments'),
        });
      }
    }
    if (!isCheckName(c.name)) {
      const near = suggestName(c.name, knownChecks);
      problems.push({
        path: typeof spec === 'string' ? path : [...path, c.name],
        atKey: typeof spec !== 'string',
        message: `unknown check "${c.name}"`,
        fix: near ? `did you mean "${near}"?` : `known checks: ${knownChecks.join(', ')}`,
      });
    }
    return c;
  };

  // Next suffix to try per base id: a checklist with many equal titles stays linear.
  const nextSuffix = new Map<string, number>();
  const claimId = (id: string): string => {
    let candidate = id;
    let n = nextSuffix.get(id) ?? 2;
    while (usedIds.has(candidate)) candidate = `${id}-${n++}`;
    nextSuffix.set(id, n);
    usedIds.add(candidate);
    return candidate;
  };

  // Explicit ids first, so derived ids step around them whatever the order.
  const collectExplicit = (items: RawItem[] | undefined) => {
    for (const it of items ?? []) {
      if (it.id) usedIds.add(it.id);
      collectExplicit(it.items);
    }
  };
  const rawRollback = Array.isArray(raw.rollback)
    ? [{ items: raw.rollback } as RawSection]
    : raw.rollback
      ? [
          ...(raw.rollback.sections ?? []),
          ...(raw.rollback.items ? [{ items: raw.rollback.items }] : []),
        ]
      : [];
  for (const p of raw.phases) {
    collectExplicit(p.items);
    for (const s of p.sections ?? []) collectExplicit(s.items);
  }
  for (const s of rawRollback) collectExplicit(s.items);
  const explicitSeen = new Set<string>();

  const checkEnvironments = (value: string | string[], path: (string | number)[]): string[] => {
    const envs = list(value)!;
    envs.forEach((x, i) => {
      if (!environments.includes(x))
        problems.push({
          path: [...path, ...(Array.isArray(value) ? [i] : [])],
          message: `unknown environment "${x}"`,
          fix: hint(x, environments, 'environments'),
        });
    });
    return envs;
  };

  const compileItem = (
    it: RawItem,
    path: (string | number)[],
    inheritedDue?: string,
  ): PlaybookItem => {
    let id: string;
    if (it.id) {
      if (explicitSeen.has(it.id)) {
        problems.push({
          path: [...path, 'id'],
          message: `duplicate id "${it.id}"`,
          fix: 'ids must be unique in the playbook; rename one of them',
        });
      }
      explicitSeen.add(it.id);
      id = it.id;
    } else {
      id = claimId(slugify(it.title));
    }
    const kinds = (['check', 'run', 'sign', 'watch', 'notify'] as const).filter(
      (k) => it[k] !== undefined,
    );
    if (kinds.length > 1) {
      problems.push({
        path: [...path, kinds[1]!],
        atKey: true,
        message: `an item has one kind, but this one has ${kinds.map((k) => `"${k}"`).join(' and ')}`,
        fix: 'split it into one item per kind',
      });
    }
    const item: PlaybookItem = {
      id,
      title: it.title.trim(),
      kind: kinds[0] ?? 'manual',
      optional: it.optional ?? false,
    };
    const details = list(it.details);
    if (details?.length) item.details = details;
    const when = checkWhen(it.when, [...path, 'when']);
    if (when) item.when = when;
    if (it.check !== undefined) item.check = checkCheck(it.check, [...path, 'check']);
    if (it.run !== undefined) item.run = it.run;
    if (it.sign !== undefined) {
      const signers = list(it.sign)!;
      signers.forEach((r, i) =>
        checkRole(r, [...path, 'sign', ...(Array.isArray(it.sign) ? [i] : [])]),
      );
      item.sign = signers;
    }
    if (it.watch) {
      const { check, ...rest } = it.watch;
      item.watch = { ...rest };
      if (check) item.watch.check = checkCheck(check, [...path, 'watch', 'check']);
      for (const p of checkWatch(it.watch, raw))
        sort({ ...p, path: [...path, 'watch', ...p.path] });
    }
    if (it.notify) {
      const to = Array.isArray(it.notify.to) ? it.notify.to : [it.notify.to];
      item.notify = { to, message: it.notify.message.trim() };
      if (it.when_reached) item.whenReached = true;
    }
    for (const p of lintNotifyItem(it, raw)) sort({ ...p, path: [...path, ...p.path] });
    if (it.suggest) {
      item.suggest = {};
      if (it.suggest.run) item.suggest.run = it.suggest.run;
      if (it.suggest.check) item.suggest.check = normalizeCheck(it.suggest.check);
    }
    if (it.timeout) item.timeout = it.timeout;
    compileRunKeys(it, item, path);
    const due = it.due ?? inheritedDue;
    if (due) item.due = normalizeDue(due);
    if (it.deploys !== undefined)
      item.deploys = checkEnvironments(it.deploys, [...path, 'deploys']);
    if (it.items?.length)
      item.items = it.items.map((c, i) => compileItem(c, [...path, 'items', i], due));
    return item;
  };

  const sectionIds = new Set<string>();
  const compileSection = (
    s: RawSection,
    path: (string | number)[],
    fallbackId: string,
    inheritedDue?: string,
  ): PlaybookSection => {
    let id = s.id ?? (s.title ? slugify(s.title, fallbackId) : fallbackId);
    if (s.id && sectionIds.has(s.id))
      problems.push({
        path: [...path, 'id'],
        message: `duplicate section id "${s.id}"`,
        fix: 'rename one of them',
      });
    for (let n = 2; !s.id && sectionIds.has(id); n++)
      id = `${s.title ? slugify(s.title, fallbackId) : fallbackId}-${n}`;
    sectionIds.add(id);
    s.gate?.forEach((r, i) => checkRole(r, [...path, 'gate', i]));
    const due = s.due ?? inheritedDue;
    const out: PlaybookSection = {
      id,
      items: s.items.map((it, i) => compileItem(it, [...path, 'items', i], due)),
    };
    if (s.title) out.title = s.title;
    if (s.gate) out.gate = s.gate;
    if (s.four_eyes) out.fourEyes = checkFourEyes(s.gate, path);
    const when = checkWhen(s.when, [...path, 'when']);
    if (when) out.when = when;
    return out;
  };

  const phaseIds = new Set<string>();
  const phases: PlaybookPhase[] = raw.phases.map((p, pi) => {
    const path = ['phases', pi];
    let id = p.id ?? slugify(p.title ?? `phase-${pi + 1}`, `phase-${pi + 1}`);
    if (p.id && phaseIds.has(p.id))
      problems.push({
        path: [...path, 'id'],
        message: `duplicate phase id "${p.id}"`,
        fix: 'rename one of them',
      });
    for (let n = 2; !p.id && phaseIds.has(id); n++)
      id = `${slugify(p.title ?? '', `phase-${pi + 1}`)}-${n}`;
    phaseIds.add(id);
    sectionIds.add(id);
    p.gate?.forEach((r, i) => checkRole(r, [...path, 'gate', i]));
    const sections: PlaybookSection[] = [];
    if (p.items) sections.push(compileSection({ items: p.items }, path, id, p.due));
    (p.sections ?? []).forEach((s, si) =>
      sections.push(compileSection(s, [...path, 'sections', si], `${id}-${si + 1}`, p.due)),
    );
    if (!p.gate && sections.every((s) => s.items.length === 0)) {
      problems.push({
        path,
        message: `phase "${id}" has no items and no gate`,
        fix: 'add items: or sections:, or a gate: [roles]',
      });
    }
    const phase: PlaybookPhase = { id, title: p.title ?? titleCase(id), sections };
    if (p.gate) phase.gate = p.gate;
    if (p.four_eyes) phase.fourEyes = checkFourEyes(p.gate, path);
    const when = checkWhen(p.when, [...path, 'when']);
    if (when) phase.when = when;
    return phase;
  });

  const rollbackPath = Array.isArray(raw.rollback) ? ['rollback'] : ['rollback', 'sections'];
  const rollback = rawRollback.map((s, si) =>
    compileSection(
      s,
      Array.isArray(raw.rollback) ? rollbackPath : [...rollbackPath, si],
      `rollback${si ? `-${si + 1}` : ''}`,
    ),
  );

  const playbook: Playbook = {
    name: raw.name,
    roles,
    environments,
    types,
    policy: {},
    phases,
    rollback,
  };
  if (Object.keys(members).length) playbook.members = members;
  if (raw.project) playbook.project = raw.project;
  if (raw.description) playbook.description = raw.description;
  if (raw.metadata) playbook.metadata = raw.metadata;
  if (raw.notes?.length) playbook.notes = raw.notes;
  if (raw.metrics) {
    playbook.metrics = {};
    for (const [id, m] of Object.entries(raw.metrics))
      playbook.metrics[id] = typeof m === 'string' ? { title: m } : m;
  }
  if (raw.policy?.window) {
    const w = raw.policy.window;
    if (!isTimeZone(w.timezone)) {
      problems.push({
        path: ['policy', 'window', 'timezone'],
        message: `unknown time zone "${w.timezone}"`,
        fix: 'use an IANA name such as "Europe/Berlin" or "UTC"',
      });
    }
    w.freezes?.forEach((f, i) => {
      if (f.from > f.to)
        problems.push({
          path: ['policy', 'window', 'freezes', i, 'to'],
          message: `freeze ends (${f.to}) before it starts (${f.from})`,
          fix: 'swap from and to',
        });
    });
    w.override?.forEach((r, i) => checkRole(r, ['policy', 'window', 'override', i]));
    playbook.policy.window = w as WindowPolicy;
  }
  if (raw.policy?.force) {
    raw.policy.force.forEach((r, i) => checkRole(r, ['policy', 'force', i]));
    playbook.policy.force = raw.policy.force;
  }
  if (raw.prometheus) playbook.prometheus = raw.prometheus;
  if (raw.notify && Object.keys(raw.notify).length) playbook.notify = raw.notify;
  if (raw.policy?.rollback) {
    const { when, auto, lock_on_failure } = raw.policy.rollback;
    playbook.policy.rollback = {
      when: when ?? [],
      ...(auto !== undefined ? { auto } : {}),
      ...(lock_on_failure !== undefined ? { lock_on_failure } : {}),
    };
    for (const p of [...checkRollbackCriteria(raw), ...checkRollbackPolicy(raw)]) sort(p);
  }
  return { playbook, problems, warnings };
}

/** `24h` and `+24h` alike become `+24h`. */
function normalizeDue(due: string): string {
  return due.startsWith('+') ? due : `+${due}`;
}

/** The parameter names a check accepts, for "did you mean" and error messages. */
function allowedParams(name: CheckName): string[] {
  const schema = checkParams[name] as unknown as {
    def?: { out?: { shape?: object } };
    _zod?: { def?: { out?: { shape?: object }; in?: { shape?: object } } };
  };
  const def = schema._zod?.def;
  const shape =
    def?.out?.shape ?? (def as { schema?: { shape?: object } } | undefined)?.schema?.shape ?? {};
  return Object.keys(shape);
}

function hint(x: string, known: string[], key: string): string {
  const near = suggestName(x, known);
  return near ? `did you mean "${near}"?` : `declare it under ${key}: (known: ${known.join(', ')})`;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Number of items in a playbook's phases, sub-items included (rollback items left out). */
export function countPlaybookItems(playbook: Playbook): number {
  let n = 0;
  for (const p of playbook.phases)
    for (const s of p.sections) for (const _ of walkItems(s.items)) n++;
  return n;
}
