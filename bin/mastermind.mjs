#!/usr/bin/env node
// The `mastermind` command: runs the TypeScript CLI (bin/mastermind.ts) through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22; the CLI runs on 20 and 22 (README
// "Node.js versions"), so there it is noise. Read when the first SDK client is made; set it to false to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('./mastermind.ts');
