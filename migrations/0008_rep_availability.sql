CREATE TABLE "rep_availability" (
	"rep_id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"away_until" timestamp with time zone,
	"note" text,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rep_availability_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rep_id" text NOT NULL,
	"status" text NOT NULL,
	"away_until" timestamp with time zone,
	"note" text,
	"previous" jsonb,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rep_availability_changes_rep_idx" ON "rep_availability_changes" USING btree ("rep_id","changed_at");