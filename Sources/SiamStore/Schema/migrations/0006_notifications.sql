--
-- Migration 0006: notifications — receivers, routes, and one notification per event × receiver
--
-- Adds tables only; drops and rewrites nothing. (Issue 14.)
--   * siam.receiver: who is told, and how (a webhook URL with an optional shared secret and a
--     body format, or e-mail addresses), owned by a party: the integrator, the customer or a
--     supplier. The secret column is granted to the daemon only (definitions/security.sql);
--     everyone else lists receivers through siam.receivers, without it.
--   * siam.notification_route: which events reach a receiver (kinds, rule, least level,
--     priorities); no filter means everything that concerns the receiver's party.
--   * siam.notification: one row per event × receiver, written by the trigger
--     event_notifications in the event's own transaction; delivered by the daemon.
--   * siam.notification_attempt: one row per delivery attempt, written with the
--     notification's state change.
-- The trigger function is created here (a trigger needs it) and kept current in
-- definitions/notifications.sql.
--

CREATE TABLE siam.receiver (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name siam.code NOT NULL,
    party text NOT NULL
        CONSTRAINT receiver_party_format CHECK (party ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    -- The supplier it belongs to, when the party is one (the rest: NULL). Row-level security
    -- shows a supplier only the receivers whose supplier it is.
    supplier siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    kind text NOT NULL
        CONSTRAINT receiver_kind_valid CHECK (kind IN ('webhook', 'email')),
    url text
        CONSTRAINT receiver_url_format CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
    secret text
        CONSTRAINT receiver_secret_length CHECK (length(secret) BETWEEN 16 AND 200),
    has_secret boolean GENERATED ALWAYS AS (secret IS NOT NULL) STORED,
    format text NOT NULL DEFAULT 'json'
        CONSTRAINT receiver_format_valid CHECK (format IN ('json', 'chat', 'text')),
    email text[]
        CONSTRAINT receiver_email_present CHECK (email IS NULL OR cardinality(email) BETWEEN 1 AND 50),
    calendar siam.code REFERENCES siam.calendar ON UPDATE CASCADE,
    created_at timestamptz NOT NULL DEFAULT siam.clock(),
    created_by text NOT NULL DEFAULT siam.current_actor(),
    removed_at timestamptz,
    CONSTRAINT receiver_party_supplier CHECK (
        (party IN ('integrator', 'customer')) = (supplier IS NULL)
        AND (supplier IS NULL OR party = supplier)),
    CONSTRAINT receiver_kind_target CHECK (
        (kind = 'webhook' AND url IS NOT NULL AND email IS NULL)
        OR (kind = 'email' AND email IS NOT NULL AND url IS NULL AND secret IS NULL))
);
COMMENT ON TABLE siam.receiver IS
    'Who is told of events, and how: a webhook or an e-mail list, owned by a party (integrator, customer, or a supplier). Removed receivers keep their row (removed_at) for the notifications that name them.';
CREATE UNIQUE INDEX receiver_name_unique ON siam.receiver (name) WHERE removed_at IS NULL;
CREATE INDEX receiver_supplier ON siam.receiver (supplier) WHERE supplier IS NOT NULL;
COMMENT ON COLUMN siam.receiver.secret IS
    'The shared secret that signs webhook bodies (HMAC-SHA256). Readable by the daemon only; never listed.';
COMMENT ON COLUMN siam.receiver.format IS 'The body sent: json (documented in docs/integration.md) or chat ({"text": ...}).';

CREATE TABLE siam.notification_route (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receiver bigint NOT NULL REFERENCES siam.receiver,
    event_kinds text[] NOT NULL DEFAULT '{}',
    rule siam.code REFERENCES siam.escalation_rule ON UPDATE CASCADE,
    min_level smallint
        CONSTRAINT route_min_level_positive CHECK (min_level >= 1),
    priorities text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT siam.clock(),
    created_by text NOT NULL DEFAULT siam.current_actor(),
    removed_at timestamptz
);
COMMENT ON TABLE siam.notification_route IS
    'Which events reach a receiver: each filter left empty matches all; no kinds means the kinds that concern the receiver''s party (docs/integration.md).';
CREATE INDEX notification_route_receiver ON siam.notification_route (receiver);
-- The trigger's first question on every event insert: is there any route at all?
CREATE INDEX notification_route_live ON siam.notification_route (id) WHERE removed_at IS NULL;

CREATE TABLE siam.notification (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event bigint NOT NULL,
    receiver bigint NOT NULL REFERENCES siam.receiver,
    state text NOT NULL DEFAULT 'pending'
        CONSTRAINT notification_state_valid CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0
        CONSTRAINT notification_attempts_nonnegative CHECK (attempts >= 0),
    created_at timestamptz NOT NULL DEFAULT siam.clock(),
    next_attempt_at timestamptz NOT NULL DEFAULT siam.clock(),
    last_error text,
    delivered_at timestamptz,
    retried_at timestamptz,
    idempotency_key uuid NOT NULL DEFAULT gen_random_uuid()
        CONSTRAINT notification_idempotency_key_unique UNIQUE,
    CONSTRAINT notification_once UNIQUE (event, receiver),
    CONSTRAINT notification_delivered_at CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
);
COMMENT ON TABLE siam.notification IS
    'One per event x receiver, recorded in the event''s transaction; delivered at least once by the daemon (idempotency_key lets a receiver drop a repeat).';
COMMENT ON COLUMN siam.notification.next_attempt_at IS
    'When a daemon may next try it: while one is sending, the end of its claim; after a failure, the backoff.';
-- The daemon's claim: the due pending ones, oldest due first.
COMMENT ON COLUMN siam.notification.retried_at IS
    'When a person last asked for it again (siam.notification_retry): its maximum age counts from then.';
CREATE INDEX notification_due ON siam.notification (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_receiver ON siam.notification (receiver, id);

CREATE TABLE siam.notification_attempt (
    notification bigint NOT NULL REFERENCES siam.notification,
    attempt integer NOT NULL,
    at timestamptz NOT NULL DEFAULT siam.clock(),
    outcome text NOT NULL
        CONSTRAINT notification_attempt_outcome_valid CHECK (outcome IN ('delivered', 'retry', 'failed')),
    status integer,
    error text,
    milliseconds integer,
    PRIMARY KEY (notification, attempt)
);
COMMENT ON TABLE siam.notification_attempt IS
    'Each delivery attempt of a notification: its outcome, the HTTP status, the error. Written with the notification''s state change.';

-- The trigger: once per INSERT statement on siam.event, over the statement's rows. Its body
-- lives in definitions/notifications.sql; this first version records nothing until then.
CREATE OR REPLACE FUNCTION siam.event_notifications() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN NULL;
END
$$;

CREATE TRIGGER event_notifications
    AFTER INSERT ON siam.event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION siam.event_notifications();

ALTER TABLE siam.receiver ENABLE ROW LEVEL SECURITY;
ALTER TABLE siam.notification_route ENABLE ROW LEVEL SECURITY;
ALTER TABLE siam.notification ENABLE ROW LEVEL SECURITY;
ALTER TABLE siam.notification_attempt ENABLE ROW LEVEL SECURITY;
