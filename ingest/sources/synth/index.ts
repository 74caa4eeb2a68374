export { synthSource, truthPathFor, writeSynthFile } from "./file.ts";
export { type SynthOptions, SynthStream, type SynthTruth } from "./generator.ts";
export { SYNTH_LIMITS, type SynthFlags, synthOptionsFrom } from "./options.ts";
export { Rng } from "./prng.ts";
