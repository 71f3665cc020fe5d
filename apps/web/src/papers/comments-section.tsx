import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { fieldError } from '../api/problem';
import { useMe } from '../auth/me';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { TextArea } from '../ui/field';
import { useFocusOnProblem } from '../ui/focus';
import { Loaded, Section } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import {
  editComment,
  papersKeys,
  postComment,
  useComments,
  type PaperRecordRef,
  type ReviewComment,
} from './papers-queries';

const MENTION_HINT =
  '「@ユーザー名」（例：@kenko.editor）で人に、「@組織コード」（例：@kenko）で局・区の職員に知らせます。';
const FIELD_LABELS = { body: '本文', parentId: '返信先' };

/** Write a comment, or a reply to one (`parent`). */
function CommentForm({
  record,
  parent,
  onDone,
}: {
  record: PaperRecordRef;
  parent?: ReviewComment;
  onDone?: () => void;
}) {
  const [body, setBody] = useState('');
  const post = useAction(
    (text: string) => postComment(record, text, parent?.id),
    [papersKeys.comments(record)],
    () => {
      setBody('');
      onDone?.();
    },
  );
  const box = useFocusOnProblem<HTMLFormElement>(post.error);
  return (
    <form
      ref={box}
      className="flex flex-col gap-3"
      aria-label={parent ? `${parent.author.displayName}さんへの返信を書く` : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        post.mutate(body);
      }}
    >
      <TextArea
        label={parent ? '返信' : '意見・協議を書く'}
        hint={MENTION_HINT}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        autoFocus={Boolean(parent)}
        rows={parent ? 2 : 3}
        error={fieldError(post.error, 'body')}
      />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={post.isPending || body.trim() === ''}>
          {parent ? '返信する' : '投稿する'}
        </Button>
        {onDone && (
          <Button variant="secondary" onClick={onDone}>
            やめる
          </Button>
        )}
      </div>
      <ProblemAlert error={post.error} fieldLabels={FIELD_LABELS} />
    </form>
  );
}

/** Only the author edits; the earlier text stays as a revision (If-Match: the revision read). */
function EditForm({ record, comment, onDone }: { record: PaperRecordRef; comment: ReviewComment; onDone: () => void }) {
  const [body, setBody] = useState(comment.body);
  const queries = useQueryClient();
  const edit = useAction((text: string) => editComment(comment, text), [papersKeys.comments(record)], onDone);
  const box = useFocusOnProblem<HTMLFormElement>(edit.error);
  return (
    <form
      ref={box}
      className="flex flex-col gap-3"
      aria-label="意見の編集"
      onSubmit={(e) => {
        e.preventDefault();
        edit.mutate(body);
      }}
    >
      <TextArea
        label="意見を編集"
        hint="編集前の文章も編集履歴として残ります。"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        required
        autoFocus
        rows={3}
        error={fieldError(edit.error, 'body')}
      />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={edit.isPending || body.trim() === ''}>
          編集を保存
        </Button>
        <Button variant="secondary" onClick={onDone}>
          やめる
        </Button>
      </div>
      <ProblemAlert
        error={edit.error}
        fieldLabels={FIELD_LABELS}
        onReload={() => void queries.invalidateQueries({ queryKey: papersKeys.comments(record) })}
      />
    </form>
  );
}

/** One comment with its replies beneath it. */
function CommentItem({
  record,
  comment,
  replies,
  mayComment,
  myId,
  stateLabel,
}: {
  record: PaperRecordRef;
  comment: ReviewComment;
  replies: Map<string, ReviewComment[]>;
  mayComment: boolean;
  myId: string | undefined;
  stateLabel: (state: string) => string | undefined;
}) {
  const [mode, setMode] = useState<'read' | 'reply' | 'edit'>('read');
  const headingId = useId();
  const children = replies.get(comment.id) ?? [];
  const state = comment.postedInState ? stateLabel(comment.postedInState) : undefined;
  return (
    <li className="flex flex-col gap-2">
      <article aria-labelledby={headingId} className="rounded-8 border border-solid-gray-200 p-4">
        <h3 id={headingId} className="text-dns-16B-130">
          {comment.author.displayName}
          <span className="font-normal text-solid-gray-700">
            ・<InstantText value={comment.createdAt} />
            {state && `・${state}のときの意見`}
          </span>
        </h3>
        {mode === 'edit' ? (
          <EditForm record={record} comment={comment} onDone={() => setMode('read')} />
        ) : (
          <p className="mt-2 whitespace-pre-wrap break-words text-std-16N-170">{comment.body}</p>
        )}
        {comment.revisions.length > 1 && (
          <details className="mt-2 text-dns-16N-130">
            <summary>
              編集履歴（{comment.revisions.length}版、最終編集 <InstantText value={comment.editedAt} />）
            </summary>
            <ol className="mt-2 flex flex-col gap-2 pl-4">
              {comment.revisions.map((r) => (
                <li key={r.revision}>
                  <span className="font-bold">第{r.revision}版</span>・<InstantText value={r.writtenAt} />
                  <p className="whitespace-pre-wrap break-words text-solid-gray-800">{r.body}</p>
                </li>
              ))}
            </ol>
          </details>
        )}
        {mode === 'read' && (mayComment || comment.author.id === myId) && (
          <div className="mt-2 flex flex-wrap gap-2">
            {mayComment && (
              <Button
                variant="secondary"
                onClick={() => setMode('reply')}
                aria-label={`${comment.author.displayName}さんの意見に返信`}
              >
                返信
              </Button>
            )}
            {comment.author.id === myId && (
              <Button variant="secondary" onClick={() => setMode('edit')} aria-label="自分の意見を編集">
                編集
              </Button>
            )}
          </div>
        )}
      </article>
      {(children.length > 0 || mode === 'reply') && (
        <div className="ml-6 flex flex-col gap-2 border-l-4 border-solid-gray-200 pl-4">
          {mode === 'reply' && <CommentForm record={record} parent={comment} onDone={() => setMode('read')} />}
          {children.length > 0 && (
            <ol className="flex flex-col gap-2" aria-label={`${comment.author.displayName}さんの意見への返信`}>
              {children.map((c) => (
                <CommentItem
                  key={c.id}
                  record={record}
                  comment={c}
                  replies={replies}
                  mayComment={mayComment}
                  myId={myId}
                  stateLabel={stateLabel}
                />
              ))}
            </ol>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * 意見・協議: the record's thread, visible to exactly those who see the record. Replies sit
 * under what they answer; an edited comment shows its earlier versions; nothing is deleted.
 */
export function CommentsSection({
  record,
  title = '意見・協議',
  stateLabel = () => undefined,
}: {
  record: PaperRecordRef;
  title?: string;
  /** The record's state in words (a comment says in which state it was written). */
  stateLabel?: (state: string) => string | undefined;
}) {
  const comments = useComments(record);
  const me = useMe();
  const sectionId = useId();
  return (
    <Section id={`comments-${sectionId}`} title={title}>
      <Loaded query={comments}>
        {(list) => {
          const replies = new Map<string, ReviewComment[]>();
          for (const c of list.items) if (c.parentId) replies.set(c.parentId, [...(replies.get(c.parentId) ?? []), c]);
          const roots = list.items.filter((c) => !c.parentId || !list.items.some((p) => p.id === c.parentId));
          return (
            <>
              {roots.length === 0 ? (
                <p className="text-std-16N-170 text-solid-gray-700">意見・協議はまだありません。</p>
              ) : (
                <ol className="flex flex-col gap-3" aria-label={`${title}（${list.total}件）`}>
                  {roots.map((c) => (
                    <CommentItem
                      key={c.id}
                      record={record}
                      comment={c}
                      replies={replies}
                      mayComment={list.mayComment}
                      myId={me.data?.id}
                      stateLabel={stateLabel}
                    />
                  ))}
                </ol>
              )}
              {list.mayComment && <CommentForm record={record} />}
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}
