/**
 * The API Lambda: API Gateway REST proxy events → routes → service → responses.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readConfig } from '#service/config';
import { createDeps } from '#service/deps';
import type { ServiceDeps } from '#service/deps';
import { route } from './router.ts';

const logger = new Logger({ serviceName: 'mastermind-api' });
let deps: ServiceDeps | undefined;

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  if (context) logger.addContext(context);
  logger.appendKeys({ method: event.httpMethod, resource: event.resource, requestId: event.requestContext?.requestId });
  deps ??= createDeps(readConfig(), logger);
  return route(event, deps);
}
