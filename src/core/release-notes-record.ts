/**
 * What a release's record adds to its notes, the facts worth telling people: the GO decision
 * (who, when, at which gate), the items let through by a waiver with their reason, where it was
 * deployed, and what was rolled back. Pure: taken from a release view.
 */
import type { Playbook } from './playbook.ts';
import { describeGate } from './release-export.ts';
import type {
  Decision,
  Deployment,
  DeploymentStatus,
  Incident,
  Release,
  ReleaseItem,
} from './release-model.ts';

/** The parts of a release view the record is read from (the service's `ReleaseView` fits). */
export interface ReleaseNotesInput {
  release: Pick<Release, 'version' | 'state' | 'commit'>;
  items: readonly Pick<
    ReleaseItem,
    'number' | 'title' | 'state' | 'note' | 'updatedBy' | 'updatedAt'
  >[];
  decisions?: readonly Decision[];
  deployments?: readonly Deployment[];
  incidents?: readonly Incident[];
  /** For gate titles; without it a gate is named by its id. */
  playbook?: Playbook;
}

/** The facts of a release's record, in the order they happened. */
export interface ReleaseRecordFacts {
  version: string;
  state: Release['state'];
  commit?: string;
  /** The newest GO decision. */
  go?: { gate: string; by: string; at: string; windowOverride?: { by: string; reason: string } };
  waived: { number: number; title: string; reason?: string; by?: string; at: string }[];
  deployments: { environment: string; status: DeploymentStatus; by: string; at: string }[];
  rollbacks: { environment: string; reason: string; by: string; at: string }[];
}

/**
 * The facts of a release's record worth telling: its newest GO, its waivers, its deployments and
 * rollbacks.
 *
 * @example collectReleaseFacts(view).go // { gate: 'gate "Go / No-Go"', by: 'ana@example.com', at: '2026-11-30T10:00:00.000Z' }
 */
export function collectReleaseFacts(input: ReleaseNotesInput): ReleaseRecordFacts {
  const go = [...(input.decisions ?? [])]
    .filter((d) => d.outcome === 'go')
    .sort((a, b) => a.at.localeCompare(b.at))
    .at(-1);
  const deployments = [...(input.deployments ?? [])].sort((a, b) =>
    a.startedAt.localeCompare(b.startedAt),
  );
  return {
    version: input.release.version,
    state: input.release.state,
    ...(input.release.commit ? { commit: input.release.commit } : {}),
    ...(go
      ? {
          go: {
            gate:
              go.gate === 'release'
                ? 'the whole release'
                : input.playbook
                  ? describeGate(input.playbook, go.gate)
                  : `gate ${JSON.stringify(go.gate)}`,
            by: go.actor,
            at: go.at,
            ...(go.override ? { windowOverride: go.override } : {}),
          },
        }
      : {}),
    waived: input.items
      .filter((i) => i.state === 'waived')
      .map((i) => ({
        number: i.number,
        title: i.title,
        ...(i.note ? { reason: i.note } : {}),
        ...(i.updatedBy ? { by: i.updatedBy } : {}),
        at: i.updatedAt,
      })),
    deployments: deployments.map((d) => ({
      environment: d.environment,
      status: d.status,
      by: d.actor,
      at: d.startedAt,
    })),
    rollbacks: (input.incidents ?? [])
      .filter((i) => i.kind === 'rollback')
      .map((i) => ({
        environment: deployments.find((d) => d.id === i.deploymentId)?.environment ?? '?',
        reason: i.reason,
        by: i.actor,
        at: i.openedAt,
      })),
  };
}
