import type TS from "typescript";

type Ts = typeof TS;

const propertyName = (ts: Ts, n: TS.Node): string | undefined =>
  (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n) || ts.isMethodDeclaration(n)) &&
  (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))
    ? n.name.text
    : undefined;

/** The first property named `name` in `root`, depth first. */
function findProperty(ts: Ts, root: TS.Node, name: string): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (propertyName(ts, n) === name) found = n;
    else ts.forEachChild(n, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}

/**
 * The line (1-based) of a validation problem's field: `rank.top` is the `top` inside `rank`, a
 * spaced field (`baseline windows`) the same path. Falls back to the deepest part found, then to
 * line 1: a problem is never dropped for want of a line.
 */
export function lineOfField(ts: Ts, sf: TS.SourceFile, field: string): number {
  let at: TS.Node = sf;
  for (const part of field.split(/[.\s]+/)) {
    const next = findProperty(ts, at, part);
    if (!next) break;
    at = next;
  }
  return at === sf ? 1 : sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1;
}

/** The property path enclosing a position (`measures.avg_text`), for a type error's field. */
export function fieldAt(ts: Ts, sf: TS.SourceFile, pos: number): string | undefined {
  const path: string[] = [];
  const visit = (n: TS.Node): void => {
    if (pos < n.getStart(sf) || pos >= n.getEnd()) return;
    const name = propertyName(ts, n);
    if (name !== undefined) path.push(name);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return path.length ? path.join(".") : undefined;
}
