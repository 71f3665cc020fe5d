import { ApiProblem } from './problem';

/**
 * Sending a spreadsheet to one of the server's import endpoints (取込, 人事異動の取込): the file
 * goes as it is, never parsed in the browser, and a refused file comes back as its problems per
 * row and column (`rowErrors` of the problem+json answer).
 */

/** One problem of a refused file, where the person finds it in their spreadsheet (the header is row 1). */
export interface FileRowError {
  row: number;
  column: string;
  problem: string;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the file input offers: CSV and Excel, by extension and by type. */
export const IMPORT_FILE_ACCEPT = `.csv,.xlsx,text/csv,${XLSX}`;

/**
 * The request options that send `file` as the raw body. The type comes from the file's name: a
 * browser often gives a CSV no type at all (or Excel's own on Windows), and the server reads the
 * body by this header.
 */
export function rawFileBody(file: File) {
  return {
    body: file as never,
    bodySerializer: (body: unknown) => body as Blob,
    headers: { 'content-type': /\.xlsx$/i.test(file.name) ? XLSX : 'text/csv' },
  };
}

/** A refused file: the server's problem, with the rows it could not take (empty when the refusal is not about rows). */
export class FileRejected extends ApiProblem {
  constructor(
    problem: ApiProblem,
    readonly rowErrors: FileRowError[],
  ) {
    super(problem.status, problem.code, problem.detail, problem.errors, problem.retryAfter);
    this.name = 'FileRejected';
  }
}

/**
 * The answer of an import call made with `rawFileBody`: its result, or a `FileRejected` thrown
 * (carrying the row problems when the server listed any).
 */
export async function fileImportAnswer<Result>(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<Result> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const rows = (error as { rowErrors?: FileRowError[] } | undefined)?.rowErrors;
    throw new FileRejected(await ApiProblem.from(response, error), Array.isArray(rows) ? rows : []);
  }
  return data as Result;
}
