/**
 * Creating a project (`POST /projects`; a server administrator's act, its creator becomes its
 * admin), then its playbook page, where its checklist comes in.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiRequest } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import { navigate } from '../web-router.tsx';
import { useTitle } from '../web-title.ts';
import { projectUrl } from '../web-project-url.ts';

export function NewProjectPage() {
  useTitle('New project');
  const client = useQueryClient();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: async () =>
      apiRequest('/projects', {
        method: 'POST',
        json: { id: id.trim(), ...(name.trim() ? { name: name.trim() } : {}) },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['overview'] });
      navigate(projectUrl(id.trim(), 'playbook'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <main className="narrow">
      <h1>New project</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Project id
          <input
            required
            placeholder="github.com/acme/app"
            aria-describedby="project-id-help"
            value={id}
            onChange={(e) => setId(e.target.value)}
          />
        </label>
        <p id="project-id-help" className="muted">
          Like <code>github.com/acme/app</code> or <code>acme/app</code>: the CLI finds it from the
          repository’s remote.
        </p>
        <label>
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create the project
        </button>
      </form>
      <p className="muted">
        Only a server administrator may create a project; you become its admin.
      </p>
    </main>
  );
}
