import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class BrokenAuditEntryResponse {
  @ApiProperty() seq!: number;
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'changed, removed or reordered' }) problem!: string;
}

/** The result of walking the audit log's hash chain (VerifyResult: ok with lastSeq, or not ok with brokenAt). */
export class AuditVerifyResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'entries checked' }) entries!: number;
  @ApiPropertyOptional({ description: 'when ok: the last entry of the chain' }) lastSeq?: number;
  @ApiPropertyOptional({ type: BrokenAuditEntryResponse, description: 'when not ok: the first entry at fault' }) brokenAt?: BrokenAuditEntryResponse;
}
