import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '#service/config';

const ENV = {
  MASTERMIND_TABLE: 't',
  MASTERMIND_STATE_MACHINE_ROLE_ARN: 'arn:aws:iam::1:role/r',
  MASTERMIND_EXECUTION_LOG_GROUP_ARN: 'arn:aws:logs:eu-west-1:1:log-group:g',
  MASTERMIND_PROVIDER_EC2_ARN: 'ec2',
  MASTERMIND_PROVIDER_SSH_ARN: 'ssh',
  MASTERMIND_PROVIDER_CHEF_ARN: 'chef',
  AWS_REGION: 'eu-west-1',
};

describe('configuration', () => {
  it('reads every setting, with the state machine prefix defaulting to mastermind and the secrets to /mastermind/', () => {
    expect(readConfig(ENV)).toStrictEqual({
      table: 't',
      stateMachineRoleArn: 'arn:aws:iam::1:role/r',
      executionLogGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:g',
      providers: { ec2: 'ec2', ssh: 'ssh', chef: 'chef' },
      stateMachinePrefix: 'mastermind',
      region: 'eu-west-1',
      secrets: { path: '/mastermind/', shared: '/mastermind/_shared/' },
    });
    expect(readConfig({ ...ENV, MASTERMIND_STATE_MACHINE_PREFIX: 'mm' }).stateMachinePrefix).toBe('mm');
    expect(readConfig({ ...ENV, MASTERMIND_SECRETS_PATH: '/ops/mm/', MASTERMIND_SHARED_SECRETS_PATH: 'ops/common' }).secrets).toStrictEqual({
      path: '/ops/mm/',
      shared: '/ops/common/',
    });
  });

  it('refuses a secrets path that names no path below the root', () => {
    expect(() => readConfig({ ...ENV, MASTERMIND_SECRETS_PATH: '/' })).toThrow(
      new ConfigError('the secrets path "/" must name an SSM path below the root, e.g. /mastermind/'),
    );
  });

  it('names every missing variable at once', () => {
    const { MASTERMIND_TABLE: _t, AWS_REGION: _r, ...partial } = ENV;
    expect(() => readConfig(partial)).toThrow(new ConfigError('Missing environment variables: MASTERMIND_TABLE, AWS_REGION'));
  });
});
