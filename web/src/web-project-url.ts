/** The paths of a project's pages. */

export type ProjectPageName = 'releases' | 'playbook' | 'metrics' | 'settings';

/**
 * The path of one of a project's pages.
 *
 * @example projectUrl('github.com/acme/app', 'playbook') // '/projects/github.com%2Facme%2Fapp/playbook'
 */
export function projectUrl(project: string, page: ProjectPageName): string {
  return `/projects/${encodeURIComponent(project)}/${page}`;
}

/**
 * The project and page a path names, if it is one of a project's pages.
 *
 * @example projectPageOf('/projects/acme%2Fapp/settings') // { project: 'acme/app', page: 'settings' }
 */
export function projectPageOf(
  path: string,
): { project: string; page: ProjectPageName } | undefined {
  const m = /^\/projects\/([^/]+)\/(releases|playbook|metrics|settings)\/?$/.exec(path);
  if (!m) return undefined;
  try {
    return { project: decodeURIComponent(m[1]!), page: m[2] as ProjectPageName };
  } catch {
    return undefined;
  }
}

/**
 * The project of any page under `/projects/{project}/`.
 *
 * @example projectOfPath('/projects/acme%2Fapp/releases/1.0.0') // 'acme/app'
 */
export function projectOfPath(path: string): string | undefined {
  const m = /^\/projects\/([^/]+)\//.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}
