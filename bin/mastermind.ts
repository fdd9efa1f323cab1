console.error('mastermind: the CLI is being built'); process.exit(2);
