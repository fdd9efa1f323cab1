/**
 * The CDK app's settings from its context, so the stack deploys with no code edit:
 *
 *   npx cdk deploy                                     one stack "Mastermind", providers outside any VPC
 *   -c stackName=Mastermind-Staging                    a second stack beside it (its own state machine prefix
 *                                                      and log group)
 *   -c vpcId=vpc-1 -c subnetIds=subnet-a,subnet-b      the ssh and chef providers in those subnets
 *   -c securityGroupIds=sg-1,sg-2                      ... with those security groups
 *   -c stateMachinePrefix=ops                          the first part of every state machine name
 *   -c secretsPath=/mastermind/                        the SSM path secrets live under (<path><project>/...)
 *   -c sharedSecretsPath=/mastermind/_shared/          secrets every project may name
 *   -c instanceRoleArns=arn:aws:iam::1:role/web,...    the roles launch may hand to instances
 *
 * Nothing is looked up in the account: synth stays offline whatever is given.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Node } from 'constructs';
import { MastermindStack, type MastermindStackProps } from './mastermind-stack.ts';

export const DEFAULT_STACK_NAME = 'Mastermind';

/** The context keys the app reads. */
export const CONTEXT_KEYS = ['stackName', 'vpcId', 'subnetIds', 'securityGroupIds', 'stateMachinePrefix', 'secretsPath', 'sharedSecretsPath', 'instanceRoleArns'] as const;

/** A list given on the command line ("a,b" or "a, b") or as a JSON list in cdk.json. */
function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value).trim();
}

export interface AppSettings {
  readonly stackName: string;
  readonly props: MastermindStackProps;
}

/** The stack name and props the context asks for; throws with every problem when it is inconsistent. */
export function settingsFromContext(node: Node): AppSettings {
  const get = (key: (typeof CONTEXT_KEYS)[number]) => node.tryGetContext(key) as unknown;
  const stackName = text(get('stackName')) || DEFAULT_STACK_NAME;
  const vpcId = text(get('vpcId'));
  const subnetIds = list(get('subnetIds'));
  const securityGroupIds = list(get('securityGroupIds'));
  const problems: string[] = [];
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) problems.push(`stackName "${stackName}" is not a CloudFormation stack name (a letter, then letters, digits and dashes, at most 128)`);
  if (vpcId === undefined && (subnetIds !== undefined || securityGroupIds !== undefined)) problems.push('subnetIds and securityGroupIds need vpcId');
  if (vpcId !== undefined && subnetIds === undefined) problems.push('vpcId needs subnetIds (the subnets the ssh and chef providers run in)');
  if (problems.length > 0) throw new Error(`Context: ${problems.join('; ')}.`);
  const prefix = text(get('stateMachinePrefix'));
  const secretsPath = text(get('secretsPath'));
  const sharedSecretsPath = text(get('sharedSecretsPath'));
  const instanceRoleArns = list(get('instanceRoleArns'));
  return {
    stackName,
    props: {
      ...(vpcId !== undefined ? { network: { vpcId, subnetIds: subnetIds!, ...(securityGroupIds ? { securityGroupIds } : {}) } } : {}),
      ...(prefix ? { stateMachinePrefix: prefix } : {}),
      ...(secretsPath ? { secretsPath } : {}),
      ...(sharedSecretsPath ? { sharedSecretsPath } : {}),
      ...(instanceRoleArns ? { instanceRoleArns } : {}),
    },
  };
}

/** The app: one stack as the context says, checked by cdk-nag's AwsSolutions rules. */
export function buildApp(app: App): MastermindStack {
  const { stackName, props } = settingsFromContext(app.node);
  const stack = new MastermindStack(app, stackName, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    ...props,
  });
  // cdk-nag 3 is a CDK policy-validation plugin: a finding that is not acknowledged fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
