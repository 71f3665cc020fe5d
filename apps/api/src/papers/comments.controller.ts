import { Body, Controller, Get, Headers, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import {
  CommentListResponse,
  CommentResponse,
  CommentsService,
  DISCUSSANT_ROLES,
  CreateCommentDto,
  EditCommentDto,
  type CommentSubject,
} from '#libs/papers';
import { ParseIdPipe, versionFromIfMatch } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiIfMatch } from '../openapi/api-docs.js';

function commentRoutes(subject: CommentSubject, path: string, objectRule: 'proposal' | 'any', what: string) {
  @ApiTags('comments')
  @Controller(path)
  class RecordCommentsController {
    constructor(
      readonly comments: CommentsService,
      readonly writes: Writes,
    ) {}

    @Get(':id/comments')
    @Access.signedIn({ object: objectRule })
    @ApiOperation({ summary: `The review comments (意見・協議) on ${what}, oldest first, each with its revisions` })
    @ApiOkResponse({ type: CommentListResponse })
    list(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
      return this.comments.list(me, subject, id);
    }

    @Post(':id/comments')
    @Access.roles(DISCUSSANT_ROLES, { object: objectRule })
    @ApiIdempotencyKey()
    @ApiOperation({ summary: `Comment on ${what}; @user and @unit mentions are told on their channels` })
    @ApiCreatedResponse({ type: CommentResponse })
    post(
      @CurrentPrincipal() me: Principal,
      @Param('id', ParseIdPipe) id: string,
      @Body() dto: CreateCommentDto,
      @Req() req: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
    ) {
      return this.writes.run(req, reply, me, 201, (m) =>
        this.comments.post(m, me, subject, id, dto.body, dto.parentId),
      );
    }
  }
  Object.defineProperty(RecordCommentsController, 'name', {
    value: `${subject.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase())}CommentsController`,
  });
  return RecordCommentsController;
}

export const ProposalCommentsController = commentRoutes('proposal', 'proposals', 'proposal', 'a proposal');
export const ProgressReportCommentsController = commentRoutes(
  'progress_report',
  'progress-reports',
  'any',
  'a progress report',
);

@ApiTags('comments')
@Controller('comments')
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly writes: Writes,
  ) {}

  @Patch(':id')
  @Access.roles(DISCUSSANT_ROLES)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Edit your comment: a new revision, the earlier text kept (If-Match: the revision)' })
  @ApiOkResponse({ type: CommentResponse })
  edit(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: EditCommentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const revision = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.comments.edit(m, me, id, revision, dto.body));
  }
}
