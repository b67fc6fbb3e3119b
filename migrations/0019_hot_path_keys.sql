ALTER TABLE "assignments" DROP CONSTRAINT "assignments_event_id_inbound_events_id_fk";
--> statement-breakpoint
ALTER TABLE "assignments" DROP CONSTRAINT "assignments_lead_id_leads_id_fk";
--> statement-breakpoint
ALTER TABLE "lead_reports" DROP CONSTRAINT "lead_reports_lead_id_leads_id_fk";
--> statement-breakpoint
ALTER TABLE "lead_reports" DROP CONSTRAINT "lead_reports_assignment_id_assignments_id_fk";
--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_assignment_id_assignments_id_fk";
--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_lead_id_leads_id_fk";
--> statement-breakpoint
CREATE INDEX "inbound_events_queued_idx" ON "inbound_events" USING btree ("lead_score" DESC NULLS LAST,"received_at") WHERE status = 'queued';