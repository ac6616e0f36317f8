// Token minting for the fake Entra ID. Access tokens are shaped like the v1 tokens Entra issues
// for the Azure Database resources (those resources accept v1 only), ID tokens like v2 ones. The
// gateway verifies access tokens with the JWKS served here, so the tenant key signs both; a
// second, never-published key exists only to forge convincing-looking tokens for negative tests.
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface DirectoryUser {
  upn: string;
  oid: string;
  name: string;
}

export interface DirectoryGroup {
  name: string;
  id: string;
  members: string[];
}

export interface AccessTokenInput {
  user: DirectoryUser;
  groupIds: string[];
  resource: string;
  clientId: string;
  tenantId: string;
  issuedAt: number;
  lifetimeSec: number;
  /** Extra or overriding claims, for negative tests (wrong tid, missing upn …). */
  claims?: Record<string, unknown>;
}

export interface IdTokenInput {
  user: DirectoryUser;
  clientId: string;
  tenantId: string;
  issuer: string;
  issuedAt: number;
  nonce?: string;
}

interface SigningKey {
  privateKey: CryptoKey;
  kid: string;
}

const newKid = () => randomBytes(20).toString('base64url');

export class TokenSigner {
  private constructor(
    private readonly tenantKey: SigningKey,
    readonly jwk: JWK,
    private foreignKey: SigningKey | undefined,
  ) {}

  static async create(): Promise<TokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = newKid();
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, x5t: kid, use: 'sig', alg: 'RS256', kty: 'RSA' };
    return new TokenSigner({ privateKey, kid }, jwk, undefined);
  }

  get kid(): string {
    return this.tenantKey.kid;
  }

  accessTokenClaims(input: AccessTokenInput): Record<string, unknown> {
    const { user, resource, issuedAt } = input;
    return {
      aud: resource,
      iss: `https://sts.windows.net/${input.tenantId}/`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + input.lifetimeSec,
      acr: '1',
      amr: ['pwd'],
      appid: input.clientId,
      appidacr: '0',
      ...(input.groupIds.length ? { groups: input.groupIds } : {}),
      ipaddr: '127.0.0.1',
      name: user.name,
      oid: user.oid,
      rh: `0.${randomBytes(12).toString('base64url')}.`,
      scp: 'user_impersonation',
      // Entra's `sub` is pairwise: stable per (user, resource app), different across resources.
      sub: createHash('sha256').update(`${user.oid}|${resource}`).digest('base64url').slice(0, 43),
      tid: input.tenantId,
      unique_name: user.upn,
      upn: user.upn,
      // Entra's unique token id: two tokens minted in the same second still differ.
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      ...input.claims,
    };
  }

  signAccessToken(input: AccessTokenInput): Promise<string> {
    return this.sign(this.accessTokenClaims(input), this.tenantKey, this.tenantKey.kid);
  }

  /**
   * The same token, signed by a key Entra never published. By default the header still names the
   * tenant key's kid, so a verifier that trusts the kid without checking the signature is caught.
   */
  async signWithForeignKey(input: AccessTokenInput, kid: string = this.tenantKey.kid): Promise<string> {
    if (!this.foreignKey) {
      const { privateKey } = await generateKeyPair('RS256');
      this.foreignKey = { privateKey, kid: newKid() };
    }
    return this.sign(this.accessTokenClaims(input), this.foreignKey, kid);
  }

  signIdToken(input: IdTokenInput): Promise<string> {
    const { user, issuedAt } = input;
    return this.sign(
      {
        aud: input.clientId,
        iss: input.issuer,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + 3600,
        name: user.name,
        ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
        oid: user.oid,
        preferred_username: user.upn,
        rh: `0.${randomBytes(12).toString('base64url')}.`,
        sub: createHash('sha256').update(`${user.oid}|${input.clientId}`).digest('base64url').slice(0, 43),
        tid: input.tenantId,
        uti: randomBytes(16).toString('base64url'),
        ver: '2.0',
      },
      this.tenantKey,
      this.tenantKey.kid,
    );
  }

  private sign(claims: Record<string, unknown>, key: SigningKey, kid: string): Promise<string> {
    // Entra's v1 headers carry the key id twice (x5t and kid); verifiers differ in which they read.
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: kid, kid })
      .sign(key.privateKey);
  }
}

export const clientInfo = (oid: string, tenantId: string) =>
  Buffer.from(JSON.stringify({ uid: oid, utid: tenantId })).toString('base64url');
