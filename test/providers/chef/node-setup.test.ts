import { describe, expect, it } from 'vitest';
import {
  asRoot,
  clientRb,
  configFiles,
  convergeCommand,
  detachedBootstrapCommand,
  firstBootJson,
  firstRunCommand,
  nodeSettingsFromEnv,
  readNodeNameCommand,
  rubyQuote,
  withPath,
  writeFileCommand,
} from '#providers/chef/node-setup';
import { shellQuote } from '#providers/shell';

const etcChef = { configDir: '/etc/chef', path: '' };

describe('nodeSettingsFromEnv', () => {
  it.each([
    [{}, { configDir: '/etc/chef', path: '' }],
    [{ MASTERMIND_CHEF_CONFIG_DIR: '/tmp/chef/', MASTERMIND_CHEF_PATH: '/opt/cinc/bin' }, { configDir: '/tmp/chef', path: '/opt/cinc/bin' }],
    [{ MASTERMIND_CHEF_CONFIG_DIR: '  ' }, { configDir: '/etc/chef', path: '' }],
  ])('reads %o as %o', (env, settings) => {
    expect(nodeSettingsFromEnv(env)).toStrictEqual(settings);
  });

  it('refuses a relative config directory', () => {
    expect(() => nodeSettingsFromEnv({ MASTERMIND_CHEF_CONFIG_DIR: 'chef' })).toThrow(
      expect.objectContaining({ name: 'Mastermind.Invalid', message: 'MASTERMIND_CHEF_CONFIG_DIR must be an absolute path, not chef' }),
    );
  });
});

describe('client.rb', () => {
  it('names the server, the node, its key and its environment as Ruby string literals', () => {
    expect(clientRb({ chefServerUrl: 'https://chef.example.com/organizations/acme', nodeName: 'web-1', environment: 'production' }, etcChef)).toBe(
      [
        '# Written by Mastermind (chef bootstrap).',
        "chef_server_url 'https://chef.example.com/organizations/acme'",
        "node_name 'web-1'",
        "client_key '/etc/chef/client.pem'",
        "environment 'production'",
        'log_location STDOUT',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["'; system('id') #", "'\\'; system(\\'id\\') #'"],
    ['#{`id`}', "'#{`id`}'"],
  ])('quotes %s for Ruby as %s', (value, quoted) => {
    expect(rubyQuote(value)).toBe(quoted);
  });
});

describe('first-boot.json', () => {
  it('holds the run list, items as they are', () => {
    expect(JSON.parse(firstBootJson(['role[web]', "recipe[x]'; rm -rf /"]))).toStrictEqual({ run_list: ['role[web]', "recipe[x]'; rm -rf /"] });
  });
});

describe('commands on the node', () => {
  it('puts every file in the config directory', () => {
    expect(configFiles({ configDir: '/tmp/it s', path: '' })).toStrictEqual({
      clientRb: '/tmp/it s/client.rb',
      clientPem: '/tmp/it s/client.pem',
      firstBoot: '/tmp/it s/first-boot.json',
    });
  });

  it('runs the first chef-client with its config, first-boot.json and the environment, each quoted', () => {
    expect(firstRunCommand('/usr/bin/chef-client', 'prod', etcChef)).toBe(
      "'/usr/bin/chef-client' '-c' '/etc/chef/client.rb' '-j' '/etc/chef/first-boot.json' '-E' 'prod'",
    );
  });

  it.each([
    [undefined, "'/usr/bin/chef-client' '-c' '/etc/chef/client.rb'"],
    [[], "'/usr/bin/chef-client' '-c' '/etc/chef/client.rb'"],
    [['role[web]', "recipe[a]'; id; '"], "'/usr/bin/chef-client' '-c' '/etc/chef/client.rb' '-o' 'role[web],recipe[a]'\\''; id; '\\'''"],
  ])('converges with the override run list %o', (runList, command) => {
    expect(convergeCommand('/usr/bin/chef-client', runList, etcChef)).toBe(command);
  });

  it('writes a file from stdin under a temporary name, mode set, then moves it into place', () => {
    expect(writeFileCommand('/etc/chef/client.pem', 0o600)).toBe(
      "umask 077 && mkdir -p '/etc/chef' && cat > '/etc/chef/client.pem.mastermind-tmp' && chmod 0600 '/etc/chef/client.pem.mastermind-tmp' && mv -f '/etc/chef/client.pem.mastermind-tmp' '/etc/chef/client.pem'",
    );
  });

  it.each([
    ['root', 'id -u', 'id -u'],
    ['ubuntu', "echo 'a b'", `sudo -n sh -c 'echo '\\''a b'\\'''`],
  ])('runs as root for user %s: %s → %s', (user, command, expected) => {
    expect(asRoot(command, user)).toBe(expected);
  });

  it.each([
    [{ configDir: '/etc/chef', path: '' }, 'command -v chef-client'],
    [{ configDir: '/etc/chef', path: "/opt/it's/bin" }, `PATH='/opt/it'\\''s/bin':"$PATH"; export PATH; command -v chef-client`],
  ])('puts the PATH setting %o before a command', (settings, expected) => {
    expect(withPath('command -v chef-client', settings)).toBe(expected);
  });

  it('reads the node name back from client.rb', () => {
    expect(readNodeNameCommand(etcChef)).toBe(`sed -n 's/^node_name '\\''\\(.*\\)'\\''$/\\1/p' '/etc/chef/client.rb'`);
  });
});

describe('detachedBootstrapCommand', () => {
  it('installs in a subshell as the user, finds chef-client, runs it as root with its path as $1, and says what ended it', () => {
    // Act
    const command = detachedBootstrapCommand({ install: 'curl -fsSL x | sudo bash', environment: "prod'x", user: 'ops', settings: { configDir: '/etc/chef', path: '/opt/cinc/bin' } });

    // Assess
    expect(command.split('\n')).toStrictEqual([
      "( PATH='/opt/cinc/bin':\"$PATH\"; export PATH; curl -fsSL x | sudo bash",
      ')',
      's=$?',
      'if [ "$s" -ne 0 ]; then echo "mastermind-bootstrap: install $s" >&2; exit "$s"; fi',
      `c=$(PATH='/opt/cinc/bin':"$PATH"; export PATH; command -v chef-client) || { echo "mastermind-bootstrap: missing" >&2; exit 127; }`,
      `sudo -n sh -c ${shellQuote(`PATH='/opt/cinc/bin':"$PATH"; export PATH; "$1" '-c' '/etc/chef/client.rb' '-j' '/etc/chef/first-boot.json' '-E' ${shellQuote("prod'x")}`)} sh "$c"`,
      's=$?',
      'echo "mastermind-bootstrap: run $s" >&2',
      'exit "$s"',
    ]);
  });

  it('leaves the install out when chef-client is there, and sudo out for root', () => {
    // Act
    const command = detachedBootstrapCommand({ environment: '_default', user: 'root', settings: etcChef });

    // Assess
    expect(command.split('\n')).toStrictEqual([
      'c=$(command -v chef-client) || { echo "mastermind-bootstrap: missing" >&2; exit 127; }',
      `sh -c ${shellQuote(`"$1" '-c' '/etc/chef/client.rb' '-j' '/etc/chef/first-boot.json' '-E' '_default'`)} sh "$c"`,
      's=$?',
      'echo "mastermind-bootstrap: run $s" >&2',
      'exit "$s"',
    ]);
  });
});
