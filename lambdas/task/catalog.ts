/**
 * The provider catalog: every provider, its actions, their inputs and outputs.
 *
 * Metadata only. The validator and the compiler read it; the provider Lambdas implement exactly these
 * actions and validate their input against it. Importing this module must never import an AWS SDK client.
 */

/** The type of an input or output field, as a task writes it. */
export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'duration' // "30s", "10m", "1h"
  | 'string[]'
  | 'integer[]'
  | 'map' // string → string (tags)
  | 'object' // any JSON object
  | 'object[]';

export interface InputField {
  readonly type: FieldType;
  readonly description: string;
  /** The action cannot run without it (after project settings have been applied). */
  readonly required?: boolean;
  /** Filled from the project setting of the same name when the task leaves it out. */
  readonly projectSetting?: boolean;
  /** Holds a secret: users pass a `${secret:/ssm/name}` reference, never the value. */
  readonly secret?: boolean;
  /**
   * A shell command (or script). References inside it reach the provider apart from the command text
   * (see {@link ShellCommand} in lambdas/providers/shell.ts) and are shell-quoted by the provider.
   */
  readonly shell?: boolean;
  /** The value used when the task gives none. */
  readonly default?: unknown;
  /** The only allowed values. */
  readonly enum?: readonly string[];
}

export interface OutputField {
  readonly type: FieldType;
  readonly description: string;
}

export interface ActionSpec {
  readonly description: string;
  readonly input: Readonly<Record<string, InputField>>;
  /** Groups of fields of which exactly one must be given, e.g. instanceId or instanceIds. */
  readonly oneOf?: readonly (readonly string[])[];
  readonly output: Readonly<Record<string, OutputField>>;
  /** The action that takes this one back, fed with this action's output: `undo: <action>` in a task. */
  readonly undoneBy?: string;
  /**
   * The action may answer "ask me again in N seconds" (phase "poll"); the compiler adds a poll loop that, after
   * the first wait, asks again every `every` seconds until the action answers or the henchman's timeout is up.
   */
  readonly polls?: PollSpec;
  /**
   * The action runs a command on a host that may outlive one provider invocation: with `detach: true`, or a limit
   * beyond the budget, it runs detached on the host and the move polls it (see ./invocation.ts).
   */
  readonly detaches?: boolean;
}

export interface PollSpec {
  /** Seconds between two polls after the first. */
  readonly every: number;
  /** Seconds the action's first answer asks to wait (its `after`), when that is not `every`. */
  readonly firstWait?: number;
}

/** How often each provider's waiting actions look at the world again: EC2 state changes, an SSH login. */
export const POLL_EVERY = { ec2: 10, ssh: 5 } as const satisfies Partial<Record<ProviderName, number>>;
/** ec2 reboot first looks at the status checks a minute after the reboot: until then they may still say ok. */
export const REBOOT_SETTLE_SECONDS = 60;
const ec2Polls: PollSpec = { every: POLL_EVERY.ec2 };
const ec2RebootPolls: PollSpec = { every: POLL_EVERY.ec2, firstWait: REBOOT_SETTLE_SECONDS };
const sshPolls: PollSpec = { every: POLL_EVERY.ssh };

export interface ProviderSpec {
  readonly description: string;
  readonly actions: Readonly<Record<string, ActionSpec>>;
}

export type ProviderName = 'ec2' | 'ssh' | 'chef';

/** Project settings: shared by the tasks of a project, filling inputs of the same name. */
export interface ProjectSettings {
  region?: string;
  subnetId?: string;
  securityGroupIds?: string[];
  keyName?: string;
  user?: string;
  key?: string;
  hostKey?: string;
  chefServerUrl?: string;
  chefClientName?: string;
  chefClientKey?: string;
}

export const PROJECT_SETTING_NAMES = [
  'region',
  'subnetId',
  'securityGroupIds',
  'keyName',
  'user',
  'key',
  'hostKey',
  'chefServerUrl',
  'chefClientName',
  'chefClientKey',
] as const satisfies readonly (keyof ProjectSettings)[];

const region: InputField = { type: 'string', projectSetting: true, description: 'AWS region; the Lambda\'s own region when left out.' };
const instanceId: InputField = { type: 'string', description: 'The instance id (i-...).' };
const instanceIds: InputField = { type: 'string[]', description: 'Several instance ids.' };
const instanceOutput = {
  instanceId: { type: 'string', description: 'The instance id (the first, when several were given).' },
  instanceIds: { type: 'string[]', description: 'Every instance id acted on.' },
  state: { type: 'string', description: 'The instance state reached: pending, running, stopping, stopped, shutting-down, terminated.' },
} as const satisfies Record<string, OutputField>;

const ssh = {
  host: { type: 'string', required: true, description: 'Host name or IP address to connect to.' },
  port: { type: 'integer', default: 22, description: 'SSH port.' },
  user: { type: 'string', required: true, projectSetting: true, description: 'SSH user name.' },
  key: { type: 'string', required: true, projectSetting: true, secret: true, description: 'The private key, as a ${secret:/ssm/name} reference.' },
  hostKey: {
    type: 'string',
    projectSetting: true,
    description: 'Pinned host key fingerprint (SHA256:...). When given, a different host key fails before anything is sent.',
  },
} as const satisfies Record<string, InputField>;

/** The `detach` input of the actions that may run detached on the host (catalog `detaches`). */
const detach: InputField = {
  type: 'boolean',
  description:
    'Run the command detached on the host and poll it until it ends. Done by itself when the timeout is beyond one provider invocation (14m); written as true or false, never a reference.',
};

const commandRun = {
  timeout: {
    type: 'duration',
    default: '5m',
    description: 'How long the command may run; then it is ended on the host and the move fails. Beyond 14m the command runs detached.',
  },
  allowExitCodes: { type: 'integer[]', default: [0], description: 'Exit codes that count as success.' },
  detach,
} as const satisfies Record<string, InputField>;

const commandOutput = {
  exitCode: { type: 'integer', description: 'The exit code of the command.' },
  stdout: { type: 'string', description: 'Standard output as the shell\'s $(...) gives it (trailing newlines removed), cut to its last 8 KiB.' },
  stderr: { type: 'string', description: 'Standard error, trailing newlines removed, cut to its last 8 KiB.' },
  truncated: { type: 'boolean', description: 'True when stdout or stderr was cut.' },
} as const satisfies Record<string, OutputField>;

const chefServer = {
  chefServerUrl: { type: 'string', required: true, projectSetting: true, description: 'Chef server URL (with /organizations/<org> where the server has organizations).' },
  chefClientName: { type: 'string', required: true, projectSetting: true, description: 'The API client that signs requests.' },
  chefClientKey: { type: 'string', required: true, projectSetting: true, secret: true, description: 'That client\'s private key, as a ${secret:/ssm/name} reference.' },
} as const satisfies Record<string, InputField>;

export const catalog: Readonly<Record<ProviderName, ProviderSpec>> = {
  ec2: {
    description: 'EC2 instances: launch, stop, start, reboot, terminate, describe, wait, tag, associate an Elastic IP.',
    actions: {
      launch: {
        description: 'Launch one instance (RunInstances, idempotent per execution, henchman and attempt) and wait until it is running.',
        input: {
          imageId: { type: 'string', required: true, description: 'AMI id (ami-...).' },
          instanceType: { type: 'string', default: 't3.micro', description: 'Instance type.' },
          subnetId: { type: 'string', projectSetting: true, description: 'Subnet to launch into.' },
          securityGroupIds: { type: 'string[]', projectSetting: true, description: 'Security group ids.' },
          keyName: { type: 'string', projectSetting: true, description: 'EC2 key pair name.' },
          iamInstanceProfile: { type: 'string', description: 'Instance profile name or ARN.' },
          userData: { type: 'string', description: 'User data (plain text; the provider base64-encodes it).' },
          tags: { type: 'map', description: 'Tags; mastermind:project, mastermind:task, mastermind:execution and mastermind:henchman are always added.' },
          region,
        },
        output: {
          instanceId: { type: 'string', description: 'The new instance id.' },
          privateIp: { type: 'string', description: 'Private IPv4 address.' },
          publicIp: { type: 'string', description: 'Public IPv4 address, when it has one.' },
          privateDns: { type: 'string', description: 'Private DNS name.' },
          publicDns: { type: 'string', description: 'Public DNS name, when it has one.' },
          availabilityZone: { type: 'string', description: 'Availability zone.' },
          state: { type: 'string', description: 'Instance state (running).' },
        },
        undoneBy: 'terminate',
        polls: ec2Polls,
      },
      terminate: {
        description: 'Terminate instances and wait until they are terminated.',
        input: { instanceId, instanceIds, region },
        oneOf: [['instanceId', 'instanceIds']],
        output: instanceOutput,
        polls: ec2Polls,
      },
      stop: {
        description: 'Stop instances and wait until they are stopped.',
        input: { instanceId, instanceIds, region },
        oneOf: [['instanceId', 'instanceIds']],
        output: instanceOutput,
        undoneBy: 'start',
        polls: ec2Polls,
      },
      start: {
        description: 'Start stopped instances and wait until they are running.',
        input: { instanceId, instanceIds, region },
        oneOf: [['instanceId', 'instanceIds']],
        output: instanceOutput,
        undoneBy: 'stop',
        polls: ec2Polls,
      },
      reboot: {
        description: 'Reboot instances and wait until their status checks pass again (at least a minute).',
        input: { instanceId, instanceIds, region },
        oneOf: [['instanceId', 'instanceIds']],
        output: instanceOutput,
        polls: ec2RebootPolls,
      },
      describe: {
        description: 'Describe instances by ids or by tags.',
        input: {
          instanceId,
          instanceIds,
          tags: { type: 'map', description: 'Match instances that carry all these tags.' },
          states: { type: 'string[]', description: 'Only instances in these states.' },
          region,
        },
        oneOf: [['instanceId', 'instanceIds', 'tags']],
        output: {
          instances: { type: 'object[]', description: 'Each instance: instanceId, state, privateIp, publicIp, privateDns, publicDns, availabilityZone, tags.' },
          instanceIds: { type: 'string[]', description: 'The ids of the instances found.' },
          privateIps: { type: 'string[]', description: 'Their private IPv4 addresses.' },
        },
      },
      wait: {
        description: 'Wait until instances reach a state, or until their status checks pass.',
        input: {
          instanceId,
          instanceIds,
          state: {
            type: 'string',
            default: 'running',
            enum: ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated', 'status-ok'],
            description: 'The state to wait for; status-ok waits for the system and instance status checks.',
          },
          region,
        },
        oneOf: [['instanceId', 'instanceIds']],
        output: instanceOutput,
        polls: ec2Polls,
      },
      tag: {
        description: 'Add tags to instances.',
        input: { instanceId, instanceIds, tags: { type: 'map', required: true, description: 'Tags to set.' }, region },
        oneOf: [['instanceId', 'instanceIds']],
        output: {
          instanceIds: { type: 'string[]', description: 'The instances tagged.' },
          tags: { type: 'map', description: 'The tags set.' },
        },
      },
      'associate-address': {
        description: 'Associate an Elastic IP address with an instance.',
        input: {
          instanceId: { type: 'string', required: true, description: 'The instance id.' },
          allocationId: { type: 'string', required: true, description: 'The Elastic IP allocation id (eipalloc-...).' },
          region,
        },
        output: {
          associationId: { type: 'string', description: 'The association id (eipassoc-...).' },
          instanceId: { type: 'string', description: 'The instance id.' },
          publicIp: { type: 'string', description: 'The Elastic IP address.' },
        },
        undoneBy: 'disassociate-address',
      },
      'disassociate-address': {
        description: 'Take an Elastic IP address off the instance it is associated with.',
        input: { associationId: { type: 'string', required: true, description: 'The association id (eipassoc-...).' }, region },
        output: { associationId: { type: 'string', description: 'The association id.' } },
      },
    },
  },
  ssh: {
    description: 'Remote commands over SSH: run a command, run a script, upload a file, wait until a host answers.',
    actions: {
      run: {
        description: 'Run one command on one host.',
        input: {
          ...ssh,
          command: { type: 'string', required: true, shell: true, description: 'The command; references inside it are shell-quoted.' },
          ...commandRun,
        },
        output: commandOutput,
        detaches: true,
      },
      script: {
        description: 'Upload a multi-line script by SFTP, run it, then remove it.',
        input: {
          ...ssh,
          script: { type: 'string', required: true, shell: true, description: 'The script text; references inside it are shell-quoted.' },
          interpreter: { type: 'string', default: '/bin/sh', description: 'The program that runs the script.' },
          ...commandRun,
        },
        output: commandOutput,
        detaches: true,
      },
      upload: {
        description: 'Write a file on the host by SFTP.',
        input: {
          ...ssh,
          path: { type: 'string', required: true, description: 'Remote path of the file.' },
          content: { type: 'string', required: true, description: 'The file content (text).' },
          mode: { type: 'string', default: '0644', description: 'File mode, octal.' },
        },
        output: {
          path: { type: 'string', description: 'Remote path written.' },
          bytes: { type: 'integer', description: 'Bytes written.' },
        },
      },
      'wait-reachable': {
        description: 'Wait until the host accepts an SSH login (a fresh box booting).',
        input: { ...ssh },
        output: {
          host: { type: 'string', description: 'The host that answered.' },
          hostKey: { type: 'string', description: 'Its host key fingerprint (SHA256:...).' },
        },
        polls: sshPolls,
      },
    },
  },
  chef: {
    description: 'Chef: bootstrap and converge nodes over SSH, set run lists, search nodes, deregister them from the Chef server.',
    actions: {
      bootstrap: {
        description: 'Make a host a Chef node: install chef-client when missing, register its client, write its configuration and run chef-client with the run list.',
        input: {
          ...ssh,
          nodeName: { type: 'string', description: 'The Chef node (and client) name; the host\'s `hostname -f` when left out.' },
          runList: { type: 'string[]', default: [], description: 'The first run list, e.g. ["role[web]"].' },
          environment: { type: 'string', default: '_default', description: 'The Chef environment.' },
          installCommand: {
            type: 'string',
            shell: true,
            default: 'curl -fsSL https://omnitruck.chef.io/install.sh | sudo bash',
            description: 'How to install chef-client when it is missing.',
          },
          timeout: {
            type: 'duration',
            default: '14m',
            description: 'How long the install (when needed) and the first chef-client run may take together (one limit, not one each); then they are ended on the host and the move fails. Beyond 14m they run detached.',
          },
          detach,
          ...chefServer,
        },
        output: {
          nodeName: { type: 'string', description: 'The node name.' },
          runList: { type: 'string[]', description: 'The run list applied.' },
          exitCode: { type: 'integer', description: 'The exit code of the first chef-client run.' },
        },
        undoneBy: 'deregister',
        detaches: true,
      },
      converge: {
        description: 'Run chef-client on a node over SSH.',
        input: {
          ...ssh,
          nodeName: { type: 'string', description: 'The node name (for the record).' },
          runList: { type: 'string[]', description: 'An override run list for this run only.' },
          timeout: {
            type: 'duration',
            default: '14m',
            description: 'How long chef-client may run; then it is ended on the node and the move fails. Beyond 14m it runs detached.',
          },
          detach,
        },
        output: { nodeName: { type: 'string', description: 'The node name.' }, ...commandOutput },
        detaches: true,
      },
      'set-run-list': {
        description: 'Replace a node\'s run list on the Chef server.',
        input: {
          nodeName: { type: 'string', required: true, description: 'The node name.' },
          runList: { type: 'string[]', required: true, description: 'The new run list.' },
          ...chefServer,
        },
        output: {
          nodeName: { type: 'string', description: 'The node name.' },
          runList: { type: 'string[]', description: 'The run list now set.' },
        },
      },
      search: {
        description: 'Search the Chef server for nodes.',
        input: {
          query: { type: 'string', required: true, description: 'A Chef search query, e.g. role:web AND chef_environment:prod.' },
          index: { type: 'string', default: 'node', enum: ['node'], description: 'The search index.' },
          ...chefServer,
        },
        output: {
          nodes: { type: 'object[]', description: 'Each node found: name, ip, runList.' },
          hosts: { type: 'string[]', description: 'Their IP addresses.' },
        },
      },
      deregister: {
        description: 'Delete a node and its client from the Chef server (already gone is fine).',
        input: { nodeName: { type: 'string', required: true, description: 'The node name.' }, ...chefServer },
        output: { nodeName: { type: 'string', description: 'The node name.' } },
      },
    },
  },
};

export const PROVIDER_NAMES = Object.keys(catalog) as ProviderName[];

/** The action a provider and an action name (user text) name; own members only, never Object.prototype's. */
export function findAction(provider: string, action: string): ActionSpec | undefined {
  if (typeof provider !== 'string' || !Object.hasOwn(catalog, provider)) return undefined;
  const spec = (catalog as Record<string, ProviderSpec>)[provider]!;
  return typeof action === 'string' && Object.hasOwn(spec.actions, action) ? spec.actions[action] : undefined;
}

/** An action's input field by name (user text): own members only. */
export function inputField(spec: ActionSpec | undefined, name: string): InputField | undefined {
  return spec && Object.hasOwn(spec.input, name) ? spec.input[name] : undefined;
}
