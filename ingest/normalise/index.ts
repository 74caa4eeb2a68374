export * from "./limits.ts";
export {
  createNormaliser,
  type NormaliseOptions,
  normalise,
} from "./normalise.ts";
export { EventEncodingError, eventLine } from "./serialise.ts";
export { REPLACEMENT, storable, wellFormed } from "./storable.ts";
