import { assert } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';

/**
 * A member's key: Jifen's own id for a member (`mbr_…`), which every table but `members` refers to.
 * The merchant's member id is kept on the member row only, so it can change (`changeMemberId`) or
 * be erased without touching the journal, and it is personal data nothing else stores. The API
 * never shows a key; commands resolve the merchant's id to the key where they read or lock the
 * member row anyway. A distinct type, so a merchant's id is never passed where a key belongs.
 */
export type MemberKey = string & { readonly memberKey: unique symbol };

/**
 * A new key: `mbr_`, 48 bits of milliseconds and 80 random bits in Crockford base32 (`newId`), so
 * keys made later sort later and new members' rows go to the right end of every member index.
 * Never derived from the merchant's id.
 */
export function newMemberKey(atMillis: number = Date.now()): MemberKey {
  return newId('mbr', atMillis) as MemberKey;
}

/** A key as the database returns it. */
export const asMemberKey = (value: string): MemberKey => value as MemberKey;

/** A member as a command knows it: the merchant's id it was asked about and the member's key. */
export interface MemberRef {
  memberId: string;
  memberKey: MemberKey;
}

/**
 * The members a command or batch works on, both ways: the merchant's id of each key and the key of
 * each id, as read when their rows were locked or read.
 */
export class MemberKeys {
  private readonly keys = new Map<string, MemberKey>();
  private readonly ids = new Map<MemberKey, string>();

  constructor(members: Iterable<MemberRef> = []) {
    for (const member of members) this.add(member);
  }

  add({ memberId, memberKey }: MemberRef): void {
    this.keys.set(memberId, memberKey);
    this.ids.set(memberKey, memberId);
  }

  /** The key of a member the command has read; a defect if it has not. */
  keyOf(memberId: string): MemberKey {
    const key = this.keys.get(memberId);
    assert(key, `member ${memberId} was not read by this command`);
    return key;
  }

  findKey(memberId: string): MemberKey | undefined {
    return this.keys.get(memberId);
  }

  /** The merchant's id of a member the command has read; a defect if it has not. */
  idOf(memberKey: MemberKey): string {
    const id = this.ids.get(memberKey);
    assert(id !== undefined, `member ${memberKey} was not read by this command`);
    return id;
  }

  findId(memberKey: MemberKey): string | undefined {
    return this.ids.get(memberKey);
  }

  get size(): number {
    return this.keys.size;
  }

  memberKeys(): MemberKey[] {
    return [...this.ids.keys()];
  }
}
