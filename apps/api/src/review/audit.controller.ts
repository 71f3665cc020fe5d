import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog, AuditVerifyResponse, type VerifyResult } from '#libs/platform';
import { Access } from '../access/access.decorator.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get('verify')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Walk the audit log’s hash chain; names the first entry that was changed, removed or reordered' })
  @ApiOkResponse({ type: AuditVerifyResponse })
  verify(): Promise<VerifyResult> {
    return this.audit.verify();
  }
}
