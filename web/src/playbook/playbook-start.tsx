/**
 * Starting a release from the project's current playbook (`POST .../releases` with its hash),
 * then opening its page.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiRequest, projectPath } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import { navigate, releaseUrl } from '../web-router.tsx';

/** The start form: version, commit, release type. */
export function StartRelease(props: { project: string; hash: string; types: string[] }) {
  const { project, hash, types } = props;
  const client = useQueryClient();
  const [version, setVersion] = useState('');
  const [commit, setCommit] = useState('');
  const [type, setType] = useState('');
  const start = useMutation({
    mutationFn: async () =>
      apiRequest(`${projectPath(project)}/releases`, {
        method: 'POST',
        json: {
          version: version.trim(),
          playbookHash: hash,
          ...(commit.trim() ? { commit: commit.trim() } : {}),
          ...(type ? { type } : {}),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['overview'] });
      navigate(releaseUrl(project, version.trim()));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <section className="card pb-box" aria-labelledby="start-title">
      <h2 id="start-title">Start a release</h2>
      <form onSubmit={submit} className="pb-inline">
        <label>
          Version
          <input required value={version} onChange={(e) => setVersion(e.target.value)} />
        </label>
        <label>
          Commit (optional)
          <input value={commit} onChange={(e) => setCommit(e.target.value)} />
        </label>
        {types.length ? (
          <label>
            Release type
            <select value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">(none)</option>
              {types.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="submit" className="primary" disabled={start.isPending}>
          Start the release
        </button>
      </form>
      <ErrorNote error={start.error} />
    </section>
  );
}
