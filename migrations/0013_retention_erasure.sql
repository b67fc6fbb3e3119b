CREATE TABLE "erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email_sha256" text NOT NULL,
	"requested_by" text NOT NULL,
	"rows" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "anonymized_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "erasures_at_idx" ON "erasures" USING btree ("at");--> statement-breakpoint
CREATE INDEX "inbound_events_unpurged_idx" ON "inbound_events" USING btree ("received_at") WHERE purged_at is null and status not in ('received', 'queued');--> statement-breakpoint
CREATE INDEX "leads_unanonymized_idx" ON "leads" USING btree ("created_at") WHERE anonymized_at is null;