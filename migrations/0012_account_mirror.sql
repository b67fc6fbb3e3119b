CREATE TABLE "crm_account_changes" (
	"crm" text NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "crm_account_contacts" (
	"crm" text NOT NULL,
	"contact_id" text NOT NULL,
	"account_id" text NOT NULL,
	"email_domain" text,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crm_accounts" (
	"crm" text NOT NULL,
	"id" text NOT NULL,
	"name" text,
	"name_normalized" text,
	"websites" jsonb NOT NULL,
	"domains" text[] NOT NULL,
	"owner_crm_id" text,
	"parent_id" text,
	"record_type" text,
	"last_activity_at" timestamp with time zone,
	"crm_created_at" timestamp with time zone,
	"contacts" integer,
	"opportunities" integer DEFAULT 0 NOT NULL,
	"children" integer,
	"fields" jsonb NOT NULL,
	"modstamp" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crm_sync_cursors" (
	"crm" text NOT NULL,
	"object" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"cursor" text,
	"watermark" text,
	"run_watermark" text,
	"loaded" integer DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crm_account_changes_pk" ON "crm_account_changes" USING btree ("crm","account_id");--> statement-breakpoint
CREATE INDEX "crm_account_changes_received_idx" ON "crm_account_changes" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "crm_account_contacts_pk" ON "crm_account_contacts" USING btree ("crm","contact_id");--> statement-breakpoint
CREATE INDEX "crm_account_contacts_account_idx" ON "crm_account_contacts" USING btree ("crm","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "crm_accounts_pk" ON "crm_accounts" USING btree ("crm","id");--> statement-breakpoint
CREATE INDEX "crm_accounts_parent_idx" ON "crm_accounts" USING btree ("crm","parent_id");--> statement-breakpoint
CREATE INDEX "crm_accounts_synced_idx" ON "crm_accounts" USING btree ("crm","synced_at");--> statement-breakpoint
CREATE UNIQUE INDEX "crm_sync_cursors_pk" ON "crm_sync_cursors" USING btree ("crm","object");