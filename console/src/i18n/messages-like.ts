/** The shape of a catalogue part in another language: the same keys, every message a string. */
export type MessagesLike<T> = { [K in keyof T]: T[K] extends string ? string : MessagesLike<T[K]> };
