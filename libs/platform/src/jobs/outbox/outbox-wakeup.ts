import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL } from './outbox.service.js';
import { prepared } from '../../persistence/prepared.js';

/** How long wake-ups are gathered into one NOTIFY: a few ms more before an effect is relayed. */
const GATHER_MS = 5;

/**
 * Wakes the outbox relays after outbox rows were committed outside a transaction of ours
 * (a transition's one auto-commit statement), with one NOTIFY for every commit that asked
 * within a few ms, instead of a `pg_notify` in each committing statement.
 *
 * Why: a transaction that notifies takes PostgreSQL's one notification-queue lock at commit
 * and holds it until its commit is flushed, so every notifying commit of the database waits
 * for the one before it (no group commit), and each wakes every listening backend. That is the
 * lock every transition in the city would take while it commits.
 *
 * Exactness: `wake()` is called after the commit has returned. A NOTIFY already on its way
 * may have been sent before that commit, so a wake-up that arrives meanwhile sends one more
 * after it. A NOTIFY that is lost (the process dies, the database is away) costs latency
 * only: the relays poll every OUTBOX_POLL_INTERVAL_MS anyway.
 */
@Injectable()
export class OutboxWakeup implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxWakeup.name);
  /** A NOTIFY is scheduled or on its way. */
  private pending = false;
  /** A commit asked while one was on its way: send another after it. */
  private again = false;
  private flight: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  wake(): void {
    if (this.pending) {
      this.again = true;
      return;
    }
    this.pending = true;
    this.flight = new Promise<void>((resolve) => setTimeout(resolve, GATHER_MS)).then(() => this.send());
  }

  /** Before the pool closes: the wake-up under way is still sent. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flight;
  }

  private async send(): Promise<void> {
    try {
      do {
        this.again = false;
        // Straight from the pool as a prepared statement: under load this runs every few ms, and
        // a query runner (with its entity manager) per NOTIFY was a measurable part of the API's CPU.
        await prepared(this.dataSource.manager, `SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      } while (this.again);
    } catch (error) {
      // The relays' poll finds the rows: a late effect, never a lost one.
      this.logger.warn({ err: error }, 'outbox wake-up not sent; the relays will find the rows at their next poll');
    } finally {
      this.pending = false;
      this.flight = null;
    }
  }
}
