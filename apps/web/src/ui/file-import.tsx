import { useId, useState, type ReactNode } from 'react';
import { FileRejected, IMPORT_FILE_ACCEPT, type FileRowError } from '../api/file-import';
import { rowProblemInJapanese } from '../api/problem';
import { Button } from './button';
import { Notice, ProblemAlert } from './problem';
import { DataTable } from './table';

/** Where one check or apply ended, for the file and the choices it was made with. */
interface Outcome<Result> {
  file: File;
  choices: string;
  checked?: Result;
  applied?: Result;
  rowErrors?: FileRowError[];
  error?: unknown;
}

/**
 * A file imported in two steps, as every import of the application works: the file is checked
 * first (the server's dry run: nothing written), its problems shown as a table of 行・列・問題
 * to fix in the spreadsheet; a clean file is then applied, all rows or none.
 *
 * `fields` are the page's own choices the file is read with (a plan, a kind …), drawn before the
 * file field; `choices` names their current values, so that a result checked under other
 * choices is never offered for applying.
 */
export function FileImport<Result>({
  fileLabel,
  fileHint,
  checkLabel,
  nothingWritten,
  fields,
  choices = '',
  ready = true,
  send,
  checkedNotice,
  applyLabel,
  appliedNotice,
  onApplied,
}: {
  /** The file field's label, naming the formats the server reads. */
  fileLabel: string;
  /** What the file must hold (its columns), read with the field. */
  fileHint?: ReactNode;
  /** The check button: 「内容を確認（まだ…ません）」. */
  checkLabel: string;
  /** Said under a file's problems: 「何も…ていません。」. */
  nothingWritten: string;
  fields?: ReactNode;
  choices?: string;
  /** Whether the choices allow a check at all (a plan is known …). */
  ready?: boolean;
  send: (file: File, dryRun: boolean) => Promise<Result>;
  checkedNotice: (result: Result) => ReactNode;
  applyLabel: (result: Result) => string;
  appliedNotice: (result: Result) => ReactNode;
  onApplied?: (result: Result) => void | Promise<void>;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [outcome, setOutcome] = useState<Outcome<Result> | null>(null);
  const [busy, setBusy] = useState(false);
  const fileId = useId();
  const current = outcome && outcome.file === file && outcome.choices === choices ? outcome : null;

  async function run(dryRun: boolean) {
    if (!file || !ready) return;
    const at = { file, choices };
    setBusy(true);
    setOutcome(null);
    try {
      const result = await send(file, dryRun);
      setOutcome(dryRun ? { ...at, checked: result } : { ...at, applied: result });
      if (!dryRun) await onApplied?.(result);
    } catch (e) {
      setOutcome(
        e instanceof FileRejected && e.rowErrors.length > 0 ? { ...at, rowErrors: e.rowErrors } : { ...at, error: e },
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        {fields}
        <div className="flex flex-col gap-1">
          <label htmlFor={fileId} className="text-std-17B-170">
            {fileLabel}
          </label>
          {fileHint && (
            <p id={`${fileId}-hint`} className="text-dns-16N-130 text-solid-gray-700">
              {fileHint}
            </p>
          )}
          <input
            id={fileId}
            type="file"
            aria-describedby={fileHint ? `${fileId}-hint` : undefined}
            accept={IMPORT_FILE_ACCEPT}
            className="block w-full min-w-0 rounded-8 border border-solid-gray-600 bg-white px-4 py-3 text-std-16N-170 focus:outline-4 focus:outline-offset-2 focus:outline-black"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <div>
          <Button type="submit" disabled={!file || !ready || busy}>
            {checkLabel}
          </Button>
        </div>
      </form>
      <div aria-live="polite" className="flex flex-col gap-4">
        {current?.rowErrors && (
          <>
            <div
              role="alert"
              className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
            >
              {current.rowErrors.length}件の問題があります。ファイルを直してからもう一度確認してください。
              {nothingWritten}
            </div>
            <DataTable
              caption={`ファイルの問題（${current.rowErrors.length}件）`}
              rows={current.rowErrors.map((e, n) => ({ ...e, n }))}
              rowKey={(e) => String(e.n)}
              columns={[
                { header: '行', cell: (e) => e.row, className: 'tabular-nums whitespace-nowrap' },
                { header: '列', cell: (e) => e.column || '—', className: 'whitespace-nowrap' },
                { header: '問題', cell: (e) => rowProblemInJapanese(e.problem), className: 'min-w-48' },
              ]}
            />
          </>
        )}
        {current?.checked !== undefined && (
          <>
            <Notice>{checkedNotice(current.checked)}</Notice>
            <div>
              <Button onClick={() => void run(false)} disabled={busy}>
                {applyLabel(current.checked)}
              </Button>
            </div>
          </>
        )}
        {current?.applied !== undefined && <Notice tone="success">{appliedNotice(current.applied)}</Notice>}
        <ProblemAlert error={current?.error} />
      </div>
    </>
  );
}
