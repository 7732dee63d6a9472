/**
 * The programs a person is staff of, as sign-in last listed them (the API lists them when a login
 * has several: `choose_program`). Kept in this browser for the header's program switch.
 */
export interface ProgramOption {
  programId: string;
  programName: string;
  role: string;
}

const STORAGE_KEY = 'jifen.console.programs';

export function rememberPrograms(login: string, programs: readonly ProgramOption[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ login, programs }));
}

/** The remembered programs of this login (none when another login signed in last). */
export function rememberedPrograms(login: string): ProgramOption[] {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as {
      login: string;
      programs: ProgramOption[];
    } | null;
    return stored?.login === login && Array.isArray(stored.programs) ? stored.programs : [];
  } catch {
    return [];
  }
}
