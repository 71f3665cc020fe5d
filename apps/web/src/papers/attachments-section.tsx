import { useId, useState } from 'react';
import { ApiProblem, fieldError } from '../api/problem';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { TextArea } from '../ui/field';
import { useFocusOnProblem } from '../ui/focus';
import { Loaded, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import {
  addAttachmentVersion,
  downloadAttachment,
  papersKeys,
  removeAttachment,
  sizeText,
  uploadAttachment,
  useAttachments,
  type Attachment,
  type PaperRecordRef,
} from './papers-queries';

/** What the server takes (it reads the type from the bytes; the browser's list only narrows the picker). */
const ACCEPT = '.pdf,.xlsx,.docx,.pptx,.csv,.png,.jpg,.jpeg';
const KINDS_HINT = 'PDF、Excel（.xlsx）、Word（.docx）、PowerPoint（.pptx）、CSV、PNG、JPEG。1ファイル20MBまで。';

/** A file input with its label, hint and the server's error for `file`, wired like the other fields. */
function FileInput({ label, onFile, error }: { label: string; onFile: (file: File | null) => void; error?: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-std-17B-170 text-solid-gray-900">
        {label}
      </label>
      <p id={`${id}-hint`} className="text-dns-16N-130 text-solid-gray-700">
        {KINDS_HINT}
      </p>
      <input
        id={id}
        type="file"
        accept={ACCEPT}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        className="text-dns-16N-130 file:mr-4 file:rounded-8 file:border-2 file:border-blue-900 file:bg-white file:px-4 file:py-2 file:text-blue-900 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
      {error && (
        <p id={`${id}-error`} className="text-dns-16B-130 text-error-2">
          ＊{error}
        </p>
      )}
    </div>
  );
}

/** The file part's error in the page's words: a wrong type or size is about the file chosen. */
function fileError(error: unknown): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  switch (error.code) {
    case 'ATTACHMENT_TYPE_NOT_ALLOWED':
      return 'この種類のファイルは添付できません。';
    case 'PAYLOAD_TOO_LARGE':
      return 'ファイルが大きすぎます。';
    case 'VALIDATION_FAILED':
      return error.fieldError('file');
    default:
      return undefined;
  }
}

/** Attach a new file (before 決裁, whoever may attach now). */
function UploadForm({ record }: { record: PaperRecordRef }) {
  const [file, setFile] = useState<File | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const upload = useAction(
    (f: File) => uploadAttachment(record, f),
    [record.queryKey],
    (a) => {
      setDone(`「${a.fileName}」を添付しました。`);
      setFile(null);
      setFormKey((k) => k + 1);
    },
  );
  const box = useFocusOnProblem<HTMLFormElement>(upload.error);
  return (
    <form
      ref={box}
      key={formKey}
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        setDone(null);
        if (file) upload.mutate(file);
      }}
    >
      <FileInput label="添付するファイル" onFile={setFile} error={fileError(upload.error)} />
      <div>
        <Button type="submit" disabled={!file || upload.isPending}>
          添付する
        </Button>
      </div>
      <ProblemAlert error={upload.error} fieldLabels={{ file: 'ファイル' }} />
      {done && <Notice tone="success">{done}</Notice>}
    </form>
  );
}

/** A new version of one attachment; after 決裁 only the secretariat, and a reason is required. */
function VersionForm({
  record,
  attachment,
  onClose,
}: {
  record: PaperRecordRef;
  attachment: Attachment;
  onClose: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const add = useAction(
    (v: { file: File; reason: string }) => addAttachmentVersion(attachment.id, v.file, v.reason),
    [record.queryKey],
    onClose,
  );
  const box = useFocusOnProblem<HTMLFormElement>(add.error);
  return (
    <form
      ref={box}
      className="flex flex-col gap-3 rounded-8 border border-solid-gray-300 p-4"
      aria-label={`「${attachment.fileName}」の新しい版`}
      onSubmit={(e) => {
        e.preventDefault();
        if (file) add.mutate({ file, reason });
      }}
    >
      <TextArea
        label="新しい版にする理由"
        required
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={fieldError(add.error, 'reason')}
        rows={2}
      />
      <FileInput label="新しい版のファイル" onFile={setFile} error={fileError(add.error)} />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={!file || add.isPending}>
          新しい版を登録
        </Button>
        <Button variant="secondary" onClick={onClose}>
          やめる
        </Button>
      </div>
      <ProblemAlert error={add.error} fieldLabels={{ file: 'ファイル', reason: '理由' }} />
    </form>
  );
}

function DownloadButton({ attachment }: { attachment: Attachment }) {
  const [failed, setFailed] = useState<unknown>(null);
  return (
    <>
      <Button
        variant="text"
        className="px-0 text-left"
        onClick={() => {
          setFailed(null);
          downloadAttachment(attachment).catch(setFailed);
        }}
      >
        {attachment.fileName}
        <span className="sr-only">をダウンロード</span>
      </Button>
      <ProblemAlert error={failed} />
    </>
  );
}

/**
 * 添付ファイル of a record: every version, the current ones first in each series, with who
 * added it and why; the forms appear only when the API says the caller may use them
 * (`mayAttach`, `mayAddVersion`). After 決裁 nothing is removed: a correction is a new version.
 */
export function AttachmentsSection({ record, title = '添付ファイル' }: { record: PaperRecordRef; title?: string }) {
  const attachments = useAttachments(record);
  const [versioning, setVersioning] = useState<string | null>(null);
  const remove = useAction((id: string) => removeAttachment(id), [record.queryKey, papersKeys.attachments(record)]);
  const sectionId = useId();
  return (
    <Section id={`attachments-${sectionId}`} title={title}>
      <Loaded query={attachments}>
        {(list) => (
          <>
            <DataTable<Attachment>
              caption={`${title}（${list.items.filter((a) => a.current).length}件、過去の版を含めて${list.total}件）`}
              rows={list.items}
              rowKey={(a) => a.id}
              empty="添付ファイルはありません。"
              rowClassName={(a) => (a.current ? 'align-top' : 'align-top text-solid-gray-700')}
              columns={[
                { header: 'ファイル', cell: (a) => <DownloadButton attachment={a} /> },
                { header: '種類', cell: (a) => a.kindLabel, className: 'whitespace-nowrap' },
                { header: '大きさ', cell: (a) => sizeText(a.sizeBytes), className: 'whitespace-nowrap tabular-nums' },
                {
                  header: '版',
                  cell: (a) => `第${a.version}版${a.current ? '' : '（旧版）'}`,
                  className: 'whitespace-nowrap',
                },
                { header: '理由', cell: (a) => a.reason ?? '' },
                {
                  header: '登録',
                  cell: (a) => (
                    <>
                      {a.uploadedBy.displayName}・<InstantText value={a.uploadedAt} />
                    </>
                  ),
                },
                {
                  header: '操作',
                  cell: (a) =>
                    a.current && (list.mayAddVersion || list.mayAttach) ? (
                      <div className="flex flex-wrap gap-2">
                        {list.mayAddVersion && (
                          <Button
                            variant="secondary"
                            onClick={() => setVersioning(a.id)}
                            aria-label={`「${a.fileName}」の新しい版を登録`}
                          >
                            新しい版
                          </Button>
                        )}
                        {list.mayAttach && (
                          <Button
                            variant="danger"
                            onClick={() => remove.mutate(a.id)}
                            disabled={remove.isPending}
                            aria-label={`「${a.fileName}」を削除`}
                          >
                            削除
                          </Button>
                        )}
                      </div>
                    ) : (
                      ''
                    ),
                },
              ]}
            />
            <ProblemAlert error={remove.error} />
            {versioning && list.items.some((a) => a.id === versioning) && (
              <VersionForm
                record={record}
                attachment={list.items.find((a) => a.id === versioning)!}
                onClose={() => setVersioning(null)}
              />
            )}
            {list.mayAttach && <UploadForm record={record} />}
            {!list.mayAttach && !list.mayAddVersion && list.items.length > 0 && (
              <p className="text-dns-16N-130 text-solid-gray-700">添付ファイルは閲覧のみできます。</p>
            )}
          </>
        )}
      </Loaded>
    </Section>
  );
}
