CREATE TABLE "lead_report_days" (
	"day" date NOT NULL,
	"crm" text NOT NULL,
	"pool_id" text NOT NULL,
	"source" text NOT NULL,
	"stage" text NOT NULL,
	"n" integer NOT NULL,
	"hist" jsonb NOT NULL,
	CONSTRAINT "lead_report_days_day_crm_pool_id_source_stage_pk" PRIMARY KEY("day","crm","pool_id","source","stage")
);
--> statement-breakpoint
DROP INDEX "lead_reports_shadow_idx";--> statement-breakpoint
DROP INDEX "lead_reports_not_assigned_idx";--> statement-breakpoint
CREATE INDEX "lead_reports_assigned_idx" ON "lead_reports" USING btree ("received_at","pool_id","rep_id") WHERE outcome = 'assigned';--> statement-breakpoint
CREATE INDEX "lead_reports_shadow_idx" ON "lead_reports" USING btree ("received_at","crm","crm_owner_id","crm_set_owner_id") WHERE mode = 'shadow';--> statement-breakpoint
CREATE INDEX "lead_reports_not_assigned_idx" ON "lead_reports" USING btree ("received_at","outcome","reason_code") WHERE outcome <> 'assigned';