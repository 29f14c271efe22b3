import type { IncomingMessage } from 'node:http';
import type { JsonObject } from './standin-types';

/** Fields the WebClient sends as JSON strings inside form fields (objects and arrays are JSON-encoded). */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Reads a request body as UTF-8 (rejects above `limit` bytes). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ParsedApiRequest {
  args: JsonObject;
  token: string | undefined;
  contentType: string;
  /** Set when the body could not be read as Slack would: the Slack error to answer. */
  parseError: string | undefined;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON-string field into its value; leaves it a string if it is not valid JSON. */
function decodeJsonFields(args: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(args)) {
    if (JSON_FIELDS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value) as unknown;
      } catch {
        out[key] = value;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Parses `/api/<method>` arguments the way Slack accepts them: form-encoded, JSON, or query string. */
export function parseApiRequest(req: IncomingMessage, rawBody: string, query: URLSearchParams): ParsedApiRequest {
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  let args: JsonObject = {};
  let parseError: string | undefined;
  for (const [key, value] of query) args[key] = value;
  if (rawBody.length > 0) {
    if (mediaType === 'application/x-www-form-urlencoded') {
      for (const [key, value] of new URLSearchParams(rawBody)) args[key] = value;
    } else if (mediaType === 'application/json') {
      try {
        const parsed = JSON.parse(rawBody) as unknown;
        if (isJsonObject(parsed)) args = { ...args, ...parsed };
        else parseError = 'invalid_json';
      } catch {
        parseError = 'invalid_json';
      }
    } else if (mediaType === '') {
      parseError = 'missing_post_type';
    } else {
      parseError = 'invalid_post_type';
    }
  }
  const bodyToken = typeof args['token'] === 'string' ? args['token'] : undefined;
  delete args['token'];
  return { args: decodeJsonFields(args), token: bearer(req) ?? bodyToken, contentType, parseError };
}
