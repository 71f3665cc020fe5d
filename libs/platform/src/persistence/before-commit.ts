import type { EntityManager, QueryRunner } from 'typeorm';

type Task = () => Promise<void>;

const queues = new WeakMap<QueryRunner, Task[]>();

/** Opens the before-commit queue of a transaction (withTransaction does this). */
export function openBeforeCommit(manager: EntityManager): void {
  if (manager.queryRunner) queues.set(manager.queryRunner, []);
}

/**
 * Work to run as the last statements of the transaction, right before COMMIT. The audit
 * log uses it: appending locks the chain head until commit, so the append must come last
 * to keep that lock (which every writer queues on) as short as possible.
 */
export function beforeCommit(manager: EntityManager, task: Task): void {
  const queue = manager.queryRunner ? queues.get(manager.queryRunner) : undefined;
  if (!queue) throw new Error('this write needs a transaction opened by withTransaction()');
  queue.push(task);
}

/** Runs the queued work in order; called by withTransaction once the work is done. */
export async function runBeforeCommit(manager: EntityManager): Promise<void> {
  const runner = manager.queryRunner;
  const queue = runner ? queues.get(runner) : undefined;
  if (!runner || !queue) return;
  while (queue.length > 0) await queue.shift()!();
  queues.delete(runner);
}
