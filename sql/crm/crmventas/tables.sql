-- CRM Ventas's own tables, for an empty database only (demos, the benchmark): the tables the
-- crmventas source reads, as CRM Ventas's start-up builds them (taken from its pg_dump, sequences,
-- defaults and primary keys included; its other 40-odd tables are left out), plus its own
-- `seller_metrics` and `sellers`, which the pipelines must never confuse with theirs. On a real
-- CRM Ventas database they exist and are never created, altered or dropped. Runs with
-- search_path = CRM_SCHEMA.


CREATE TABLE tenants (
    id integer NOT NULL,
    clinic_name text DEFAULT 'Organización Nexus'::text NOT NULL,
    bot_phone_number text,
    owner_email text,
    clinic_location text,
    clinic_website text,
    system_prompt_template text,
    config jsonb DEFAULT '{}'::jsonb,
    niche_type text DEFAULT 'crm_sales'::text,
    total_tokens_used bigint DEFAULT 0,
    total_tool_calls bigint DEFAULT 0,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    ai_system_prompt text,
    ai_agent_name text,
    ai_tone text DEFAULT 'profesional_argentino'::text,
    ai_services_description text,
    ai_qualification_questions jsonb DEFAULT '[]'::jsonb,
    ai_objection_responses jsonb DEFAULT '[]'::jsonb,
    ai_company_description text,
    business_hours jsonb DEFAULT '{"sunday": "closed", "saturday": "09:00-13:00", "weekdays": "09:00-18:00"}'::jsonb,
    logo_url text,
    contact_email text,
    contact_phone text,
    whatsapp_number text,
    timezone text DEFAULT 'America/Argentina/Buenos_Aires'::text,
    currency character varying(10) DEFAULT 'ARS'::character varying,
    business_hours_start character varying(5) DEFAULT '09:00'::character varying,
    business_hours_end character varying(5) DEFAULT '18:00'::character varying,
    ai_agent_active boolean DEFAULT true,
    website text,
    address text,
    industry text
);

CREATE SEQUENCE tenants_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE tenants_id_seq OWNED BY tenants.id;

ALTER TABLE ONLY tenants ALTER COLUMN id SET DEFAULT nextval('tenants_id_seq'::regclass);

ALTER TABLE ONLY tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

CREATE TABLE users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(255) NOT NULL,
    password_hash character varying(255) NOT NULL,
    role character varying(50) NOT NULL,
    status character varying(50) DEFAULT 'pending'::character varying NOT NULL,
    first_name character varying(100),
    last_name character varying(100),
    professional_id integer,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    tenant_id integer,
    CONSTRAINT users_role_check CHECK (((role)::text = ANY ((ARRAY['ceo'::character varying, 'professional'::character varying, 'secretary'::character varying, 'setter'::character varying, 'closer'::character varying])::text[]))),
    CONSTRAINT users_status_check CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'active'::character varying, 'suspended'::character varying])::text[])))
);

ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE TABLE chat_messages (
    id bigint NOT NULL,
    tenant_id integer DEFAULT 1,
    from_number text NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    correlation_id text,
    assigned_seller_id uuid,
    assigned_at timestamp with time zone,
    assigned_by uuid,
    assignment_source text DEFAULT 'manual'::text,
    platform character varying(20),
    platform_message_id text,
    channel_source character varying(20) DEFAULT 'whatsapp'::character varying,
    external_user_id character varying(100),
    delivery_status character varying(20),
    delivery_timestamp timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now(),
    conversation_id uuid,
    CONSTRAINT chat_messages_role_check CHECK ((role = ANY (ARRAY['user'::text, 'assistant'::text, 'system'::text, 'tool'::text])))
);

CREATE SEQUENCE chat_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE chat_messages_id_seq OWNED BY chat_messages.id;

ALTER TABLE ONLY chat_messages ALTER COLUMN id SET DEFAULT nextval('chat_messages_id_seq'::regclass);

ALTER TABLE ONLY chat_messages
    ADD CONSTRAINT chat_messages_pkey PRIMARY KEY (id);

CREATE TABLE leads (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id integer NOT NULL,
    phone_number character varying(50) NOT NULL,
    first_name text,
    last_name text,
    email text,
    dni character varying(15),
    social_links jsonb DEFAULT '{}'::jsonb,
    status text DEFAULT 'new'::text,
    lead_score text,
    stage_id uuid,
    source text DEFAULT 'whatsapp_inbound'::text,
    lead_source character varying(50) DEFAULT 'ORGANIC'::character varying,
    meta_campaign_id character varying(255),
    meta_ad_id character varying(255),
    meta_ad_headline text,
    meta_ad_body text,
    meta_lead_id text,
    external_ids jsonb DEFAULT '{}'::jsonb,
    assigned_seller_id uuid,
    apify_title text,
    apify_category_name text,
    apify_address text,
    apify_city text,
    apify_state text,
    apify_country_code text,
    apify_website text,
    apify_place_id text,
    apify_total_score double precision,
    apify_reviews_count integer,
    apify_scraped_at timestamp with time zone,
    apify_raw jsonb DEFAULT '{}'::jsonb,
    apify_rating double precision,
    apify_reviews integer,
    prospecting_niche text,
    prospecting_location_query text,
    outreach_message_sent boolean DEFAULT false,
    outreach_send_requested boolean DEFAULT false,
    outreach_last_requested_at timestamp with time zone,
    outreach_last_sent_at timestamp with time zone,
    outreach_message_content text,
    human_handoff_requested boolean DEFAULT false,
    human_override_until timestamp with time zone,
    tags jsonb DEFAULT '[]'::jsonb,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    initial_assignment_source text,
    assignment_history jsonb DEFAULT '[]'::jsonb,
    score integer DEFAULT 0,
    score_breakdown jsonb DEFAULT '{}'::jsonb,
    score_updated_at timestamp with time zone,
    company text,
    estimated_value numeric(12,2) DEFAULT 0,
    status_changed_at timestamp with time zone,
    status_changed_by uuid,
    instagram_psid character varying(100),
    facebook_psid character varying(100),
    channel_source character varying(20) DEFAULT 'whatsapp'::character varying,
    frustration_score integer DEFAULT 0,
    frustration_detected_at timestamp with time zone,
    frustration_escalated_to uuid,
    conversion_value numeric(12,2) DEFAULT 0,
    converted_at timestamp with time zone,
    close_probability numeric(5,2) DEFAULT 0 NOT NULL,
    weighted_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    meta_adset_id character varying(255),
    meta_campaign_name text,
    meta_adset_name text,
    meta_ad_name text,
    CONSTRAINT leads_close_probability_check CHECK (((close_probability >= (0)::numeric) AND (close_probability <= (100)::numeric)))
);

ALTER TABLE ONLY leads
    ADD CONSTRAINT leads_pkey PRIMARY KEY (id);

CREATE TABLE lead_notes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id integer NOT NULL,
    lead_id uuid NOT NULL,
    author_id uuid,
    note_type character varying(50) DEFAULT 'internal'::character varying NOT NULL,
    content text NOT NULL,
    structured_data jsonb DEFAULT '{}'::jsonb,
    visibility character varying(50) DEFAULT 'all'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    is_deleted boolean DEFAULT false,
    deleted_at timestamp with time zone,
    deleted_by uuid,
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT lead_notes_note_type_check CHECK (((note_type)::text = ANY ((ARRAY['handoff'::character varying, 'post_call'::character varying, 'internal'::character varying, 'follow_up'::character varying])::text[]))),
    CONSTRAINT lead_notes_visibility_check CHECK (((visibility)::text = ANY ((ARRAY['setter_closer'::character varying, 'all'::character varying, 'private'::character varying])::text[])))
);

ALTER TABLE ONLY lead_notes
    ADD CONSTRAINT lead_notes_pkey PRIMARY KEY (id);

CREATE TABLE lead_tasks (
    id integer NOT NULL,
    tenant_id integer NOT NULL,
    lead_id uuid,
    seller_id integer,
    title text NOT NULL,
    description text,
    due_date timestamp with time zone,
    status text DEFAULT 'pending'::text,
    priority text DEFAULT 'medium'::text,
    completed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    created_by_user_id uuid,
    assigned_to_user_id uuid,
    completion_comment text,
    CONSTRAINT lead_tasks_priority_check CHECK ((priority = ANY (ARRAY['low'::text, 'medium'::text, 'high'::text, 'urgent'::text]))),
    CONSTRAINT lead_tasks_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'in_progress'::text, 'completed'::text])))
);

CREATE SEQUENCE lead_tasks_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE lead_tasks_id_seq OWNED BY lead_tasks.id;

ALTER TABLE ONLY lead_tasks ALTER COLUMN id SET DEFAULT nextval('lead_tasks_id_seq'::regclass);

ALTER TABLE ONLY lead_tasks
    ADD CONSTRAINT lead_tasks_pkey PRIMARY KEY (id);

CREATE TABLE seller_agenda_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id integer NOT NULL,
    seller_id integer NOT NULL,
    title text NOT NULL,
    start_datetime timestamp with time zone NOT NULL,
    end_datetime timestamp with time zone NOT NULL,
    lead_id uuid,
    status text DEFAULT 'scheduled'::text
);

ALTER TABLE ONLY seller_agenda_events
    ADD CONSTRAINT seller_agenda_events_pkey PRIMARY KEY (id);

CREATE TABLE lead_status_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    lead_id uuid NOT NULL,
    tenant_id integer NOT NULL,
    from_status_code character varying(50),
    to_status_code character varying(50) NOT NULL,
    changed_by_user_id uuid,
    changed_by_name text,
    changed_by_role text,
    comment text,
    source text DEFAULT 'manual'::text,
    metadata jsonb DEFAULT '{}'::jsonb,
    created_at timestamp with time zone DEFAULT now()
);

ALTER TABLE ONLY lead_status_history
    ADD CONSTRAINT lead_status_history_pkey PRIMARY KEY (id);

CREATE TABLE activity_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id integer NOT NULL,
    actor_id uuid NOT NULL,
    event_type character varying(50) NOT NULL,
    entity_type character varying(30) NOT NULL,
    entity_id character varying(100) NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY activity_events
    ADD CONSTRAINT activity_events_pkey PRIMARY KEY (id);

CREATE TABLE notifications (
    id character varying(255) NOT NULL,
    tenant_id integer,
    type character varying(100) NOT NULL,
    title character varying(255) NOT NULL,
    message text NOT NULL,
    priority character varying(50) DEFAULT 'medium'::character varying,
    recipient_id uuid NOT NULL,
    sender_id uuid,
    related_entity_type character varying(100),
    related_entity_id character varying(255),
    metadata jsonb,
    read boolean DEFAULT false,
    created_at timestamp with time zone DEFAULT now(),
    expires_at timestamp with time zone
);

ALTER TABLE ONLY notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

CREATE TABLE seller_metrics (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    seller_id uuid NOT NULL,
    tenant_id integer NOT NULL,
    total_conversations integer DEFAULT 0,
    active_conversations integer DEFAULT 0,
    conversations_assigned_today integer DEFAULT 0,
    total_messages_sent integer DEFAULT 0,
    total_messages_received integer DEFAULT 0,
    avg_response_time_seconds integer,
    leads_assigned integer DEFAULT 0,
    leads_converted integer DEFAULT 0,
    conversion_rate numeric(5,2),
    prospects_generated integer DEFAULT 0,
    prospects_converted integer DEFAULT 0,
    total_chat_minutes integer DEFAULT 0,
    avg_session_duration_minutes integer,
    last_activity_at timestamp with time zone,
    metrics_calculated_at timestamp with time zone DEFAULT now(),
    metrics_period_start timestamp with time zone,
    metrics_period_end timestamp with time zone,
    CONSTRAINT seller_metrics_conversion_rate_check CHECK (((conversion_rate >= (0)::numeric) AND (conversion_rate <= (100)::numeric)))
);

ALTER TABLE ONLY seller_metrics
    ADD CONSTRAINT seller_metrics_pkey PRIMARY KEY (id);

CREATE TABLE sellers (
    id integer NOT NULL,
    user_id uuid NOT NULL,
    tenant_id integer NOT NULL,
    first_name character varying(100),
    last_name character varying(100),
    email character varying(255),
    phone_number character varying(50),
    is_active boolean DEFAULT false,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now()
);

CREATE SEQUENCE sellers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE sellers_id_seq OWNED BY sellers.id;

ALTER TABLE ONLY sellers ALTER COLUMN id SET DEFAULT nextval('sellers_id_seq'::regclass);

ALTER TABLE ONLY sellers
    ADD CONSTRAINT sellers_pkey PRIMARY KEY (id);

CREATE TABLE system_events (
    id bigint NOT NULL,
    tenant_id integer,
    user_id uuid,
    event_type character varying(100) NOT NULL,
    severity character varying(20) DEFAULT 'info'::character varying,
    message text,
    payload jsonb DEFAULT '{}'::jsonb,
    description text,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT system_events_severity_check CHECK (((severity)::text = ANY ((ARRAY['info'::character varying, 'warning'::character varying, 'critical'::character varying])::text[])))
);

CREATE SEQUENCE system_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE system_events_id_seq OWNED BY system_events.id;

ALTER TABLE ONLY system_events ALTER COLUMN id SET DEFAULT nextval('system_events_id_seq'::regclass);

ALTER TABLE ONLY system_events
    ADD CONSTRAINT system_events_pkey PRIMARY KEY (id);

CREATE INDEX idx_chat_messages_tenant_from_created ON chat_messages USING btree (tenant_id, from_number, created_at DESC);

-- CRM Ventas's own indexes on the other tables read here (from its schema, as its start-up builds
-- them): the sync finds a thread's lead, a lead's notes, tasks and status history through them.
CREATE INDEX idx_leads_tenant_phone ON leads USING btree (tenant_id, phone_number);
CREATE INDEX idx_lead_notes_lead ON lead_notes USING btree (lead_id, created_at DESC);
CREATE INDEX idx_lead_tasks_lead ON lead_tasks USING btree (lead_id);
CREATE INDEX idx_lead_status_history_lead ON lead_status_history USING btree (lead_id, created_at DESC);
CREATE INDEX idx_system_events_type ON system_events USING btree (event_type);
