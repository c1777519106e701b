import { randomBytes } from 'node:crypto';
import { BadRequestException, ConflictException, GoneException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import QRCode from 'qrcode';
import { isAdmin, merchantOf, type Principal } from '../common/auth/principal';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { CLOCK, type Clock } from '../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { MerchantsService } from '../merchants/merchants.service';
import type { PaymentAnswer } from '../payments/use-cases/payment-answers';
import { InitiatePaymentUseCase } from '../payments/use-cases/initiate-payment.use-case';
import { PAYMENT_REQUEST_PAID, PaymentRequest, PaymentRequestClaim, type PaymentRequestPaidEvent } from './payment-request.schema';
import { type CreatedPaymentRequestDto, type CreatePaymentRequestDto, DEFAULT_EXPIRY_SECONDS, type PaymentRequestDto } from './payment-requests.dto';

const SUI_COIN_TYPE = '0x2::sui::SUI';

/**
 * QR payment requests: a merchant asks for an amount, a cardholder pays it from their app through
 * the same accept pipeline as a tap, and a unique claim per request lets exactly one payment in.
 */
@Injectable()
export class PaymentRequestsService {
  constructor(
    @InjectModel(PaymentRequest.name) private readonly requests: Model<PaymentRequest>,
    @InjectModel(PaymentRequestClaim.name) private readonly claims: Model<PaymentRequestClaim>,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly merchants: MerchantsService,
    private readonly initiate: InitiatePaymentUseCase,
    private readonly events: EventEmitter2,
  ) {}

  async create(dto: CreatePaymentRequestDto, principal: Principal): Promise<CreatedPaymentRequestDto> {
    const merchantId = merchantOf(principal)!;
    const terminalId = await this.terminalFor(merchantId, dto.terminalId, principal);
    const merchant = await this.merchants.get(merchantId, principal);
    const id = `pr_${randomBytes(12).toString('hex')}`;
    const uri = paymentUri({
      receiverAddress: await this.merchants.settlementAddressOf(merchantId),
      amountMist: BigInt(dto.amount) * this.config.mistPerUnit,
      nonce: id,
      label: dto.description ?? merchant.name,
    });
    const request = await this.requests.create({
      _id: id,
      merchantId,
      terminalId,
      amount: dto.amount,
      description: dto.description,
      expiresAt: new Date(this.clock.now().getTime() + (dto.expiresInSeconds ?? DEFAULT_EXPIRY_SECONDS) * 1000),
      uri,
      createdBy: `${principal.role}:${principal.id}`,
    });
    return { ...this.toDto(request.toObject()), qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }

  /** Anyone signed in who has the id (it is on the QR code) may read it; merchant callers only their own merchant's. */
  async get(id: string, principal: Principal): Promise<PaymentRequestDto> {
    return this.toDto(await this.find(id, principal));
  }

  /**
   * The cardholder's payment: the claim first (one payer), then the tap pipeline under an
   * Idempotency-Key of that claim, so a payer whose try died between the claim and the payment
   * completes that very payment by paying again (a thrown error keeps the claim for the same
   * reason). A decline frees the request; so does a claim abandoned with no payment.
   */
  async pay(id: string, cardUuid: string, principal: Principal, requestId: string): Promise<PaymentAnswer> {
    const request = await this.find(id, principal);
    if (request.transactionId) throw alreadyPaid();
    const head = await this.latestClaim(id);
    if (head.claim && !head.claim.releasedAt) {
      const age = this.clock.now().getTime() - head.claim.at.getTime();
      const own = head.claim.userId === principal.id && (head.claim.cardUuid ?? cardUuid) === cardUuid;
      if (own && age < RESUME_WINDOW_MS) return this.payUnder(request, head.gen, cardUuid, principal, requestId);
      if (age < ABANDONED_CLAIM_MS) throw alreadyPaid();
      const made = await this.initiate.acceptedUnder({ role: 'user', id: head.claim.userId }, claimKey(id, head.gen));
      if (made) {
        await this.markPaid(request, made);
        throw alreadyPaid();
      }
      await this.release(id, head.gen);
    }
    if (this.isExpired(request)) throw new GoneException({ code: 'payment_request_expired', message: 'This payment request has expired' });
    const gen = head.gen + 1;
    try {
      await this.claims.create({ _id: claimId(id, gen), userId: principal.id, cardUuid, at: this.clock.now() });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw alreadyPaid();
      throw error;
    }
    return this.payUnder(request, gen, cardUuid, principal, requestId);
  }

  private async payUnder(request: PaymentRequest, gen: number, cardUuid: string, principal: Principal, requestId: string): Promise<PaymentAnswer> {
    const body = { cardUuid, amount: request.amount, merchantId: request.merchantId, terminalId: request.terminalId };
    const answer = await this.initiate.execute({ principal, body, idempotencyKey: claimKey(request._id, gen), requestId });
    if (answer.status !== 202) {
      await this.release(request._id, gen);
      return answer;
    }
    await this.markPaid(request, answer.body.transactionId as string);
    return answer;
  }

  private async markPaid(request: PaymentRequest, transactionId: string): Promise<void> {
    await this.requests.updateOne({ _id: request._id }, { $set: { transactionId, paidAt: this.clock.now() } }).exec();
    const event: PaymentRequestPaidEvent = { paymentRequestId: request._id, merchantId: request.merchantId, terminalId: request.terminalId, amount: request.amount, transactionId, at: this.clock.now() };
    this.events.emit(PAYMENT_REQUEST_PAID, event);
  }

  /** Marked, never deleted: deleting could remove the next payer's claim, as FerretDB's conditional writes are not atomic. */
  private async release(id: string, gen: number): Promise<void> {
    await this.claims.updateOne({ _id: claimId(id, gen) }, { $set: { releasedAt: this.clock.now() } }).exec();
  }

  /** The newest claim of a request (gen -1: none yet), found by `_id` lookups only. */
  private async latestClaim(id: string): Promise<{ gen: number; claim: PaymentRequestClaim | null }> {
    let head: { gen: number; claim: PaymentRequestClaim | null } = { gen: -1, claim: null };
    for (;;) {
      const next = await this.claims.findById(claimId(id, head.gen + 1)).lean().exec();
      if (!next) return head;
      head = { gen: head.gen + 1, claim: next };
    }
  }

  private async find(id: string, principal: Principal): Promise<PaymentRequest> {
    const request = await this.requests.findById(id).lean().exec();
    const merchant = merchantOf(principal);
    if (!request || (merchant !== undefined && merchant !== request.merchantId)) throw new NotFoundException('Payment request not found');
    return request;
  }

  /** A terminal takes payments as itself; staff name one of their merchant's terminals. */
  private async terminalFor(merchantId: string, named: string | undefined, principal: Principal): Promise<string> {
    if (principal.role === 'terminal') return principal.id;
    if (!named) throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'terminalId', errors: ["terminalId is required for staff: the merchant's terminal the payment is taken at"] }] });
    const standing = await this.merchants.terminalStanding(named);
    if (!standing || standing.terminal.merchantId !== merchantId) throw new NotFoundException('Terminal not found');
    return named;
  }

  private isExpired(request: PaymentRequest): boolean {
    return request.expiresAt.getTime() <= this.clock.now().getTime();
  }

  private toDto(request: PaymentRequest): PaymentRequestDto {
    return {
      id: request._id,
      merchantId: request.merchantId,
      amount: request.amount,
      description: request.description ?? null,
      status: request.transactionId ? 'paid' : this.isExpired(request) ? 'expired' : 'open',
      expiresAt: request.expiresAt,
      uri: request.uri,
      transactionId: request.transactionId ?? null,
      createdAt: request.createdAt,
    };
  }
}

/**
 * Its payer may pay again to complete a claim this young; one older than ABANDONED_CLAIM_MS with
 * no payment is given up. The gap between them is longer than an accept may hold its
 * Idempotency-Key (30 s), so a resumed payment is written before anyone may give its claim up.
 */
const RESUME_WINDOW_MS = 90_000;
const ABANDONED_CLAIM_MS = 120_000;

const claimId = (id: string, gen: number) => (gen === 0 ? id : `${id}#${gen}`);
const claimKey = (id: string, gen: number) => `payment-request:${claimId(id, gen)}`;

const alreadyPaid = () => new ConflictException({ code: 'payment_request_paid', message: 'This payment request is already paid, or being paid' });

/** A Sui Payment Kit payment URI (`sui:<receiver>?amount=<base units>&coinType=…&nonce=…&label=…`), as its createPaymentTransactionUri builds one. */
export function paymentUri(params: { receiverAddress: string; amountMist: bigint; nonce: string; label?: string }): string {
  const query = new URLSearchParams({ amount: params.amountMist.toString(), coinType: SUI_COIN_TYPE, nonce: params.nonce });
  if (params.label) query.set('label', params.label);
  return `sui:${params.receiverAddress}?${query.toString()}`;
}
