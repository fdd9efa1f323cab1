/**
 * Local mode: the whole service on one machine with no AWS account. The API's routes on 127.0.0.1 (./http.ts),
 * the store on an embedded dynalite (a DynamoDB on an in-memory LevelDB, the table created with the stack's key
 * schema), Step Functions in-process (./step-functions.ts) running every execution on the local engine, the
 * providers in-process (./providers.ts), and endpoints of its own: POST /local/alarms, that hands an alarm
 * notification to the trigger's code (lambdas/triggers/start.ts) so an alarm can start tasks locally, and
 * POST /local/rehearsals (./rehearsals.ts), that starts a task with its provider calls answered by a scenario.
 * The dashboard's page (web/) is served beside the API when one is given.
 *
 *   const local = await startLocalService({ port: 8080, secrets: await readSecretsFile('secrets.json') });
 *   // ... fetch(`${local.url}/projects/web`) ...
 *   await local.close();
 *
 * Nothing is kept: projects, tasks and executions live as long as the process.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// @ts-expect-error dynalite ships no type declarations
import dynalite from 'dynalite';
import type { ProviderHandler } from '#engine/run';
import type { ServiceConfig } from '#service/config';
import { DEFAULT_SECRET_LAYOUT, type SecretLayout } from '#task/secret-layout';
import type { Log, ServiceDeps } from '#service/deps';
import { cancelCheck } from '#service/cancels';
import { tableDefinition } from '#service/store';
import { jsonTextDepth, MAX_DEPTH } from '#task/depth';
import type { SecretResolver } from '#providers/secrets';
import { handleAlarmEvent } from '../triggers/start.ts';
import { answering, apiListener, BodyTooLarge, listen, readBody, requestTarget } from './http.ts';
import { localProviders } from './providers.ts';
import { REHEARSALS_PATH, rehearsalsListener } from './rehearsals.ts';
import { LocalStepFunctions } from './step-functions.ts';
import type { ExecutionChange } from './step-functions.ts';

/** Where an alarm notification is posted; outside the API's routes (they start with /projects and /hooks). */
export const ALARMS_PATH = '/local/alarms';
/** The largest alarm notification taken (SNS messages are at most 256 KB). */
export const MAX_ALARM_BYTES = 256 * 1024;

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** The configuration local mode runs the service with: ARNs in a made-up account, as Step Functions would hand them out. */
export function localConfig(region = LOCAL_REGION, account = LOCAL_ACCOUNT, secrets: SecretLayout = DEFAULT_SECRET_LAYOUT): ServiceConfig {
  const fn = (provider: string) => `arn:aws:lambda:${region}:${account}:function:mastermind-${provider}`;
  return {
    table: 'mastermind-local',
    stateMachineRoleArn: `arn:aws:iam::${account}:role/mastermind-state-machines`,
    executionLogGroupArn: `arn:aws:logs:${region}:${account}:log-group:/mastermind/executions:*`,
    providers: { ec2: fn('ec2'), ssh: fn('ssh'), chef: fn('chef') },
    stateMachinePrefix: 'mastermind',
    region,
    secrets,
  };
}

export interface LocalServiceOptions {
  /** The API's port on 127.0.0.1; 0 (the default) takes a free one. */
  readonly port?: number;
  /** Where the providers' secrets come from (./providers.ts); SSM through the SDK when left out. */
  readonly secrets?: SecretResolver;
  /** Where each project's secrets lie (tasks, settings and providers check it); the stack's defaults when left out. */
  readonly secretLayout?: SecretLayout;
  /** Answers provider calls; the real providers in-process (with `secrets`) when left out. */
  readonly handler?: ProviderHandler;
  readonly log?: Log;
  readonly now?: () => Date;
  /** Told when an execution starts and when it ends, with its project and task. */
  readonly onExecution?: (event: ExecutionEvent) => void;
  /** Serves the dashboard's paths (`/`, `/dashboard/...`: web/server.ts) beside the API. */
  readonly page?: LocalPage;
}

/** An execution that started or ended, with the project and task its state machine belongs to. */
export interface ExecutionEvent extends ExecutionChange {
  readonly project: string;
  readonly task: string;
}

/** Paths local mode hands to a listener of their own, before the API's routes. */
export interface LocalPage {
  readonly serves: (path: string) => boolean;
  readonly listener: RequestListener;
}

export interface LocalService {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly deps: ServiceDeps;
  readonly stepFunctions: LocalStepFunctions;
  /** Stops running executions (ABORTED), then the API and the store. */
  close(): Promise<void>;
}

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function startDynalite(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = (dynalite as (options: object) => Server)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An alarm notification in any of the shapes a user has at hand, as the trigger Lambda takes it: an SNS event
 * (`{ Records: [{ Sns }] }`) or an EventBridge alarm state change as they are, an SNS HTTP delivery
 * (`{ Type: "Notification", Message }`) or the CloudWatch alarm message itself (`{ AlarmName, NewStateValue, ... }`)
 * wrapped in an SNS event.
 */
export function alarmEventOf(body: unknown): unknown {
  const root = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!root) return body;
  if (root.Type === 'Notification' && typeof root.Message === 'string') return { Records: [{ EventSource: 'aws:sns', Sns: root }] };
  if (typeof root.AlarmName === 'string' && typeof root.NewStateValue === 'string') {
    return { Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: JSON.stringify(root) } }] };
  }
  return body;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<{ value: unknown } | { error: string; status: number }> {
  let body: Buffer;
  try {
    body = await readBody(request, MAX_ALARM_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) return { status: 413, error: `The notification is larger than ${MAX_ALARM_BYTES} bytes.` };
    return { status: 400, error: 'The notification could not be read.' };
  }
  const text = body.toString('utf8');
  if (jsonTextDepth(text) > MAX_DEPTH) return { status: 400, error: `The notification nests deeper than ${MAX_DEPTH} levels.` };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { status: 400, error: 'The notification is not JSON.' };
  }
}

/**
 * POST /local/alarms → handleAlarmEvent; POST /local/rehearsals → ./rehearsals.ts (with `stepFunctions`); the
 * page's paths → `page`; everything else → the API.
 */
export function localListener(deps: ServiceDeps, stepFunctions?: LocalStepFunctions, page?: LocalPage): RequestListener {
  const api = apiListener(deps);
  const rehearsals = stepFunctions ? rehearsalsListener(deps, stepFunctions) : undefined;
  return (request, response) => {
    const path = requestTarget(request.url)?.path;
    if (rehearsals && path === REHEARSALS_PATH) return rehearsals(request, response);
    if (page && path !== undefined && page.serves(path)) return page.listener(request, response);
    if (path !== ALARMS_PATH) return api(request, response);
    answering(response, deps.log, async () => {
      if (request.method !== 'POST') {
        request.resume();
        return reply(response, 405, { error: 'MethodNotAllowed', message: `${ALARMS_PATH} takes POST only.`, details: [] });
      }
      const body = await readJson(request);
      if ('error' in body) {
        request.resume();
        return reply(response, body.status, { error: body.status === 413 ? 'PayloadTooLarge' : 'BadRequest', message: body.error, details: [] });
      }
      try {
        reply(response, 200, await handleAlarmEvent(deps, alarmEventOf(body.value)));
      } catch (error) {
        // A passing failure: the trigger Lambda would be retried; here the caller posts again.
        reply(response, 503, { error: 'ServiceUnavailable', message: (error as Error).message, details: [] });
      }
    });
  };
}

/** The project and task a state machine was published for (its tags); its name when they cannot be read. */
function taskOf(stepFunctions: LocalStepFunctions, stateMachineArn: string): { project: string; task: string } {
  try {
    const { project, task } = stepFunctions.tagsOf(stateMachineArn);
    if (project && task) return { project, task };
  } catch {
    // the state machine was deleted meanwhile
  }
  return { project: '?', task: stateMachineArn.split(':').at(-1) ?? '?' };
}

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const config = localConfig(LOCAL_REGION, LOCAL_ACCOUNT, options.secretLayout);
  const log = options.log ?? quiet;
  const embedded = await startDynalite();
  const dynamo = new DynamoDBClient({ endpoint: embedded.endpoint, region: config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const closers: (() => Promise<void>)[] = [async () => dynamo.destroy(), () => embedded.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    await dynamo.send(new CreateTableCommand(tableDefinition(config.table)));
    const store = { doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), table: config.table };
    const stepFunctions = new LocalStepFunctions({
      // The providers look up cancel requests in the same store the API writes them to.
      handler:
        options.handler ??
        localProviders({ layout: config.secrets, cancels: cancelCheck(store), ...(options.secrets ? { secrets: options.secrets } : {}) }),
      region: config.region,
      account: LOCAL_ACCOUNT,
      log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onExecution ? { onExecution: (change: ExecutionChange) => options.onExecution!({ ...change, ...taskOf(stepFunctions, change.stateMachineArn) }) } : {}),
    });
    const deps: ServiceDeps = {
      store,
      sfn: stepFunctions.client(),
      config,
      log,
      now: options.now ?? (() => new Date()),
    };
    closers.push(() => stepFunctions.close());
    const api = await listen(localListener(deps, stepFunctions, options.page), options.port ?? 0);
    closers.push(() => api.close());
    return { url: api.url, deps, stepFunctions, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
