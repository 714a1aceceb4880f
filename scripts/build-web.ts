/**
 * Builds the web app (`web/`, React + Vite) into `dist/web/`, which `gonogo serve` serves at
 * `/`. Through Vite's JS API (no shell); `scripts/build.ts` calls it after the CLI bundle.
 */
import { build } from 'vite';

/**
 * Runs Vite's production build with `web/vite.config.ts`.
 *
 * @example await buildWeb(); // dist/web/index.html, dist/web/assets/*
 */
export async function buildWeb(): Promise<void> {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
}

if (import.meta.main) await buildWeb();
