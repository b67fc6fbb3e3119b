DROP INDEX "inbound_events_pending_idx";--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "lead_score" double precision;--> statement-breakpoint
CREATE INDEX "inbound_events_pending_idx" ON "inbound_events" USING btree ("received_at") WHERE status in ('received', 'queued');