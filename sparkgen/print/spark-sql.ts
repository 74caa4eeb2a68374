/**
 * The Spark SQL printer: one entry per node kind in an exhaustive table, so a new node kind
 * without a printer is a type error. Output is formatted for review in a pull request: one
 * select item per line, a comment above each CTE, long calls and conditions wrapped.
 */
import type { ExpressionNode, Node, NodeKind, QueryNode, SelectNode, UnionNode } from "../ast/index.ts";
import {
  type PrintContext,
  printNumber,
  quoteIdentifier,
  quoteString,
  SPARK_3_5,
  UnsupportedError,
} from "./dialect.ts";

/** Without a context: spark-3.5 and no spec name (small goldens, the manifest's expressions). */
const DEFAULT_CONTEXT: PrintContext = { target: SPARK_3_5 };

const WIDTH = 100;
const INDENT = "  ";

/**
 * Every printer takes the spec and target of the statement being printed (`ctx`) as its first
 * argument: the state is passed down, never held by the module.
 */
type Printers = {
  readonly [K in NodeKind]: (ctx: PrintContext, node: Extract<Node, { kind: K }>, indent: string) => string;
};

const PRECEDENCE: Readonly<Record<string, number>> = {
  OR: 1,
  AND: 2,
  NOT: 3,
  "=": 4,
  "<>": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  RLIKE: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
};

function precedence(e: ExpressionNode): number {
  switch (e.kind) {
    case "BinaryNode":
      return PRECEDENCE[e.op] ?? 9;
    case "UnaryNode":
      return e.op === "NOT" ? 3 : 7;
    case "IsNullNode":
    case "InNode":
      return 4;
    default:
      return 9;
  }
}

const expr = (ctx: PrintContext, e: ExpressionNode, indent = ""): string =>
  (PRINTERS[e.kind] as (c: PrintContext, n: Node, i: string) => string)(ctx, e, indent);

/** Parenthesised when `child` binds looser than its parent (or equally, on the right of - and /). */
function operand(
  ctx: PrintContext,
  child: ExpressionNode,
  parent: number,
  right = false,
  indent = "",
): string {
  const p = precedence(child);
  const text = expr(ctx, child, indent);
  return p < parent || (right && p === parent && parent >= 4) ? `(${text})` : text;
}

function call(
  ctx: PrintContext,
  name: string,
  args: readonly string[],
  indent: string,
  distinct = false,
): string {
  if (!ctx.target.functions.has(name))
    throw new UnsupportedError(
      `the function ${name}()`,
      "use a built-in listed in sparkgen/print/dialect.ts FUNCTIONS (available on Spark 3.5 and 4.x)",
      ctx,
    );
  const head = `${name}(${distinct ? "DISTINCT " : ""}`;
  const inline = `${head}${args.join(", ")})`;
  if (indent.length + inline.length <= WIDTH && !inline.includes("\n")) return inline;
  // Many short arguments (a stop-word list): pack them; otherwise one per line.
  const inner = indent + INDENT;
  if (args.length > 8 && args.every((a) => a.length < 30 && !a.includes("\n"))) {
    const lines: string[] = [];
    let line = "";
    for (const a of args) {
      const next = line ? `${line}, ${a}` : a;
      if (inner.length + next.length + 1 > WIDTH && line) {
        lines.push(`${line},`);
        line = a;
      } else line = next;
    }
    lines.push(line);
    return `${head}\n${lines.map((l) => inner + l).join("\n")}\n${indent})`;
  }
  return `${head}\n${args.map((a) => inner + a).join(",\n")}\n${indent})`;
}

/** The terms of a left-nested sum `((a + b) + c)`, in order. */
function sumTerms(e: ExpressionNode): ExpressionNode[] {
  return e.kind === "BinaryNode" && e.op === "+" ? [...sumTerms(e.left), e.right] : [e];
}

/** A top-level AND/OR chain as a list, for one-condition-per-line WHERE and ON clauses. */
function chain(e: ExpressionNode, op: "AND" | "OR"): ExpressionNode[] {
  return e.kind === "BinaryNode" && e.op === op ? [...chain(e.left, op), ...chain(e.right, op)] : [e];
}

function condition(ctx: PrintContext, e: ExpressionNode, indent: string, keyword: string): string {
  const inline = `${keyword} ${expr(ctx, e, indent)}`;
  if (indent.length + inline.length <= WIDTH) return indent + inline;
  const parts = chain(e, "AND");
  return parts
    .map(
      (p, i) =>
        `${indent}${i === 0 ? keyword : `${INDENT}AND`} ${operand(ctx, p, 2, false, indent + INDENT)}`,
    )
    .join("\n");
}

function printSelect(ctx: PrintContext, s: SelectNode, indent: string): string {
  const inner = indent + INDENT;
  const small = s.joins.filter((j) => j.broadcast).map((j) => quoteIdentifier(j.table.alias ?? j.table.name));
  const hint = small.length ? ` /*+ BROADCAST(${small.join(", ")}) */` : "";
  const lines = [`${indent}SELECT${hint}${s.distinct ? " DISTINCT" : ""}`];
  lines.push(s.items.map((i) => inner + PRINTERS.SelectItemNode(ctx, i, inner)).join(",\n"));
  if (s.from) lines.push(`${indent}FROM ${PRINTERS.TableNode(ctx, s.from, indent)}`);
  for (const j of s.joins) lines.push(indent + PRINTERS.JoinNode(ctx, j, indent));
  for (const v of s.lateralViews) lines.push(indent + PRINTERS.LateralViewNode(ctx, v, indent));
  if (s.where) lines.push(condition(ctx, s.where, indent, "WHERE"));
  if (s.groupBy.length)
    lines.push(`${indent}GROUP BY ${s.groupBy.map((g) => expr(ctx, g, indent)).join(", ")}`);
  if (s.orderBy.length)
    lines.push(
      `${indent}ORDER BY ${s.orderBy.map((o) => PRINTERS.OrderItemNode(ctx, o, indent)).join(", ")}`,
    );
  return lines.join("\n");
}

function printUnion(ctx: PrintContext, u: UnionNode, indent: string): string {
  return u.selects.map((s) => printSelect(ctx, s, indent)).join(`\n${indent}UNION${u.all ? " ALL" : ""}\n`);
}

const notLowered = (kind: string, transform: string) => (): never => {
  throw new UnsupportedError(`a ${kind} (spec-level node)`, `run transforms/${transform} before printing`);
};

const PRINTERS: Printers = {
  ColumnNode: (_ctx, n) => (n.table ? `${quoteIdentifier(n.table)}.` : "") + quoteIdentifier(n.name),
  LiteralNode: (_ctx, n) =>
    n.value === null
      ? "NULL"
      : typeof n.value === "string"
        ? quoteString(n.value)
        : typeof n.value === "boolean"
          ? n.value
            ? "TRUE"
            : "FALSE"
          : printNumber(n.value),
  StarNode: (_ctx, n) => (n.table ? `${quoteIdentifier(n.table)}.*` : "*"),
  CallNode: (ctx, n, i) =>
    call(
      ctx,
      n.name,
      n.args.map((a) => expr(ctx, a, i + INDENT)),
      i,
      n.distinct,
    ),
  BinaryNode: (ctx, n, i) => {
    const p = PRECEDENCE[n.op] ?? 9;
    const inline = `${operand(ctx, n.left, p, false, i)} ${n.op} ${operand(ctx, n.right, p, true, i)}`;
    if (n.op !== "+" || i.length + inline.length <= WIDTH) return inline;
    // A long sum (a weighted score): one term per line, each `+` leading its term. Only the left
    // spine is flattened, so a parenthesised right operand keeps its parentheses (and its order of
    // floating-point additions).
    const terms = sumTerms(n).map((t, k) => operand(ctx, t, p, k > 0, i + INDENT));
    return terms.join(`\n${i}${INDENT}+ `);
  },
  UnaryNode: (ctx, n, i) =>
    n.op === "NOT"
      ? `NOT ${operand(ctx, n.operand, 9, false, i)}`
      : `-${operand(ctx, n.operand, 7, false, i)}`,
  IsNullNode: (ctx, n, i) => `${operand(ctx, n.operand, 5, false, i)} IS ${n.negated ? "NOT " : ""}NULL`,
  InNode: (ctx, n, i) =>
    `${operand(ctx, n.operand, 5, false, i)} ${n.negated ? "NOT " : ""}IN (${n.list.map((e) => expr(ctx, e, i)).join(", ")})`,
  CaseNode: (ctx, n, i) => {
    const parts = [
      ...n.whens.map((w) => `WHEN ${expr(ctx, w.when, i)} THEN ${expr(ctx, w.result, i)}`),
      ...(n.otherwise ? [`ELSE ${expr(ctx, n.otherwise, i)}`] : []),
    ];
    const inline = `CASE ${parts.join(" ")} END`;
    if (i.length + inline.length <= WIDTH) return inline;
    return `CASE\n${parts.map((p) => i + INDENT + p).join("\n")}\n${i}END`;
  },
  CastNode: (ctx, n, i) => `CAST(${expr(ctx, n.operand, i)} AS ${n.type})`,
  WindowFunctionNode: (ctx, n, i) => {
    const spec = [
      ...(n.partitionBy.length
        ? [`PARTITION BY ${n.partitionBy.map((p) => expr(ctx, p, i)).join(", ")}`]
        : []),
      ...(n.orderBy.length
        ? [`ORDER BY ${n.orderBy.map((o) => PRINTERS.OrderItemNode(ctx, o, i)).join(", ")}`]
        : []),
    ];
    return `${PRINTERS.CallNode(ctx, n.call, i)} OVER (${spec.join(" ")})`;
  },
  LambdaNode: (ctx, n, i) =>
    `${n.params.length === 1 ? quoteIdentifier(n.params[0]!) : `(${n.params.map(quoteIdentifier).join(", ")})`} -> ${expr(ctx, n.body, i)}`,
  ShareNode: notLowered("share", "lower-share"),
  NormaliseNode: notLowered("normalise", "lower-normalise"),
  OrderItemNode: (ctx, n, i) => `${expr(ctx, n.expr, i)}${n.direction === "DESC" ? " DESC" : ""}`,
  SelectItemNode: (ctx, n, i) => {
    const text = expr(ctx, n.expr, i);
    const implicit = n.expr.kind === "ColumnNode" && n.expr.name === n.alias;
    return n.alias && !implicit ? `${text} AS ${quoteIdentifier(n.alias)}` : text;
  },
  TableNode: (_ctx, n) => quoteIdentifier(n.name) + (n.alias ? ` AS ${quoteIdentifier(n.alias)}` : ""),
  JoinNode: (ctx, n, i) => {
    const head = `${n.joinType} JOIN ${PRINTERS.TableNode(ctx, n.table, i)}`;
    if (!n.on) return head;
    const inline = `${head} ON ${expr(ctx, n.on, i + INDENT)}`;
    if (i.length + inline.length <= WIDTH) return inline;
    // A long join condition: one conjunct per line, as WHERE prints them.
    return `${head}\n${condition(ctx, n.on, i + INDENT, "ON")}`;
  },
  LateralViewNode: (ctx, n, i) =>
    `LATERAL VIEW ${PRINTERS.CallNode(ctx, n.generator, i)} ${quoteIdentifier(n.alias)} AS ${n.columns.map(quoteIdentifier).join(", ")}`,
  SelectNode: printSelect,
  UnionNode: printUnion,
  CteNode: (ctx, n, i) => {
    const comment = n.comment
      .split("\n")
      .map((l) => `${i}-- ${l}`)
      .join("\n");
    const body =
      n.query.kind === "SelectNode"
        ? printSelect(ctx, n.query, i + INDENT)
        : printUnion(ctx, n.query, i + INDENT);
    return `${comment}\n${i}${quoteIdentifier(n.name)} AS (\n${body}\n${i})`;
  },
  QueryNode: (ctx, n) => {
    const header = n.header.map((l) => (l ? `-- ${l}` : "--")).join("\n");
    const ctes = n.ctes.length
      ? `WITH\n${n.ctes.map((c) => PRINTERS.CteNode(ctx, c, "")).join(",\n")}\n`
      : "";
    return `${header}\n${ctes}${printSelect(ctx, n.body, "")}\n`;
  },
};

/**
 * Prints a whole statement (header comment, CTEs, final SELECT), ending in a newline, for one
 * target (default spark-3.5); what the target cannot run is an UnsupportedError naming the spec
 * and the target.
 */
export function printSparkSql(query: QueryNode, ctx: PrintContext = DEFAULT_CONTEXT): string {
  return PRINTERS.QueryNode(ctx, query, "");
}

/** Prints one expression (used for small goldens and the step's contract checks). */
export function printExpression(e: ExpressionNode, indent = "", ctx: PrintContext = DEFAULT_CONTEXT): string {
  return expr(ctx, e, indent);
}
