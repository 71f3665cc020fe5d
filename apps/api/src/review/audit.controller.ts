import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '#libs/identity';
import { AuditCheckpoints, AuditLog, PageQuery, ParseIdPipe, type VerifyResult } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';

class BrokenEntryDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'the entry’s id (empty when the chain head itself disagrees)' }) id!: string;
  @ApiProperty() problem!: string;
}

class VerifyResultDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'entries checked' }) entries!: number;
  @ApiPropertyOptional({ description: 'when ok: the last sequence number' }) lastSeq?: number;
  @ApiPropertyOptional({ type: BrokenEntryDto, description: 'when not ok: the first broken entry' })
  brokenAt?: BrokenEntryDto;
  @ApiProperty({
    description: 'committed entries not yet linked into the chain by the sealer (it links them within a second)',
  })
  unsealed!: number;
}

class CheckpointDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kaikaku-audit-checkpoint/v1' }) format!: string;
  @ApiProperty({ description: 'the last audit entry the checkpoint covers' }) seq!: number;
  @ApiProperty({ description: 'hex SHA-256 chain hash of entry `seq`' }) headHash!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty({ description: 'first 8 bytes (hex) of the SHA-256 of the signing key’s SPKI' }) keyId!: string;
  @ApiProperty({ enum: ['scheduled', 'on_demand'] }) reason!: string;
  @ApiProperty({
    description: 'base64 Ed25519 signature over the canonical JSON of format, seq, headHash, signedAt, keyId',
  })
  signature!: string;
}

class CheckpointPageDto {
  @ApiProperty({ type: [CheckpointDto] }) items!: CheckpointDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

class CheckpointFileDto extends CheckpointDto {
  @ApiProperty({ description: 'SPKI PEM of the signing key (for reference; verification trusts the key it is given)' })
  publicKey!: string;
  @ApiProperty({
    description: 'base64 of the content hashes (32 bytes each) of entries 1…seq, to name a changed entry',
  })
  contentHashes!: string;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  @Get('verify')
  @Access.roles(['admin'])
  @ApiOperation({
    summary: 'Walk the audit log’s hash chain; names the first entry that was changed, removed or reordered',
  })
  @ApiOkResponse({ type: VerifyResultDto })
  verify(): Promise<VerifyResult> {
    return this.audit.verify();
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Sign a checkpoint of the audit log now (the worker also signs one daily)' })
  @ApiCreatedResponse({ type: CheckpointDto })
  create(@CurrentPrincipal() me: Principal): Promise<CheckpointDto> {
    return this.checkpoints.create('on_demand', { id: me.user.id, username: me.user.username });
  }

  @Get('checkpoints')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'The signed checkpoints of the audit log, latest first' })
  @ApiOkResponse({ type: CheckpointPageDto })
  async list(@Query() query: PageQuery): Promise<CheckpointPageDto> {
    const { items, total } = await this.checkpoints.list(query);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  @Get('checkpoints/:id')
  @Access.roles(['admin'])
  @ApiOperation({
    summary:
      'A checkpoint as a file to keep outside the database; `npm run cli -- audit:verify --checkpoint FILE` checks the log against it',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: CheckpointFileDto })
  async export(@Param('id', ParseIdPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.checkpoints.exportFile(id);
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="audit-checkpoint-${file.seq}-${file.signedAt.slice(0, 10)}.json"`,
      )
      .send(JSON.stringify(file, null, 2) + '\n');
  }
}
