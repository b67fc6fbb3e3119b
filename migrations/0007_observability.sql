DROP INDEX "assignments_lead_idx";--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "request_id" text;--> statement-breakpoint
CREATE INDEX "assignments_created_idx" ON "assignments" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "leads_email_idx" ON "leads" USING btree (lower("data"->>'email'));--> statement-breakpoint
CREATE INDEX "assignments_lead_idx" ON "assignments" USING btree ("lead_id","created_at","id");