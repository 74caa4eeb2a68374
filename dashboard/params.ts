import { z } from "zod";
import { readInstant } from "../runtime/time/index.ts";
import { codePoints, MAX_TOPIC_LENGTH } from "../sparkgen/index.ts";
import { ALL_TWEETS } from "../sql/index.ts";

/** Query parameters of a data endpoint after validation: a topic and a half-open range `[from, to)`. */
export interface RangeQuery {
  topic: string;
  from: Date;
  to: Date;
  limit: number;
}

export const DEFAULT_RANGE_MS = 24 * 3600_000;
/** A year of 15-minute windows is ~35k points: the most a chart or a range query should carry. */
export const MAX_RANGE_MS = 366 * 24 * 3600_000;

/** A query parameter the caller got wrong; the server answers 400 with its message. */
export class BadParam extends Error {
  override readonly name = "BadParam";
}

const instant = (name: string) =>
  z.string().transform((s, ctx) => {
    // The one time parser of the CLI and the API: ISO-8601 only, no rolled-over dates.
    const r = readInstant(s);
    if (r.ok) return r.date;
    ctx.addIssue({
      code: "custom",
      message:
        r.reason === "format"
          ? `${name} must be an ISO-8601 time such as 2026-11-26T04:15:00Z`
          : `${name} is not a real date: ${s}`,
    });
    return z.NEVER;
  });

const topic = z
  .string()
  .min(1, "topic must not be empty")
  .refine((t) => codePoints(t) <= MAX_TOPIC_LENGTH, `topic is longer than ${MAX_TOPIC_LENGTH} characters`)
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), "topic must not contain control characters");

/**
 * Parses `topic`, `from`, `to` and `limit` from a URL's query. Defaults: topic `*` (all tweets),
 * `to` = now, `from` = `to` − 24 h, `limit` = `defaultLimit`. Unknown parameters are rejected so a
 * typo (`?form=`) is not silently ignored.
 *
 * @example parseRangeQuery(new URLSearchParams("topic=acme&from=2026-11-26T00:00:00Z"), { defaultLimit: 20, maxLimit: 100 })
 */
export function parseRangeQuery(
  params: URLSearchParams,
  o: { defaultLimit: number; maxLimit: number; now?: Date },
): RangeQuery {
  const allowed = new Set(["topic", "from", "to", "limit"]);
  for (const key of new Set(params.keys())) {
    if (!allowed.has(key))
      throw new BadParam(`unknown parameter ${JSON.stringify(key)}; use topic, from, to, limit`);
    if (params.getAll(key).length > 1) throw new BadParam(`parameter ${key} is given more than once`);
  }
  const schema = z.object({
    topic: topic.default(ALL_TWEETS),
    from: instant("from").optional(),
    to: instant("to").optional(),
    limit: z
      .string()
      .regex(/^\d{1,6}$/, "limit must be a whole number")
      .transform(Number)
      .pipe(
        z.number().min(1, "limit must be at least 1").max(o.maxLimit, `limit must be at most ${o.maxLimit}`),
      )
      .optional(),
  });
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new BadParam(parsed.error.issues[0]!.message);
  const to = parsed.data.to ?? o.now ?? new Date();
  const from = parsed.data.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from.getTime() >= to.getTime()) throw new BadParam("from must be before to");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new BadParam("the range from..to is longer than 366 days");
  return { topic: parsed.data.topic, from, to, limit: parsed.data.limit ?? o.defaultLimit };
}

/** Endpoints without parameters reject any, for the same reason as above. */
export function parseNoParams(params: URLSearchParams): void {
  const first = params.keys().next();
  if (!first.done)
    throw new BadParam(`unknown parameter ${JSON.stringify(first.value)}; this endpoint takes none`);
}

/**
 * Takes an endpoint's own parameter out of `params` (a copy: the rest goes to `parseRangeQuery`),
 * checked against the values it may have; undefined when absent.
 *
 * @example const [by, rest] = takeChoice(params, "by", ["range", "window"]);
 */
export function takeChoice<T extends string>(
  params: URLSearchParams,
  name: string,
  choices: readonly T[],
): [T | undefined, URLSearchParams] {
  const rest = new URLSearchParams(params);
  const given = rest.getAll(name);
  rest.delete(name);
  if (given.length > 1) throw new BadParam(`parameter ${name} is given more than once`);
  const v = given[0];
  if (v !== undefined && !(choices as readonly string[]).includes(v))
    throw new BadParam(`${name} must be ${choices.join(" or ")}`);
  return [v as T | undefined, rest];
}
