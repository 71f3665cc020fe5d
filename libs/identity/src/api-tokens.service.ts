import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, NotFoundError, withTransaction } from '#libs/platform';
import type { Principal } from './access/principal.js';
import { TokenService } from './auth/token.service.js';
import type { CreateApiTokenDto } from './dto/identity.dto.js';
import { SecurityEventsService, type RequestOrigin } from './security-events.service.js';
import type { ApiTokenView } from './views.js';

interface Row {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const view = (r: Row): ApiTokenView => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: iso(r.created_at)!,
  expiresAt: iso(r.expires_at),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

/** Personal API tokens: every query is bound to the owner, so another's token is simply not found. */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly events: SecurityEventsService,
  ) {}

  async create(
    owner: Principal,
    dto: CreateApiTokenDto,
    origin: RequestOrigin,
  ): Promise<ApiTokenView & { token: string }> {
    const { token, hash, prefix } = this.tokens.newApiToken();
    return withTransaction(this.dataSource, async (m) => {
      const [row]: Row[] = await m.query(
        `INSERT INTO api_token (user_id, name, token_hash, prefix, expires_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
         RETURNING id, name, prefix, created_at, expires_at, last_used_at, revoked_at`,
        [owner.id, dto.name, hash, prefix, dto.expiresInDays ?? null],
      );
      await this.events.record(
        m,
        {
          kind: 'token.created',
          actorUserId: owner.id,
          subjectUserId: owner.id,
          username: owner.user.username,
          details: { tokenId: row.id, name: dto.name },
        },
        origin,
      );
      return { ...view(row), token };
    });
  }

  async list(owner: Principal): Promise<ApiTokenView[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_token WHERE user_id = $1 ORDER BY created_at DESC`,
      [owner.id],
    );
    return rows.map(view);
  }

  async revoke(owner: Principal, id: string, origin: RequestOrigin): Promise<void> {
    await withTransaction(this.dataSource, async (m) => {
      const { affected } = await execute(
        m,
        `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2`,
        [id, owner.id],
      );
      if (affected !== 1) throw new NotFoundError('The API token');
      await this.events.record(
        m,
        {
          kind: 'token.revoked',
          actorUserId: owner.id,
          subjectUserId: owner.id,
          username: owner.user.username,
          details: { tokenId: id },
        },
        origin,
      );
    });
  }
}
