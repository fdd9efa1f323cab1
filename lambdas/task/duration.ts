/**
 * Durations as tasks write them: 30s, 10m, 1h, 1d. No import of the schema here: the providers read durations
 * too, and the schema would bring zod into every provider bundle.
 */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 } as const;

/** "30s" → 30, "10m" → 600, "1h" → 3600; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
