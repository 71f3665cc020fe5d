import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '#libs/platform';
import { DeliveriesService } from './deliveries.service.js';

@Injectable()
export class DeliveryHandler {
  constructor(private readonly deliveries: DeliveriesService) {}

  @OnJob('delivery.send')
  async send({ deliveryId }: JobPayloads['delivery.send']): Promise<void> {
    await this.deliveries.send(deliveryId);
  }
}
