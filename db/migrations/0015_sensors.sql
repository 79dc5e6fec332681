CREATE TABLE "alarm_chats" (
	"group_id" integer PRIMARY KEY NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" serial PRIMARY KEY NOT NULL,
	"device_id" integer NOT NULL,
	"business_id" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"group_id" integer,
	"opened_at" timestamp with time zone NOT NULL,
	"reading" double precision,
	"unit" text,
	"last_reading" double precision,
	"last_event_at" timestamp with time zone NOT NULL,
	"readings" integer DEFAULT 1 NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by" text,
	"announced_at" timestamp with time zone,
	"escalations" integer DEFAULT 0 NOT NULL,
	"next_escalation_at" timestamp with time zone,
	"hazard_id" integer,
	"closed_at" timestamp with time zone,
	"close_reason" text
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" serial PRIMARY KEY NOT NULL,
	"vendor" text NOT NULL,
	"vendor_device_id" text NOT NULL,
	"business_id" integer NOT NULL,
	"kind" text NOT NULL,
	"location" text,
	"group_id" integer,
	"last_seen_at" timestamp with time zone,
	"offline_since" timestamp with time zone,
	"offline_hazard_id" integer,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sensor_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" integer NOT NULL,
	"event_id" text NOT NULL,
	"event" text NOT NULL,
	"reading" double precision,
	"unit" text,
	"device_time" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"alarm_id" integer
);
--> statement-breakpoint
ALTER TABLE "alarm_chats" ADD CONSTRAINT "alarm_chats_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_hazard_id_hazards_id_fk" FOREIGN KEY ("hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_offline_hazard_id_hazards_id_fk" FOREIGN KEY ("offline_hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_events" ADD CONSTRAINT "sensor_events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_events" ADD CONSTRAINT "sensor_events_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_one_open_per_device" ON "alarms" USING btree ("device_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "alarms_business_idx" ON "alarms" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "alarms_escalation_idx" ON "alarms" USING btree ("next_escalation_at") WHERE next_escalation_at is not null;--> statement-breakpoint
CREATE INDEX "alarms_unannounced_idx" ON "alarms" USING btree ("id") WHERE announced_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_vendor_device_uq" ON "devices" USING btree ("vendor","vendor_device_id");--> statement-breakpoint
CREATE INDEX "devices_business_idx" ON "devices" USING btree ("business_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sensor_events_device_event_uq" ON "sensor_events" USING btree ("device_id","event_id");--> statement-breakpoint
CREATE INDEX "sensor_events_alarm_idx" ON "sensor_events" USING btree ("alarm_id");