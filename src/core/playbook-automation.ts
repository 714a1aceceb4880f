/**
 * How much of a playbook gonogo does by itself: the items it verifies or performs (`check`,
 * `run`, `watch`, `notify`), those a role holder signs, and those a person ticks, counted on
 * the compiled playbook (phases and rollback procedure, sub-items included). Pure.
 */
import type { ItemKind, Playbook, PlaybookItem } from './playbook.ts';

/** Item counts by kind, with the shares they make. */
export interface AutomationShare {
  items: number;
  byKind: Record<ItemKind, number>;
  /** `check` + `run` + `watch` + `notify`. */
  automated: number;
  /** Shares of all items, 0..1; 0 for an empty playbook. */
  automatedShare: number;
  signShare: number;
  manualShare: number;
}

const automatedKinds: readonly ItemKind[] = ['check', 'run', 'watch', 'notify'];

/**
 * Counts a compiled playbook's items by kind and the share gonogo verifies or performs.
 *
 * @example measureAutomation(playbook).automatedShare // 0.42
 */
export function measureAutomation(playbook: Playbook): AutomationShare {
  const byKind: Record<ItemKind, number> = {
    check: 0,
    run: 0,
    sign: 0,
    watch: 0,
    notify: 0,
    manual: 0,
  };
  const walk = (items: readonly PlaybookItem[]) => {
    for (const item of items) {
      byKind[item.kind]++;
      walk(item.items ?? []);
    }
  };
  for (const phase of playbook.phases) for (const s of phase.sections) walk(s.items);
  for (const s of playbook.rollback) walk(s.items);
  const items = Object.values(byKind).reduce((a, b) => a + b, 0);
  const automated = automatedKinds.reduce((n, k) => n + byKind[k], 0);
  const share = (n: number) => (items ? n / items : 0);
  return {
    items,
    byKind,
    automated,
    automatedShare: share(automated),
    signShare: share(byKind.sign),
    manualShare: share(byKind.manual),
  };
}
