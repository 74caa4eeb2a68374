import { describe, expect, it } from "vitest";
import { emptyStats, type Sink } from "../sinks/sink.ts";
import { EventTimeSink, eventTimeOf } from "./arrival.ts";

/** A sink that records, per delivery, the arrival time it was given and the lines. */
function recording(now: () => Date) {
  const held: string[] = [];
  const deliveries: { at: string; ids: string[] }[] = [];
  const deliver = async () => {
    if (held.length > 0)
      deliveries.push({ at: now().toISOString(), ids: held.splice(0).map((l) => l.slice(7, 8)) });
  };
  const sink: Sink = {
    kind: "recording",
    write: (line) => held.push(line) > 0,
    drain: async () => {},
    flush: deliver,
    close: deliver,
    stats: emptyStats,
  };
  return { sink, deliveries };
}

const line = (id: string, createdAt: string) => `{"id":"${id}","created_at":"${createdAt}"}\n`;

describe("EventTimeSink", () => {
  it("delivers by the events' own time, one delivery per 5 simulated minutes", async () => {
    let rec: ReturnType<typeof recording> | undefined;
    const sink = new EventTimeSink((now) => {
      rec = recording(now);
      return rec.sink;
    });
    const writes = [
      line("a", "2026-11-26T04:00:00.000Z"),
      line("b", "2026-11-26T04:02:00.000Z"),
      line("c", "2026-11-26T04:06:00.000Z"),
      line("d", "2026-11-26T05:59:58.000Z"),
    ];
    const accepted = [];
    for (const l of writes) {
      const ok = sink.write(l);
      accepted.push(ok);
      if (!ok) await sink.drain();
    }
    await sink.close();
    // A line of a new slot waits (backpressure) until the earlier slot is delivered at its time.
    expect(accepted).toEqual([true, true, false, false]);
    expect(rec?.deliveries).toEqual([
      { at: "2026-11-26T04:02:05.000Z", ids: ["a", "b"] },
      { at: "2026-11-26T04:06:05.000Z", ids: ["c"] },
      // 5 s of delivery delay: the last event arrives in the next hour, as it would live.
      { at: "2026-11-26T06:00:03.000Z", ids: ["d"] },
    ]);
  });

  it("reads the time of an event line, a tweet and a Jetstream frame", () => {
    expect(eventTimeOf(line("a", "2026-11-26T04:00:00.000Z"))).toBe(Date.parse("2026-11-26T04:00:00.000Z"));
    expect(eventTimeOf('{"time_us":1764129600000000,"kind":"commit"}')).toBe(1764129600000);
    expect(eventTimeOf('{"id":"x"}')).toBeUndefined();
  });
});
