import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SECURITY_EVENT_KINDS = [
  'signin.succeeded',
  'signin.failed',
  'token.created',
  'token.revoked',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'grants.changed',
  'password.changed',
  'session.signed_out',
  'session.reuse_detected',
  'transfer.scheduled',
  'transfer.applied',
  'reorganisation.scheduled',
  'reorganisation.applied',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** Who did what to whose access, when, and from where. Readable by admins. */
@Entity({ name: 'security_event' })
export class SecurityEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  kind!: SecurityEventKind;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'subject_user_id', type: 'uuid', nullable: true })
  subjectUserId!: string | null;

  /** The username as typed, for failed sign-ins of names that do not exist. */
  @Column({ type: 'text', nullable: true })
  username!: string | null;

  @Column({ name: 'source_address', type: 'text', nullable: true })
  sourceAddress!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  details!: Record<string, unknown>;
}
