/**
 * The process's one handle per PKCS#11 module. Cryptoki is initialised once per process
 * (PKCS#11 v2.40 §5.4: a second C_Initialize fails), so every user of a module — key custody's
 * root key (kernel/custody/) and the secrets' KEK (secrets/adapters/pkcs11-kek.ts) — acquires it
 * here, reference-counted, and the last release finalises it.
 */
import * as pkcs11js from 'pkcs11js';

interface Library {
  readonly pkcs11: pkcs11js.PKCS11;
  refs: number;
}

const libraries = new Map<string, Library>();

/** The loaded, initialised module at `module`; pair each call with one {@link releasePkcs11}. */
export function acquirePkcs11(module: string): pkcs11js.PKCS11 {
  let library = libraries.get(module);
  if (library === undefined) {
    const pkcs11 = new pkcs11js.PKCS11();
    pkcs11.load(module);
    pkcs11.C_Initialize();
    library = { pkcs11, refs: 0 };
    libraries.set(module, library);
  }
  library.refs += 1;
  return library.pkcs11;
}

/** Gives back one {@link acquirePkcs11}; the last one finalises and unloads the module. */
export function releasePkcs11(module: string): void {
  const library = libraries.get(module);
  if (library === undefined) return;
  library.refs -= 1;
  if (library.refs > 0) return;
  libraries.delete(module);
  try {
    library.pkcs11.C_Finalize();
  } finally {
    library.pkcs11.close();
  }
}
