/**
 * The bounds a request is checked against before it reaches the service. `api/` cannot import
 * `service/` (the layer rule), so the service's numbers are copied here; the service conformance test (`service/service-api.test.ts`)
 * compares them with the service's, so the two cannot drift apart unnoticed.
 */
import { maxInputBytes } from '../core/playbook-yaml-input.ts';

/** The longest note, comment or reason (service-context.ts `maxTextLength`). */
export const maxTextLength = 4000;
/** The longest evidence link (service-context.ts `maxLinkLength`). */
export const maxLinkLength = 2000;
/** The most item refs one action names (service-items.ts `maxItemRefs`). */
export const maxItemRefs = 500;
/** The most check results one call records (service-checks.ts `maxCheckResults`). */
export const maxCheckResults = 1000;
/** A playbook as YAML text, or a checklist as Markdown: the CLI's own bound on an input file. */
export const maxPlaybookTextLength = maxInputBytes;
/**
 * The longest checklist the server's Markdown import takes (413 beyond): half the file bound.
 * The import runs in a worker thread with a time limit (server/routes/playbook-routes.ts), which
 * is what bounds its work (about 1.6 s at 128 KiB, 6 s at 512 KiB, 9 s at 1 MiB on a busy
 * 2-core machine); this bounds what crosses to the worker.
 */
export const maxImportTextLength = 1024 * 1024;
/**
 * The largest request body the server reads (413 beyond). Twice the longest playbook text, so a
 * YAML or Markdown text at its bound still fits once JSON-escaped.
 */
export const maxRequestBytes = 2 * maxInputBytes;
/** A name: version, role, environment, gate, ref, item id, project, token name. */
export const maxNameLength = 200;
/** A commit id (SHA-1 or SHA-256 hex, or a ref name). */
export const maxCommitLength = 256;
/** An e-mail address (RFC 5321 path limit). */
export const maxEmailLength = 254;
/** The longest password accepted (scrypt hashes any length; this only bounds the work). */
export const maxPasswordLength = 1024;
/** The shortest password accepted at set-up and sign-in. */
export const minPasswordLength = 12;
