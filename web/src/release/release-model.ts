/**
 * What the release page derives from a status: the gates of the playbook with their roles, the
 * items grouped by phase and section, which items a filter lets through, and whether a role is
 * one the signed-in member may sign as.
 */
import type { Membership, ReleaseItem, StatusView } from '../web-api-types.ts';
import { acceptedStates } from '../web-format.ts';

export interface GateInfo {
  id: string;
  title: string;
  roles: string[];
  fourEyes: boolean;
}

export interface SectionGroup {
  key: string;
  title: string;
  items: ReleaseItem[];
  finished: boolean;
}

export interface PhaseGroup {
  id: string;
  title: string;
  sections: SectionGroup[];
}

export interface ItemFilter {
  text: string;
  state: string;
  kind: string;
}

export const noFilter: ItemFilter = { text: '', state: '', kind: '' };

/** Every gate of the release's playbook (phases and sections with `gate:`), in order. */
export function gatesOf(view: StatusView['view']): GateInfo[] {
  const gates: GateInfo[] = [];
  for (const phase of view.playbook.phases) {
    if (phase.gate) {
      gates.push({
        id: phase.id,
        title: phase.title,
        roles: phase.gate,
        fourEyes: !!phase.fourEyes,
      });
    }
    for (const section of phase.sections) {
      if (section.gate) {
        gates.push({
          id: section.id,
          title: section.title ?? section.id,
          roles: section.gate,
          fourEyes: !!section.fourEyes,
        });
      }
    }
  }
  return gates;
}

/** The release's items by phase and section, in playbook order (rollback items last). */
export function groupItems(view: StatusView['view']): PhaseGroup[] {
  const titles = new Map<string, string>();
  for (const phase of view.playbook.phases) {
    titles.set(phase.id, phase.title);
    for (const s of phase.sections) titles.set(`${phase.id}/${s.id}`, s.title ?? '');
  }
  const phases: PhaseGroup[] = [];
  const items = [...view.items].sort((a, b) => a.number - b.number);
  for (const item of items) {
    const phaseId = item.rollback ? 'rollback' : item.phase;
    let phase = phases.find((p) => p.id === phaseId);
    if (!phase) {
      phase = {
        id: phaseId,
        title: item.rollback ? 'Rollback' : (titles.get(item.phase) ?? item.phase),
        sections: [],
      };
      phases.push(phase);
    }
    const key = `${phaseId}/${item.section}`;
    let section = phase.sections.find((s) => s.key === key);
    if (!section) {
      section = {
        key,
        title: titles.get(`${item.phase}/${item.section}`) || item.section || phase.title,
        items: [],
        finished: true,
      };
      phase.sections.push(section);
    }
    section.items.push(item);
    if (!acceptedStates.has(item.state)) section.finished = false;
  }
  return phases;
}

/** Whether `item` passes the filter (`state` "open" means not accepted). */
export function matchesFilter(item: ReleaseItem, f: ItemFilter): boolean {
  if (f.kind && item.kind !== f.kind) return false;
  if (f.state === 'open' ? acceptedStates.has(item.state) : f.state && item.state !== f.state) {
    return false;
  }
  const t = f.text.trim().toLowerCase();
  return !t || item.title.toLowerCase().includes(t) || String(item.number) === t;
}

const projectRoleRank: Record<string, number> = {
  viewer: 0,
  member: 1,
  'release-manager': 2,
  admin: 3,
};

/**
 * Whether the membership lets its holder sign as `role`: named among its roles, or a project
 * role it holds or outranks (as the server decides; it checks again).
 */
export function maySignAs(membership: Membership | undefined, role: string): boolean {
  if (!membership) return false;
  if (membership.roles.includes(role)) return true;
  const wanted = projectRoleRank[role];
  if (wanted === undefined) return false;
  return membership.roles.some((r) => (projectRoleRank[r] ?? -1) >= wanted);
}
