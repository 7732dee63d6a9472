export type StaffStatus = 'active' | 'disabled';

/** A staff member of one program, as the API shows it (never a password or a TOTP secret). */
export interface StaffView {
  id: string;
  name: string;
  login: string;
  role: string;
  storeIds: string[];
  status: StaffStatus;
  totpEnabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RoleView {
  /** A built-in role's name, or a custom role's id (`rol_...`). */
  id: string;
  name: string;
  builtIn: boolean;
  permissions: string[];
  createdAt: string | null;
  updatedAt: string | null;
}
