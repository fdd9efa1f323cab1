/**
 * How EC2 API errors become provider errors (codes from the EC2 API reference, "Error codes for the Amazon EC2 API").
 *
 * | EC2 error code                                                       | provider error | why                                    |
 * | -------------------------------------------------------------------- | -------------- | -------------------------------------- |
 * | RequestLimitExceeded, Throttling, ThrottlingException                | Transient      | throttled: the same call later works   |
 * | InternalError, InternalFailure, Unavailable, ServiceUnavailable      | Transient      | EC2's own trouble                      |
 * | Insufficient*Capacity (Instance, Host, Address, Volume, Reserved...) | Failed         | no capacity now: AWS's message kept    |
 * | InstanceLimitExceeded, VcpuLimitExceeded, AddressLimitExceeded, ...  | Failed         | an account quota                       |
 * | IncorrectInstanceState, IncorrectState                               | Failed         | the instance cannot do that now        |
 * | IdempotentParameterMismatch                                          | Failed         | the launch's token was used otherwise  |
 * | InvalidInstanceID.NotFound, InvalidAssociationID.NotFound            | Failed         | the thing acted on is gone             |
 * | Resource.AlreadyAssociated                                           | Failed         | the Elastic IP is in use elsewhere     |
 * | UnauthorizedOperation, AuthFailure, OptInRequired, Blocked, ...      | Failed         | the deployment's IAM role or account   |
 * | InvalidAMIID.*, InvalidSubnetID.*, InvalidGroup.NotFound, ...        | Invalid        | the task names something wrong         |
 * | InvalidParameterValue, InvalidParameterCombination, MissingParameter | Invalid        | the task's input is wrong              |
 * | any other code answered with HTTP 5xx                                | Transient      |                                        |
 * | a network error (ECONNRESET, ETIMEDOUT, TimeoutError, ...)           | Transient      |                                        |
 * | any other code                                                       | Failed         | with AWS's code and message            |
 *
 * The rows themselves are EC2_ERROR_RULES below; a code ending in `.*` matches every code with that prefix.
 */
import { FailedError, InvalidError, ProviderError, TransientError } from '../contract.ts';

export type ErrorKind = 'transient' | 'failed' | 'invalid';

export interface ErrorRule {
  /** An EC2 error code, or a prefix followed by `.*` (InvalidAMIID.* matches InvalidAMIID.NotFound). */
  readonly code: string;
  readonly kind: ErrorKind;
}

export const EC2_ERROR_RULES: readonly ErrorRule[] = [
  // Throttling and EC2's own trouble: try again.
  { code: 'RequestLimitExceeded', kind: 'transient' },
  { code: 'Throttling', kind: 'transient' },
  { code: 'ThrottlingException', kind: 'transient' },
  { code: 'InternalError', kind: 'transient' },
  { code: 'InternalFailure', kind: 'transient' },
  { code: 'Unavailable', kind: 'transient' },
  { code: 'ServiceUnavailable', kind: 'transient' },
  // Capacity and quotas: the move failed; a retreat may pick another path.
  { code: 'InsufficientInstanceCapacity', kind: 'failed' },
  { code: 'InsufficientCapacity', kind: 'failed' },
  { code: 'InsufficientHostCapacity', kind: 'failed' },
  { code: 'InsufficientAddressCapacity', kind: 'failed' },
  { code: 'InsufficientVolumeCapacity', kind: 'failed' },
  { code: 'InsufficientReservedInstanceCapacity', kind: 'failed' },
  { code: 'InstanceLimitExceeded', kind: 'failed' },
  { code: 'VcpuLimitExceeded', kind: 'failed' },
  { code: 'AddressLimitExceeded', kind: 'failed' },
  { code: 'VolumeLimitExceeded', kind: 'failed' },
  { code: 'MaxIOPSLimitExceeded', kind: 'failed' },
  { code: 'NetworkInterfaceLimitExceeded', kind: 'failed' },
  { code: 'PrivateIpAddressLimitExceeded', kind: 'failed' },
  { code: 'AttachmentLimitExceeded', kind: 'failed' },
  // The world is not as the move expects.
  { code: 'IncorrectInstanceState', kind: 'failed' },
  { code: 'IncorrectState', kind: 'failed' },
  { code: 'IdempotentParameterMismatch', kind: 'failed' },
  { code: 'InvalidInstanceID.NotFound', kind: 'failed' },
  { code: 'InvalidAssociationID.NotFound', kind: 'failed' },
  { code: 'Resource.AlreadyAssociated', kind: 'failed' },
  // The deployment's permissions or account: nothing in the task can fix it.
  { code: 'UnauthorizedOperation', kind: 'failed' },
  { code: 'AuthFailure', kind: 'failed' },
  { code: 'OptInRequired', kind: 'failed' },
  { code: 'Blocked', kind: 'failed' },
  { code: 'PendingVerification', kind: 'failed' },
  { code: 'InvalidClientTokenId', kind: 'failed' },
  { code: 'SignatureDoesNotMatch', kind: 'failed' },
  { code: 'ExpiredToken', kind: 'failed' },
  // The task's input: no retry helps.
  { code: 'InvalidAMIID.*', kind: 'invalid' },
  { code: 'InvalidSubnetID.*', kind: 'invalid' },
  { code: 'InvalidSubnet', kind: 'invalid' },
  { code: 'InvalidGroup.NotFound', kind: 'invalid' },
  { code: 'InvalidGroupId.Malformed', kind: 'invalid' },
  { code: 'InvalidSecurityGroupID.NotFound', kind: 'invalid' },
  { code: 'InvalidKeyPair.NotFound', kind: 'invalid' },
  { code: 'InvalidInstanceID.Malformed', kind: 'invalid' },
  { code: 'InvalidAllocationID.*', kind: 'invalid' },
  { code: 'InvalidAssociationID.Malformed', kind: 'invalid' },
  { code: 'InvalidParameterValue', kind: 'invalid' },
  { code: 'InvalidParameter', kind: 'invalid' },
  { code: 'InvalidParameterCombination', kind: 'invalid' },
  { code: 'InvalidParameterDependency', kind: 'invalid' },
  { code: 'MissingParameter', kind: 'invalid' },
  { code: 'InvalidUserData.Malformed', kind: 'invalid' },
  { code: 'InvalidBlockDeviceMapping', kind: 'invalid' },
  { code: 'TagLimitExceeded', kind: 'invalid' },
  { code: 'Unsupported', kind: 'invalid' },
  { code: 'UnsupportedOperation', kind: 'invalid' },
];

/** Node and SDK codes of a request that never got an answer. */
const NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

interface AwsErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The EC2 error code of a thrown SDK error (its name), also when ec2Error has wrapped it; or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof ProviderError) return errorCode(error.cause);
  const name = (error as AwsErrorLike | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Whether a thrown error carries this EC2 code. */
export function hasErrorCode(error: unknown, code: string): boolean {
  return errorCode(error) === code;
}

function ruleFor(code: string): ErrorRule | undefined {
  return EC2_ERROR_RULES.find((rule) =>
    rule.code.endsWith('.*') ? code.startsWith(rule.code.slice(0, -1)) : rule.code === code,
  );
}

function isNetworkError(error: AwsErrorLike): boolean {
  return (
    (typeof error.code === 'string' && NETWORK_ERRORS.has(error.code)) ||
    (typeof error.name === 'string' && NETWORK_ERRORS.has(error.name))
  );
}

function isServerError(error: AwsErrorLike): boolean {
  const status = error.$metadata?.httpStatusCode;
  return error.$fault === 'server' || (typeof status === 'number' && status >= 500);
}

const MAKERS: Record<ErrorKind, new (message: string, options?: { cause?: unknown }) => ProviderError> = {
  transient: TransientError,
  failed: FailedError,
  invalid: InvalidError,
};

/**
 * The provider error for an error thrown by an EC2 call, following the table above. `operation` names the call
 * (RunInstances) in the message; AWS's code and message are kept, since they say what to fix.
 */
export function ec2Error(operation: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as AwsErrorLike;
  const code = errorCode(error) ?? 'Error';
  const text = typeof e.message === 'string' && e.message.length > 0 ? e.message : 'no message';
  const message = `${operation} failed: ${code}: ${text}`;
  const rule = ruleFor(code);
  if (rule) return new MAKERS[rule.kind](message, { cause: error });
  if (isNetworkError(e) || isServerError(e)) return new TransientError(message, { cause: error });
  return new FailedError(message, { cause: error });
}

/** Runs one EC2 call, turning what it throws into a provider error. */
export async function callEc2<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw ec2Error(operation, error);
  }
}
