CREATE TABLE "plain_drafts" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"account" text NOT NULL,
	"chat_id" text NOT NULL,
	"is_group" boolean NOT NULL,
	"sender_id" text NOT NULL,
	"sender_name" text NOT NULL,
	"text" text,
	"category" text DEFAULT 'other' NOT NULL,
	"place" text,
	"major" boolean DEFAULT false NOT NULL,
	"urgent" text,
	"origin" text NOT NULL,
	"photos" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"hazard_id" integer,
	"source_message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "urgent_alerts" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"chat_name" text,
	"kind" text NOT NULL,
	"sender_name" text NOT NULL,
	"text" text NOT NULL,
	"township_id" integer,
	"notified" text,
	"source_message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "plain_drafts" ADD CONSTRAINT "plain_drafts_hazard_id_hazards_id_fk" FOREIGN KEY ("hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plain_drafts_open_idx" ON "plain_drafts" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "plain_drafts_sender_idx" ON "plain_drafts" USING btree ("channel","chat_id","sender_id","created_at");--> statement-breakpoint
CREATE INDEX "urgent_alerts_chat_idx" ON "urgent_alerts" USING btree ("channel","chat_id","kind","created_at");