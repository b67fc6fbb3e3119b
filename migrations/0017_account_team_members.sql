CREATE TABLE "crm_account_team_members" (
	"crm" text NOT NULL,
	"member_id" text NOT NULL,
	"account_id" text NOT NULL,
	"user_crm_id" text NOT NULL,
	"role" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crm_account_team_members_pk" ON "crm_account_team_members" USING btree ("crm","member_id");--> statement-breakpoint
CREATE INDEX "crm_account_team_members_account_idx" ON "crm_account_team_members" USING btree ("crm","account_id");