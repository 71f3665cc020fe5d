import type { FileTypeResult } from 'file-type';

/** A kind of file that may be attached: what its bytes say, and the names it may carry. */
export interface FileKind {
  /** Short name shown to people (PDF, Excel …). */
  label: string;
  mediaType: string;
  extensions: readonly string[];
}

/**
 * The allow-list. Types are decided by the bytes (file-type's magic numbers; OOXML by the
 * parts inside the zip), never by the name or the client's Content-Type; the name's
 * extension must then agree, so a renamed executable is refused either way.
 */
export const FILE_KINDS = {
  pdf: { label: 'PDF', mediaType: 'application/pdf', extensions: ['pdf'] },
  xlsx: {
    label: 'Excel',
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  docx: {
    label: 'Word',
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  pptx: {
    label: 'PowerPoint',
    mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  png: { label: 'PNG', mediaType: 'image/png', extensions: ['png'] },
  jpeg: { label: 'JPEG', mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  csv: { label: 'CSV', mediaType: 'text/csv', extensions: ['csv'] },
} as const satisfies Record<string, FileKind>;

export type FileKindName = keyof typeof FILE_KINDS;

const BY_DETECTED_EXT: Record<string, FileKindName> = {
  pdf: 'pdf',
  xlsx: 'xlsx',
  docx: 'docx',
  pptx: 'pptx',
  png: 'png',
  jpg: 'jpeg',
};

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/**
 * CSV has no magic number. It is accepted as text: no NUL byte anywhere, and the whole file
 * decodes as UTF-8 or as Shift_JIS (what Excel writes in Japan). Fed chunk by chunk as the
 * upload streams by, so nothing is held but the decoders' few bytes of state.
 */
export class TextCheck {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly sjis = new TextDecoder('shift_jis', { fatal: true });
  private utf8Ok = true;
  private sjisOk = true;
  private nul = false;

  push(chunk: Uint8Array): void {
    if (this.nul) return;
    if (chunk.includes(0)) {
      this.nul = true;
      return;
    }
    if (this.utf8Ok) this.utf8Ok = decodes(this.utf8, chunk, true);
    if (this.sjisOk) this.sjisOk = decodes(this.sjis, chunk, true);
  }

  /** Whether everything pushed is text (call once, at the end). */
  isText(): boolean {
    if (this.nul) return false;
    if (this.utf8Ok) this.utf8Ok = decodes(this.utf8, new Uint8Array(0), false);
    if (this.sjisOk) this.sjisOk = decodes(this.sjis, new Uint8Array(0), false);
    return this.utf8Ok || this.sjisOk;
  }
}

function decodes(decoder: InstanceType<typeof TextDecoder>, chunk: Uint8Array, stream: boolean): boolean {
  try {
    decoder.decode(chunk, { stream });
    return true;
  } catch {
    return false;
  }
}

export type KindVerdict = { ok: true; kind: FileKindName } | { ok: false; reason: string };

/**
 * The kind of an upload from what its bytes were detected as (`detected`, undefined when no
 * magic number matched) and whether it is text, checked against its name's extension.
 */
export function judgeKind(fileName: string, detected: FileTypeResult | undefined, isText: boolean): KindVerdict {
  const ext = extensionOf(fileName);
  let kind: FileKindName | undefined;
  if (detected) {
    kind = BY_DETECTED_EXT[detected.ext];
    if (!kind) return { ok: false, reason: `the file's content is ${detected.mime}, which may not be attached` };
  } else if (isText) {
    kind = 'csv';
  } else {
    return { ok: false, reason: "the file's content is of no allowed type (PDF, xlsx, docx, pptx, CSV, PNG, JPEG)" };
  }
  const expected: readonly string[] = FILE_KINDS[kind].extensions;
  if (!expected.includes(ext)) {
    return {
      ok: false,
      reason: `the content is ${FILE_KINDS[kind].label} but the name ends in ".${ext}" (expected .${expected.join(' or .')})`,
    };
  }
  return { ok: true, kind };
}
