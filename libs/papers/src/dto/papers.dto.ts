import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateCommentDto {
  @ApiProperty({
    description: '意見・協議の本文. `@kenko.editor` mentions a person, `@kenko` a unit: they are told.',
    maxLength: 8000,
    example: '@kenko.editor 効果額の根拠を添付してください。',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8000)
  body!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the comment this one answers (same record)' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class EditCommentDto {
  @ApiProperty({ maxLength: 8000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8000)
  body!: string;
}

/** The multipart form of an upload, for the OpenAPI document (the controller reads the stream itself). */
export class AttachmentUploadForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'the file: PDF, xlsx, docx, pptx, CSV (UTF-8 or Shift_JIS), PNG or JPEG; its name is kept',
  })
  file!: unknown;
}

export class AttachmentVersionForm {
  @ApiPropertyOptional({
    description: 'why the new version (required after 決裁); send it before the file',
    maxLength: 2000,
  })
  reason?: string;

  @ApiProperty({ type: 'string', format: 'binary' })
  file!: unknown;
}
