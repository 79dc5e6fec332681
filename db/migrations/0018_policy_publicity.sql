CREATE TABLE "policy_supports" (
	"id" serial PRIMARY KEY NOT NULL,
	"programme" text NOT NULL,
	"title" text NOT NULL,
	"business_id" integer NOT NULL,
	"safety_requirement" text NOT NULL,
	"document" text,
	"decided_on" date NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publicity_activities" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"township_id" integer,
	"business_id" integer,
	"organiser" text NOT NULL,
	"place" text,
	"forms" text[] DEFAULT '{}' NOT NULL,
	"reach" integer,
	"note" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policy_supports" ADD CONSTRAINT "policy_supports_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publicity_activities" ADD CONSTRAINT "publicity_activities_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publicity_activities" ADD CONSTRAINT "publicity_activities_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_supports_business_idx" ON "policy_supports" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "publicity_activities_held_idx" ON "publicity_activities" USING btree ("held_on");