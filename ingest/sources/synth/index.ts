export { synthSource, truthPathFor, writeSynthFile } from "./file.ts";
export { crisisHashtag, type SynthOptions, SynthStream, type SynthTruth } from "./generator.ts";
export { type JetstreamRecording, toJetstream, writeJetstreamFile } from "./jetstream.ts";
export { SYNTH_LIMITS, type SynthFlags, synthOptionsFrom } from "./options.ts";
export { Rng } from "./prng.ts";
