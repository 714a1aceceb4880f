/**
 * An API refusal in words, shown next to what caused it: the service's message, the problems
 * with their places, and its hint as what to do next here (never as a CLI flag).
 */
import { ApiFailure } from './web-api.ts';

/** What each hint's action asks of a person, in the web app's words. */
const hintWords: Record<string, string> = {
  'release.start': 'Start a release first.',
  'release.list': 'Pick a release from the dashboard.',
  'release.show': 'Open the release to see where it stands.',
  'release.retarget': 'Move the release to the new candidate commit.',
  'release.abandon': 'Abandon the release with a reason.',
  status: 'Look at the release’s status for what is open.',
  'check.run': 'Run the checks (gonogo check in CI) so their results arrive here.',
  'item.done': 'Tick the open items.',
  'item.na': 'Mark the item not applicable, with a reason.',
  'item.waive': 'A role holder may waive the item, with a reason.',
  'item.fail': 'Mark the item failed.',
  'item.reset': 'Reset the item to open.',
  'sign.go': 'A holder of the role signs go.',
  'sign.no-go': 'A holder of the role signs no-go.',
  decide: 'Record the gate’s decision again.',
  'decide.override-window': 'A role the release window names may override it, with a reason.',
  deploy: 'Record the deployment.',
  'deploy.force': 'A role the policy names may force it, with a reason.',
  rollback: 'Roll the environment back.',
  'playbook.edit': 'Fix the playbook and try again.',
  'audit.verify': 'Verify the release’s log.',
  upgrade: 'Upgrade gonogo.',
};

const codeWords: Record<string, string> = {
  unauthenticated: 'You are not signed in.',
  forbidden: 'Not allowed.',
  'not-found': 'Not found.',
  conflict: 'Changed meanwhile.',
  'rate-limited': 'Too many attempts.',
  'invalid-input': 'Not accepted.',
  'invalid-transition': 'Not possible now.',
  'gate-closed': 'The gate says NO-GO.',
  environment: 'The server cannot be reached.',
  internal: 'Something went wrong on the server.',
};

/**
 * The error of a failed request as a short alert; nothing when there is none.
 *
 * @example <ErrorNote error={mutation.error} />
 */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  if (!(error instanceof ApiFailure)) {
    return (
      <p className="error" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </p>
    );
  }
  const { message, hint, problems, field } = error.body.error;
  const lead = codeWords[error.code];
  const needs = hint?.needs?.length ? ` It needs: ${hint.needs.join(', ')}.` : '';
  const refs = hint?.refs?.length ? ` Items: ${hint.refs.join(', ')}.` : '';
  return (
    <div className="error" role="alert">
      <p>
        {lead ? <strong>{lead} </strong> : null}
        {sentence(message)}
        {field ? <span className="muted"> ({field})</span> : null}
      </p>
      {problems && problems.length > 1 ? (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      ) : null}
      {hint ? (
        <p className="hint">
          {hintWords[hint.action] ?? ''}
          {needs}
          {refs}
        </p>
      ) : null}
    </div>
  );
}

function sentence(message: string): string {
  const m = message.trim();
  if (!m) return '';
  return m[0]!.toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}
