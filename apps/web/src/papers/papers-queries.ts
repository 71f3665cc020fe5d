import { useQuery, type QueryKey } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import { ApiProblem } from '../api/problem';
import type { components } from '../api/schema';

/** The records that carry working papers on these pages. */
export type PaperSubject = 'proposal' | 'progress_report';

export type Attachment = components['schemas']['AttachmentResponse'];
export type AttachmentList = components['schemas']['AttachmentListResponse'];
export type ReviewComment = components['schemas']['CommentResponse'];
export type CommentList = components['schemas']['CommentListResponse'];

/**
 * Where a record's papers sit in the query cache: under the record's own key (a proposal's
 * ['proposals', id], a report's under its initiative's reports), so that a transition, which
 * invalidates the record, also re-reads what the caller may do with its papers.
 */
export interface PaperRecordRef {
  subject: PaperSubject;
  id: string;
  queryKey: QueryKey;
}

const attachmentsKey = (r: PaperRecordRef) => [...r.queryKey, 'attachments'];
const commentsKey = (r: PaperRecordRef) => [...r.queryKey, 'comments'];
export const papersKeys = { attachments: attachmentsKey, comments: commentsKey };

export function useAttachments(r: PaperRecordRef) {
  return useQuery({
    queryKey: attachmentsKey(r),
    queryFn: (): Promise<AttachmentList> =>
      r.subject === 'proposal'
        ? answer(api.GET('/api/v1/proposals/{id}/attachments', { params: { path: { id: r.id } } }))
        : answer(api.GET('/api/v1/progress-reports/{id}/attachments', { params: { path: { id: r.id } } })),
  });
}

export function useComments(r: PaperRecordRef) {
  return useQuery({
    queryKey: commentsKey(r),
    queryFn: (): Promise<CommentList> =>
      r.subject === 'proposal'
        ? answer(api.GET('/api/v1/proposals/{id}/comments', { params: { path: { id: r.id } } }))
        : answer(api.GET('/api/v1/progress-reports/{id}/comments', { params: { path: { id: r.id } } })),
  });
}

/**
 * The multipart body of an upload. The generated body type names the file part as a string
 * (OpenAPI's `format: binary`); the browser's FormData carries the File itself, and sets the
 * Content-Type with its boundary.
 */
function formOf(file: File, reason?: string): () => FormData {
  return () => {
    const form = new FormData();
    // The reason first: the server reads the fields that come before the file.
    if (reason !== undefined) form.append('reason', reason);
    form.append('file', file, file.name);
    return form;
  };
}

export function uploadAttachment(r: PaperRecordRef, file: File): Promise<Attachment> {
  const options = { params: { path: { id: r.id } }, body: { file: file.name }, bodySerializer: formOf(file) };
  return r.subject === 'proposal'
    ? answer(api.POST('/api/v1/proposals/{id}/attachments', options))
    : answer(api.POST('/api/v1/progress-reports/{id}/attachments', options));
}

export function addAttachmentVersion(attachmentId: string, file: File, reason: string): Promise<Attachment> {
  return answer(
    api.POST('/api/v1/attachments/{id}/versions', {
      params: { path: { id: attachmentId } },
      body: { file: file.name, reason },
      bodySerializer: formOf(file, reason),
    }),
  );
}

export async function removeAttachment(attachmentId: string): Promise<void> {
  const { response, error } = await api.DELETE('/api/v1/attachments/{id}', { params: { path: { id: attachmentId } } });
  if (!response.ok) throw await ApiProblem.from(response, error);
}

/**
 * Saves the file under its own (Japanese) name. The API streams it; the browser holds it as a
 * Blob only because the bearer token lives in memory and a plain link could not carry it.
 */
export async function downloadAttachment(a: Attachment): Promise<void> {
  const { data, response } = await api.GET('/api/v1/attachments/{id}', {
    params: { path: { id: a.id } },
    parseAs: 'blob',
  });
  if (!response.ok || !(data instanceof Blob)) throw await ApiProblem.from(response, null);
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = a.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function postComment(r: PaperRecordRef, body: string, parentId?: string): Promise<ReviewComment> {
  const options = { params: { path: { id: r.id } }, body: { body, ...(parentId ? { parentId } : {}) } };
  return r.subject === 'proposal'
    ? answer(api.POST('/api/v1/proposals/{id}/comments', options))
    : answer(api.POST('/api/v1/progress-reports/{id}/comments', options));
}

/** An edit names the revision it was written against (If-Match): someone else's newer edit is a 412. */
export function editComment(c: ReviewComment, body: string): Promise<ReviewComment> {
  return answer(
    api.PATCH('/api/v1/comments/{id}', {
      params: { path: { id: c.id }, header: { 'If-Match': `"${c.revision}"` } },
      body: { body },
    }),
  );
}

/** 1,234 B / 12.3 KB / 4.5 MB, for a file's size beside its name. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
