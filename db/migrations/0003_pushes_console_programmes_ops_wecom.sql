CREATE TABLE "outbox_parts" (
	"outbox_id" bigint PRIMARY KEY NOT NULL,
	"sent_parts" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wecom_response_urls" (
	"message_id" text PRIMARY KEY NOT NULL,
	"chat_id" text NOT NULL,
	"url" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calendar_dates" (
	"key" text NOT NULL,
	"year" integer NOT NULL,
	"start" text NOT NULL,
	"end" text NOT NULL,
	"source" text DEFAULT 'default' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_dates_key_year_pk" PRIMARY KEY("key","year")
);
--> statement-breakpoint
CREATE TABLE "content_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"industries" text[] DEFAULT '{}' NOT NULL,
	"seasons" text[] DEFAULT '{}' NOT NULL,
	"focus" text[] DEFAULT '{}' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"source" text DEFAULT 'seed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "content_items_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "content_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"group_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"kind" text NOT NULL,
	"job_period" text,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_rosters" (
	"period_key" text NOT NULL,
	"year" integer NOT NULL,
	"text" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duty_rosters_period_key_year_pk" PRIMARY KEY("period_key","year")
);
--> statement-breakpoint
CREATE TABLE "group_accounts" (
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"account" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "group_accounts_channel_chat_id_pk" PRIMARY KEY("channel","chat_id")
);
--> statement-breakpoint
CREATE TABLE "hazard_reminders" (
	"hazard_id" integer NOT NULL,
	"kind" text NOT NULL,
	"day" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "hazard_reminders_hazard_id_kind_day_pk" PRIMARY KEY("hazard_id","kind","day")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"job" text NOT NULL,
	"period" text NOT NULL,
	"instance_id" text NOT NULL,
	"reason" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_runs_job_period_pk" PRIMARY KEY("job","period")
);
--> statement-breakpoint
CREATE TABLE "notice_acks" (
	"id" serial PRIMARY KEY NOT NULL,
	"notice_id" integer NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"identity_id" integer,
	"person_id" integer,
	"name" text NOT NULL,
	"chat_name" text NOT NULL,
	"group_id" integer,
	"source_message_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"notice_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"chat_id" text NOT NULL,
	"chat_name" text NOT NULL,
	"expected" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delivered_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"reminded_count" integer
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text GENERATED ALWAYS AS ('N' || id) STORED NOT NULL,
	"text" text NOT NULL,
	"image_sha256" text,
	"priority" text DEFAULT 'normal' NOT NULL,
	"requires_ack" boolean DEFAULT false NOT NULL,
	"targets" jsonb NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"account" text NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notices_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "task_assignees" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"person_name" text NOT NULL,
	"external_id" text,
	"status" text DEFAULT 'assigned' NOT NULL,
	"delivered_at" timestamp with time zone,
	"ack_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"done_note" text,
	"reminded_before_at" timestamp with time zone,
	"overdue_reminded_on" text
);
--> statement-breakpoint
CREATE TABLE "task_files" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"assignee_id" integer NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"source_message_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text GENERATED ALWAYS AS ('R' || id) STORED NOT NULL,
	"text" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"targets" jsonb NOT NULL,
	"channel" text NOT NULL,
	"account" text NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "commendations" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"business_ids" integer[] NOT NULL,
	"text" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exhibition_filings" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"organiser" text NOT NULL,
	"venue" text,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"large_public_event" boolean DEFAULT false NOT NULL,
	"safety_plan_sha256" text,
	"emergency_plan_sha256" text,
	"police_permit_sha256" text,
	"decision" text,
	"decision_note" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gas_conversions" (
	"business_id" integer PRIMARY KEY NOT NULL,
	"fuel" text NOT NULL,
	"plan" text DEFAULT 'none' NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"converted_on" date,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_milestones" (
	"id" serial PRIMARY KEY NOT NULL,
	"target_key" text NOT NULL,
	"year" integer NOT NULL,
	"achieved_on" date NOT NULL,
	"title" text NOT NULL,
	"evidence_sha256" text NOT NULL,
	"evidence_name" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_exclusions" (
	"id" serial PRIMARY KEY NOT NULL,
	"business_id" integer NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"source" text NOT NULL,
	"decided_on" date NOT NULL,
	"lifted_on" date,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responsibility_systems" (
	"business_id" integer PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"attachment_sha256" text,
	"submitted_at" timestamp with time zone,
	"submitted_by_person_id" integer,
	"verified_at" timestamp with time zone,
	"verified_by_name" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "self_check_findings" (
	"self_check_id" integer NOT NULL,
	"item_no" integer NOT NULL,
	"hazard_id" integer NOT NULL,
	CONSTRAINT "self_check_findings_self_check_id_item_no_pk" PRIMARY KEY("self_check_id","item_no")
);
--> statement-breakpoint
CREATE TABLE "self_checks" (
	"id" serial PRIMARY KEY NOT NULL,
	"business_id" integer NOT NULL,
	"person_id" integer,
	"checklist_key" text NOT NULL,
	"title" text NOT NULL,
	"items" jsonb NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "special_inspections" (
	"id" serial PRIMARY KEY NOT NULL,
	"planned_on" date NOT NULL,
	"done_on" date,
	"theme" text NOT NULL,
	"departments" text[] DEFAULT '{}' NOT NULL,
	"business_ids" integer[] DEFAULT '{}' NOT NULL,
	"hazard_ids" integer[] DEFAULT '{}' NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_attendance" (
	"training_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_attendance_training_id_person_id_pk" PRIMARY KEY("training_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "training_signups" (
	"training_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_signups_training_id_person_id_pk" PRIMARY KEY("training_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "trainings" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text GENERATED ALWAYS AS ('P' || id) STORED NOT NULL,
	"topic" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"place" text,
	"link" text,
	"audience" text NOT NULL,
	"target_industries" text[] DEFAULT '{}' NOT NULL,
	"target_township_ids" integer[] DEFAULT '{}' NOT NULL,
	"focus" text,
	"checkin_code" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trainings_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "console_credentials" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"params" text NOT NULL,
	"salt" text NOT NULL,
	"hash" text NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_sign_in_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "console_credentials_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "console_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hazard_count_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"township_id" integer NOT NULL,
	"industry" text NOT NULL,
	"category" text NOT NULL,
	"grade" text NOT NULL,
	"status" text NOT NULL,
	"month" date NOT NULL,
	"n" bigint NOT NULL,
	"days" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hazard_counts" (
	"kind" text NOT NULL,
	"township_id" integer NOT NULL,
	"industry" text NOT NULL,
	"category" text NOT NULL,
	"grade" text NOT NULL,
	"status" text NOT NULL,
	"month" date NOT NULL,
	"n" bigint NOT NULL,
	"days" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "hazard_counts_kind_township_id_industry_category_grade_status_month_pk" PRIMARY KEY("kind","township_id","industry","category","grade","status","month")
);
--> statement-breakpoint
ALTER TABLE "content_sends" ADD CONSTRAINT "content_sends_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_sends" ADD CONSTRAINT "content_sends_item_id_content_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."content_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_image_sha256_attachments_sha256_fk" FOREIGN KEY ("image_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignees" ADD CONSTRAINT "task_assignees_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignees" ADD CONSTRAINT "task_assignees_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_files" ADD CONSTRAINT "task_files_assignee_id_task_assignees_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."task_assignees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_files" ADD CONSTRAINT "task_files_sha256_attachments_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exhibition_filings" ADD CONSTRAINT "exhibition_filings_safety_plan_sha256_attachments_sha256_fk" FOREIGN KEY ("safety_plan_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exhibition_filings" ADD CONSTRAINT "exhibition_filings_emergency_plan_sha256_attachments_sha256_fk" FOREIGN KEY ("emergency_plan_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exhibition_filings" ADD CONSTRAINT "exhibition_filings_police_permit_sha256_attachments_sha256_fk" FOREIGN KEY ("police_permit_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gas_conversions" ADD CONSTRAINT "gas_conversions_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_milestones" ADD CONSTRAINT "plan_milestones_evidence_sha256_attachments_sha256_fk" FOREIGN KEY ("evidence_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_exclusions" ADD CONSTRAINT "policy_exclusions_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_systems" ADD CONSTRAINT "responsibility_systems_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_systems" ADD CONSTRAINT "responsibility_systems_attachment_sha256_attachments_sha256_fk" FOREIGN KEY ("attachment_sha256") REFERENCES "public"."attachments"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_check_findings" ADD CONSTRAINT "self_check_findings_self_check_id_self_checks_id_fk" FOREIGN KEY ("self_check_id") REFERENCES "public"."self_checks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_check_findings" ADD CONSTRAINT "self_check_findings_hazard_id_hazards_id_fk" FOREIGN KEY ("hazard_id") REFERENCES "public"."hazards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_checks" ADD CONSTRAINT "self_checks_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_checks" ADD CONSTRAINT "self_checks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attendance" ADD CONSTRAINT "training_attendance_training_id_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."trainings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attendance" ADD CONSTRAINT "training_attendance_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_signups" ADD CONSTRAINT "training_signups_training_id_trainings_id_fk" FOREIGN KEY ("training_id") REFERENCES "public"."trainings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_signups" ADD CONSTRAINT "training_signups_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "console_credentials" ADD CONSTRAINT "console_credentials_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_items_kind_idx" ON "content_items" USING btree ("kind","active");--> statement-breakpoint
CREATE INDEX "content_sends_group_idx" ON "content_sends" USING btree ("group_id","kind","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_acks_notice_identity_uq" ON "notice_acks" USING btree ("notice_id","channel","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_deliveries_notice_group_uq" ON "notice_deliveries" USING btree ("notice_id","group_id");--> statement-breakpoint
CREATE INDEX "notice_deliveries_due_idx" ON "notice_deliveries" USING btree ("delivered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "task_assignees_task_person_uq" ON "task_assignees" USING btree ("task_id","person_id");--> statement-breakpoint
CREATE INDEX "task_assignees_person_idx" ON "task_assignees" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "task_files_assignee_idx" ON "task_files" USING btree ("assignee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plan_milestones_stage_uq" ON "plan_milestones" USING btree ("target_key","year");--> statement-breakpoint
CREATE INDEX "self_checks_business_idx" ON "self_checks" USING btree ("business_id","started_at");--> statement-breakpoint
CREATE INDEX "console_sessions_person_idx" ON "console_sessions" USING btree ("person_id");