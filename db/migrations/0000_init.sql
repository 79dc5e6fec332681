CREATE TABLE "bind_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_identity_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "businesses" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"credit_code" text,
	"industry" text NOT NULL,
	"township_id" integer,
	"address" text,
	"above_quota" boolean DEFAULT false NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "businesses_credit_code_unique" UNIQUE("credit_code")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"registered" boolean DEFAULT false NOT NULL,
	"township_id" integer,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"webhook_key" text,
	"registered_by_person_id" integer,
	"registered_at" timestamp with time zone,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"display_name" text NOT NULL,
	"person_id" integer,
	"bound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jurisdictions" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"parent_id" integer,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jurisdictions_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"person_id" integer NOT NULL,
	"business_id" integer NOT NULL,
	"role" text DEFAULT 'principal' NOT NULL,
	CONSTRAINT "memberships_person_id_business_id_pk" PRIMARY KEY("person_id","business_id")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"role" text NOT NULL,
	"township_id" integer,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"sha256" text PRIMARY KEY NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "awaiting" (
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"sender_id" text NOT NULL,
	"kind" text NOT NULL,
	"hazard_id" integer,
	"stage" text,
	"count" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "awaiting_channel_chat_id_sender_id_pk" PRIMARY KEY("channel","chat_id","sender_id")
);
--> statement-breakpoint
CREATE TABLE "hazard_attachments" (
	"id" serial PRIMARY KEY NOT NULL,
	"hazard_id" integer NOT NULL,
	"event_id" integer,
	"sha256" text NOT NULL,
	"stage" text NOT NULL,
	"source_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hazard_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"hazard_id" integer NOT NULL,
	"action" text NOT NULL,
	"actor_person_id" integer,
	"actor_identity_id" integer,
	"actor_name" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"data" jsonb,
	"source_message_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hazards" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text GENERATED ALWAYS AS ('Y' || id) STORED NOT NULL,
	"business_id" integer,
	"township_id" integer,
	"industry" text,
	"group_id" integer,
	"reporter_person_id" integer,
	"reporter_identity_id" integer,
	"reporter_name" text NOT NULL,
	"reporter_kind" text NOT NULL,
	"description" text NOT NULL,
	"place" text,
	"category" text NOT NULL,
	"grade" text NOT NULL,
	"status" text NOT NULL,
	"listed_supervision" text,
	"deadline" timestamp with time zone,
	"responsible_person_id" integer,
	"responsible_name" text,
	"measures" text,
	"transfer_department" text,
	"transfer_result" text,
	"campaign" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "hazards_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"channel" text NOT NULL,
	"message_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"sender_id" text NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inbound_messages_channel_message_id_pk" PRIMARY KEY("channel","message_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"account" text NOT NULL,
	"chat_id" text NOT NULL,
	"is_group" boolean DEFAULT true NOT NULL,
	"priority" integer NOT NULL,
	"text" text,
	"image_sha256" text,
	"mention_ids" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"claimed_by" text,
	"sent_at" timestamp with time zone,
	"last_error" text,
	"cause_message_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_entities" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"member_ids" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bind_codes" ADD CONSTRAINT "bind_codes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "businesses" ADD CONSTRAINT "businesses_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazard_attachments" ADD CONSTRAINT "hazard_attachments_hazard_id_hazards_id_fk" FOREIGN KEY ("hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazard_attachments" ADD CONSTRAINT "hazard_attachments_event_id_hazard_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."hazard_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazard_attachments" ADD CONSTRAINT "hazard_attachments_sha256_attachments_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazard_events" ADD CONSTRAINT "hazard_events_hazard_id_hazards_id_fk" FOREIGN KEY ("hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazards" ADD CONSTRAINT "hazards_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazards" ADD CONSTRAINT "hazards_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hazards" ADD CONSTRAINT "hazards_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "businesses_name_uq" ON "businesses" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_channel_external_uq" ON "groups" USING btree ("channel","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_channel_external_uq" ON "identities" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "identities_person_idx" ON "identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "hazard_attachments_hazard_idx" ON "hazard_attachments" USING btree ("hazard_id");--> statement-breakpoint
CREATE INDEX "hazard_events_hazard_idx" ON "hazard_events" USING btree ("hazard_id");--> statement-breakpoint
CREATE INDEX "hazards_status_idx" ON "hazards" USING btree ("status");--> statement-breakpoint
CREATE INDEX "hazards_business_idx" ON "hazards" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "hazards_township_idx" ON "hazards" USING btree ("township_id");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("account","status","priority","next_attempt_at");