/**
 * A project's server state through TanStack Query: the project (and the playbook it stored
 * last), that playbook compiled, its members, and the signed-in user's roles in it. One key per
 * resource, so a save invalidates exactly what it changed.
 */
import { useQuery } from '@tanstack/react-query';
import { apiGet, projectPath } from '../web-api.ts';
import { useSession } from '../web-session.ts';
import type { Member, ProjectView, ReleaseList, StoredPlaybook } from './playbook-types.ts';

export const projectKey = (project: string) => ['project', project] as const;
export const membersKey = (project: string) => ['members', project] as const;

/** The project; its `playbookHash` is the playbook it stored last. */
export function useProject(project: string) {
  return useQuery({
    queryKey: projectKey(project),
    queryFn: () => apiGet<ProjectView>(projectPath(project)),
  });
}

/**
 * The project's current playbook: the one it stored last, else the one its newest release runs
 * (a project whose releases started from YAML text stored none). Undefined data: none yet.
 */
export function useCurrentPlaybook(project: string) {
  const p = useProject(project);
  return useQuery({
    queryKey: ['current-playbook', project, p.data?.playbookHash ?? null],
    enabled: p.isSuccess,
    queryFn: async (): Promise<StoredPlaybook | null> => {
      let hash = p.data?.playbookHash;
      if (!hash) {
        const { releases } = await apiGet<ReleaseList>(`${projectPath(project)}/releases`);
        hash = releases[0]?.playbookHash;
      }
      if (!hash) return null;
      return apiGet<StoredPlaybook>(`${projectPath(project)}/playbooks/${hash}`);
    },
  });
}

/** The project's members with their roles. */
export function useMembers(project: string) {
  return useQuery({
    queryKey: membersKey(project),
    queryFn: async () =>
      (await apiGet<{ members: Member[] }>(`${projectPath(project)}/members`)).members,
  });
}

/** The signed-in user's roles in the project (empty while loading or for a non-member). */
export function useMyRoles(project: string): string[] {
  const session = useSession();
  const members = useMembers(project);
  const email = session.data?.user.email;
  return members.data?.find((m) => m.user.email === email)?.roles ?? [];
}
