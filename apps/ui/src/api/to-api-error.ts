import { ApiError, type ApiErrorBody } from './api-error.js';
import { notifyUnauthorized } from './auth-store.js';

/** The ApiError of a failed response, with the API's JSON message; a 401 also tells the app to show the login page. */
export async function toApiError(response: Response): Promise<ApiError> {
  if (response.status === 401) notifyUnauthorized();
  let body: ApiErrorBody | undefined;
  const text = await response.text().catch(() => '');
  try {
    body = text ? (JSON.parse(text) as ApiErrorBody) : undefined;
  } catch {
    body = undefined;
  }
  const message = typeof body?.message === 'string' && body.message ? body.message : text.slice(0, 300) || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, body);
}
