import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import type { ClientWithCoreApi } from '@mysten/sui/client';
import { normalizeSuiAddress } from '@mysten/sui/utils';
import type { WalletProvisioner } from './wallet-provisioner';
import { MASTER_KEY_RING, SUI_CLIENT, WALLET_FAUCET } from '../blockchain.tokens';
import { CustodialSigner } from './custodial-signer';
import { decryptSecret, EncryptedSecret, encryptSecret, MasterKeyRing, reencryptSecret, WalletKeyError } from './wallet-crypto';
import { formatSui } from './format-sui';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';

export interface WalletFaucet {
  fund(address: string): Promise<void>;
}

export interface WalletBalance {
  address: string;
  balanceMist: string;
  balanceSui: string;
}

interface WalletDoc {
  /** The owning user's id: one wallet per user. */
  _id: string;
  address: string;
  encryptedKey: EncryptedSecret;
  /** False until the local faucet paid; a crash in between is finished by the next createWallet. */
  funded: boolean;
  createdAt: Date;
}

/** Which user a wallet address belongs to: `_id` lookups only, as FerretDB scans for any other filter. */
interface AddressDoc {
  _id: string;
  userId: string;
}

const MAX_CACHED_SIGNERS = 10_000;

/**
 * Custodial wallets: one Ed25519 key pair per user, the secret stored only encrypted. The secret
 * never leaves this module: callers get addresses and balances; settlement gets a signer.
 */
@Injectable()
export class WalletService implements WalletProvisioner, OnModuleInit {
  private readonly wallets: mongo.Collection<WalletDoc>;
  private readonly addresses: mongo.Collection<AddressDoc>;
  private readonly logger = new Logger(WalletService.name);
  /**
   * Decrypted signers of recently used wallets. Looking a wallet up by address makes FerretDB scan
   * every wallet, and every settlement needs its signer; bounded, and cleared on key rotation.
   */
  private readonly signers = new Map<string, CustodialSigner>();

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(SUI_CLIENT) private readonly client: ClientWithCoreApi,
    @Inject(MASTER_KEY_RING) private readonly keys: MasterKeyRing,
    @Optional() @Inject(WALLET_FAUCET) private readonly faucet: WalletFaucet | null = null,
  ) {
    this.wallets = connection.collection<WalletDoc>('custodial_wallets') as unknown as mongo.Collection<WalletDoc>;
    this.addresses = connection.collection<AddressDoc>('custodial_wallet_addresses') as unknown as mongo.Collection<AddressDoc>;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureIndexes();
  }

  async ensureIndexes(): Promise<void> {
    await this.wallets.createIndex({ address: 1 }, { unique: true });
  }

  /**
   * Idempotent per owner, so registration can simply be retried. `fund: false` for wallets that
   * must hold exactly what was sent to them (merchant settlement, platform fees): the local
   * faucet never pays those.
   */
  async createWallet(userId: string, options: { fund?: boolean } = {}): Promise<{ address: string }> {
    let wallet = await this.wallets.findOne({ _id: userId });
    if (!wallet) {
      const { signer, seed } = CustodialSigner.generate();
      const address = signer.toSuiAddress();
      wallet = { _id: userId, address, encryptedKey: encryptSecret(seed, this.keys, address), funded: !this.faucet || options.fund === false, createdAt: new Date() };
      seed.fill(0);
      try {
        await this.wallets.insertOne(wallet);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return this.createWallet(userId, options);
      }
      await this.indexAddress(address, userId);
    }
    if (!wallet.funded && this.faucet) {
      await this.faucet.fund(wallet.address);
      await this.wallets.updateOne({ _id: userId }, { $set: { funded: true } });
    }
    return { address: wallet.address };
  }

  async walletOf(userId: string): Promise<{ address: string } | null> {
    const wallet = await this.wallets.findOne({ _id: userId }, { projection: { address: 1 } });
    return wallet ? { address: wallet.address } : null;
  }

  async getBalance(address: string): Promise<WalletBalance> {
    const { balance } = await this.client.core.getBalance({ owner: address });
    return { address, balanceMist: balance.balance, balanceSui: formatSui(BigInt(balance.balance)) };
  }

  /** For settlement only: the decrypted key as an opaque signer. */
  async signerFor(address: string): Promise<CustodialSigner> {
    const normalized = normalizeSuiAddress(address);
    const cached = this.signers.get(normalized);
    if (cached) return cached;
    const signer = await this.loadSigner(normalized);
    if (this.signers.size >= MAX_CACHED_SIGNERS) this.signers.delete(this.signers.keys().next().value!);
    this.signers.set(normalized, signer);
    return signer;
  }

  private async loadSigner(normalized: string): Promise<CustodialSigner> {
    const owner = await this.addresses.findOne({ _id: normalized });
    let wallet = owner && (await this.wallets.findOne({ _id: owner.userId }));
    if (!wallet) {
      // A wallet made before the address index, or whose indexing a crash cut short.
      wallet = await this.wallets.findOne({ address: normalized });
      if (wallet) await this.indexAddress(wallet.address, wallet._id);
    }
    if (wallet?.address !== normalized) throw new WalletKeyError(`no custodial wallet with address ${normalized}`);
    const seed = decryptSecret(wallet.encryptedKey, this.keys, wallet.address);
    try {
      const signer = CustodialSigner.fromSeed(seed);
      if (signer.toSuiAddress() !== wallet.address) throw new WalletKeyError(`stored key does not belong to wallet ${wallet.address}`);
      return signer;
    } finally {
      seed.fill(0);
    }
  }

  private async indexAddress(address: string, userId: string): Promise<void> {
    await this.addresses.insertOne({ _id: address, userId }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  /** Re-encrypts every wallet still under an older master key; returns how many changed. */
  async rotateKeys(): Promise<number> {
    this.signers.clear();
    let rotated = 0;
    const stale = this.wallets.find({ 'encryptedKey.keyVersion': { $ne: this.keys.currentVersion } });
    for await (const wallet of stale) {
      const next = reencryptSecret(wallet.encryptedKey, this.keys, wallet.address);
      if (!next) continue;
      const result = await this.wallets.updateOne(
        { _id: wallet._id, 'encryptedKey.keyVersion': wallet.encryptedKey.keyVersion },
        { $set: { encryptedKey: next } },
      );
      rotated += result.modifiedCount;
    }
    if (rotated) this.logger.log(`re-encrypted ${rotated} wallet keys under master key v${this.keys.currentVersion}`);
    return rotated;
  }
}
