// Credentials appear in a pipeline file only as references that Dagger resolves on the caller's
// machine (its secret providers), never as values: a file in git must not hold a token. Each
// scheme has a strict grammar with nothing after it, since a reference also lands in generated CI
// files (as one quoted word, but an env: name also becomes a CI variable's name).

/** Control characters: no reference holds one, so none can add a line to a generated file. */
const CONTROL = "\\x00-\\x1f\\x7f";
/** Variables the generated CI files set themselves; a reference to one would read Gantry's value. */
export const RESERVED_VARIABLE_PREFIX = "GANTRY_";
const POSIX_NAME = `(?!${RESERVED_VARIABLE_PREFIX})[A-Za-z_][A-Za-z0-9_]*`;
/** A variable a pipeline file may name (a POSIX name outside GANTRY_*): one the CI system provides. */
export const CI_VARIABLE_NAME = new RegExp(`^${POSIX_NAME}$`);
const TEXT = `[^${CONTROL}]+`;
const SEGMENT = `[^/?#${CONTROL}]+`;
const VAULT_SEGMENT = `[^/?#\\s${CONTROL}]+`;

const FORMS = [
  `env:(?://)?${POSIX_NAME}`,
  `file:(?://)?${TEXT}`,
  `cmd:(?://)?${TEXT}`,
  // 1Password: vault/item/field or vault/item/section/field.
  `op://${SEGMENT}/${SEGMENT}/${SEGMENT}(?:/${SEGMENT})?`,
  // Vault KVv2: mount/path.field (the field is what follows the last dot), optionally ?ttl=<duration>.
  `vault://${VAULT_SEGMENT}(?:/${VAULT_SEGMENT})*\\.[A-Za-z0-9_-]+(?:\\?ttl=[0-9]+(?:ns|us|ms|s|m|h))?`,
  `libsecret://${SEGMENT}(?:/${SEGMENT})*`,
];

export const SECRET_REFERENCE_HINT =
  "credentials are given by reference, never inline, and nothing may follow the reference: env:NAME (a POSIX variable name, not GANTRY_*), " +
  "file:PATH or cmd:COMMAND (no control characters), op://vault/item/field, vault://mount/path.field, libsecret://collection/item";

/** The grammar of a secret reference, whole (anchored). */
export const SECRET_REFERENCE = new RegExp(`^(?:${FORMS.join("|")})$`);

export function isSecretReference(value: string): boolean {
  return SECRET_REFERENCE.test(value);
}

/** The Dagger secret URI of a reference: env:NAME becomes env://NAME. */
export function secretUri(reference: string): string {
  const [, scheme, slashes, rest] = /^([a-z]+):(\/\/)?(.+)$/s.exec(reference)!;
  return slashes ? reference : `${scheme}://${rest}`;
}
