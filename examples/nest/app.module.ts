import { Controller, Get, Module } from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { createReceiver } from 'webhook-receiver'
import { WebhookModule } from 'webhook-receiver/nest'
import { github } from 'webhook-receiver/providers/github'
import { stripe } from 'webhook-receiver/providers/stripe'
import { IssuesService } from './issues.service.js'
import { OrdersService } from './orders.service.js'
import { PaymentsService } from './payments.service.js'

@Controller('health')
class HealthController {
  @Get()
  health() {
    return { ok: true }
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    // One route per receiver, each made from the app's configuration. A missing secret fails the start-up.
    WebhookModule.forRootAsync({
      name: 'stripe',
      path: 'webhooks/stripe',
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        createReceiver({ provider: stripe({ secret: config.getOrThrow('STRIPE_WEBHOOK_SECRET') }) }),
    }),
    WebhookModule.forRootAsync({
      name: 'github',
      path: 'webhooks/github',
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        createReceiver({ provider: github({ secret: config.getOrThrow('GITHUB_WEBHOOK_SECRET') }) }),
    }),
  ],
  controllers: [HealthController],
  providers: [OrdersService, PaymentsService, IssuesService],
})
export class AppModule {}
