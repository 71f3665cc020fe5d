/**
 * `Content-Disposition: attachment` for a file name in any script (RFC 6266): `filename*`
 * carries the name in UTF-8 (RFC 8187 percent-encoding), and `filename` an ASCII stand-in
 * for the rare client that ignores `filename*` — the extension kept, the rest replaced.
 */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}

/** RFC 8187 value-chars: attr-char stays, every other byte is %XX. */
export function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function asciiFallback(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 ? fileName.slice(dot).replace(/[^A-Za-z0-9.]/g, '') : '';
  const stem = (dot > 0 ? fileName.slice(0, dot) : fileName).replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const cleaned = stem.replace(/_+/g, '_').trim();
  return `${/[A-Za-z0-9]/.test(cleaned) ? cleaned : 'attachment'}${ext}`;
}

/**
 * A file name as given by a browser or a script, made safe to store and to send back:
 * the last path segment only, control characters removed, NFC, at most 255 characters.
 */
export function cleanFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  if (cleaned.length <= 255) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 255 - ext.length) + ext;
}
