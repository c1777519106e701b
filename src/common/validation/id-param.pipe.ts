import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

/** Route ids (merchantId, terminalId, cardUuid, transactionId) are short, plain tokens; nothing else reaches a query. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ID_PARAM.test(value)) throw new BadRequestException({ message: 'Malformed id in the path', details: [{ field: 'id', errors: ['must be 1-64 letters, digits, _ or -'] }] });
    return value;
  }
}
