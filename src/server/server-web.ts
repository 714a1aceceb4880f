/**
 * The built web app (`dist/web`, scripts/build-web.ts) as static files at `/`: every file read
 * once at start into memory, so a request can only ever name one of them (no path reaches the
 * disk, hence no traversal); hashed assets cached for a year, `index.html` revalidated on every
 * load; any other path outside `/api` answers `index.html`, where the app's router takes over.
 * Without a build, `/` says so and points at the API's description. No credentials needed: the
 * page holds no data, the API it calls checks its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { ServerEnv } from './server-auth.ts';
import { errorResponse } from './server-errors.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

interface WebFile {
  body: Uint8Array<ArrayBuffer>;
  /** The same bytes gzipped once at start, for text worth compressing (the app's JS: ~3×). */
  gzip?: Uint8Array<ArrayBuffer>;
  type: string;
  cache: string;
}

/** Below this a gzip header and a `Vary` cost more than they save. */
const compressFrom = 1024;

/** Vite names what it builds under `assets/` by content hash: a new build, a new name. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * The files of a built web app by URL path (`/index.html`, `/assets/app-3f2a.js`); empty when
 * `dir` is missing or holds no `index.html`.
 *
 * @example readWebFiles('dist/web').get('/index.html')?.type // 'text/html; charset=utf-8'
 */
export function readWebFiles(dir: string | undefined): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  if (dir === undefined || !isFile(path.join(dir, 'index.html'))) return files;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, name);
    if (!isFile(full)) continue;
    const url = '/' + name.split(path.sep).join('/');
    const body = new Uint8Array(readFileSync(full));
    const type = contentTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
    const text = /^text\/|json|svg/.test(type);
    files.set(url, {
      body,
      ...(text && body.byteLength >= compressFrom
        ? { gzip: new Uint8Array(gzipSync(body, { level: constants.Z_BEST_COMPRESSION })) }
        : {}),
      type,
      cache: url.startsWith('/assets/') ? immutable : 'no-cache',
    });
  }
  return files;
}

/**
 * Mounts the web app (or the page saying it is not built) on every GET outside `apiBase`. Mount
 * it after the API's routes.
 *
 * @example mountWebApp(app, '/api/v1', 'dist/web')
 */
export function mountWebApp(app: Hono<ServerEnv>, apiBase: string, dir: string | undefined): void {
  const files = readWebFiles(dir);
  const index = files.get('/index.html');
  app.get('*', (c) => {
    const urlPath = c.req.path;
    if (urlPath === apiBase || urlPath.startsWith(`${apiBase}/`)) {
      return errorResponse(c, 'not-found', `no route ${c.req.method} ${urlPath}`);
    }
    if (!index) {
      return urlPath === '/'
        ? c.html(notBuiltPage(apiBase), 200, { 'cache-control': 'no-cache' })
        : errorResponse(c, 'not-found', `no route ${c.req.method} ${urlPath}`);
    }
    const file = files.get(decodedPath(urlPath));
    if (file) return send(c, file);
    // A missing asset is a 404, not the app: a script tag must never receive HTML. (Only the
    // asset folder and asset types: a release page's path ends in a version, `…/1.4.0`.)
    if (urlPath.startsWith('/assets/') || isAssetName(urlPath)) {
      return c.text('not found', 404, { 'cache-control': 'no-cache' });
    }
    return send(c, index);
  });
}

function send(c: Context<ServerEnv>, file: WebFile): Response {
  const headers = { 'content-type': file.type, 'cache-control': file.cache };
  if (!file.gzip) return c.body(file.body, 200, headers);
  const vary = { ...headers, vary: 'accept-encoding' };
  return acceptsGzip(c.req.header('accept-encoding'))
    ? c.body(file.gzip, 200, { ...vary, 'content-encoding': 'gzip' })
    : c.body(file.body, 200, vary);
}

/** `gzip` among the accepted encodings, and not refused with `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
  });
}

function isAssetName(urlPath: string): boolean {
  const ext = path.posix.extname(urlPath).toLowerCase();
  return ext !== '.html' && Object.hasOwn(contentTypes, ext);
}

function decodedPath(urlPath: string): string {
  try {
    return decodeURIComponent(urlPath);
  } catch {
    return urlPath;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function notBuiltPage(apiBase: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>gonogo</title></head><body><h1>gonogo</h1><p>The web UI is not built (run <code>node scripts/build.ts</code>). The API is described in <a href="${apiBase}/openapi.json">${apiBase}/openapi.json</a>.</p></body></html>`;
}
