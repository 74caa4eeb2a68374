import { runSinkContract } from "../../test/ingest/sink-contract.ts";
import { MemorySink } from "./memory.ts";

runSinkContract("memory", async (o) => {
  const sink = new MemorySink(o);
  return { sink, objects: async () => [...sink.objects] };
});
