import { BadRequestException, ConflictException, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { Principal } from '../common/auth/principal';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import type { TerminalDto } from './dto/merchant.dto';
import { MerchantsService } from './merchants.service';
import { decodePublicKey } from './pairing-code';
import { CredentialClaim } from './schemas/pairing-code.schema';

/**
 * A terminal's device key: bound once by a terminal made with a secret (under its bearer token),
 * then replaced only by a request signed with the current key.
 */
@Injectable()
export class TerminalKeysService {
  constructor(
    @InjectModel(CredentialClaim.name) private readonly claims: Model<CredentialClaim>,
    private readonly merchants: MerchantsService,
  ) {}

  async setKey(principal: Principal, publicKeyBase64: string): Promise<TerminalDto> {
    const publicKey = decodePublicKey(publicKeyBase64);
    if (!publicKey) throw new BadRequestException('publicKey must be the base64 of a raw 32-byte Ed25519 public key');
    const standing = await this.merchants.terminalStanding(principal.id);
    if (!standing) throw new UnauthorizedException('Unknown terminal');
    const { terminal } = standing;
    if (terminal.publicKey && principal.proof !== 'signature') throw new UnauthorizedException('A key is replaced only by a request signed with the current key');
    // The key that signed may have been replaced since it was verified (a concurrent rotation
    // won): that request must not rotate again under the new generation.
    if (terminal.publicKey && principal.keyGeneration !== terminal.credentialGeneration) throw new ConflictException('This key was just replaced; sign with the new key');
    // Binding happens once ever; a rotation once per credential generation, so two concurrent
    // rotations signed with the same key cannot both win (FerretDB has no conditional update).
    const claimId = terminal.publicKey ? `key-rotation:${terminal.terminalId}:${terminal.credentialGeneration}` : `key-binding:${terminal.terminalId}`;
    await this.claim(claimId, terminal.terminalId, terminal.publicKey ? 'This key was just replaced; sign with the new key' : 'This terminal already bound a key; rotate it with a request signed by that key');
    try {
      return await this.merchants.setTerminalKey(terminal.terminalId, terminal.merchantId, publicKey.toString('base64'));
    } catch (error) {
      await this.claims.deleteOne({ _id: claimId }).exec();
      throw error;
    }
  }

  private async claim(claimId: string, terminalId: string, conflict: string): Promise<void> {
    try {
      await this.claims.create({ _id: claimId, terminalId });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictException(conflict);
      throw error;
    }
  }
}
