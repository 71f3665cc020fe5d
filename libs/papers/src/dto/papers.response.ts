import { ApiProperty } from '@nestjs/swagger';
import type { AttachmentList, AttachmentView } from '../attachments.service.js';
import type { CommentList, CommentMentions, CommentView } from '../comments.service.js';
import { COMMENT_SUBJECTS, type CommentSubject } from '../comments.service.js';
import { PAPER_SUBJECTS, type PaperSubject } from '../record-access.js';

// The answers of the attachment and comment routes; each class implements its view.

export class PersonRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
}

/** 添付ファイル: one version of an attached document. */
export class AttachmentResponse implements AttachmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PAPER_SUBJECTS }) subject!: PaperSubject;
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ example: '様式第1号_効果額見積.xlsx' }) fileName!: string;
  @ApiProperty({ example: 'application/pdf', description: 'as read from the bytes' }) mediaType!: string;
  @ApiProperty({ example: 'PDF' }) kindLabel!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ example: 'e3b0c442…', description: 'SHA-256 of the bytes, hex (also in the audit entry)' })
  sha256!: string;
  @ApiProperty({ format: 'uuid', description: 'the first version’s id, shared by all versions' }) seriesId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) supersededById!: string | null;
  @ApiProperty({ description: 'whether this is the latest version' }) current!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'why this version (after 決裁)' }) reason!: string | null;
  @ApiProperty({ type: PersonRef }) uploadedBy!: PersonRef;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ example: '/api/v1/attachments/…' }) downloadPath!: string;
}

/** A record's attachments (every version), and what the caller may do with them now. */
export class AttachmentListResponse implements AttachmentList {
  @ApiProperty({ type: [AttachmentResponse] }) items!: AttachmentResponse[];
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'whether the caller may attach a new file now' }) mayAttach!: boolean;
  @ApiProperty({ description: 'whether the caller may add a new version (after 決裁: the secretariat, with a reason)' })
  mayAddVersion!: boolean;
}

export class UnitMentionRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() nameJa!: string;
}

export class CommentMentionsResponse implements CommentMentions {
  @ApiProperty({ type: [PersonRef] }) users!: PersonRef[];
  @ApiProperty({ type: [UnitMentionRef] }) units!: UnitMentionRef[];
}

export class CommentRevisionResponse {
  @ApiProperty() revision!: number;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) writtenAt!: string;
  @ApiProperty({ description: 'username' }) editor!: string;
}

/** 意見・協議: one comment of a record's thread, with its revisions. */
export class CommentResponse implements CommentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: COMMENT_SUBJECTS }) subject!: CommentSubject;
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentId!: string | null;
  @ApiProperty({ type: PersonRef }) author!: PersonRef;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'also the ETag; send it as If-Match to edit' }) revision!: number;
  @ApiProperty({ example: 'returned', description: 'the record’s state when the comment was posted' })
  postedInState!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) editedAt!: string | null;
  @ApiProperty({ type: CommentMentionsResponse }) mentions!: CommentMentionsResponse;
  @ApiProperty({ type: [CommentRevisionResponse] }) revisions!: CommentRevisionResponse[];
}

/** A record's thread of review comments, oldest first, and whether the caller may write in it. */
export class CommentListResponse implements CommentList {
  @ApiProperty({ type: [CommentResponse] }) items!: CommentResponse[];
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'whether the caller may comment (viewers only read)' }) mayComment!: boolean;
}
