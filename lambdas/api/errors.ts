/**
 * Errors → responses: every bad request gets a 4xx with a JSON body { error, message, details }. Only a
 * fault of the service itself is a 500, and its body says nothing about the inside.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ServiceError, VersionConflictError } from '#service/errors';
import type { ServiceErrorCode } from '#service/errors';
import type { Log } from '#service/deps';
import { HttpError, json } from './http.ts';

export const STATUS: Readonly<Record<ServiceErrorCode, number>> = {
  BadRequest: 400,
  InvalidTask: 400,
  InvalidParams: 400,
  InvalidSettings: 400,
  NotFound: 404,
  VersionConflict: 409,
  Conflict: 409,
  PayloadTooLarge: 413,
  StateMachineRejected: 422,
  UpstreamFailure: 502,
};

export function errorResponse(error: unknown, log: Log): APIGatewayProxyResult {
  if (error instanceof HttpError) {
    return json(error.status, { error: error.code, message: error.message, details: error.details }, error.headers);
  }
  if (error instanceof ServiceError) {
    const status = STATUS[error.code];
    if (status >= 500) log.error('request failed upstream', { error: { code: error.code, message: error.message } });
    const headers: Record<string, string> =
      error instanceof VersionConflictError && error.currentVersion !== undefined ? { ETag: `"${error.currentVersion}"` } : {};
    return json(status, { error: error.code, message: error.message, details: error.details }, headers);
  }
  log.error('request failed', { error: { name: (error as Error)?.name, message: (error as Error)?.message, stack: (error as Error)?.stack } });
  return json(500, { error: 'InternalError', message: 'The service failed; the request may be retried.', details: [] });
}
