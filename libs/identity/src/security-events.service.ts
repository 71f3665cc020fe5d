import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type PageQuery, pageOf, type Page } from '#libs/platform';
import { SecurityEvent, type SecurityEventKind } from './entities/security-event.entity.js';

/** Where a request came from, for the security log. */
export interface RequestOrigin {
  address?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface SecurityEventInput {
  kind: SecurityEventKind;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  username?: string | null;
  details?: Record<string, unknown>;
}

export interface SecurityEventFilter {
  kind?: SecurityEventKind;
  username?: string;
  subjectUserId?: string;
}

/** The security log: written in the same transaction as the change it records. */
@Injectable()
export class SecurityEventsService {
  async record(manager: EntityManager, event: SecurityEventInput, origin: RequestOrigin = {}): Promise<void> {
    await manager.query(
      `INSERT INTO security_event (kind, actor_user_id, subject_user_id, username, details, source_address, user_agent, request_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
      [
        event.kind,
        event.actorUserId ?? null,
        event.subjectUserId ?? null,
        event.username ?? null,
        JSON.stringify(event.details ?? {}),
        origin.address ?? null,
        origin.userAgent?.slice(0, 500) ?? null,
        origin.requestId ?? null,
      ],
    );
  }

  async list(manager: EntityManager, filter: SecurityEventFilter, page: PageQuery): Promise<Page<SecurityEvent>> {
    const qb = manager
      .createQueryBuilder(SecurityEvent, 'e')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC');
    if (filter.kind) qb.andWhere('e.kind = :kind', { kind: filter.kind });
    if (filter.username) qb.andWhere('e.username = :username', { username: filter.username });
    if (filter.subjectUserId) qb.andWhere('e.subject_user_id = :subject', { subject: filter.subjectUserId });
    const [items, total] = await qb.skip(page.offset).take(page.pageSize).getManyAndCount();
    return pageOf(items, total, page);
  }
}
