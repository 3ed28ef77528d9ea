// Serves /openapi/v2 and /openapi/v3 documents (built in src/api/openapi).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api/status.js';
import { serveOpenAPI } from '../api/openapi/documents.js';

export function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
  const out = serveOpenAPI({ path, query, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'], method: req.method });
  if (!out) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  res.writeHead(out.status, out.headers);
  res.end(out.body);
}
