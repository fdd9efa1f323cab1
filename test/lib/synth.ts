/**
 * Builds the Mastermind stack for assertion tests: bundling skipped (no esbuild run, no entry compiled),
 * a fixed account and region so ARNs read plainly.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { MastermindStack, type MastermindStackProps } from '../../lib/mastermind-stack.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export function synth(props: MastermindStackProps = {}, app = testApp()): { app: App; stack: MastermindStack; template: Template } {
  const stack = new MastermindStack(app, 'Mastermind', { env: { account: ACCOUNT, region: REGION }, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

/** The stack with its providers in a VPC of a network stack of the same app. */
export function synthInVpc(props: MastermindStackProps = {}): ReturnType<typeof synth> & { vpc: Vpc } {
  const app = testApp();
  const network = new Stack(app, 'Network', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new Vpc(network, 'Vpc', { maxAzs: 2 });
  return { ...synth({ vpc, vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS }, ...props }, app), vpc };
}

/** An ARN as the template spells it: `arn:` + the partition + the rest. */
export function arn(rest: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

/** A resource's logical id in the stack's template. */
export function logicalId(stack: MastermindStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<MastermindStack['getLogicalId']>[0]);
}

/** The statements of the inline policy whose construct path ends in `pathSuffix` (e.g. "Providers/Ec2/Secrets"). */
export function policyStatements(template: Template, stack: MastermindStack, pathSuffix: string): unknown[] {
  const policy = stack.node.findAll().find((c) => c.node.path.endsWith(`/${pathSuffix}`));
  if (!policy) throw new Error(`no construct at */${pathSuffix}`);
  const id = logicalId(stack, policy);
  const resource = template.toJSON().Resources[id] as { Properties: { PolicyDocument: { Statement: unknown[] } } };
  return resource.Properties.PolicyDocument.Statement;
}
