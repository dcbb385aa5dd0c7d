import type { SlackEvent as SlackTypesEvent } from '@slack/types'
import type { PeerMissing, UntypedEvents } from './optional-peer.js'

/** Every Events API event (`@slack/types`), or `unknown` without that package. */
type SlackEvent = PeerMissing<SlackTypesEvent> extends true ? unknown : SlackTypesEvent
/** Events API types mapped to their envelopes; without `@slack/types`, any name with an `unknown` payload. */
type EventsApiMap =
  PeerMissing<SlackTypesEvent> extends true
    ? UntypedEvents
    : { [E in SlackTypesEvent as E['type']]: SlackEventEnvelope<E> }

/** The Events API envelope around one event (`type: 'event_callback'`). */
export interface SlackEventEnvelope<E = SlackEvent> {
  type: 'event_callback'
  token?: string
  team_id: string
  api_app_id: string
  event: E
  event_id: string
  event_time: number
  [field: string]: unknown
}

/** A slash command, as Slack posts it (form fields). */
export interface SlackSlashCommand {
  command: string
  text: string
  trigger_id: string
  user_id: string
  user_name?: string
  team_id: string
  channel_id: string
  response_url: string
  [field: string]: string | undefined
}

/** An interactivity payload (`payload=` form field): buttons, modals, shortcuts. */
export interface SlackInteraction {
  type: string
  trigger_id?: string
  [field: string]: unknown
}

/** Events API types (from `@slack/types`), slash commands by name (`/deploy`), and interactivity types. */
export type SlackEventMap = EventsApiMap & {
  [command: `/${string}`]: SlackSlashCommand
} & {
  block_actions: SlackInteraction
  block_suggestion: SlackInteraction
  view_submission: SlackInteraction
  view_closed: SlackInteraction
  shortcut: SlackInteraction
  message_action: SlackInteraction
  interactive_message: SlackInteraction
}
