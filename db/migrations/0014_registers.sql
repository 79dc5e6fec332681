CREATE TABLE "accidents" (
	"id" serial PRIMARY KEY NOT NULL,
	"business_id" integer NOT NULL,
	"occurred_on" date NOT NULL,
	"level" text NOT NULL,
	"description" text NOT NULL,
	"source_department" text NOT NULL,
	"source_document" text NOT NULL,
	"refused_rectification" boolean DEFAULT false NOT NULL,
	"exclusion_id" integer,
	"deleted_at" timestamp with time zone,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "association_issues" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"place" text,
	"status" text NOT NULL,
	"notice_id" integer,
	"training_id" integer,
	"issued_by_person_id" integer,
	"issued_by_name" text NOT NULL,
	"decided_by" text,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "campaign_inspections" (
	"inspection_id" integer PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"categories" text[] DEFAULT '{}' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_name_unique" UNIQUE("name"),
	CONSTRAINT "campaigns_short_name_unique" UNIQUE("short_name")
);
--> statement-breakpoint
CREATE TABLE "drill_photos" (
	"drill_id" integer NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "drill_photos_drill_id_sha256_pk" PRIMARY KEY("drill_id","sha256")
);
--> statement-breakpoint
CREATE TABLE "drill_reminders" (
	"business_id" integer NOT NULL,
	"period" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "drill_reminders_business_id_period_pk" PRIMARY KEY("business_id","period")
);
--> statement-breakpoint
CREATE TABLE "drills" (
	"id" serial PRIMARY KEY NOT NULL,
	"business_id" integer NOT NULL,
	"kind" text NOT NULL,
	"held_on" date NOT NULL,
	"participants" integer,
	"note" text,
	"recorded_by" text NOT NULL,
	"person_id" integer,
	"source_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "licence_reminders" (
	"licence_id" integer NOT NULL,
	"threshold" integer NOT NULL,
	"valid_until" date NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "licence_reminders_licence_id_threshold_valid_until_pk" PRIMARY KEY("licence_id","threshold","valid_until")
);
--> statement-breakpoint
CREATE TABLE "licences" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"number" text NOT NULL,
	"business_id" integer NOT NULL,
	"holder" text NOT NULL,
	"scope" text,
	"valid_until" date NOT NULL,
	"revoked_on" date,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "register_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regulation_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"regulation" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	"seq" integer NOT NULL,
	"last_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regulation_items_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "zone_members" (
	"zone_id" integer NOT NULL,
	"business_id" integer NOT NULL,
	CONSTRAINT "zone_members_zone_id_business_id_pk" PRIMARY KEY("zone_id","business_id")
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"township_id" integer,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "zones_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "accidents" ADD CONSTRAINT "accidents_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accidents" ADD CONSTRAINT "accidents_exclusion_id_policy_exclusions_id_fk" FOREIGN KEY ("exclusion_id") REFERENCES "public"."policy_exclusions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_inspections" ADD CONSTRAINT "campaign_inspections_inspection_id_special_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."special_inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_inspections" ADD CONSTRAINT "campaign_inspections_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_photos" ADD CONSTRAINT "drill_photos_drill_id_drills_id_fk" FOREIGN KEY ("drill_id") REFERENCES "public"."drills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_photos" ADD CONSTRAINT "drill_photos_sha256_attachments_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_reminders" ADD CONSTRAINT "drill_reminders_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licence_reminders" ADD CONSTRAINT "licence_reminders_licence_id_licences_id_fk" FOREIGN KEY ("licence_id") REFERENCES "public"."licences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licences" ADD CONSTRAINT "licences_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_members" ADD CONSTRAINT "zone_members_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_members" ADD CONSTRAINT "zone_members_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accidents_business_idx" ON "accidents" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "drills_business_idx" ON "drills" USING btree ("business_id","held_on");--> statement-breakpoint
CREATE UNIQUE INDEX "licences_kind_number_uq" ON "licences" USING btree ("kind","number");--> statement-breakpoint
CREATE INDEX "licences_business_idx" ON "licences" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "zone_members_business_idx" ON "zone_members" USING btree ("business_id");