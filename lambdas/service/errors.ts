/**
 * The service's errors. Each names what went wrong for the caller; the API maps them to status codes
 * (lambdas/api/errors.ts). Anything else thrown is a fault of the service itself.
 */

/** One thing wrong with a request: where (a place such as `params.count` or `plot[1].with.host`) and why. */
export interface ErrorDetail {
  readonly place: string;
  readonly message: string;
  readonly code?: string;
  readonly line?: number;
  readonly column?: number;
}

export type ServiceErrorCode =
  | 'BadRequest'
  | 'InvalidTask'
  | 'InvalidParams'
  | 'InvalidSettings'
  | 'NotFound'
  | 'VersionConflict'
  | 'Conflict'
  | 'PayloadTooLarge'
  | 'StateMachineRejected'
  | 'UpstreamFailure';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const notFound = (message: string): ServiceError => new ServiceError('NotFound', message);
export const badRequest = (message: string, details: readonly ErrorDetail[] = []): ServiceError =>
  new ServiceError('BadRequest', message, details);

/** Two saves of one task raced, or If-Match named a version that is no longer current. */
export class VersionConflictError extends ServiceError {
  constructor(
    readonly currentVersion: number | undefined,
    message: string,
  ) {
    super('VersionConflict', message, [
      { place: 'version', message: currentVersion === undefined ? 'the task does not exist' : `the current version is ${currentVersion}` },
    ]);
  }
}
