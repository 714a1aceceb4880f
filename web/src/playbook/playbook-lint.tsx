/**
 * The YAML box: a gonogo.yaml pasted and checked (`POST /playbooks/lint`); every problem listed
 * with its line and column, and a click on one puts the caret there. A playbook without
 * problems can be saved as the project's.
 */
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { apiRequest } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import type { LintResult, Problem } from './playbook-types.ts';
import { useSavePlaybook } from './playbook-save.ts';

/**
 * The offset in `text` of 1-based `line` and `col` (clamped to the text).
 *
 * @example offsetOf('a\nbc', 2, 2) // 3
 */
export function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) offset += lines[i]!.length + 1;
  const here = lines[Math.min(line, lines.length) - 1] ?? '';
  return offset + Math.min(Math.max(col - 1, 0), here.length);
}

/** A YAML editor with lint problems beside it. */
export function LintBox({ project, canSave }: { project: string; canSave: boolean }) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const save = useSavePlaybook(project);
  const lint = useMutation({
    mutationFn: async () =>
      (
        await apiRequest<LintResult>('/playbooks/lint', {
          method: 'POST',
          json: { text, file: 'gonogo.yaml' },
        })
      ).data,
    onMutate: () => save.reset(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    lint.mutate();
  };
  const goTo = (p: Problem) => {
    const el = area.current;
    if (!el || !p.line) return;
    const at = offsetOf(text, p.line, p.col ?? 1);
    el.focus();
    el.setSelectionRange(at, at);
  };
  const result = lint.data;
  const place = (p: Problem) => (p.line ? `line ${p.line}, column ${p.col ?? 1}` : 'the file');
  return (
    <section className="card pb-box" aria-labelledby="lint-title">
      <h2 id="lint-title">Check a gonogo.yaml</h2>
      <form onSubmit={submit} className="stack">
        {/* A label around a textarea would take its text into the name. */}
        <label htmlFor="lint-yaml">gonogo.yaml</label>
        <textarea
          id="lint-yaml"
          ref={area}
          rows={10}
          className="pb-yaml"
          value={text}
          spellCheck={false}
          aria-describedby="lint-result"
          onChange={(e) => setText(e.target.value)}
        />
        <div id="lint-result" aria-live="polite">
          <ErrorNote error={lint.error} />
          {result && !result.ok ? (
            <div className="error pb-problems">
              <p>
                {result.problems.length} problem{result.problems.length === 1 ? '' : 's'} (select
                one to put the caret there):
              </p>
              <ul className="plain">
                {result.problems.map((p, i) => (
                  <li key={i}>
                    <button type="button" className="link pb-problem" onClick={() => goTo(p)}>
                      {p.line ? `${p.line}:${p.col ?? 1}` : '—'}
                    </button>{' '}
                    <span className="sr-only">{place(p)}: </span>
                    {p.message}
                    {p.fix ? <span className="hint"> {p.fix}</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {result?.ok ? (
            <p role="status" className="pb-ok">
              No problems: playbook “{result.playbook?.name}”, hash{' '}
              <code>{result.hash?.slice(0, 12)}</code>.
            </p>
          ) : null}
          {result?.warnings.length ? (
            <ul className="pb-warnings">
              {result.warnings.map((w, i) => (
                <li key={i}>
                  {w.line ? `${w.line}:${w.col ?? 1}: ` : ''}
                  {w.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="pb-save">
          <button type="submit" disabled={!text.trim() || lint.isPending}>
            Check
          </button>{' '}
          {canSave && result?.ok ? (
            <button
              type="button"
              className="primary"
              disabled={save.isPending}
              onClick={() => save.mutate(text)}
            >
              Save this YAML as the project’s playbook
            </button>
          ) : null}
        </div>
        {save.isSuccess ? <p role="status">Saved.</p> : null}
        <ErrorNote error={save.error} />
      </form>
    </section>
  );
}
