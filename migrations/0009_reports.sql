CREATE TABLE "lead_reports" (
	"lead_id" uuid PRIMARY KEY NOT NULL,
	"assignment_id" uuid NOT NULL,
	"crm" text NOT NULL,
	"source" text NOT NULL,
	"pool_id" text,
	"rule_id" text,
	"outcome" text NOT NULL,
	"reason_code" text NOT NULL,
	"rep_id" text,
	"crm_owner_id" text,
	"mode" text DEFAULT 'live' NOT NULL,
	"crm_created_at" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"written_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"crm_set_owner_id" text,
	"crm_set_rep_id" text,
	"crm_set_by" text,
	"crm_set_source" text,
	"crm_set_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "waiting_pool_id" text;--> statement-breakpoint
ALTER TABLE "lead_reports" ADD CONSTRAINT "lead_reports_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_reports" ADD CONSTRAINT "lead_reports_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_reports_received_idx" ON "lead_reports" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "lead_reports_pool_received_idx" ON "lead_reports" USING btree ("pool_id","received_at");--> statement-breakpoint
CREATE INDEX "lead_reports_shadow_idx" ON "lead_reports" USING btree ("received_at") WHERE mode = 'shadow';--> statement-breakpoint
CREATE INDEX "lead_reports_assignment_idx" ON "lead_reports" USING btree ("assignment_id");--> statement-breakpoint
CREATE INDEX "lead_reports_not_assigned_idx" ON "lead_reports" USING btree ("received_at") WHERE outcome <> 'assigned';--> statement-breakpoint
CREATE INDEX "sla_timers_created_idx" ON "sla_timers" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sla_timers_breached_idx" ON "sla_timers" USING btree ("closed_at") WHERE status = 'breached';