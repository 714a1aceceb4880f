/**
 * The use cases of gonogo behind one interface: start a release, act on items, sign, decide,
 * deploy, roll back, report. The CLI calls it in-process (local mode); the server will call the
 * same interface for HTTP. Every use case is one store transaction that appends its events to
 * the release's hash-chained log, so a change is either recorded whole or not at all.
 */
import { ConflictError, InputError, NotFoundError, TransitionError } from '../core/errors.ts';
import { chainEvent, verifyChain } from '../core/event-chain.ts';
import { evaluateGate, selectGate } from '../core/gate.ts';
import type { LoadedPlaybook } from '../core/playbook-yaml.ts';
import type { Playbook } from '../core/playbook.ts';
import { suggestName } from '../core/names.ts';
import { acceptedStates } from '../core/release-model.ts';
import type {
  CheckOutcome,
  Decision,
  Deployment,
  DeploymentStatus,
  Evidence,
  Incident,
  ItemAction,
  Release,
  ReleaseEvent,
  ReleaseItem,
  SignoffView,
  Verdict,
} from '../core/release-model.ts';
import {
  expandItems,
  expandRollbackItems,
  holdsRole,
  planItemAction,
  resolveItemRef,
  signItemState,
  viewSignoffs,
} from '../core/release-rules.ts';
import { validateVersion } from '../core/version.ts';
import { ForbiddenError } from '../core/errors.ts';
import { newRowId } from '../store/row-id.ts';
import type { Store, StoreReader, StoreWriter } from '../store/store.ts';

export interface ServiceDeps {
  store: Store;
  /**
   * Who acts: an e-mail or user name, or a function that finds out, called on the first
   * write (a read-only command then never pays for the lookup).
   */
  actor: string | (() => string);
  /** The project releases belong to (one per repository in local mode). */
  project?: string;
  /** The clock, injectable for tests. */
  now?: () => Date;
}

/** A release with everything recorded about it. */
export interface ReleaseView {
  release: Release;
  playbook: Playbook;
  items: ReleaseItem[];
  signoffs: SignoffView[];
  decisions: Decision[];
  deployments: Deployment[];
}

export interface EnvironmentView {
  environment: string;
  /** What runs there now: the newest succeeded deployment not rolled back. */
  current?: Deployment;
  /** The newest deployment attempt of any status. */
  last?: Deployment;
}

export interface DecideResult {
  decision: Decision;
  gateTitle: string;
}

/** Selects a release: a version, else the newest active one. */
export interface ReleaseRef {
  version?: string;
}

/**
 * Creates the service over a store.
 *
 * @example
 * const svc = createReleaseService({ store, actor: 'ana@example.com' });
 * await svc.startRelease({ loaded, version: '1.4.0', commit: 'abc123' });
 */
export function createReleaseService(deps: ServiceDeps) {
  const { store } = deps;
  let knownActor: string | undefined;
  const actor = () => (knownActor ??= typeof deps.actor === 'function' ? deps.actor() : deps.actor);
  const project = deps.project ?? 'default';
  const now = deps.now ?? (() => new Date());
  const iso = () => now().toISOString();

  async function record(
    tx: StoreWriter,
    releaseId: string,
    type: string,
    payload: unknown,
    at: string,
  ) {
    const prev = await tx.lastEvent(releaseId);
    const event = chainEvent(prev, { releaseId, at, actor: actor(), type, payload });
    await tx.appendEvent(event);
    return event;
  }

  async function findRelease(r: StoreReader, ref: ReleaseRef = {}): Promise<Release> {
    if (ref.version) {
      const found = await r.findRelease(project, ref.version);
      if (found) return found;
      const all = await r.listReleases(project, { limit: 200 });
      const near = suggestName(
        ref.version,
        all.map((x) => x.version),
      );
      throw new NotFoundError(
        `no release "${ref.version}"${near ? `; did you mean "${near}"?` : ''} (run \`gonogo release list\`)`,
      );
    }
    const [current] = await r.listReleases(project, { state: 'active', limit: 1 });
    if (!current) {
      throw new NotFoundError(
        'no release in progress: start one with `gonogo release start VERSION`',
      );
    }
    return current;
  }

  /** Finds the release inside a write transaction and locks it, so concurrent writers queue. */
  async function lockRelease(tx: StoreWriter, ref: ReleaseRef = {}): Promise<Release> {
    const found = await findRelease(tx, ref);
    await tx.lockRelease(found.id);
    // Read again under the lock: the row may have changed while we waited for it.
    return (await tx.getRelease(found.id)) ?? found;
  }

  async function loadPlaybookOf(r: StoreReader, release: Release): Promise<Playbook> {
    const pb = await r.getPlaybook(release.playbookHash);
    if (!pb)
      throw new NotFoundError(
        `playbook ${release.playbookHash.slice(0, 12)} of release ${release.version} is missing from the store`,
      );
    return pb;
  }

  async function view(r: StoreReader, release: Release): Promise<ReleaseView> {
    const [playbook, items, signoffs, decisions, deployments] = await Promise.all([
      loadPlaybookOf(r, release),
      r.listItems(release.id),
      r.listSignoffs(release.id),
      r.listDecisions(release.id),
      r.listDeployments({ releaseId: release.id }),
    ]);
    return {
      release,
      playbook,
      items,
      signoffs: viewSignoffs(signoffs, release.commit),
      decisions,
      deployments,
    };
  }

  /** Writes an item's new state and its event, guarded by the item's row version. */
  async function setItemState(
    tx: StoreWriter,
    release: Release,
    item: ReleaseItem,
    state: ReleaseItem['state'],
    at: string,
    extra: { note?: string; evidence?: Evidence; action?: string } = {},
  ) {
    const patch: Parameters<StoreWriter['updateItem']>[2] = {
      state,
      updatedAt: at,
      updatedBy: actor(),
    };
    if (extra.note !== undefined) patch.note = extra.note;
    if (extra.evidence !== undefined) patch.evidence = extra.evidence;
    await tx.updateItem(release.id, item.number, patch, item.rowVersion);
    await record(
      tx,
      release.id,
      'item.state',
      {
        item: item.number,
        id: item.id,
        from: item.state,
        to: state,
        ...(extra.action ? { action: extra.action } : {}),
        ...(extra.note !== undefined ? { note: extra.note } : {}),
        ...(extra.evidence !== undefined ? { evidence: extra.evidence } : {}),
      },
      at,
    );
  }

  /** Brings sign items in line with the current sign-offs. */
  async function syncSignItems(tx: StoreWriter, release: Release, at: string) {
    const views = viewSignoffs(await tx.listSignoffs(release.id), release.commit);
    for (const item of await tx.listItems(release.id)) {
      if (item.kind !== 'sign') continue;
      const next = signItemState(item, views);
      if (next !== item.state && !(item.state === 'waived' || item.state === 'na')) {
        await setItemState(tx, release, item, next, at, { action: 'sign-sync' });
      }
    }
  }

  /** Finishes the release once it reached the last environment and nothing required is open. */
  async function maybeFinish(tx: StoreWriter, release: Release, playbook: Playbook, at: string) {
    const last = playbook.environments.at(-1);
    const deployments = await tx.listDeployments({ releaseId: release.id, environment: last });
    const reached = deployments.some((d) => d.status === 'succeeded' || d.status === 'rolled-back');
    if (!reached) return;
    const items = await tx.listItems(release.id);
    const open = items.filter((i) => !i.optional && !acceptedStates.includes(i.state));
    if (open.length) return;
    const fresh = (await tx.getRelease(release.id))!;
    await tx.updateRelease(release.id, { state: 'finished', updatedAt: at }, fresh.rowVersion);
    await record(tx, release.id, 'release.finished', { version: release.version }, at);
    // Restored: a rollback whose procedure is complete ends its incident.
    for (const d of deployments) {
      for (const inc of await tx.listIncidents({ deploymentId: d.id })) {
        if (!inc.resolvedAt) await tx.updateIncident(inc.id, { resolvedAt: at });
      }
    }
  }

  /**
   * The same action on several items, all or none: every item is checked before anything is
   * written, so one bad ref leaves the release as it was.
   */
  async function actOnItems(
    input: ReleaseRef & { refs: string[]; action: ItemAction; note?: string; evidence?: string },
  ): Promise<ReleaseItem[]> {
    return store.transaction(async (tx) => {
      const release = await lockRelease(tx, input);
      assertActive(release);
      const playbook = await loadPlaybookOf(tx, release);
      const all = await tx.listItems(release.id);
      const items = [
        ...new Map(
          input.refs.map((r) => resolveItemRef(all, r)).map((i) => [i.number, i]),
        ).values(),
      ];
      const plans = items.map((item) => ({
        item,
        next: planItemAction(playbook, item, input.action, {
          actor: actor(),
          ...(input.note !== undefined ? { note: input.note } : {}),
        }),
      }));
      const at = iso();
      const extra: { note?: string; evidence?: Evidence; action: string } = {
        action: input.action,
      };
      if (input.note !== undefined) extra.note = input.note;
      if (input.evidence !== undefined) extra.evidence = { url: input.evidence };
      for (const { item, next } of plans) await setItemState(tx, release, item, next, at, extra);
      await maybeFinish(tx, release, playbook, at);
      const after = await tx.listItems(release.id);
      return items.map((item) => after.find((i) => i.number === item.number)!);
    });
  }

  return {
    project,
    get actor() {
      return actor();
    },

    /** Starts a release: snapshots the playbook and expands its items for the release type. */
    async startRelease(input: {
      loaded: LoadedPlaybook;
      version: string;
      type?: string;
      commit?: string;
      commitAt?: string;
    }): Promise<ReleaseView> {
      const version = validateVersion(input.version);
      const { playbook, hash } = input.loaded;
      if (input.type !== undefined) {
        assertKnown(
          input.type,
          playbook.types,
          `unknown release type "${input.type}"`,
          "the playbook's types",
        );
      }
      const at = iso();
      const release: Release = {
        id: newRowId(),
        project,
        version,
        playbookHash: hash,
        state: 'active',
        createdAt: at,
        createdBy: actor(),
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
        throw new InputError(`the playbook has no items for release type "${input.type}"`);
      await store.transaction(async (tx) => {
        if (await tx.findRelease(project, version)) {
          throw new ConflictError(
            `release ${version} already exists (see \`gonogo release show ${version}\`)`,
          );
        }
        await tx.putPlaybook(hash, playbook);
        await tx.insertRelease(release);
        await tx.insertItems(items);
        await record(
          tx,
          release.id,
          'release.started',
          {
            version,
            type: input.type ?? null,
            commit: input.commit ?? null,
            playbook: { name: playbook.name, hash },
            items: items.length,
          },
          at,
        );
      });
      return view(store, release);
    },

    async getRelease(ref: ReleaseRef = {}): Promise<ReleaseView> {
      return view(store, await findRelease(store, ref));
    },

    async listReleases(): Promise<Release[]> {
      return store.listReleases(project, { limit: 1000 });
    },

    async listEvents(ref: ReleaseRef = {}): Promise<ReleaseEvent[]> {
      return store.listEvents((await findRelease(store, ref)).id);
    },

    /** A person's action on an item: done, n/a, waive, fail, reset. */
    async actOnItem(
      input: ReleaseRef & { ref: string; action: ItemAction; note?: string; evidence?: string },
    ): Promise<ReleaseItem> {
      const { ref, ...rest } = input;
      return (await actOnItems({ ...rest, refs: [ref] }))[0]!;
    },

    actOnItems,

    /**
     * The check items to run: those named (numbers or ids), or those of one phase, or all;
     * items marked n/a or waived are run only when named.
     */
    async planChecks(
      input: ReleaseRef & { refs?: string[]; phase?: string },
    ): Promise<{ view: ReleaseView; items: ReleaseItem[] }> {
      const v = await view(store, await findRelease(store, input));
      assertActive(v.release);
      const checks = v.items.filter((i) => i.kind === 'check' && i.spec.check);
      if (input.refs?.length) {
        const named = input.refs.map((r) => resolveItemRef(v.items, r));
        const notCheck = named.find((i) => i.kind !== 'check');
        if (notCheck) {
          throw new InputError(
            `#${notCheck.number} "${notCheck.title}" is a ${notCheck.kind} item, not a check: there is nothing to run`,
          );
        }
        return { view: v, items: [...new Map(named.map((i) => [i.number, i])).values()] };
      }
      let pool = checks;
      if (input.phase) {
        const phases = [...new Set(v.items.map((i) => i.phase))];
        assertKnown(
          input.phase,
          phases,
          `no phase "${input.phase}" in release ${v.release.version}`,
          'its phases',
        );
        pool = checks.filter((i) => i.phase === input.phase);
      }
      return { view: v, items: pool.filter((i) => i.state !== 'na' && i.state !== 'waived') };
    },

    /** Records the results of automated checks on their items, in one transaction. */
    async recordCheckResults(
      input: ReleaseRef & { results: CheckOutcome[] },
    ): Promise<ReleaseItem[]> {
      return store.transaction(async (tx) => {
        const release = await lockRelease(tx, input);
        assertActive(release);
        const playbook = await loadPlaybookOf(tx, release);
        const at = iso();
        const items = new Map((await tx.listItems(release.id)).map((i) => [i.number, i]));
        for (const r of input.results) {
          const item = items.get(r.item);
          if (!item) throw new NotFoundError(`no item #${r.item} in release ${release.version}`);
          const evidence: Evidence = {
            ...r.evidence,
            result: r.result,
            summary: r.summary,
            ...(r.fix ? { fix: r.fix } : {}),
            durationMs: Math.round(r.durationMs),
            checkedAt: at,
            ...(release.commit ? { releaseCommit: release.commit } : {}),
          };
          await setItemState(tx, release, item, r.result === 'passed' ? 'passed' : 'failed', at, {
            evidence,
            action: 'check',
          });
        }
        await maybeFinish(tx, release, playbook, at);
        const after = await tx.listItems(release.id);
        return after.filter((i) => input.results.some((r) => r.item === i.number));
      });
    },

    /** A role holder's go or no-go, pinned to the release's commit. */
    async sign(
      input: ReleaseRef & { role: string; verdict: Verdict; comment?: string },
    ): Promise<SignoffView> {
      return store.transaction(async (tx) => {
        const release = await lockRelease(tx, input);
        assertActive(release);
        const playbook = await loadPlaybookOf(tx, release);
        const roles = Object.keys(playbook.roles);
        assertKnown(input.role, roles, `the playbook has no role "${input.role}"`, 'its roles');
        if (!holdsRole(playbook, actor(), input.role)) {
          throw new ForbiddenError(
            `${actor()} does not hold the role "${input.role}" (its members: ${(playbook.members?.[input.role] ?? []).join(', ')})`,
          );
        }
        const at = iso();
        const signoff = {
          releaseId: release.id,
          role: input.role,
          verdict: input.verdict,
          actor: actor(),
          at,
        } as SignoffView;
        if (release.commit) signoff.commit = release.commit;
        if (input.comment) signoff.comment = input.comment;
        await tx.insertSignoff(signoff);
        await record(
          tx,
          release.id,
          'signoff.recorded',
          {
            role: input.role,
            verdict: input.verdict,
            commit: release.commit ?? null,
            comment: input.comment ?? null,
          },
          at,
        );
        await syncSignItems(tx, release, at);
        await maybeFinish(tx, release, playbook, at);
        return { ...signoff, stale: false };
      });
    },

    /** Moves the release to a new candidate commit; earlier sign-offs become stale. */
    async retarget(input: ReleaseRef & { commit: string; commitAt?: string }): Promise<Release> {
      return store.transaction(async (tx) => {
        const release = await lockRelease(tx, input);
        assertActive(release);
        if (release.commit === input.commit)
          throw new TransitionError(
            `release ${release.version} is already at commit ${input.commit}`,
          );
        const at = iso();
        const patch: Parameters<StoreWriter['updateRelease']>[1] = {
          commit: input.commit,
          updatedAt: at,
        };
        if (input.commitAt) patch.commitAt = input.commitAt;
        await tx.updateRelease(release.id, patch, release.rowVersion);
        const stale = viewSignoffs(await tx.listSignoffs(release.id), input.commit)
          .filter((s) => s.stale)
          .map((s) => s.role);
        await record(
          tx,
          release.id,
          'release.retargeted',
          { from: release.commit ?? null, to: input.commit, staleSignoffs: stale },
          at,
        );
        const updated = (await tx.getRelease(release.id))!;
        await syncSignItems(tx, updated, at);
        return updated;
      });
    },

    /** Evaluates a gate without recording anything (for `status`). */
    async previewGate(ref: ReleaseRef & { gate?: string } = {}) {
      const v = await view(store, await findRelease(store, ref));
      const gate = selectGate(
        v.playbook,
        v.items,
        v.decisions,
        v.release.commit,
        ref.gate,
        v.release.type,
      );
      const result = evaluateGate({
        playbook: v.playbook,
        items: v.items,
        signoffs: v.signoffs,
        gate,
        now: now(),
        ...(v.release.commit ? { commit: v.release.commit } : {}),
      });
      return { view: v, gate, ...result };
    },

    /** GO or NO-GO for a gate, recorded with its inputs. */
    async decide(
      input: ReleaseRef & { gate?: string; overrideWindow?: { reason: string } },
    ): Promise<DecideResult> {
      return store.transaction(async (tx) => {
        const release = await lockRelease(tx, input);
        assertActive(release);
        const v = await view(tx, release);
        if (input.overrideWindow) {
          const managers = ['release-manager'].filter((r) => r in v.playbook.roles);
          if (managers.length === 0 || !managers.some((r) => holdsRole(v.playbook, actor(), r))) {
            throw new ForbiddenError(
              managers.length === 0
                ? 'overriding the release window needs a release manager, and the playbook declares no "release-manager" role'
                : `only a release manager may override the release window; ${actor()} is not one`,
            );
          }
          if (!input.overrideWindow.reason.trim())
            throw new InputError('--override-window needs --reason TEXT');
        }
        const gate = selectGate(
          v.playbook,
          v.items,
          v.decisions,
          release.commit,
          input.gate,
          release.type,
        );
        const at = iso();
        const override = input.overrideWindow
          ? { reason: input.overrideWindow.reason, by: actor() }
          : undefined;
        const result = evaluateGate({
          playbook: v.playbook,
          items: v.items,
          signoffs: v.signoffs,
          gate,
          now: now(),
          ...(release.commit ? { commit: release.commit } : {}),
          ...(override ? { override } : {}),
        });
        const decision: Decision = {
          releaseId: release.id,
          gate: gate.id,
          outcome: result.outcome,
          blockers: result.blockers,
          inputs: result.inputs,
          actor: actor(),
          at,
        };
        if (release.commit) decision.commit = release.commit;
        if (override) decision.override = override;
        if (override)
          await record(
            tx,
            release.id,
            'window.overridden',
            { gate: gate.id, reason: override.reason },
            at,
          );
        await tx.insertDecision(decision);
        await record(
          tx,
          release.id,
          'decision.recorded',
          {
            gate: gate.id,
            outcome: decision.outcome,
            blockers: decision.blockers,
            commit: release.commit ?? null,
          },
          at,
        );
        return { decision, gateTitle: gate.title };
      });
    },

    /** Records a deployment of the release to an environment. */
    async deploy(
      input: ReleaseRef & {
        environment: string;
        status?: 'succeeded' | 'failed';
        force?: { reason: string };
      },
    ): Promise<Deployment> {
      return store.transaction(async (tx) => {
        const release = await lockRelease(tx, input);
        assertActive(release);
        const playbook = await loadPlaybookOf(tx, release);
        assertEnvironment(playbook, input.environment);
        const decisions = await tx.listDecisions(release.id);
        const latest = decisions.filter((d) => d.commit === release.commit).at(-1);
        const isLast = input.environment === playbook.environments.at(-1);
        if (isLast && latest?.outcome !== 'go' && !input.force) {
          throw new TransitionError(
            `release ${release.version} has no GO decision for commit ${release.commit ?? '(none)'}: run \`gonogo decide\` first, or deploy with --force --reason TEXT`,
          );
        }
        const at = iso();
        const deployment: Deployment = {
          id: newRowId(),
          project,
          releaseId: release.id,
          version: release.version,
          environment: input.environment,
          status: input.status ?? 'succeeded',
          startedAt: at,
          finishedAt: at,
          actor: actor(),
        };
        if (release.commit) deployment.commit = release.commit;
        await tx.insertDeployment(deployment);
        await record(
          tx,
          release.id,
          'deployment.recorded',
          {
            id: deployment.id,
            environment: deployment.environment,
            status: deployment.status,
            commit: release.commit ?? null,
            ...(input.force ? { forced: input.force.reason } : {}),
          },
          at,
        );
        await maybeFinish(tx, release, playbook, at);
        return deployment;
      });
    },

    /** Records a rollback: the deployment is rolled back, an incident opens, rollback items join the release. */
    async rollback(
      input: ReleaseRef & { environment: string; reason: string },
    ): Promise<{ deployment: Deployment; incident: Incident; items: ReleaseItem[] }> {
      if (!input.reason.trim()) throw new InputError('a rollback needs a reason: --reason TEXT');
      return store.transaction(async (tx) => {
        // Without a version, roll back what runs in the environment, even if its release has
        // finished since (the usual case: it shipped, then went wrong).
        const running = input.version
          ? undefined
          : (await tx.listDeployments({ project, environment: input.environment }))
              .filter((d) => d.status === 'succeeded')
              .at(-1);
        const release = await lockRelease(tx, running ? { version: running.version } : input);
        const playbook = await loadPlaybookOf(tx, release);
        assertEnvironment(playbook, input.environment);
        const deployment = (
          await tx.listDeployments({ releaseId: release.id, environment: input.environment })
        )
          .filter((d) => d.status === 'succeeded')
          .at(-1);
        if (!deployment) {
          throw new TransitionError(
            `release ${release.version} has no succeeded deployment in ${input.environment} to roll back`,
          );
        }
        const at = iso();
        await tx.updateDeployment(deployment.id, { status: 'rolled-back' });
        const incident: Incident = {
          id: newRowId(),
          deploymentId: deployment.id,
          kind: 'rollback',
          reason: input.reason,
          openedAt: at,
          actor: actor(),
        };
        await tx.insertIncident(incident);
        const existing = await tx.listItems(release.id);
        const items = existing.some((i) => i.rollback)
          ? []
          : expandRollbackItems(playbook, {
              releaseId: release.id,
              now: at,
              startNumber: (existing.at(-1)?.number ?? 0) + 1,
            });
        if (items.length) await tx.insertItems(items);
        if (release.state !== 'active') {
          await tx.updateRelease(
            release.id,
            { state: 'active', updatedAt: at },
            release.rowVersion,
          );
        }
        await record(
          tx,
          release.id,
          'rollback.recorded',
          {
            deployment: deployment.id,
            environment: input.environment,
            reason: input.reason,
            incident: incident.id,
            items: items.map((i) => i.number),
          },
          at,
        );
        return {
          deployment: { ...deployment, status: 'rolled-back' as DeploymentStatus },
          incident,
          items,
        };
      });
    },

    /** What runs in each environment, since when, from which release. */
    async environments(ref: { playbook?: Playbook } = {}): Promise<EnvironmentView[]> {
      const all = await store.listDeployments({ project });
      const names = [...(ref.playbook?.environments ?? [])];
      for (const d of all) if (!names.includes(d.environment)) names.push(d.environment);
      return names.map((environment) => {
        const here = all.filter((d) => d.environment === environment);
        const out: EnvironmentView = { environment };
        const current = here.filter((d) => d.status === 'succeeded').at(-1);
        if (current) out.current = current;
        const last = here.at(-1);
        if (last) out.last = last;
        return out;
      });
    },

    /** Recomputes the release's event hash chain. */
    async verifyAudit(ref: ReleaseRef = {}) {
      const releases = ref.version
        ? [await findRelease(store, ref)]
        : await store.listReleases(project, { limit: 100000 });
      const results = [];
      for (const r of releases)
        results.push({ version: r.version, ...verifyChain(await store.listEvents(r.id)) });
      return results;
    },
  };
}

export type ReleaseService = ReturnType<typeof createReleaseService>;

function assertActive(release: Release) {
  if (release.state !== 'active') {
    throw new TransitionError(
      `release ${release.version} is ${release.state}; start a new release with \`gonogo release start VERSION\``,
    );
  }
}

function assertEnvironment(playbook: Playbook, env: string) {
  assertKnown(
    env,
    playbook.environments,
    `unknown environment "${env}"`,
    "the playbook's environments",
  );
}

/** Throws an InputError for a name that is not among the known ones, with a "did you mean". */
function assertKnown(name: string, known: readonly string[], message: string, listName: string) {
  if (known.includes(name)) return;
  const near = suggestName(name, known);
  throw new InputError([
    {
      message,
      fix: near
        ? `did you mean "${near}"?`
        : known.length
          ? `${listName} are: ${known.join(', ')}`
          : `${listName}: none are declared in the playbook`,
    },
  ]);
}
