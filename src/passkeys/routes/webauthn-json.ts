/**
 * The WebAuthn JSON shapes on the wire (WebAuthn Level 3 §5.1.8/§5.1.9, `toJSON()` of a
 * `PublicKeyCredential`; the options are what `PublicKeyCredential.parseCreationOptionsFromJSON`
 * and `parseRequestOptionsFromJSON` take). Binary fields are base64url strings; sizes are bounded
 * by what an authenticator can produce. Client extension results are the client's report and are
 * not used: they are kept to a small map of known-sized values.
 */
import { Type } from '@sinclair/typebox';
import { TRANSPORTS } from '../domain/passkey.js';

const B64 = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$', description });
const TransportJson = Type.Union(TRANSPORTS.map((t) => Type.Literal(t)));
const Attachment = Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]));
const ExtensionResults = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
  maxProperties: 8,
  description: "The client's extension outputs (e.g. `credProps`): accepted and ignored",
});
// WebAuthn §5.1: a credential id is at most 1023 bytes, 1364 characters of base64url.
const CredentialId = B64(1400, 'The credential id, base64url');

/** A `navigator.credentials.create()` result, as JSON. */
export const RegistrationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
    response: Type.Object(
      {
        clientDataJSON: B64(4096, 'The client data, base64url'),
        attestationObject: B64(65_536, 'The attestation object (CBOR), base64url'),
        transports: Type.Optional(Type.Array(TransportJson, { maxItems: 8 })),
        authenticatorData: Type.Optional(B64(65_536, 'The authenticator data, base64url')),
        publicKey: Type.Optional(B64(4096, 'The public key (SPKI), base64url')),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** A `navigator.credentials.get()` result, as JSON. */
export const AuthenticationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
    response: Type.Object(
      {
        clientDataJSON: B64(4096, 'The client data, base64url'),
        authenticatorData: B64(65_536, 'The authenticator data, base64url'),
        signature: B64(1024, 'The assertion signature, base64url'),
        userHandle: Type.Optional(
          Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9_-]*={0,2}$', description: 'The user handle, base64url' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const CredentialDescriptor = Type.Object(
  { id: Type.String(), type: Type.Literal('public-key'), transports: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false },
);

/** `PublicKeyCredentialCreationOptionsJSON`: hand it to `navigator.credentials.create({publicKey})` after decoding. */
export const CreationOptions = Type.Object(
  {
    challenge: Type.String({ description: 'base64url; single use, valid 5 minutes, bound to this session' }),
    rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }, { additionalProperties: false }),
    user: Type.Object(
      {
        id: Type.String({ description: "The user handle: the account id's bytes, base64url" }),
        name: Type.String(),
        displayName: Type.String(),
      },
      { additionalProperties: false },
    ),
    pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Integer(), type: Type.Literal('public-key') }, { additionalProperties: false })),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(CredentialDescriptor, { description: "The account's passkeys: not registered twice" })),
    authenticatorSelection: Type.Optional(
      Type.Object(
        {
          authenticatorAttachment: Type.Optional(Type.String()),
          residentKey: Type.Optional(Type.String()),
          requireResidentKey: Type.Optional(Type.Boolean()),
          userVerification: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    attestation: Type.Optional(Type.String()),
    extensions: Type.Optional(Type.Object({ credProps: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    hints: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** `PublicKeyCredentialRequestOptionsJSON`: hand it to `navigator.credentials.get({publicKey})` after decoding. */
export const RequestOptions = Type.Object(
  {
    challenge: Type.String({ description: 'base64url; single use, valid 5 minutes' }),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    timeout: Type.Optional(Type.Integer()),
    userVerification: Type.Optional(Type.String({ description: 'Always `required`' })),
  },
  { additionalProperties: false },
);
