/**
 * What the README says about Node.js versions ("Node.js versions") holds: package.json's engines, the runtime and the
 * bundling target of every Lambda of the stack, aws-local-stepfunctions' own requirement and the polyfill that
 * answers it on Node 20, and the CLI that does not print the AWS SDK's Node 22 notice.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '../../lib/bundling.ts';
import { synth } from './synth.ts';

const root = new URL('../../', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as { engines?: { node?: string } };
const readme = readFileSync(new URL('README.md', root), 'utf8');
const section = readme.slice(readme.indexOf('### Node.js versions'), readme.indexOf('\n## ', readme.indexOf('### Node.js versions')));
const major = (range: string) => Number(/(\d+)/.exec(range)![1]);

describe('the Node.js versions the README names', () => {
  it('are package.json\'s engines (>=20), and this suite runs on one of them', () => {
    // Assess
    const engines = json('package.json').engines?.node;
    expect(engines).toBe('>=20');
    expect(section).toContain('`engines` in\n  package.json says `>=20`');
    expect(section).toContain('**Node.js 20 and 22**');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(major(engines!));
  });

  it('name the runtime every Lambda of the stack is deployed on, and the target it is bundled for', () => {
    // Act
    const runtimes = Object.values(synth().template.findResources('AWS::Lambda::Function')).map((fn) => (fn as { Properties: { Runtime: string } }).Properties.Runtime);

    // Assess
    expect(new Set(runtimes)).toStrictEqual(new Set(['nodejs22.x']));
    expect(LAMBDA_BUNDLING.target).toBe('node22');
    expect(section).toContain('**The Lambdas run Node.js 22**: the stack deploys them on the `nodejs22.x` runtime, bundled for `node22`');
  });

  it('explain aws-local-stepfunctions\' own requirement, which the polyfill meets on Node 20', async () => {
    // Act
    await import('#engine/polyfill');

    // Assess
    expect(json('node_modules/aws-local-stepfunctions/package.json').engines?.node).toBe('>=22.0.0');
    expect(section).toContain('aws-local-stepfunctions, which asks for Node `>=22.0.0` for the sake of\n  `Promise.withResolvers`');
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('let the CLI run without the AWS SDK\'s Node 22 notice, and show it when asked', async () => {
    // Act
    const quiet = await serveOutput({});
    const asked = await serveOutput({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });

    // Assess
    expect(quiet).toContain('mastermind local mode on http://127.0.0.1:');
    expect(quiet).not.toContain('NodeVersionSupportWarning');
    // The SDK speaks only below Node 22.
    expect(asked.includes('NodeVersionSupportWarning')).toBe(Number(process.versions.node.split('.')[0]) < 22);
  }, 60_000);
});

/** `mastermind serve` until it says it is up (it makes its AWS SDK clients first), then stopped: all it printed. */
function serveOutput(env: Record<string, string>): Promise<string> {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _given, ...inherited } = process.env;
  const child = spawn(process.execPath, [fileURLToPath(new URL('bin/mastermind.mjs', root)), 'serve', '--port', '0'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Stop with Ctrl-C.')) child.kill('SIGTERM');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}
