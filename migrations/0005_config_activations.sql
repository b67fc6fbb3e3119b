CREATE TABLE "config_activations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"previous_version" integer,
	"kind" text NOT NULL,
	"by" text NOT NULL,
	"message" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "config_activations" ADD CONSTRAINT "config_activations_version_config_versions_version_fk" FOREIGN KEY ("version") REFERENCES "public"."config_versions"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "config_activations_at_idx" ON "config_activations" USING btree ("at");