import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { REGION, synth } from './synth.ts';

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
