import { BadRequestException, Inject, Injectable, NotFoundException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import type { Principal } from '../common/auth/principal';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { REDIS_CLIENT } from '../redis/redis.constants';
import type { PairingCodeResponseDto, PairTerminalDto, PairedTerminalResponseDto } from './dto/pairing.dto';
import { MerchantsService } from './merchants.service';
import { decodePublicKey, generatePairingCode, hashVerifier, newCodeId, newPairedTerminalId, splitPairingCode, verifierMatches } from './pairing-code';
import { CredentialClaim, PairingCode } from './schemas/pairing-code.schema';

const CODE_TTL_MS = 10 * 60_000;
/** Tries per code, the right one included: after 5 wrong ones even the right code is refused. */
const MAX_TRIES = 5;
const CREATE_ATTEMPTS = 5;
const INVALID_CODE = 'Invalid, expired or already used pairing code';
const triesKey = (codeId: string) => `terminal:pairing-tries:${codeId}`;

/**
 * Device pairing: staff create a short-lived code, the device proves it along with its new public
 * key and becomes a terminal of the merchant. Nothing secret ever leaves the server.
 */
@Injectable()
export class TerminalPairingService {
  constructor(
    @InjectModel(PairingCode.name) private readonly codes: Model<PairingCode>,
    @InjectModel(CredentialClaim.name) private readonly claims: Model<CredentialClaim>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly merchants: MerchantsService,
  ) {}

  /** By an admin or the merchant's staff (another merchant's answers 404). */
  async createCode(merchantId: string, label: string | undefined, createdBy: Principal): Promise<PairingCodeResponseDto> {
    this.merchants.assertMayView(merchantId, createdBy);
    const merchant = await this.merchants.merchantSnapshot(merchantId);
    if (!merchant) throw new NotFoundException('Merchant not found');
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const code = generatePairingCode();
      const { selector, verifier } = splitPairingCode(code);
      const codeId = newCodeId();
      const expiresAt = new Date(Date.now() + CODE_TTL_MS);
      if (await this.insertCode({ _id: selector, codeId, merchantId, verifierHash: hashVerifier(codeId, verifier), expiresAt, createdBy: createdBy.id, ...(label && { label }) })) {
        return { success: true, code, expiresAt };
      }
    }
    throw new ServiceUnavailableException('Could not allocate a pairing code; retry');
  }

  async pair(dto: PairTerminalDto): Promise<PairedTerminalResponseDto> {
    const publicKey = decodePublicKey(dto.publicKey);
    if (!publicKey) throw new BadRequestException('publicKey must be the base64 of a raw 32-byte Ed25519 public key');
    const code = await this.provenCode(dto.code);
    const merchant = await this.merchants.merchantSnapshot(code.merchantId);
    if (merchant?.status !== 'active') throw new UnauthorizedException(INVALID_CODE);
    const terminalId = newPairedTerminalId();
    await this.claimCode(code, terminalId);
    const terminal = await this.merchants.createPairedTerminal({
      terminalId,
      merchantId: code.merchantId,
      publicKey: publicKey.toString('base64'),
      ...((dto.label ?? code.label) && { label: dto.label ?? code.label }),
      ...(dto.deviceInfo && { deviceInfo: dto.deviceInfo }),
    });
    return { success: true, terminalId: terminal.terminalId, merchantId: terminal.merchantId };
  }

  /** The code when the caller knows all of it; every try is counted, so guessing ends after MAX_TRIES. */
  private async provenCode(given: string): Promise<PairingCode> {
    const { selector, verifier } = splitPairingCode(given);
    const code = await this.codes.findById(selector).lean().exec();
    if (!code || code.expiresAt.getTime() <= Date.now()) throw new UnauthorizedException(INVALID_CODE);
    const tries = await this.redis.multi().incr(triesKey(code.codeId)).expire(triesKey(code.codeId), CODE_TTL_MS / 1000).exec();
    const count = Number(tries?.[0]?.[1]);
    if (!Number.isFinite(count)) throw new ServiceUnavailableException('Pairing is unavailable right now; retry');
    if (count > MAX_TRIES || !verifierMatches(code.codeId, verifier, code.verifierHash)) throw new UnauthorizedException(INVALID_CODE);
    return code;
  }

  /** Single use under any concurrency: the first insert of the code's claim wins. */
  private async claimCode(code: PairingCode, terminalId: string): Promise<void> {
    try {
      await this.claims.create({ _id: `pairing:${code.codeId}`, terminalId });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new UnauthorizedException(INVALID_CODE);
      throw error;
    }
  }

  /** False when the selector is held by a live code; an expired holder is removed for the next try. */
  private async insertCode(code: PairingCode): Promise<boolean> {
    try {
      await this.codes.create(code);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const holder = await this.codes.findById(code._id).lean().exec();
    if (holder && holder.expiresAt.getTime() <= Date.now()) await this.codes.deleteOne({ _id: code._id, codeId: holder.codeId }).exec();
    return false;
  }
}
