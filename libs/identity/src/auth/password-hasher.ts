import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * argon2id, with OWASP's minimum for it (19 MiB of memory, 2 passes, 1 lane): a
 * memory-hard function makes each guess of a stolen hash cost memory as well as time,
 * which is what defeats GPU and ASIC cracking. @node-rs/argon2 ships prebuilt binaries,
 * so no compiler or install script is needed.
 */
// Algorithm is a const enum, which isolated modules cannot read: 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A real hash of nothing, verified against when the user does not exist, so timing tells nothing. */
  private decoy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, PARAMS);
  }

  async verify(passwordHash: string | null | undefined, password: string): Promise<boolean> {
    if (!passwordHash) {
      this.decoy ??= this.hash('decoy password, never matches');
      await verify(await this.decoy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
