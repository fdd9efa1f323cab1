/**
 * How deeply a document nests, bounded: recursive walks (the validator's, JSON.stringify, the `yaml` parser)
 * overflow the stack on documents thousands of levels deep, so the depth is measured first, without recursion,
 * and a document deeper than MAX_DEPTH is refused before anything recursive reads it.
 *
 *   jsonTextDepth(text)   brackets outside strings: a linear scan of JSON text
 *   yamlTextDepth(text)   about the depth of YAML text: indentation levels, `- ` / `? ` chains on a line, and
 *                         flow brackets outside quotes
 *   valueDepth(value)     a parsed value, iteratively; stops counting past the limit
 */

/** The deepest nesting a task, a start's params, a project's settings or a hook body may have. */
export const MAX_DEPTH = 64;

/** The deepest bracket nesting of JSON text (strings skipped). */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * About the nesting of YAML text: each line's block level (one per deeper indentation, plus one per `- ` or
 * `? ` that opens a node on the same line) plus its flow brackets outside quotes.
 */
export function yamlTextDepth(text: string): number {
  const indents: { indent: number; depth: number }[] = [];
  let flow = 0;
  let deepest = 0;
  for (const line of text.split('\n')) {
    let i = 0;
    while (line.charCodeAt(i) === 0x20) i++;
    if (i === line.length || line[i] === '#') continue;
    let depth: number;
    if (flow > 0) depth = indents.length > 0 ? indents[indents.length - 1]!.depth : 0;
    else {
      while (indents.length > 0 && indents[indents.length - 1]!.indent >= i) indents.pop();
      depth = (indents.length > 0 ? indents[indents.length - 1]!.depth : 0) + 1;
    }
    // `- - - x`, `? - x`: each marker opens one more level on this line.
    let quote = '';
    for (let j = i; j < line.length; j++) {
      const c = line[j]!;
      if (quote) {
        if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (j === 0 || line[j - 1] === ' ')) break;
      else if (c === '[' || c === '{') deepest = Math.max(deepest, depth + ++flow);
      else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
      else if ((c === '-' || c === '?') && (j === i || line[j - 1] === ' ') && (line[j + 1] === ' ' || j + 1 === line.length)) depth++;
    }
    deepest = Math.max(deepest, depth + flow);
    if (flow === 0) indents.push({ indent: i, depth });
  }
  return deepest;
}

/** How deeply a value nests (a scalar: 0), counted up to `limit + 1` at most; without recursion. */
export function valueDepth(value: unknown, limit = MAX_DEPTH): number {
  let deepest = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return deepest;
}
