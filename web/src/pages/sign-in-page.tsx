/** Sign-in with e-mail and password; back to where the person was going. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiRequest } from '../web-api.ts';
import type { Session } from '../web-api-types.ts';
import { ErrorNote } from '../web-errors.tsx';
import { Link, navigate } from '../web-router.tsx';
import { adoptSession } from '../web-session.ts';
import { useTitle } from '../web-title.ts';

/** Where to go after signing in: a path on this site from `?next=`, else the dashboard. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  useTitle('Sign in');
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: async () =>
      (await apiRequest<Session>('/session', { method: 'POST', json: { email, password } })).data,
    onSuccess: (session) => {
      adoptSession(client, session);
      navigate(nextPath(), { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="narrow">
      <h1>Sign in to gonogo</h1>
      <form onSubmit={submit} className="stack">
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorNote error={signIn.error} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          Sign in
        </button>
      </form>
      <p className="muted">
        First start of this server? <Link href="/setup">Set it up</Link> with the code from its log.
      </p>
    </main>
  );
}
