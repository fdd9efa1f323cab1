#!/usr/bin/env node
// The CDK app (cdk.json: "npx tsx bin/app.ts"): the Mastermind stack as the context says (lib/mastermind-app.ts),
// checked by cdk-nag's AwsSolutions rules.
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/mastermind-app.ts';

buildApp(new App());
