CREATE TABLE "conflicts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"crm" text NOT NULL,
	"object_type" text NOT NULL,
	"record_id" text NOT NULL,
	"router_owner_id" text,
	"router_rep_id" text,
	"crm_owner_id" text,
	"crm_rep_id" text,
	"previous_owner_id" text,
	"changed_by" text,
	"change_source" text,
	"policy" text NOT NULL,
	"policy_from" text NOT NULL,
	"outcome" text NOT NULL,
	"attempt" integer,
	"revert_write_id" uuid,
	"reason" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ownership_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"lead_id" uuid,
	"crm" text NOT NULL,
	"object_type" text NOT NULL,
	"record_id" text NOT NULL,
	"new_owner_id" text,
	"previous_owner_id" text,
	"changed_by" text,
	"change_source" text,
	"classification" text NOT NULL,
	"matched_by" text,
	"matched_write_id" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_timers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lead_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"pool_id" text NOT NULL,
	"rep_id" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reassignments" integer DEFAULT 0 NOT NULL,
	"breach_action" text,
	"closed_reason" text,
	"next_rep_id" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "owner_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "last_owner_change_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "crm_response" jsonb;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_event_id_inbound_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."inbound_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_revert_write_id_outbox_id_fk" FOREIGN KEY ("revert_write_id") REFERENCES "public"."outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ownership_changes" ADD CONSTRAINT "ownership_changes_event_id_inbound_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."inbound_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ownership_changes" ADD CONSTRAINT "ownership_changes_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ownership_changes" ADD CONSTRAINT "ownership_changes_matched_write_id_outbox_id_fk" FOREIGN KEY ("matched_write_id") REFERENCES "public"."outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_timers" ADD CONSTRAINT "sla_timers_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_timers" ADD CONSTRAINT "sla_timers_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conflicts_event_uq" ON "conflicts" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "conflicts_lead_idx" ON "conflicts" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "conflicts_created_idx" ON "conflicts" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ownership_changes_event_uq" ON "ownership_changes" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "ownership_changes_lead_idx" ON "ownership_changes" USING btree ("lead_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_timers_assignment_uq" ON "sla_timers" USING btree ("assignment_id");--> statement-breakpoint
CREATE INDEX "sla_timers_due_idx" ON "sla_timers" USING btree ("due_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "sla_timers_lead_idx" ON "sla_timers" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "outbox_lead_idx" ON "outbox" USING btree ("lead_id");