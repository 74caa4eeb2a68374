/** Nodes are immutable: transforms build new trees, never patch old ones. */
export const freeze = <T extends object>(o: T): Readonly<T> => Object.freeze(o);
