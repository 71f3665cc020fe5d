import { Injectable } from '@nestjs/common';
import { Metrics } from '#libs/platform';

/**
 * Reminder lateness for the worker's /metrics: reminders still scheduled whose fire time has
 * passed, and by how long the oldest of them is late (the partial index on scheduled fire
 * times answers it).
 */
@Injectable()
export class ReminderMetrics {
  constructor(metrics: Metrics) {
    metrics.countAndAge(
      'kaikaku_reminder',
      'reminders past their fire time and not sent yet',
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(fire_at)), 0)::float8 AS age FROM reminder WHERE status = 'scheduled' AND fire_at < now()`,
      { count: 'overdue', age: 'lateness_seconds' },
    );
  }
}
