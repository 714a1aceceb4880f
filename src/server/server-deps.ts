/**
 * What the server is built from. The server layer may not reach the store (the layer rule), so
 * `gonogo serve` opens the store and the change bus and hands the server these narrow views of
 * them: the services, a directory of users and projects, the event reader for streams, and the
 * readiness probe. Tests build the same from a temporary SQLite file.
 */
import type { Logger } from 'pino';
import type { Playbook } from '../core/playbook.ts';
import type { EventOrigin, ReleaseEvent } from '../core/release-model.ts';
import type { AccountService, User } from '../service/account-contract.ts';
import type { ReleaseService } from '../service/service-contract.ts';

/** "Release R's log grew to seq N": the change bus's message, as the server reads it. */
export interface ServerChange {
  project: string;
  releaseId: string;
  version: string;
  seq: number;
}

/** The half of the change bus the server uses: subscribe, and be told to re-read after a gap. */
export interface ServerChangeFeed {
  subscribe(onChange: (change: ServerChange) => void, onResync?: () => void): () => void;
}

export interface ServerProject {
  id: string;
  createdAt: string;
  /** The playbook the project stored last: what a release starts from by default. */
  playbookHash?: string;
}

/** Reads and the one project write the account service does not cover. */
export interface ServerDirectory {
  /** A user by id or e-mail address; never with the password hash. */
  findUser(idOrEmail: string): Promise<User | undefined>;
  listProjects(): Promise<ServerProject[]>;
  getProject(id: string): Promise<ServerProject | undefined>;
  /** Adds the project; false when it already existed. */
  createProject(id: string, at: string): Promise<boolean>;
  /** Stores a compiled playbook under its hash for the project (idempotent). */
  storePlaybook(project: string, hash: string, playbook: Playbook, by: string): Promise<void>;
  /** A playbook the project stored or runs, by hash; undefined for any other. */
  findPlaybook(project: string, hash: string): Promise<Playbook | undefined>;
  /** When the session of this secret ends (ISO time). */
  sessionExpiresAt(secret: string): Promise<string>;
  /** The release's events after `afterSeq`, a page at a time (how a stream resumes). */
  readEventsSince(releaseId: string, afterSeq: number): Promise<ReleaseEvent[]>;
  /** Database reachable and migrated; throws when it is not reachable. */
  readiness(): Promise<{
    database: 'sqlite' | 'postgres';
    migrations: { applied: number; expected: number };
  }>;
}

export interface ServerDeps {
  /**
   * The release service acting as `actor` (the signed-in user's e-mail) in `project`; every
   * event it records keeps `origin` (the client's address, user agent, the token's id).
   */
  releases(actor: string, project: string, origin?: EventOrigin): ReleaseService;
  accounts: AccountService;
  directory: ServerDirectory;
  changes: ServerChangeFeed;
  logger: Logger;
  now: () => Date;
  /**
   * The one-time code `POST /setup` asks for while there is no administrator (printed in the log at
   * start). Absent: set-up through the API is off (`gonogo admin create` still works).
   */
  setupCode?: string;
  /** The built web app served at `/` (`dist/web`); absent or unbuilt: a page saying so. */
  webDir?: string;
  /** Heartbeat period of event streams, in ms (15 s unless told; tests shorten it). */
  heartbeatMs?: number;
  /**
   * How long one Markdown import or YAML lint may run in its worker thread, in ms (5 s unless
   * told; tests shorten it).
   */
  textJobTimeoutMs?: number;
}
