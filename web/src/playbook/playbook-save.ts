/** Saving YAML as the project's playbook: upload, then the project and its playbook re-read. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest, projectPath } from '../web-api.ts';
import type { StoredPlaybook } from './playbook-types.ts';
import { projectKey } from './project-queries.ts';

/**
 * A mutation that stores `yaml` as the project's playbook (`POST .../playbooks`).
 *
 * @example const save = useSavePlaybook('acme/app'); save.mutate(yaml);
 */
export function useSavePlaybook(project: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (yaml: string) =>
      (
        await apiRequest<StoredPlaybook>(`${projectPath(project)}/playbooks`, {
          method: 'POST',
          json: { text: yaml, file: 'gonogo.yaml' },
        })
      ).data,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: projectKey(project) });
    },
  });
}
