/**
 * `true` when everything `desired` says is in `current`: objects may carry more keys (OpenSearch
 * adds ids, timestamps, defaults), arrays must match element by element, and leaves compare as
 * text (settings come back as strings: `2000` is stored as `"2000"`). Iterative, so a deep
 * answer cannot exhaust the stack.
 */
export function containsDesired(current: unknown, desired: unknown): boolean {
  const stack: [unknown, unknown][] = [[current, desired]];
  while (stack.length) {
    const [c, d] = stack.pop()!;
    if (Array.isArray(d)) {
      if (!Array.isArray(c) || c.length !== d.length) return false;
      d.forEach((v, i) => stack.push([c[i], v]));
    } else if (d !== null && typeof d === 'object') {
      if (c === null || typeof c !== 'object' || Array.isArray(c)) return false;
      for (const [k, v] of Object.entries(d)) if (v !== undefined) stack.push([(c as Record<string, unknown>)[k], v]);
    } else if (String(c) !== String(d)) return false;
  }
  return true;
}
