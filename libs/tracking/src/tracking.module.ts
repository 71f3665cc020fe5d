import { Module } from '@nestjs/common';
import { InitiativesService } from './initiatives.service.js';

@Module({ providers: [InitiativesService], exports: [InitiativesService] })
export class TrackingModule {}
