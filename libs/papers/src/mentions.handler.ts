import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveriesService, type Recipient } from '#libs/notifications';
import { AppConfig, OnJob, withTransaction, type JobPayloads } from '#libs/platform';
import { SUBJECT_PATHS, type PaperSubject } from './record-access.js';

/** The mentioning revision, with what the notice says of it. */
interface MentionRow {
  subject_type: PaperSubject;
  subject_id: string;
  body: string;
  recipients: string[];
  author: string;
  title: string;
}

const SUBJECT_LABELS: Record<PaperSubject, string> = { proposal: '提案', progress_report: '進捗報告', meeting: '会議' };

/**
 * Tells the people a comment mentions, on their channels. The recipients were resolved when
 * the comment was written (only people who may see the record); the delivery key is per
 * comment and person, so an edit tells only those newly mentioned, and a retried job no one twice.
 */
@Injectable()
export class MentionsHandler {
  private readonly logger = new Logger(MentionsHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesService,
    private readonly config: AppConfig,
  ) {}

  @OnJob('comment.mentioned')
  async run(p: JobPayloads['comment.mentioned']): Promise<void> {
    await withTransaction(this.dataSource, async (m) => {
      const [row]: Array<MentionRow | undefined> = await m.query(
        `SELECT c.subject_type, c.subject_id, r.body, r.mentions->'recipients' AS recipients, a.display_name AS author,
                coalesce((SELECT title FROM proposal WHERE id = c.subject_id),
                         (SELECT i.code || ' ' || i.title FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id WHERE pr.id = c.subject_id)) AS title
           FROM review_comment c JOIN review_comment_revision r ON r.comment_id = c.id AND r.revision = $2 JOIN app_user a ON a.id = r.editor_id
          WHERE c.id = $1`,
        [p.commentId, p.revision],
      );
      if (!row) {
        this.logger.warn({ ...p }, 'mentioned comment not found');
        return;
      }
      const recipients: Recipient[] = await m.query(
        `SELECT id, username, display_name AS "displayName", email FROM app_user WHERE id = ANY($1) AND active`,
        [row.recipients],
      );
      const subject = row.subject_type;
      const excerpt = row.body.length > 200 ? `${row.body.slice(0, 200)}…` : row.body;
      await this.deliveries.record(m, `mention:${p.commentId}`, recipients, {
        kind: 'comment_mention',
        subject: `【意見・協議】${row.author}さんが${SUBJECT_LABELS[subject]}「${row.title}」であなたに言及しました`,
        body: excerpt,
        link: `${this.config.PUBLIC_BASE_URL}/${SUBJECT_PATHS[subject]}/${row.subject_id}`,
      });
    });
  }
}
