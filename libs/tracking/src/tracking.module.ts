import { Module } from '@nestjs/common';
import { SchedulingModule } from '#libs/scheduling';
import { InitiativesService } from './initiatives.service.js';

@Module({ imports: [SchedulingModule], providers: [InitiativesService], exports: [InitiativesService] })
export class TrackingModule {}
