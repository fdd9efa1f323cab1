/**
 * The HTTPS API (../shared/DESIGN.md "API"): an API Gateway REST API in front of the API Lambda, which
 * does its own routing (a proxy integration). Every method takes IAM (SigV4) auth except
 * `POST /hooks/{token}`, which outside monitors call: the token in its path is the secret, checked by
 * the API Lambda against the stored hash.
 *
 * Every route that concerns one project carries it in its path (/projects/<project>/...), and the execute-api ARN
 * IAM checks carries the request path even behind `{proxy+}`
 * (arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/projects/web/tasks/...), so a policy on one
 * project's paths grants that project and no other: {@link Api.grantProject}.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NAME_PATTERN } from '../lambdas/task/names.ts';
import { acknowledge, acknowledgeWildcards } from './nag.ts';

export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests in a burst. */
  readonly burstLimit: number;
}

export interface ApiProps {
  /** The API Lambda, integrated as a proxy. */
  readonly handler: IFunction;
  /** Throttling of the whole stage. @default { rateLimit: 50, burstLimit: 100 } */
  readonly throttle?: Throttle;
  /** Throttling of `POST /hooks/{token}`, the unauthenticated route. @default { rateLimit: 5, burstLimit: 10 } */
  readonly hookThrottle?: Throttle;
  /** @default 'v1' */
  readonly stageName?: string;
  /** How long access logs are kept. @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /**
   * Create the account-wide role API Gateway writes execution logs with. Turn off when the account
   * already has one (AWS::ApiGateway::Account is one per account and region). @default true
   */
  readonly cloudWatchRole?: boolean;
}

export interface ProjectGrantOptions {
  /** GET only: the project, its tasks, versions and executions, nothing that changes or starts anything. @default false */
  readonly readOnly?: boolean;
}

export class Api extends Construct {
  readonly restApi: RestApi;
  readonly accessLogs: LogGroup;
  /** The base URL of the deployed stage. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    const hookThrottle = props.hookThrottle ?? { rateLimit: 5, burstLimit: 10 };
    const cloudWatchRole = props.cloudWatchRole ?? true;

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: 'mastermind',
      description: 'Mastermind: projects, tasks, executions and hooks',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole,
      // Other APIs of the account log through this role too: it outlives the stack.
      cloudWatchRoleRemovalPolicy: cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        tracingEnabled: true,
        // The access log names the route template (/hooks/{token}), never the path: hook tokens stay out of logs.
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // full request logs would hold hook tokens and task sources
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        methodOptions: {
          '/hooks/{token}/POST': {
            throttlingRateLimit: hookThrottle.rateLimit,
            throttlingBurstLimit: hookThrottle.burstLimit,
            loggingLevel: MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
            metricsEnabled: true,
          },
        },
      },
    });

    const integration = new LambdaIntegration(props.handler, { proxy: true });
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.restApi,
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    this.restApi.root.addMethod('ANY', integration, { requestValidator: validator });
    this.restApi.root.addResource('{proxy+}').addMethod('ANY', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.path.proxy': true },
    });
    const hook = this.restApi.root.addResource('hooks').addResource('{token}').addMethod('POST', integration, {
      authorizationType: AuthorizationType.NONE,
      requestValidator: validator,
      requestParameters: { 'method.request.path.token': true },
    });

    this.url = this.restApi.url;

    acknowledge(hook, 'AwsSolutions-APIG4', 'Hooks are called by outside monitors without AWS credentials; the secret token in the path is checked against its stored hash.');
    acknowledge(hook, 'AwsSolutions-COG4', 'Hooks are authenticated by their secret token, not by a user pool.');
    acknowledge(this.restApi, 'AwsSolutions-COG4', 'Every other method uses IAM (SigV4) authorization; Mastermind has no user pool.');
    acknowledge(this.restApi, 'AwsSolutions-APIG3', 'IAM-authorized API with stage and hook throttling; associate a WAF web ACL per deployment where the account requires one.');
    if (cloudWatchRole) {
      acknowledge(
        this.restApi,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The account-wide API Gateway logging role uses AmazonAPIGatewayPushToCloudWatchLogs, the policy API Gateway documents for it.',
      );
    }
  }

  /**
   * Lets a principal call the routes of one project (execute-api:Invoke on `/projects/<project>` and
   * `/projects/<project>/*` of this API's stage): every method (an operator: settings, tasks, starts, stops,
   * hooks), or GET only with `readOnly` (a viewer). Nothing of another project, whatever its name starts with.
   */
  grantProject(grantee: IGrantable, project: string, options: ProjectGrantOptions = {}): Grant {
    if (!NAME_PATTERN.test(project)) {
      throw new Error(`${project} is not a project name (lower-case letters, digits and dashes, at most 64 characters)`);
    }
    const method = options.readOnly ? 'GET' : '*';
    const stage = this.restApi.deploymentStage.stageName;
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [`/projects/${project}`, `/projects/${project}/*`].map((path) => this.restApi.arnForExecuteApi(method, path, stage)),
    });
    if (Construct.isConstruct(grantee)) {
      acknowledgeWildcards(grantee, grant.principalStatements, `The wildcards stay inside project ${project}'s paths of this API's stage (${options.readOnly ? 'GET' : 'every method'}).`);
    }
    return grant;
  }
}
