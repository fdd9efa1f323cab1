/**
 * Shared pieces of the chef provider tests: an admin API client on the test goiardi, nodes made through the
 * API, and provider events.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { chefActions } from '#providers/chef/actions';
import { ChefApi } from '#providers/chef/client';
import type { NodeSettings } from '#providers/chef/node-setup';
import { createProviderHandler } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import { marksOf } from '../../support/secret-marks.ts';
import type { ProviderEvent } from '#providers/contract';
import type { Goiardi } from '../../support/goiardi.ts';

export function adminApi(goiardi: Goiardi, options?: ConstructorParameters<typeof ChefApi>[1]): ChefApi {
  return new ChefApi({ url: goiardi.url, clientName: goiardi.adminName, clientKey: goiardi.adminKey }, options);
}

/** The chef server inputs of every chef action, signing as goiardi's admin. */
export function adminInputs(goiardi: Goiardi): Record<string, string> {
  return { chefServerUrl: goiardi.url, chefClientName: goiardi.adminName, chefClientKey: goiardi.adminKey };
}

/** Creates a node through the API, as chef-client would after its first run. */
export async function createNode(
  api: ChefApi,
  node: { name: string; ip?: string; runList?: string[]; environment?: string; normal?: Record<string, unknown> },
): Promise<void> {
  await api.post('/nodes', {
    name: node.name,
    json_class: 'Chef::Node',
    chef_type: 'node',
    chef_environment: node.environment ?? '_default',
    run_list: node.runList ?? [],
    automatic: node.ip === undefined ? {} : { ipaddress: node.ip },
    normal: node.normal ?? {},
    default: {},
    override: {},
  });
}

export function chefEvent(action: string, input: Record<string, unknown>, phase: ProviderEvent['phase'] = 'do'): ProviderEvent {
  return {
    action,
    input,
    secrets: marksOf(input),
    phase,
    context: { project: 'web', task: 'scale-out', version: 1, execution: 'exec-1', henchman: 'configure', attempt: 1 },
  };
}

/**
 * A chef-client stand-in (there is no chef-client package here): records how it was called, NUL-separated
 * ($0 first, then the arguments) in <record>/args, and a copy of the client.rb it was given in
 * <record>/client.rb; fails like a broken Chef run when its run list holds recipe[broken]; prints a lot when
 * it holds recipe[chatty].
 */
export function chefClientStandIn(recordDir: string): string {
  const record = `'${recordDir.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
record=${record}
printf '%s\\0' "$0" "$@" > "$record/args"
config=/etc/chef/client.rb
runs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -c) config="$2"; shift ;;
    -j) runs="$runs $(cat "$2")" ;;
    -o) runs="$runs $2" ;;
  esac
  shift
done
cp "$config" "$record/client.rb"
echo "Starting Chef Client (stand-in)"
case "$runs" in
  *'recipe[broken]'*) echo "FATAL: Stacktrace dumped" >&2; echo "FATAL: recipe[broken] failed" >&2; exit 1 ;;
  *'recipe[chatty]'*) i=0; while [ $i -lt 400 ]; do echo "chatty line $i: 0123456789012345678901234567890123456789"; i=$((i+1)); done ;;
esac
echo "Chef Client finished"
`;
}

/** The chef provider handler as the Lambda runs it, with node settings of the test and a quiet logger. */
export function chefHandler(settings: NodeSettings = { configDir: '/nonexistent/chef', path: '' }) {
  return createProviderHandler('chef', chefActions(settings), {
    logger: new Logger({ serviceName: 'mastermind-chef-test', logLevel: 'SILENT' }),
    secrets: new SecretResolver(() => {
      throw new Error('these tests pass no secret references');
    }),
  });
}
