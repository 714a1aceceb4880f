/**
 * The first run: the one-time code `gonogo serve` printed in its log, and the first
 * administrator's e-mail and password.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiRequest } from '../web-api.ts';
import type { Session } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { Link, navigate } from '../web-router.tsx';
import { adoptSession } from '../web-session.ts';
import { useTitle } from '../web-title.ts';

export function SetupPage() {
  useTitle('Set up');
  const client = useQueryClient();
  const [setupToken, setCode] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const setUp = useMutation({
    mutationFn: async () =>
      (
        await apiRequest<Session>('/setup', {
          method: 'POST',
          json: { setupToken: setupToken.trim(), email, password, ...(name ? { name } : {}) },
        })
      ).data,
    onSuccess: (session) => {
      adoptSession(client, session);
      navigate('/', { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setUp.mutate();
  };
  return (
    <main className="narrow">
      <h1>Set up gonogo</h1>
      <p>
        This server has no users yet. Create its first administrator with the one-time code printed
        in the server’s log (the line with <code>setupCode</code>).
      </p>
      <form onSubmit={submit} className="stack">
        <label>
          One-time code from the log
          <input
            required
            autoComplete="one-time-code"
            value={setupToken}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        <label>
          Your e-mail
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Your name (optional)
          <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Password (at least 12 characters)
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorNote error={setUp.error} />
        <button type="submit" className="primary" disabled={setUp.isPending}>
          Create the administrator
        </button>
      </form>
      <p className="muted">
        Set up already? <Link href="/sign-in">Sign in</Link>.
      </p>
    </main>
  );
}
