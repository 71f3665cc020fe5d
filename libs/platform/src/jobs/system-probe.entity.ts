import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A pipeline probe: a row written with its job through the outbox, and marked by the
 * worker that runs the job. `kaikaku probe` uses it to show an operator that the whole
 * path (transaction → outbox → relay → queue → worker) is alive.
 */
@Entity({ name: 'system_probe' })
export class SystemProbe {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Simulated work, in milliseconds, so that shutdown with jobs in flight can be exercised. */
  @Column({ name: 'hold_ms', type: 'integer', default: 0 })
  holdMs!: number;

  @CreateDateColumn({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  /** Completed runs of the job; anything but 0 or 1 would be a duplicate. */
  @Column({ name: 'processed_count', type: 'integer', default: 0 })
  processedCount!: number;
}
