/**
 * Where a sign-off goes: every gate and `sign` item of a release is a target, and a role may
 * sign the targets that name it. Without a named target a sign-off goes to the role's next open
 * one in document order. Pure.
 */
import { InputError, NotFoundError } from './errors.ts';
import { listGates, rankItems } from './gate.ts';
import { suggestName } from './names.ts';
import type { Playbook } from './playbook.ts';
import { acceptedStates } from './release-model.ts';
import type { ReleaseItem, Signoff, SignoffTarget } from './release-model.ts';
import { describeItem, latestSignoff } from './release-rules.ts';

/** A gate or a sign item, as something a role signs. */
export interface SignTarget extends SignoffTarget {
  /** `gate "Go / no-go"` or `#7 "QA sign-off"`. */
  label: string;
  /** The roles it names: the gate's roles, or the roles of which any one may sign the item. */
  roles: string[];
  /** The item number, for a sign item. */
  item?: number;
  /** Position in document order: a gate stands just before the item it guards from. */
  position: number;
}

/**
 * Every sign-off target of a release in document order: the gates of its phases and sections
 * (those with roles) and its `sign` items (rollback ones included).
 *
 * @example listSignTargets(playbook, items).map((t) => t.id) // ['qa-sign-off', 'go-no-go']
 */
export function listSignTargets(
  playbook: Playbook,
  items: ReleaseItem[],
  type?: string,
): SignTarget[] {
  // Document order, not number order: an item a re-snapshot added has a high number.
  const ranks = rankItems(playbook, items);
  const rank = (n: number) => ranks.get(n) ?? ranks.size;
  const gates: SignTarget[] = listGates(playbook, items, type)
    .filter((g) => g.roles.length > 0)
    .map((g) => ({
      kind: 'gate',
      id: g.id,
      label: `gate ${JSON.stringify(g.title)}`,
      roles: g.roles,
      position: rank(g.beforeNumber) - 0.5,
    }));
  const signs: SignTarget[] = items
    .filter((i) => i.kind === 'sign' && i.spec.sign?.length)
    .map((i) => ({
      kind: 'item',
      id: i.id,
      label: describeItem(i),
      roles: i.spec.sign!,
      item: i.number,
      position: rank(i.number),
    }));
  return [...gates, ...signs].sort((a, b) => a.position - b.position);
}

/** `gate "Go / no-go" (go-no-go), #7 "QA sign-off"`. */
function listLabels(targets: SignTarget[]): string {
  return targets.map((t) => (t.kind === 'gate' ? `${t.label} (${t.id})` : t.label)).join(', ');
}

/**
 * The target of a sign-off by `role`. Named (`wanted`: a gate id, a sign item's id, or its
 * number as `7` or `#7`), it must name the role. Not named, it is the role's first open target
 * in document order: a gate whose latest sign-off from the role is not a go at the commit, or a
 * sign item not yet accepted or whose latest sign-off from the role is a no-go at the commit;
 * when none is open, where the role signed last at the commit (to change its mind), else its
 * first target. Throws {@link InputError} for a target that does not name the role, or a role no
 * target names, listing what the role can sign; {@link NotFoundError} for an unknown name.
 *
 * @example chooseSignTarget({ playbook, items, signoffs, commit, role: 'qa-lead' }).id // 'go-no-go'
 */
export function chooseSignTarget(input: {
  playbook: Playbook;
  items: ReleaseItem[];
  signoffs: Signoff[];
  commit: string | undefined;
  role: string;
  wanted?: string;
  type?: string;
}): SignTarget {
  const { playbook, items, signoffs, commit, role } = input;
  const all = listSignTargets(playbook, items, input.type);
  const mine = all.filter((t) => t.roles.includes(role));
  const canSign = mine.length
    ? `${role} can sign: ${listLabels(mine)}`
    : `no gate or sign item of this release names ${role}`;

  if (input.wanted !== undefined) {
    const wanted = input.wanted.trim();
    const numeric = /^#?(\d+)$/.exec(wanted);
    const found = numeric
      ? all.find((t) => t.item === Number(numeric[1]))
      : (all.find((t) => t.kind === 'gate' && t.id === wanted) ??
        all.find((t) => t.kind === 'item' && t.id === wanted));
    if (!found) {
      const near = suggestName(
        wanted,
        all.map((t) => t.id),
      );
      const item = numeric ? items.find((i) => i.number === Number(numeric[1])) : undefined;
      const what = item
        ? `${describeItem(item)} is not a sign item`
        : `no gate or sign item "${wanted}" in this release${near ? `; did you mean "${near}"?` : ''}`;
      throw new NotFoundError(`${what} (${canSign})`);
    }
    if (!found.roles.includes(role)) {
      throw new InputError([
        {
          message: `${found.label} is signed by ${found.roles.join(' or ')}, not ${role}`,
          fix: canSign,
        },
      ]);
    }
    return found;
  }

  if (mine.length === 0) {
    const named = [...new Set(all.flatMap((t) => t.roles))];
    throw new InputError([
      {
        message: `no gate or sign item of this release names ${role}, so there is nothing for it to sign`,
        fix: named.length
          ? `roles that sign here: ${named.join(', ')}`
          : 'the playbook names no role at a gate or on a sign item',
      },
    ]);
  }
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const isOpen = (t: SignTarget) => {
    const latest = latestSignoff(signoffs, role, t);
    // A sign-off given before a re-snapshot changed its target counts no more.
    const current =
      latest?.commit === commit && latest?.staleSince === undefined ? latest : undefined;
    if (t.kind === 'gate') return current?.verdict !== 'go';
    if (current?.verdict === 'no-go') return true;
    const state = byNumber.get(t.item!)?.state;
    return current?.verdict !== 'go' && state !== undefined && !acceptedStates.includes(state);
  };
  const open = mine.find(isOpen);
  if (open) return open;
  const last = signoffs.filter((s) => s.role === role && s.commit === commit && s.target).at(-1);
  return (
    mine.find((t) => last?.target && t.kind === last.target.kind && t.id === last.target.id) ??
    mine[0]!
  );
}
