import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../roles.js';
import type { TransferImportResult, TransferRowError, TransferView } from '../transfers/personnel-transfers.service.js';
import { UnitNameRef } from './identity.response.js';

class TransferPerson {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
}

/** A 人事異動 as the API shows it. */
export class TransferResponse implements TransferView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: '職員番号' }) employeeNumber!: string | null;
  @ApiProperty({ type: TransferPerson }) user!: TransferPerson;
  @ApiProperty({ type: UnitNameRef, description: '旧所属' }) fromUnit!: UnitNameRef;
  @ApiProperty({ type: UnitNameRef, description: '新所属' }) toUnit!: UnitNameRef;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty({ format: 'date', description: '発令日' }) effectiveOn!: string;
  @ApiProperty({ format: 'date-time', description: '00:00 JST of the 発令日' }) effectiveAt!: string;
  @ApiProperty({ enum: ['scheduled', 'applied', 'cancelled'] }) status!: TransferView['status'];
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the midnight job recorded it' })
  appliedAt!: string | null;
}

export class TransferRowErrorResponse implements TransferRowError {
  @ApiProperty({ description: 'the row as the spreadsheet numbers it (the header is row 1)' }) row!: number;
  @ApiProperty({ example: '新所属' }) column!: string;
  @ApiProperty() problem!: string;
}

export class TransferImportResponse implements TransferImportResult {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() rows!: number;
  @ApiProperty({ description: 'transfers entered (with dryRun: that would be)' }) scheduled!: number;
  @ApiProperty({
    type: [TransferRowErrorResponse],
    description: 'always empty here: a file with problems is a 400 listing them in rowErrors',
  })
  errors!: TransferRowErrorResponse[];
}
