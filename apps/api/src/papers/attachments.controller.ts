import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import {
  AttachmentListResponse,
  AttachmentResponse,
  AttachmentsService,
  AttachmentUploadForm,
  AttachmentVersionForm,
  attachmentDisposition,
  type PaperSubject,
} from '#libs/papers';
import { ParseIdPipe } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { withUploadedFile } from '../http/multipart.js';
import { ApiFile, ApiProblem } from '../openapi/api-docs.js';

/** Everyone who may upload somewhere; which record, in which state, is the service's rule. */
const UPLOADERS = ['bureau_editor', 'bureau_approver', 'secretariat'] as const;

const UPLOAD_ERRORS = [
  ApiProblem(413, 'the file is larger than ATTACHMENT_MAX_BYTES (PAYLOAD_TOO_LARGE)'),
  ApiProblem(
    415,
    'not multipart/form-data (UNSUPPORTED_MEDIA_TYPE), or the bytes are of no allowed type or contradict the name (ATTACHMENT_TYPE_NOT_ALLOWED)',
  ),
];

function uploadRoutes(subject: PaperSubject, path: string, objectRule: 'proposal' | 'any', what: string) {
  @ApiTags('attachments')
  @Controller(path)
  class RecordAttachmentsController {
    constructor(readonly attachments: AttachmentsService) {}

    @Get(':id/attachments')
    @Access.signedIn({ object: objectRule })
    @ApiOperation({ summary: `The attachments of ${what}, every version (visible as the record is)` })
    @ApiOkResponse({ type: AttachmentListResponse })
    list(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
      return this.attachments.list(me, subject, id);
    }

    @Post(':id/attachments')
    @Access.roles(UPLOADERS, { object: objectRule })
    @ApiConsumes('multipart/form-data')
    @ApiBody({ type: AttachmentUploadForm })
    @ApiOperation({
      summary: `Attach a file to ${what} (before 決裁): streamed, type read from the bytes, SHA-256 in the audit entry`,
    })
    @ApiCreatedResponse({ type: AttachmentResponse })
    @(UPLOAD_ERRORS[0])
    @(UPLOAD_ERRORS[1])
    async upload(
      @CurrentPrincipal() me: Principal,
      @Param('id', ParseIdPipe) id: string,
      @Req() req: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
    ) {
      const created = await withUploadedFile(req, (file) => this.attachments.attach(me, subject, id, file));
      reply.status(201);
      return created;
    }
  }
  Object.defineProperty(RecordAttachmentsController, 'name', {
    value: `${subject.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase())}AttachmentsController`,
  });
  return RecordAttachmentsController;
}

export const ProposalAttachmentsController = uploadRoutes('proposal', 'proposals', 'proposal', 'a proposal');
export const ProgressReportAttachmentsController = uploadRoutes(
  'progress_report',
  'progress-reports',
  'any',
  'a progress report',
);
export const MeetingAttachmentsController = uploadRoutes('meeting', 'meetings', 'any', 'a meeting');

/** One attachment: its bytes, a new version, its removal. */
@ApiTags('attachments')
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({
    summary: 'Download the file (streamed), with its name in Content-Disposition (RFC 6266, filename*=UTF-8)',
  })
  @ApiFile(['application/octet-stream'], 'the bytes as stored; Content-Type is the type read from them at upload')
  async download(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Res() reply: FastifyReply) {
    const { view, stream } = await this.attachments.download(me, id);
    return reply
      .header('content-type', view.mediaType)
      .header('content-length', String(view.sizeBytes))
      .header('content-disposition', attachmentDisposition(view.fileName))
      .header('etag', `"${view.sha256}"`)
      .header('cache-control', 'private, no-cache')
      .header('x-content-sha256', view.sha256)
      .send(stream);
  }

  @Post(':id/versions')
  @Access.roles(UPLOADERS)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: AttachmentVersionForm })
  @ApiOperation({ summary: 'Add a new version (after 決裁: the secretariat, with a reason); the previous one is kept' })
  @ApiCreatedResponse({ type: AttachmentResponse })
  @(UPLOAD_ERRORS[0])
  @(UPLOAD_ERRORS[1])
  async addVersion(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const created = await withUploadedFile(req, (file, fields) =>
      this.attachments.addVersion(me, id, fields['reason'], file),
    );
    reply.status(201);
    return created;
  }

  @Delete(':id')
  @HttpCode(204)
  @Access.roles(UPLOADERS)
  @ApiOperation({ summary: 'Remove an attachment with its versions (before 決裁 only)' })
  @ApiNoContentResponse({ description: 'removed, bytes included' })
  async remove(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.attachments.remove(me, id);
  }
}
