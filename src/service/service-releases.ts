/**
 * Use cases on a release as a whole: start one, read it, list them, move it to a new candidate
 * commit, read its log.
 */
import { ConflictError, InputError, TransitionError } from '../core/errors.ts';
import { canonicalJson, sha256 } from '../core/hash.ts';
import type { Release, ReleaseEvent } from '../core/release-model.ts';
import { expandItems, viewSignoffs } from '../core/release-rules.ts';
import { newRowId } from '../store/row-id.ts';
import type { StoreWriter } from '../store/store.ts';
import type {
  ReleaseRef,
  ReleaseView,
  RetargetInput,
  StartReleaseInput,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import { supersedeRelease } from './service-release-life.ts';
import {
  assertKnown,
  findRelease,
  lockRelease,
  normalizeVersionRef,
  recordEvent,
  syncSignItems,
  viewRelease,
} from './service-context.ts';

const commitPattern = /^[0-9a-zA-Z][0-9a-zA-Z._/-]{0,199}$/;

function assertCommit(commit: string | undefined) {
  if (commit !== undefined && !commitPattern.test(commit)) {
    throw new InputError([{ message: `invalid commit "${commit}"`, fix: 'give a commit SHA' }], {
      field: 'commit',
    });
  }
}

/** Starts a release: snapshots the playbook and expands its items for the release type. */
export async function startRelease(
  ctx: ServiceContext,
  input: StartReleaseInput,
): Promise<ReleaseView> {
  // Loaded here, not at the top: semver builds its regexes when loaded, and the read path
  // (status, which opens this module to adopt a 0.1 database) never validates a version.
  const { validateVersion } = await import('../core/version.ts');
  const version = validateVersion(normalizeVersionRef(input.version));
  assertCommit(input.commit);
  const { playbook } = input;
  // The service hashes the snapshot itself: a caller cannot name a hash for other content.
  const hash = sha256(canonicalJson(playbook));
  if (input.type !== undefined) {
    assertKnown(
      input.type,
      playbook.types,
      `unknown release type "${input.type}"`,
      "the playbook's types",
      'type',
    );
  }
  const at = ctx.iso();
  const release: Release = {
    id: newRowId(),
    project: ctx.project,
    version,
    playbookHash: hash,
    state: 'active',
    createdAt: at,
    createdBy: ctx.actor(),
    updatedAt: at,
    rowVersion: 0,
  };
  if (input.type) release.type = input.type;
  if (input.commit) release.commit = input.commit;
  if (input.commitAt) release.commitAt = input.commitAt;
  const items = expandItems(playbook, {
    releaseId: release.id,
    now: at,
    ...(input.type ? { type: input.type } : {}),
  });
  if (items.length === 0)
    throw new InputError(`the playbook has no items for release type "${input.type}"`, {
      field: 'type',
    });
  if (input.supersedes !== undefined) release.supersedes = normalizeVersionRef(input.supersedes);
  await ctx.store.transaction(async (tx) => {
    if (await tx.findRelease(ctx.project, version)) {
      throw new ConflictError(`release ${version} already exists in project ${ctx.project}`, {
        hint: { action: 'release.show', refs: [version] },
        field: 'version',
      });
    }
    await tx.ensureProject(ctx.project, at);
    await tx.putPlaybook(hash, playbook);
    await tx.insertRelease(release);
    await tx.insertItems(items);
    await recordEvent(
      ctx,
      tx,
      release.id,
      'release.started',
      {
        version,
        project: ctx.project,
        type: input.type ?? null,
        commit: input.commit ?? null,
        commitAt: input.commitAt ?? null,
        playbook: { name: playbook.name, hash },
        items: items.length,
        ...(release.supersedes !== undefined ? { supersedes: release.supersedes } : {}),
      },
      at,
    );
    if (release.supersedes !== undefined)
      await supersedeRelease(ctx, tx, release.supersedes, release, at);
  });
  return viewRelease(ctx.store, release);
}

export async function getRelease(ctx: ServiceContext, ref: ReleaseRef = {}): Promise<ReleaseView> {
  return viewRelease(ctx.store, await findRelease(ctx, ctx.store, ref, 'read'));
}

export async function listReleases(ctx: ServiceContext): Promise<Release[]> {
  return ctx.store.listReleases(ctx.project, { limit: 1000 });
}

export async function listEvents(
  ctx: ServiceContext,
  ref: ReleaseRef = {},
): Promise<ReleaseEvent[]> {
  return ctx.store.listEvents((await findRelease(ctx, ctx.store, ref, 'read')).id);
}

/** Moves the release to a new candidate commit; earlier sign-offs become stale. */
export async function retarget(ctx: ServiceContext, input: RetargetInput): Promise<Release> {
  assertCommit(input.commit);
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    if (release.state === 'deployed') {
      throw new TransitionError(
        `release ${release.version} runs in production; a new candidate is a new release`,
        { hint: { action: 'release.start', needs: ['supersedes'] } },
      );
    }
    if (release.commit === input.commit)
      throw new TransitionError(`release ${release.version} is already at commit ${input.commit}`);
    const at = ctx.iso();
    const patch: Parameters<StoreWriter['updateRelease']>[1] = {
      commit: input.commit,
      updatedAt: at,
    };
    if (input.commitAt) patch.commitAt = input.commitAt;
    await tx.updateRelease(release.id, patch, release.rowVersion);
    const stale = [
      ...new Set(
        viewSignoffs(await tx.listSignoffs(release.id), input.commit)
          .filter((s) => s.stale)
          .map((s) => s.role),
      ),
    ];
    await recordEvent(
      ctx,
      tx,
      release.id,
      'release.retargeted',
      {
        from: release.commit ?? null,
        to: input.commit,
        staleSignoffs: stale,
        ...(input.commitAt ? { commitAt: input.commitAt } : {}),
      },
      at,
    );
    const updated = (await tx.getRelease(release.id))!;
    await syncSignItems(ctx, tx, updated, at);
    return updated;
  });
}

/** The project key under which gonogo 0.1 kept every release. */
export const legacyProject = 'default';

/**
 * Local mode on a database made by gonogo 0.1, which kept every release under the project
 * `default`: the first repository that opens it with its own project key (and has no releases
 * under that key yet) adopts those releases, with an event in each release's log. Returns how
 * many releases moved; 0 when there was nothing to adopt. Cheap when there is nothing: one read.
 *
 * @example await adoptLegacyReleases(ctx) // 3
 */
export async function adoptLegacyReleases(ctx: ServiceContext): Promise<number> {
  if (ctx.project === legacyProject) return 0;
  const [legacy] = await ctx.store.listReleases(legacyProject, { limit: 1 });
  if (!legacy) return 0;
  return ctx.store.transaction(async (tx) => {
    const releases = await tx.listReleases(legacyProject);
    if (releases.length === 0) return 0;
    if ((await tx.listReleases(ctx.project, { limit: 1 })).length) return 0;
    const at = ctx.iso();
    await tx.renameProject(legacyProject, ctx.project);
    for (const r of releases) {
      await tx.lockRelease(r.id);
      await recordEvent(
        ctx,
        tx,
        r.id,
        'release.project-changed',
        { from: legacyProject, to: ctx.project },
        at,
      );
    }
    return releases.length;
  });
}
