CREATE TABLE "crm_people" (
	"crm" text NOT NULL,
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"email" text,
	"owner_crm_id" text,
	"synced_at" timestamp with time zone NOT NULL,
	"changed_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crm_people_pk" ON "crm_people" USING btree ("crm","kind","id");--> statement-breakpoint
CREATE INDEX "crm_people_email_idx" ON "crm_people" USING btree ("email") WHERE email is not null;--> statement-breakpoint
CREATE INDEX "crm_people_changed_idx" ON "crm_people" USING btree ("changed_xid");--> statement-breakpoint
CREATE INDEX "crm_people_synced_idx" ON "crm_people" USING btree ("crm","kind","synced_at");