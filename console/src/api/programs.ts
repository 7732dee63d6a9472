/** A program a person is staff of, as sign-in lists them (`choose_program`) and the session does. */
export interface ProgramOption {
  programId: string;
  programName: string;
  role: string;
}
