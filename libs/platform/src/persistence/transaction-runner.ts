import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { withTransaction, type TransactionOptions } from './with-transaction.js';

/** Injectable face of withTransaction, for services. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return withTransaction(this.dataSource, work, options);
  }
}
