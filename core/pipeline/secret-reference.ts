// Credentials appear in a pipeline file only as references that Dagger resolves on the caller's
// machine (its secret providers), never as values: a file in git must not hold a token.

const SCHEMES = ["env", "file", "cmd", "op", "vault", "libsecret"] as const;

export const SECRET_REFERENCE_HINT =
  "credentials are given by reference, never inline: env:NAME, file:PATH, cmd:COMMAND, or a Dagger secret URI (env://NAME, op://vault/item/field, vault://path.key)";

/** env:NAME, file:PATH, cmd:..., or a Dagger secret provider URI (env://, file://, cmd://, op://, vault://, libsecret://). */
export const SECRET_REFERENCE = new RegExp(`^(${SCHEMES.join("|")}):(//)?\\S.*$`);

export function isSecretReference(value: string): boolean {
  return SECRET_REFERENCE.test(value);
}

/** The Dagger secret URI of a reference: env:NAME becomes env://NAME. */
export function secretUri(reference: string): string {
  const [, scheme, slashes, rest] = /^([a-z]+):(\/\/)?(.+)$/.exec(reference)!;
  return slashes ? reference : `${scheme}://${rest}`;
}
