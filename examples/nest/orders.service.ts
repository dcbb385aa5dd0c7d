import { Injectable } from '@nestjs/common'

/** Stands for the app's own service (a repository, a mailer) that the webhook handlers use. */
@Injectable()
export class OrdersService {
  private readonly paid = new Map<string, number>()

  markPaid(paymentIntent: string, amount: number): void {
    this.paid.set(paymentIntent, amount)
  }
}
