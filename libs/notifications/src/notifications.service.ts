import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, pageOf, type Page, type PageQuery } from '#libs/platform';

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

const view = (r: NotificationRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
});

/** In-app notifications: every query is bound to their owner. */
@Injectable()
export class NotificationsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    userId: string,
    query: PageQuery & { unread?: boolean },
  ): Promise<Page<NotificationView> & { unread: number }> {
    const filter = query.unread ? 'AND read_at IS NULL' : '';
    const [{ total, unread }] = await this.dataSource.query<Array<{ total: number; unread: number }>>(
      `SELECT count(*) FILTER (WHERE true ${filter})::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notification WHERE user_id = $1`,
      [userId],
    );
    const rows = await this.dataSource.query<NotificationRow[]>(
      `SELECT * FROM notification WHERE user_id = $1 ${filter} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [userId, query.pageSize, query.offset],
    );
    return { ...pageOf(rows.map(view), total, query), unread };
  }

  async markRead(userId: string, id: string): Promise<NotificationView> {
    const [row] = await this.dataSource.query<NotificationRow[]>(
      `WITH r AS (UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING *) SELECT * FROM r`,
      [id, userId],
    );
    if (!row) throw new NotFoundError('The notification');
    return view(row);
  }
}
