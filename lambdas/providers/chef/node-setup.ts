/**
 * What the chef provider does on a node, as text: the commands it runs over SSH and the files it writes.
 * Pure functions; every value put into a command is shell-quoted, every value put into client.rb is a Ruby
 * single-quoted string literal.
 *
 * Two settings of the provider Lambda (environment variables) shape them:
 * - MASTERMIND_CHEF_CONFIG_DIR: chef-client's configuration directory on the node (default /etc/chef).
 *   The tests point it at a temporary directory, since their loopback sshd logs in as root on this machine.
 * - MASTERMIND_CHEF_PATH: directories put first on PATH for every command run on the node, e.g.
 *   /opt/cinc/bin for a Cinc install, or a test's directory holding a chef-client stand-in. Unset: the
 *   login's own PATH.
 * A user other than root runs chef-client and writes the configuration through `sudo -n` (no password
 * prompt: the user needs passwordless sudo, as on EC2 images).
 */
import { InvalidError } from '../contract.ts';
import { shellQuote } from '../shell.ts';

export const DEFAULT_CONFIG_DIR = '/etc/chef';

export interface NodeSettings {
  /** chef-client's configuration directory on the node. */
  readonly configDir: string;
  /** Directories (colon-separated) put first on PATH on the node; empty for none. */
  readonly path: string;
}

export function nodeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): NodeSettings {
  const configDir = (env.MASTERMIND_CHEF_CONFIG_DIR ?? '').trim() || DEFAULT_CONFIG_DIR;
  if (!configDir.startsWith('/')) {
    throw new InvalidError(`MASTERMIND_CHEF_CONFIG_DIR must be an absolute path, not ${configDir}`);
  }
  return { configDir: configDir.replace(/\/+$/, '') || '/', path: (env.MASTERMIND_CHEF_PATH ?? '').trim() };
}

/** The paths of chef-client's files on the node. */
export function configFiles(settings: NodeSettings): { clientRb: string; clientPem: string; firstBoot: string } {
  const dir = settings.configDir === '/' ? '' : settings.configDir;
  return { clientRb: `${dir}/client.rb`, clientPem: `${dir}/client.pem`, firstBoot: `${dir}/first-boot.json` };
}

/** A Ruby single-quoted string literal: only \\ and \' are special inside it. */
export function rubyQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface ClientConfig {
  readonly chefServerUrl: string;
  readonly nodeName: string;
  readonly environment: string;
}

/** /etc/chef/client.rb */
export function clientRb(config: ClientConfig, settings: NodeSettings): string {
  const files = configFiles(settings);
  return [
    '# Written by Mastermind (chef bootstrap).',
    `chef_server_url ${rubyQuote(config.chefServerUrl)}`,
    `node_name ${rubyQuote(config.nodeName)}`,
    `client_key ${rubyQuote(files.clientPem)}`,
    `environment ${rubyQuote(config.environment)}`,
    'log_location STDOUT',
    '',
  ].join('\n');
}

/** /etc/chef/first-boot.json */
export function firstBootJson(runList: readonly string[]): string {
  return `${JSON.stringify({ run_list: runList }, null, 2)}\n`;
}

/** Prefixes a command with the PATH setting, so that it and every command inside it see those directories. */
export function withPath(command: string, settings: NodeSettings): string {
  return settings.path === '' ? command : `PATH=${shellQuote(settings.path)}:"$PATH"; export PATH; ${command}`;
}

/** Runs a command as root: directly for root, through `sudo -n` (no prompt) for anyone else. */
export function asRoot(command: string, user: string): string {
  return user === 'root' ? command : `sudo -n sh -c ${shellQuote(command)}`;
}

/** Prints the full path of chef-client, or exits 1 when there is none. */
export const FIND_CHEF_CLIENT = 'command -v chef-client';

/**
 * Writes stdin to a file (creating its directory), with its mode set before the content lands:
 * written to a temporary name, then moved into place.
 */
export function writeFileCommand(path: string, mode: number): string {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const temporary = `${path}.mastermind-tmp`;
  return [
    'umask 077',
    `mkdir -p ${shellQuote(dir)}`,
    `cat > ${shellQuote(temporary)}`,
    `chmod ${mode.toString(8).padStart(4, '0')} ${shellQuote(temporary)}`,
    `mv -f ${shellQuote(temporary)} ${shellQuote(path)}`,
  ].join(' && ');
}

/** The first chef-client run of a bootstrap. */
export function firstRunCommand(chefClient: string, environment: string, settings: NodeSettings): string {
  const files = configFiles(settings);
  return [chefClient, '-c', files.clientRb, '-j', files.firstBoot, '-E', environment].map(shellQuote).join(' ');
}

/** A converge: chef-client with the node's configuration, an override run list (-o) when given. */
export function convergeCommand(chefClient: string, runList: readonly string[] | undefined, settings: NodeSettings): string {
  const args = [chefClient, '-c', configFiles(settings).clientRb];
  if (runList && runList.length > 0) args.push('-o', runList.join(','));
  return args.map(shellQuote).join(' ');
}

/** Prints the node_name that a bootstrap wrote into client.rb (nothing when there is none). */
export function readNodeNameCommand(settings: NodeSettings): string {
  return `sed -n ${shellQuote("s/^node_name '\\(.*\\)'$/\\1/p")} ${shellQuote(configFiles(settings).clientRb)}`;
}

/** How a detached bootstrap's job ends its stderr: which part ended it, and how (see {@link detachedBootstrapCommand}). */
export const BOOTSTRAP_MARK = 'mastermind-bootstrap:';

/**
 * A bootstrap run detached on the host (../ssh/detached.ts) as one job under one limit: the install when chef-client
 * is missing (as the SSH user, in a subshell of its own, so its `exit` ends only it), chef-client looked up again,
 * then the first run as root with that path. Its last line on stderr says what ended it: `<mark> install <status>`,
 * `<mark> missing` (installed nothing) or `<mark> run <status>`. The path goes to the root shell as its $1, never
 * into its text.
 */
export function detachedBootstrapCommand(o: { install?: string; environment: string; user: string; settings: NodeSettings }): string {
  const files = configFiles(o.settings);
  const firstRun = withPath(`"$1" ${['-c', files.clientRb, '-j', files.firstBoot, '-E', o.environment].map(shellQuote).join(' ')}`, o.settings);
  const lines: string[] = [];
  if (o.install !== undefined) {
    lines.push(`( ${withPath(o.install, o.settings)}`, ')', 's=$?', `if [ "$s" -ne 0 ]; then echo "${BOOTSTRAP_MARK} install $s" >&2; exit "$s"; fi`);
  }
  lines.push(
    `c=$(${withPath(FIND_CHEF_CLIENT, o.settings)}) || { echo "${BOOTSTRAP_MARK} missing" >&2; exit 127; }`,
    `${o.user === 'root' ? '' : 'sudo -n '}sh -c ${shellQuote(firstRun)} sh "$c"`,
    's=$?',
    `echo "${BOOTSTRAP_MARK} run $s" >&2`,
    'exit "$s"',
  );
  return lines.join('\n');
}
