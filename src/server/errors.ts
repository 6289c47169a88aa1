// The API's one error shape, {"error": {type, code, message, param?}}, as a throwable. Routes throw
// ApiHttpError; src/server/error-handler.ts turns it (and fastify's own errors) into the response.
import { unknownTypeMessage } from '../domain/event-types.js';
import type { ApiErrorBody, ApiErrorType } from '../contract/v1.js';

export class ApiHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiHttpError';
  }

  toBody(): ApiErrorBody {
    return { error: { type: this.type, code: this.code, message: this.message, ...(this.param ? { param: this.param } : {}) } };
  }
}

export function badRequest(message: string, param?: string, code = 'parameter_invalid'): ApiHttpError {
  return new ApiHttpError(400, 'invalid_request_error', code, message, param);
}

/** An exact event type is required (no wildcard): the message lists the valid ones. */
export function unknownEventType(type: string, param = 'type'): ApiHttpError {
  return badRequest(unknownTypeMessage(type, false), param, 'event_type_invalid');
}

export function notFound(what: string, id: string, param = 'id'): ApiHttpError {
  return new ApiHttpError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);
}

export function conflict(message: string, code: string, param?: string): ApiHttpError {
  return new ApiHttpError(409, 'invalid_request_error', code, message, param);
}

// Conflicts every store raises the same way. The fix names the CLI command (the dashboard has the button).
export function endpointDisabled(id: string): ApiHttpError {
  return conflict(`Webhook endpoint ${id} is disabled: enable it first (\`propitbox webhooks enable ${id}\`, or Enable in the dashboard)`, 'endpoint_disabled', 'endpoint_id');
}

export function duplicateEventId(id: string): ApiHttpError {
  return conflict(`An event with id '${id}' already exists: send it again with \`propitbox events resend ${id}\`, or leave the id out to get a new one`, 'resource_exists', 'id');
}

export function unauthorized(message: string): ApiHttpError {
  return new ApiHttpError(401, 'authentication_error', 'invalid_api_key', message);
}
