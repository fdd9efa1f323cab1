#!/usr/bin/env node
// The CDK app (cdk.json: "npx tsx bin/app.ts"): the Mastermind stack, checked by cdk-nag's AwsSolutions rules
// (cdk-nag 3 is a CDK policy-validation plugin: a finding that is not acknowledged fails the synth).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MastermindStack } from '../lib/mastermind-stack.ts';

const app = new App();
new MastermindStack(app, 'Mastermind', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
