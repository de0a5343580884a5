/** A non-2xx answer of the API, carrying its JSON error (`{ message, field?, violations? }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiViolation {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ApiErrorBody {
  message?: string;
  field?: string;
  violations?: ApiViolation[];
  [key: string]: unknown;
}

/** A readable message for any thrown value, the API's own message first. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
