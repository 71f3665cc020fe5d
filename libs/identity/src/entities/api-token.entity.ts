import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A personal API token for integrations. The token itself is shown once, at creation;
 * only its SHA-256 is kept (a 256-bit random secret needs no slow hash).
 */
@Entity({ name: 'api_token' })
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash!: Buffer;

  /** The first characters of the token, so that its owner can recognise it in a list. */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
