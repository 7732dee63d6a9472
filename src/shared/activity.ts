/**
 * Facts lower layers announce after they happened, for whoever listens (today: the Prometheus
 * metrics in `src/observability`). The ledger, event intake and the dispatcher import only this
 * file, never a metrics library; a listener that throws never disturbs the announcer.
 */
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch {
        // Observers must not turn a committed write into a failure.
      }
    }
  }

  get observed(): boolean {
    return this.listeners.size > 0;
  }
}

/** One journal entry as observers see it (its type and the system account on its other side). */
export interface EntryFact {
  type: string;
  contraAccount: string;
  contraDelta: number;
}

/** One answer of event intake: 201 accepted, replayed, or refused with a problem code. */
export interface EventAnswerFact {
  replayed: boolean;
  /** Null when the event was accepted (or replayed). */
  refusedCode: string | null;
}

export interface DeliveryFact {
  channel: string;
  ok: boolean;
}

/** Members whose ledger moved in a transaction that committed. */
export interface MembersMovedFact {
  programId: string;
  memberKeys: readonly string[];
}

export const activity = {
  /** Entries of a transaction that committed. */
  ledgerEntriesCommitted: new Signal<readonly EntryFact[]>(),
  /** Members with entries in a transaction that committed (segments judge them again). */
  membersMoved: new Signal<MembersMovedFact>(),
  /** Answers event intake gave (after their transaction committed). */
  eventsAnswered: new Signal<readonly EventAnswerFact[]>(),
  /** Outcomes of notification delivery attempts, once recorded. */
  deliveriesAttempted: new Signal<readonly DeliveryFact[]>(),
};
