import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { catalog, findAction, PROJECT_SETTING_NAMES } from '#task/catalog';

describe('the provider catalog', () => {
  it('is metadata only: the catalog and the compiler import no AWS SDK and no SSH client', async () => {
    // Act
    const { metafile } = await build({
      entryPoints: ['lambdas/task/compile.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    // Assess
    const heavy = Object.keys(metafile.inputs).filter((path) => /node_modules\/(@aws-sdk|@smithy|ssh2)\//.test(path));
    expect(heavy).toStrictEqual([]);
  });

  it('names an undo action that exists in the same provider and takes what the undone action outputs', () => {
    // Act
    const undos = Object.entries(catalog).flatMap(([provider, spec]) =>
      Object.entries(spec.actions)
        .filter(([, action]) => action.undoneBy !== undefined)
        .map(([name, action]) => {
          const undo = findAction(provider, action.undoneBy!);
          const required = Object.entries(undo?.input ?? {})
            .filter(([field, f]) => f.required && !f.projectSetting && !Object.hasOwn(action.output, field))
            .map(([field]) => field);
          return { action: `${provider} ${name}`, undo: action.undoneBy, exists: undo !== undefined, unmet: required };
        }),
    );
    // Assess
    expect(undos).toStrictEqual([
      { action: 'ec2 launch', undo: 'terminate', exists: true, unmet: [] },
      { action: 'ec2 stop', undo: 'start', exists: true, unmet: [] },
      { action: 'ec2 start', undo: 'stop', exists: true, unmet: [] },
      { action: 'ec2 associate-address', undo: 'disassociate-address', exists: true, unmet: [] },
      { action: 'chef bootstrap', undo: 'deregister', exists: true, unmet: [] },
    ]);
  });

  it('marks as project settings exactly the inputs named like a project setting', () => {
    // Act
    const mismatched = Object.entries(catalog).flatMap(([provider, spec]) =>
      Object.entries(spec.actions).flatMap(([name, action]) =>
        Object.entries(action.input)
          .filter(([field, f]) => Boolean(f.projectSetting) !== (PROJECT_SETTING_NAMES as readonly string[]).includes(field))
          .map(([field]) => `${provider} ${name} ${field}`),
      ),
    );
    // Assess
    expect(mismatched).toStrictEqual([]);
  });
});
