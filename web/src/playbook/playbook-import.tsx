/**
 * The import box: a Markdown checklist, pasted or picked from a file, becomes a playbook preview
 * (`POST /playbooks/import`, then the YAML compiled by `POST /playbooks/lint`) with the automated
 * items marked and the importer's report: what became of every heading, the blanks left to fill
 * (line:col), the roles without members. Nothing is stored until "Save as the project's
 * playbook".
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { apiRequest } from '../web-api.ts';
import { ErrorNote } from '../web-errors.tsx';
import type {
  HeadingFate,
  ImportBlank,
  ImportResult,
  LintResult,
  RoleFlag,
} from './playbook-types.ts';
import { PlaybookView } from './playbook-view.tsx';
import { useSavePlaybook } from './playbook-save.ts';
import { ScrollTable } from '../web-table.tsx';

interface Preview {
  result: ImportResult;
  lint: LintResult;
}

/** Turns Markdown into a preview; saves it on request. */
export function ImportBox({ project, canSave }: { project: string; canSave: boolean }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<string | undefined>();
  const save = useSavePlaybook(project);
  const preview = useMutation({
    mutationFn: async (): Promise<Preview> => {
      const json = { text, ...(file ? { file } : {}) };
      const result = (await apiRequest<ImportResult>('/playbooks/import', { method: 'POST', json }))
        .data;
      const lint = (
        await apiRequest<LintResult>('/playbooks/lint', {
          method: 'POST',
          json: { text: result.yaml, file: 'gonogo.yaml' },
        })
      ).data;
      return { result, lint };
    },
    onMutate: () => save.reset(),
  });
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0];
    if (!picked) return;
    setText(await picked.text());
    setFile(picked.name.replace(/[^\w.-]/g, '_').slice(0, 100) || undefined);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    preview.mutate();
  };
  const data = preview.data;
  return (
    <section className="card pb-box" aria-labelledby="import-title">
      <h2 id="import-title">Import a Markdown checklist</h2>
      <form onSubmit={submit} className="stack">
        <label htmlFor="import-markdown">Markdown checklist</label>
        <textarea
          id="import-markdown"
          rows={8}
          value={text}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
        />
        <label>
          Or pick a file
          <input type="file" accept=".md,.markdown,.txt,text/*" onChange={(e) => void pick(e)} />
        </label>
        <ErrorNote error={preview.error} />
        <button type="submit" className="primary" disabled={!text.trim() || preview.isPending}>
          {preview.isPending ? 'Importing…' : 'Preview the playbook'}
        </button>
      </form>
      {data ? (
        <div className="pb-preview" aria-live="polite">
          <h3>Preview</h3>
          <p className="pb-stats">
            {data.result.stats.items} items in {data.result.stats.phases} phases and{' '}
            {data.result.stats.sections} sections; <strong>{data.result.stats.automated}</strong>{' '}
            automated by a check, {data.result.stats.suggestedRuns} with a suggested command,{' '}
            {data.result.stats.sign} sign-off{data.result.stats.sign === 1 ? '' : 's'}.
          </p>
          <ImportReport result={data.result} />
          {data.lint.problems.length ? (
            <div className="error" role="alert">
              <p>The imported playbook does not compile yet:</p>
              <ul>
                {data.lint.problems.map((p, i) => (
                  <li key={i}>
                    {p.line ? `${p.line}:${p.col ?? 1}: ` : ''}
                    {p.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {canSave ? (
            <div className="pb-save">
              <button
                type="button"
                className="primary"
                disabled={save.isPending || !data.lint.ok}
                onClick={() => save.mutate(data.result.yaml)}
              >
                Save as the project’s playbook
              </button>
              {save.isSuccess ? (
                <p role="status" className="pb-saved">
                  Saved as playbook <code>{save.data.hash.slice(0, 12)}</code>.
                </p>
              ) : null}
              <ErrorNote error={save.error} />
            </div>
          ) : (
            <p className="muted">A release manager or admin of the project can save it.</p>
          )}
          {data.lint.playbook ? (
            <PlaybookView playbook={data.lint.playbook} label="Imported playbook preview" />
          ) : null}
          <details>
            <summary>The gonogo.yaml it became</summary>
            <pre className="output">{data.result.yaml}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  const headings = result.report.headings as HeadingFate[];
  const blanks = result.report.blanks as ImportBlank[];
  const roles = result.report.roles as RoleFlag[];
  return (
    <>
      {result.commandChecks.length ? (
        <details>
          <summary>{result.commandChecks.length} commands that became checks</summary>
          <ul>
            {result.commandChecks.map((c, i) => (
              <li key={i}>
                {c.title} → <code>{c.command}</code>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <details>
        <summary>What became of each of the {headings.length} headings</summary>
        <ScrollTable className="pb-report" head={['Line', 'Heading', 'Became']}>
          {headings.map((h, i) => (
            <tr key={i}>
              <td>{h.line}</td>
              <td>
                {h.depth ? `${'#'.repeat(h.depth)} ` : ''}
                {h.heading}
              </td>
              <td>{h.summary}</td>
            </tr>
          ))}
        </ScrollTable>
      </details>
      {blanks.length ? (
        <div className="pb-blanks">
          <h4>Blanks to fill ({result.report.blanksTotal})</h4>
          <ul>
            {blanks.map((b, i) => (
              <li key={i}>
                <code>
                  {b.line}:{b.col}
                </code>{' '}
                {b.text} <span className="muted">in “{b.context}”</span>
              </li>
            ))}
            {result.report.blanksTotal > blanks.length ? (
              <li>and {result.report.blanksTotal - blanks.length} more</li>
            ) : null}
          </ul>
        </div>
      ) : null}
      {roles.length ? (
        <div className="pb-roles">
          <h4>Roles without members</h4>
          <ul>
            {roles.map((r) => (
              <li key={r.role}>{r.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
