/**
 * cdk-nag acknowledgements (cdk-nag 3: CDK's `Validations.of(scope).acknowledge`). An acknowledgement
 * covers its construct and everything below it; a rule that reports several findings (AwsSolutions-IAM5:
 * one per wildcard) is acknowledged one finding at a time, so nothing beyond the named findings is silenced.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
// cdk-nag's own spelling of a resource in a finding ("arn:<AWS::Partition>:...", "<Fn.Arn>:*").
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag rule (or one finding, `Rule[Finding]`) on `scope` and below, saying why. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: rule, reason });
}

/** The AwsSolutions-IAM5 findings of these statements, named as cdk-nag names them ("Action::x*", "Resource::...*"). */
export function wildcardFindings(scope: IConstruct, statements: readonly PolicyStatement[]): string[] {
  const stack = Stack.of(scope);
  const findings = new Set<string>();
  for (const statement of statements) {
    const json = stack.resolve(statement.toStatementJson()) as { Effect: string; Action?: string | string[]; Resource?: unknown };
    if (json.Effect !== 'Allow') continue;
    for (const action of [json.Action ?? []].flat()) if (action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of [json.Resource ?? []].flat()) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) findings.add(`Resource::${flat}`);
    }
  }
  return [...findings];
}

/**
 * Acknowledges AwsSolutions-IAM5 for exactly the wildcards these statements hold, on `scope` (the policy
 * or role that carries them), for the one reason given.
 */
export function acknowledgeWildcards(scope: IConstruct, statements: readonly PolicyStatement[], reason: string): void {
  for (const finding of wildcardFindings(scope, statements)) acknowledge(scope, `AwsSolutions-IAM5[${finding}]`, reason);
}
