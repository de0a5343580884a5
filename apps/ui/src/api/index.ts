// The API surface pages use: `import { api, useApi, type Execution } from '../../api/index.js'`.
export { api, request, toApiError, ApiError, errorMessage, followSse, type ApiErrorBody, type ApiViolation, type Query, type RequestOptions, type SseHandlers } from './client.js';
export { authHeader, setAuthHeader, basicAuth, onUnauthorized, onAuthChange } from './auth-store.js';
export { queryString } from './query-string.js';
export { useApi, type ApiState } from './use-api.js';
export * from './types.js';
