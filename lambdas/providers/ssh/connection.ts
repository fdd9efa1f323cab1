/**
 * One SSH connection to one host, for the ssh provider's actions and the chef provider's bootstrap/converge.
 *
 *   await withSession(target, async (session) => {
 *     const result = await session.exec('uname -a', { timeoutSeconds: 30 });
 *     await session.writeFile('/etc/chef/client.rb', text, 0o644);
 *   });
 *
 * The connection is opened, authenticated with the private key, checked against the pinned host key
 * fingerprint (when one is given), handed to `fn`, and always closed afterwards.
 *
 * Errors (all thrown as provider errors, ready to leave the Lambda):
 *
 * | what happened                                                   | error                |
 * | --------------------------------------------------------------- | -------------------- |
 * | the key cannot be read (not a private key, encrypted), bad port | Mastermind.Invalid   |
 * | connection refused, host or network unreachable, connection     | Mastermind.Transient |
 * | reset or closed before login, timeout while connecting, DNS     | (a retry may help:   |
 * | lookup failed for now (EAI_AGAIN)                               |  a box still booting)|
 * | the host's key is not the pinned fingerprint                    | Mastermind.Failed    |
 * | the server refused the key (authentication failed)              | Mastermind.Failed    |
 * | the host name does not resolve (ENOTFOUND), no common algorithm | Mastermind.Failed    |
 * | a command did not end within its timeout (it is ended remotely) | Mastermind.Failed    |
 * | the connection was lost while a command ran (it may have run:   | Mastermind.Failed    |
 * |  running it again is not safe)                                  |                      |
 * | the connection was lost during a file operation                 | Mastermind.Transient |
 * | a file operation was refused (permission, no such directory)    | Mastermind.Failed    |
 *
 * A host key mismatch is detected in ssh2's hostVerifier during the key exchange: the connection is
 * dropped before authentication, so nothing is ever sent to a host that is not the pinned one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import ssh2, { type ClientChannel, type SFTPWrapper } from 'ssh2';
import { FailedError, InvalidError, ProviderError, TransientError } from '../contract.ts';
import { timeoutError, type CommandLimit, type MoveDeadline } from '../deadline.ts';
import { TailBuffer } from './tail-buffer.ts';
import { guardCommand } from './watchdog.ts';

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof Client>;

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** The private key text (OpenSSH or PEM), unencrypted. */
  key: string;
  /** Pinned host key fingerprint, `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
  hostKey?: string;
  /** How long connecting (TCP, key exchange, login) may take; 20 s when left out. */
  connectTimeoutSeconds?: number;
}

export interface CommandResult {
  exitCode: number;
  /** The last 8 KiB (MAX_TEXT characters) of standard output. */
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was cut. */
  truncated: boolean;
}

export interface WriteOptions {
  /** Fail when the file exists already (O_EXCL): for fresh temporary files in shared directories. */
  exclusive?: boolean;
}

export interface SshSession {
  /** The fingerprint of the host key the server presented (SHA256:...). */
  readonly hostKey: string;
  /**
   * Runs `command` with the user's shell. Resolves with its exit code and output whatever the exit code;
   * throws Mastermind.Failed when it runs longer than `timeoutSeconds` (it and everything it started are
   * ended on the host) or when the connection is lost meanwhile.
   */
  exec(command: string, options: { timeoutSeconds: number; stdin?: string }): Promise<CommandResult>;
  /** Writes a file by SFTP with `mode` (0o644 when left out), set before any content is written. */
  writeFile(path: string, content: string | Buffer, mode?: number, options?: WriteOptions): Promise<void>;
  /** Removes a file by SFTP; a file that is not there is fine. */
  removeFile(path: string): Promise<void>;
}

/** A command ended on the host at its limit (Mastermind.Failed); `where` and `tail` let a caller say it otherwise. */
export class CommandTimeoutError extends FailedError {
  constructor(
    message: string,
    readonly where: string,
    /** "; stderr: <tail>", or '' when the command wrote nothing to stderr. */
    readonly tail: string,
  ) {
    super(message);
  }
}

/**
 * Runs a command within `limit` (./deadline.ts): when the henchman's deadline set the limit and the command is ended
 * there, the move fails with Mastermind.Timeout naming the henchman; at the command's own timeout, as exec says.
 */
export async function execWithin(
  session: SshSession,
  command: string,
  limit: CommandLimit,
  deadline: MoveDeadline | undefined,
  stdin?: string,
): Promise<CommandResult> {
  try {
    return await session.exec(command, { timeoutSeconds: limit.seconds, ...(stdin === undefined ? {} : { stdin }) });
  } catch (error) {
    if (error instanceof CommandTimeoutError && limit.byDeadline && deadline) {
      throw timeoutError(deadline, `the command was ended on ${error.where}${error.tail}`);
    }
    throw error;
  }
}

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 20;
/** After a command's timeout, how long the remote watchdog gets to end it before the channel is dropped. */
const WATCHDOG_GRACE_MS = 10_000;
const KEEPALIVE_INTERVAL_MS = 15_000;
const WRITE_CHUNK = 32 * 1024;
/** How much of a command's output an error message quotes. */
const MESSAGE_TAIL = 2000;
const SFTP_NO_SUCH_FILE = 2;
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/** `SHA256:` + unpadded base64 of the SHA-256 of the raw host key blob: what `ssh-keygen -lf` prints. */
export function fingerprint(hostKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** A short tail of a command's output, for error messages. */
export function outputTail(text: string, max = MESSAGE_TAIL): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= max ? trimmed : `...${trimmed.slice(trimmed.length - max)}`;
}

function where(target: SshTarget): string {
  return `${target.user}@${target.host}:${target.port}`;
}

function checkTarget(target: SshTarget): void {
  const problems: string[] = [];
  if (!target.host) problems.push('host must not be empty');
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) problems.push('port must be 1 to 65535');
  if (!target.user) problems.push('user must not be empty');
  if (target.hostKey !== undefined && !FINGERPRINT_PATTERN.test(target.hostKey)) {
    problems.push('hostKey must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)');
  }
  if (problems.length > 0) throw new InvalidError(`invalid SSH target: ${problems.join('; ')}`);
  const parsed = utils.parseKey(target.key);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new InvalidError(
      encrypted
        ? 'the SSH key is encrypted: give an unencrypted private key'
        : `the SSH key is not a private key that can be read (${parsed.message})`,
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key.isPrivateKey() !== true) throw new InvalidError('the SSH key is a public key: give the private key');
}

interface Verification {
  presented?: string;
  rejected: boolean;
}

function connectError(error: Error & { level?: string; code?: string }, target: SshTarget, verification: Verification, timeoutSeconds: number): ProviderError {
  const to = where(target);
  if (verification.rejected) {
    return new FailedError(
      `the host key of ${target.host}:${target.port} is ${verification.presented}, not the pinned ${target.hostKey}: nothing was sent`,
    );
  }
  if (error.level === 'client-authentication') {
    return new FailedError(`${to} refused the key: authentication failed`);
  }
  if (error.level === 'client-timeout') {
    return new TransientError(`timed out after ${timeoutSeconds}s connecting to ${to}`);
  }
  if (error.code === 'ENOTFOUND') return new FailedError(`the host name ${target.host} does not resolve`);
  if (error.code && TRANSIENT_SOCKET_CODES.has(error.code)) {
    return new TransientError(`could not connect to ${to}: ${error.code}`);
  }
  if (error.level === 'client-socket') return new TransientError(`could not connect to ${to}: ${error.message}`);
  return new FailedError(`could not connect to ${to}: ${error.message}`);
}

function connect(client: Client, target: SshTarget): Promise<string> {
  const timeoutSeconds = target.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const verification: Verification = { rejected: false };
  return new Promise((resolve, reject) => {
    const onReady = () => {
      client.off('error', onError);
      client.off('close', onClose);
      resolve(verification.presented!);
    };
    const onError = (error: Error) => {
      client.off('ready', onReady);
      client.off('close', onClose);
      reject(connectError(error, target, verification, timeoutSeconds));
    };
    const onClose = () => {
      client.off('ready', onReady);
      client.off('error', onError);
      reject(new TransientError(`${where(target)} closed the connection before login`));
    };
    client.once('ready', onReady).once('error', onError).once('close', onClose);
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey: target.key,
      readyTimeout: timeoutSeconds * 1000,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        verification.presented = fingerprint(blob);
        verification.rejected = target.hostKey !== undefined && verification.presented !== target.hostKey;
        return !verification.rejected;
      },
    });
  });
}

function exitCodeOf(code: number | null | undefined, signal: string | undefined): number | undefined {
  if (typeof code === 'number') return code;
  if (signal) {
    // ssh2 names the signal as SIGKILL; the protocol sends KILL.
    const name = signal.startsWith('SIG') ? signal : `SIG${signal}`;
    const number = (constants.signals as Record<string, number | undefined>)[name];
    return 128 + (number ?? 0);
  }
  return undefined;
}

/** The session handed to withSession's function. Every operation fails when the connection is lost. */
class Session implements SshSession {
  private sftpChannel?: Promise<SFTPWrapper>;
  private lost?: Error;
  private readonly onLost = new Set<(error: Error) => void>();

  constructor(
    private readonly client: Client,
    private readonly target: SshTarget,
    readonly hostKey: string,
  ) {
    client.on('error', (error) => this.lose(error));
    client.on('close', () => this.lose(new Error('the connection was closed')));
  }

  private lose(error: Error): void {
    if (this.lost) return;
    this.lost = error;
    for (const listener of this.onLost) listener(error);
    this.onLost.clear();
  }

  /** Runs `start`; rejects with `whenLost(error)` if the connection goes away first. */
  private guarded<T>(whenLost: (error: Error) => ProviderError, start: (resolve: (value: T) => void, reject: (error: unknown) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.lost) return reject(whenLost(this.lost));
      const listener = (error: Error) => reject(whenLost(error));
      this.onLost.add(listener);
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        this.onLost.delete(listener);
        fn(a);
      };
      start(settle(resolve), settle(reject));
    });
  }

  exec(command: string, options: { timeoutSeconds: number; stdin?: string }): Promise<CommandResult> {
    const to = where(this.target);
    const { timeoutSeconds } = options;
    return this.guarded<CommandResult>(
      (error) => new FailedError(`the connection to ${to} was lost while the command ran (${error.message}); it may or may not have finished`),
      (resolve, reject) => {
        this.client.exec(guardCommand(command, timeoutSeconds), (error, channel: ClientChannel) => {
          if (error) return reject(new FailedError(`${to} did not start the command: ${error.message}`));
          const stdout = new TailBuffer();
          const stderr = new TailBuffer();
          let code: number | null | undefined;
          let signal: string | undefined;
          let overdue = false;
          const deadline = setTimeout(() => (overdue = true), timeoutSeconds * 1000);
          const timeoutError = () => {
            const err = stderr.text().text;
            const tail = err.trim() ? `; stderr: ${outputTail(err)}` : '';
            return new CommandTimeoutError(`the command did not finish within ${Number(timeoutSeconds.toFixed(1))}s on ${to} and was ended${tail}`, to, tail);
          };
          const backstop = setTimeout(() => {
            channel.close();
            reject(timeoutError());
          }, timeoutSeconds * 1000 + WATCHDOG_GRACE_MS);
          channel.on('data', (chunk: Buffer) => stdout.push(chunk));
          channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
            code = exitCode;
            signal = exitSignal;
          });
          channel.on('close', () => {
            clearTimeout(deadline);
            clearTimeout(backstop);
            const exitCode = exitCodeOf(code, signal);
            if (overdue && (signal === 'SIGKILL' || signal === 'KILL' || exitCode === undefined)) return reject(timeoutError());
            if (exitCode === undefined) {
              return reject(new FailedError(`the command on ${to} ended without an exit status; it may or may not have finished`));
            }
            const out = stdout.text();
            const err = stderr.text();
            resolve({ exitCode, stdout: out.text, stderr: err.text, truncated: out.truncated || err.truncated });
          });
          channel.end(options.stdin);
        });
      },
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= this.guarded<SFTPWrapper>(
      (error) => new TransientError(`the connection to ${where(this.target)} was lost (${error.message})`),
      (resolve, reject) =>
        this.client.sftp((error, sftp) =>
          error ? reject(new FailedError(`${where(this.target)} has no SFTP service: ${error.message}`)) : resolve(sftp),
        ),
    );
    return this.sftpChannel;
  }

  /** One SFTP call, its error mapped: lost connection → Transient, refused → Failed naming the path. */
  private sftpCall<T>(what: string, path: string, call: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    const to = where(this.target);
    return this.guarded<T>(
      (error) => new TransientError(`the connection to ${to} was lost while writing ${path} (${error.message})`),
      (resolve, reject) =>
        call((error, value) =>
          error ? reject(Object.assign(new FailedError(`could not ${what} ${path} on ${to}: ${error.message}`), { code: (error as { code?: unknown }).code })) : resolve(value as T),
        ),
    );
  }

  async writeFile(path: string, content: string | Buffer, mode = 0o644, options: WriteOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const handle = await this.sftpCall<Buffer>('open', path, (done) => sftp.open(path, options.exclusive ? 'wx' : 'w', mode, done));
    try {
      // The mode is set before any content is written, so a key never sits readable by others.
      await this.sftpCall<void>('set the mode of', path, (done) => sftp.fchmod(handle, mode, done));
      for (let offset = 0; offset < data.length; offset += WRITE_CHUNK) {
        const length = Math.min(WRITE_CHUNK, data.length - offset);
        await this.sftpCall<void>('write', path, (done) => sftp.write(handle, data, offset, length, offset, done));
      }
    } finally {
      await this.sftpCall<void>('close', path, (done) => sftp.close(handle, done)).catch(() => undefined);
    }
  }

  async removeFile(path: string): Promise<void> {
    const sftp = await this.sftp();
    try {
      await this.sftpCall<void>('remove', path, (done) => sftp.unlink(path, done));
    } catch (error) {
      if ((error as { code?: unknown }).code === SFTP_NO_SUCH_FILE) return;
      throw error;
    }
  }
}

/** Closes the connection and waits (briefly) until it is closed. */
async function close(client: Client, closed: () => boolean): Promise<void> {
  if (closed()) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

/** Connects to `target`, runs `fn` with the session, and always closes the connection. */
export async function withSession<T>(target: SshTarget, fn: (session: SshSession) => Promise<T>): Promise<T> {
  checkTarget(target);
  const client = new Client();
  let closed = false;
  client.on('error', () => undefined); // errors are handled by whoever waits; never crash the process
  client.on('close', () => (closed = true));
  try {
    const hostKey = await connect(client, target);
    return await fn(new Session(client, target, hostKey));
  } finally {
    await close(client, () => closed);
  }
}

/** A fresh, unguessable temporary file name under `dir`. */
export function temporaryPath(dir = '/tmp', prefix = 'mastermind-', suffix = ''): string {
  return `${dir}/${prefix}${randomBytes(12).toString('hex')}${suffix}`;
}
