import { Match, Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { MastermindStack } from '../../lib/mastermind-stack.ts';
import { ACCOUNT, REGION, synth, testApp } from './synth.ts';

describe('Api', () => {
  const { stack, template } = synth();
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const proxyIntegration = {
    IntegrationHttpMethod: 'POST',
    Type: 'AWS_PROXY',
    Uri: {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:apigateway:${REGION}:lambda:path/2015-03-31/functions/`, { 'Fn::GetAtt': [id(stack.apiFunction.lambda), 'Arn'] }, '/invocations']],
    },
  };

  it('is a regional REST API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'mastermind', EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  it('requires IAM auth on every method but POST /hooks/{token}, all proxied to the API function', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => {
      const p = (m as { Properties: Record<string, unknown> }).Properties;
      return { method: p.HttpMethod, auth: p.AuthorizationType, parameters: p.RequestParameters, integration: p.Integration };
    });
    expect(methods).toStrictEqual([
      { method: 'ANY', auth: 'AWS_IAM', parameters: undefined, integration: proxyIntegration },
      { method: 'ANY', auth: 'AWS_IAM', parameters: { 'method.request.path.proxy': true }, integration: proxyIntegration },
      { method: 'POST', auth: 'NONE', parameters: { 'method.request.path.token': true }, integration: proxyIntegration },
    ]);
  });

  it('validates request parameters and bodies on every method', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.allResourcesProperties('AWS::ApiGateway::Method', { RequestValidatorId: { Ref: Match.stringLikeRegexp('^ApiValidator') } });
  });

  it('logs access as JSON without request paths, traces, and throttles the stage and, harder, the hooks', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [id(stack.api.accessLogs), 'Arn'] },
        Format: Match.serializedJson(Match.objectEquals({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          user: '$context.identity.user',
          caller: '$context.identity.caller',
          requestTime: '$context.requestTime',
          httpMethod: '$context.httpMethod',
          resourcePath: '$context.resourcePath',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
        })),
      },
      MethodSettings: [
        { DataTraceEnabled: false, HttpMethod: '*', LoggingLevel: 'ERROR', MetricsEnabled: true, ResourcePath: '/*', ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
        {
          DataTraceEnabled: false,
          HttpMethod: 'POST',
          LoggingLevel: 'ERROR',
          MetricsEnabled: true,
          ResourcePath: '/~1hooks~1{token}',
          ThrottlingBurstLimit: 10,
          ThrottlingRateLimit: 5,
        },
      ],
    });
  });

  it('keeps access logs three months', () => {
    expect(template.toJSON().Resources[id(stack.api.accessLogs)]).toStrictEqual({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    });
  });

  it('takes throttling from the stack props', () => {
    const custom = synth({ apiThrottle: { rateLimit: 10, burstLimit: 20 }, hookThrottle: { rateLimit: 1, burstLimit: 2 } });

    custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({ ResourcePath: '/*', ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 }),
        Match.objectLike({ ResourcePath: '/~1hooks~1{token}', ThrottlingBurstLimit: 2, ThrottlingRateLimit: 1 }),
      ],
    });
  });

  it('creates the account\'s API Gateway logging role unless told the account has one', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);

    const without = synth({ apiGatewayCloudWatchRole: false });

    without.template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('granting one project', () => {
  const app = testApp();
  const stack = new MastermindStack(app, 'Mastermind', { env: { account: ACCOUNT, region: REGION } });
  const role = (name: string) => new Role(stack, name, { assumedBy: new AccountRootPrincipal() });
  const webOperator = role('WebOperator');
  const dbViewer = role('DbViewer');
  stack.grantProject(webOperator, 'web');
  stack.grantProject(dbViewer, 'db', { readOnly: true });
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

  /** The execute-api ARN of a method and path of the API's stage, as the template spells it. */
  const invokeArn = (methodAndPath: string) => ({
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, `:execute-api:${REGION}:${ACCOUNT}:`, { Ref: id(stack.api.restApi) }, '/', { Ref: id(stack.api.restApi.deploymentStage) }, methodAndPath],
    ],
  });
  const statementsOf = (grantee: Role) =>
    Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: id(grantee) }] } })).map(
      (p) => (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
    );

  it('lets an operator invoke every method on the project and below it, and nothing else', () => {
    expect(statementsOf(webOperator)).toStrictEqual([
      [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [invokeArn('/*/projects/web'), invokeArn('/*/projects/web/*')] }],
    ]);
  });

  it('lets a read-only viewer GET the project and below it, and nothing else', () => {
    expect(statementsOf(dbViewer)).toStrictEqual([
      [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [invokeArn('/GET/projects/db'), invokeArn('/GET/projects/db/*')] }],
    ]);
  });

  it.each([
    ['/GET/projects/web', true],
    ['/PUT/projects/web/tasks/scale-out', true],
    ['/POST/projects/web/tasks/scale-out/executions/run-1/stop', true],
    ['/GET/projects/web-staging/tasks', false],
    ['/GET/projects/webshop', false],
    ['/GET/projects/db/tasks/failover/executions/run-1', false],
    ['/GET/projects', false],
    ['/POST/hooks/abc', false],
  ])('the web operator\'s resources match %s: %s', (methodAndPath, allowed) => {
    // The method-and-path part of each Resource of the grant, read as IAM reads it (`*`: any characters, `/` included).
    const [[statement]] = statementsOf(webOperator) as [[{ Resource: { 'Fn::Join': [string, unknown[]] }[] }]];
    const patterns = statement.Resource.map((r) => new RegExp(`^${(r['Fn::Join'][1].at(-1) as string).replaceAll('*', '.*')}$`));
    expect(patterns.some((p) => p.test(methodAndPath))).toBe(allowed);
  });

  it('refuses a name that is not a project name, so no pattern can reach past one project', () => {
    expect(() => stack.grantProject(role('Bad'), 'web*')).toThrow(new Error('web* is not a project name (lower-case letters, digits and dashes, at most 64 characters)'));
  });

  it('leaves cdk-nag clean: the project\'s wildcards are acknowledged on the grantee, nothing more', () => {
    const findings = new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5')).map((v) => v.ruleName);
    expect(findings.filter((f) => f.includes('execute-api'))).toStrictEqual([]);
  });
});
