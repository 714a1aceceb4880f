/**
 * Text imports (`./templates/NAME.yaml?raw`): the file's contents as a string. esbuild's text
 * loader (scripts/build.ts) and Vite's `?raw` suffix (vitest) both provide them.
 */
declare module '*.yaml?raw' {
  const text: string;
  export default text;
}
