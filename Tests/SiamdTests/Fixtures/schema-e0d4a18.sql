--
-- siamd schema, version 2
--
-- The whole current schema of siamd, the multi-vendor SIAM coordination daemon.
-- Apply it to an empty database with
--
--     psql -v ON_ERROR_STOP=1 -f schema.sql
--
-- or with `siamd db init`, which embeds this very file. It runs in one transaction:
-- either everything is created or nothing is.
--
-- Conventions
--   * Everything lives in schema `siam`; core tables are named in the singular.
--   * Suppliers, services, customers, calendars and escalation rules are identified by a
--     short lower-case code (domain siam.code); references hold that code, so a row reads
--     as it is meant (incident.owner = 'acme').
--   * Every change made through siamd (CLI, daemon, or the SQL functions below) writes one
--     row to siam.event per change in the same transaction, with the actor and the reason
--     (the daemon's bookkeeping of when to look next, siam.incident_schedule, and of its
--     liveness, siam.daemon_passed, is no change).
--   * The functions siam.* are the write path for people and integrations; they validate
--     their input and raise an error with a SQLSTATE, writing nothing, on bad input:
--       22023 invalid_parameter_value       malformed or out-of-range argument
--       22004 null_value_not_allowed        a required argument is missing
--       P0002 no_data_found                 the referenced supplier/incident/... does not exist
--       23505 unique_violation              it exists already
--       55000 object_not_in_prerequisite_state  not allowed in the current state
--       42501 insufficient_privilege        not the caller's to do (integrator only, another
--                                           supplier's row it can see)
--     Rows written directly are held to named CHECK constraints and triggers
--     (23514 check_violation, 23P01 exclusion_violation, with the constraint's name); the
--     event log refuses updates and deletes (42501), and no role but the owner may write
--     tables directly at all (deploy/roles.sql).
--   * Time: siam.clock() is the one source of "now" for the schema, in whole seconds. It is
--     the transaction timestamp, unless a superuser's session has the setting siam.now (used
--     by tests to control time, e.g. ALTER DATABASE ... SET siam.now = '2026-01-05T09:00:00Z').
--

BEGIN;

CREATE SCHEMA siam;
COMMENT ON SCHEMA siam IS
    'siamd: suppliers, services, calendars, SLA/OLA targets, shared incidents, handoffs, escalations and their event log.';

------------------------------------------------------------------------------------------
-- Schema version
------------------------------------------------------------------------------------------

CREATE TABLE siam.schema_version (
    singleton boolean PRIMARY KEY DEFAULT true
        CONSTRAINT schema_version_singleton CHECK (singleton),
    version integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE siam.schema_version IS
    'The version of this schema (one row). siamd refuses to work on a database of another version.';

INSERT INTO siam.schema_version (version) VALUES (2);

------------------------------------------------------------------------------------------
-- Basics: codes, clock, actor
------------------------------------------------------------------------------------------

CREATE DOMAIN siam.code AS text
    CONSTRAINT code_format CHECK (VALUE ~ '^[a-z0-9][a-z0-9_.-]{0,62}$');
COMMENT ON DOMAIN siam.code IS
    'A short identifier: 1 to 63 characters, lower-case letters, digits, and _ . - (not first).';

CREATE FUNCTION siam.clock() RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    -- Whole seconds: business durations and the daemon's arithmetic are in seconds, so every
    -- instant the schema writes is comparable with them exactly.
    -- Only a superuser's session (tests) may fix the clock: no integration can backdate.
    SELECT date_trunc('second', CASE
        WHEN coalesce(current_setting('siam.now', true), '') <> ''
             AND (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
        THEN current_setting('siam.now', true)::timestamptz
        ELSE now()
    END)
$$;
COMMENT ON FUNCTION siam.clock() IS
    'Now, for the schema, in whole seconds: the transaction timestamp, or the instant in setting siam.now when a superuser''s session sets it (tests).';

CREATE FUNCTION siam.current_actor() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(nullif(current_setting('siam.actor', true), ''), session_user::text)
$$;
COMMENT ON FUNCTION siam.current_actor() IS
    'Who acts, for the event log: setting siam.actor when set (siamd sets it to the OS user or --actor), else the database role.';

CREATE FUNCTION siam.is_time_zone(p_zone text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone)
$$;
COMMENT ON FUNCTION siam.is_time_zone(text) IS
    'True when the text names an IANA time zone known to the server (e.g. Europe/Berlin).';

CREATE FUNCTION siam.is_exact_interval(p_value interval) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT p_value IS NULL
        OR (extract(year FROM p_value) = 0
            AND extract(month FROM p_value) = 0
            AND p_value >= interval '0')
$$;
COMMENT ON FUNCTION siam.is_exact_interval(interval) IS
    'True for a non-negative interval of fixed length (days, hours, minutes, seconds; no months or years).';

------------------------------------------------------------------------------------------
-- Calendars
------------------------------------------------------------------------------------------

CREATE TABLE siam.calendar (
    name siam.code PRIMARY KEY,
    time_zone text NOT NULL
        CONSTRAINT calendar_time_zone_known CHECK (siam.is_time_zone(time_zone)),
    created_at timestamptz NOT NULL DEFAULT siam.clock()
);
COMMENT ON TABLE siam.calendar IS
    'A business calendar: an IANA time zone, weekly open intervals (siam.calendar_interval) and holidays (siam.calendar_holiday). SLA/OLA clocks count only open time.';
COMMENT ON COLUMN siam.calendar.name IS 'The calendar''s code, e.g. eu-office.';
COMMENT ON COLUMN siam.calendar.time_zone IS 'IANA time zone of the intervals and holidays, e.g. Europe/Berlin.';

CREATE TABLE siam.calendar_interval (
    calendar siam.code NOT NULL
        REFERENCES siam.calendar ON UPDATE CASCADE ON DELETE CASCADE,
    iso_weekday smallint NOT NULL
        CONSTRAINT calendar_interval_weekday_valid CHECK (iso_weekday BETWEEN 1 AND 7),
    opens time NOT NULL,
    closes time NOT NULL,
    PRIMARY KEY (calendar, iso_weekday, opens),
    CONSTRAINT calendar_interval_ends_after_start CHECK (closes > opens)
);
COMMENT ON TABLE siam.calendar_interval IS
    'A weekly open interval of a calendar, in the calendar''s local time. Intervals of one day do not overlap.';
COMMENT ON COLUMN siam.calendar_interval.iso_weekday IS 'ISO weekday: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN siam.calendar_interval.opens IS 'Local time the interval opens (inclusive).';
COMMENT ON COLUMN siam.calendar_interval.closes IS 'Local time the interval closes (exclusive); 24:00 for midnight at the end of the day.';

CREATE FUNCTION siam.calendar_interval_no_overlap() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM siam.calendar_interval AS other
        WHERE other.calendar = NEW.calendar
          AND other.iso_weekday = NEW.iso_weekday
          AND other.opens <> NEW.opens
          AND other.opens < NEW.closes
          AND NEW.opens < other.closes
    ) THEN
        RAISE EXCEPTION 'calendar % has overlapping intervals on ISO weekday %', NEW.calendar, NEW.iso_weekday
            USING ERRCODE = 'exclusion_violation',
                  CONSTRAINT = 'calendar_interval_no_overlap';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER calendar_interval_no_overlap
    AFTER INSERT OR UPDATE ON siam.calendar_interval
    FOR EACH ROW EXECUTE FUNCTION siam.calendar_interval_no_overlap();

CREATE TABLE siam.calendar_holiday (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    calendar siam.code NOT NULL
        REFERENCES siam.calendar ON UPDATE CASCADE ON DELETE CASCADE,
    on_date date,
    month smallint,
    day smallint,
    CONSTRAINT calendar_holiday_one_form CHECK (
        (on_date IS NOT NULL AND month IS NULL AND day IS NULL)
        OR (on_date IS NULL AND month IS NOT NULL AND day IS NOT NULL)),
    CONSTRAINT calendar_holiday_day_valid CHECK (
        month IS NULL
        OR (month BETWEEN 1 AND 12
            AND day BETWEEN 1 AND CASE WHEN month = 2 THEN 29
                                       WHEN month IN (4, 6, 9, 11) THEN 30
                                       ELSE 31 END)),
    CONSTRAINT calendar_holiday_unique UNIQUE NULLS NOT DISTINCT (calendar, on_date, month, day)
);
COMMENT ON TABLE siam.calendar_holiday IS
    'A day on which a calendar has no open time: either a dated holiday (on_date) or a yearly one (month, day).';
COMMENT ON COLUMN siam.calendar_holiday.on_date IS 'A dated holiday, e.g. 2026-12-24.';
COMMENT ON COLUMN siam.calendar_holiday.month IS 'Month of a yearly holiday (with day), e.g. 12 for 12-25.';
COMMENT ON COLUMN siam.calendar_holiday.day IS 'Day of month of a yearly holiday (with month).';

------------------------------------------------------------------------------------------
-- Suppliers, services, customers
------------------------------------------------------------------------------------------

CREATE TABLE siam.supplier (
    code siam.code PRIMARY KEY,
    name text NOT NULL
        CONSTRAINT supplier_name_present CHECK (btrim(name) <> '' AND length(name) <= 200),
    status text NOT NULL DEFAULT 'onboarding'
        CONSTRAINT supplier_status_valid
        CHECK (status IN ('onboarding', 'active', 'suspended', 'exiting', 'retired')),
    capacity integer
        CONSTRAINT supplier_capacity_positive CHECK (capacity > 0),
    calendar siam.code
        REFERENCES siam.calendar ON UPDATE CASCADE,
    created_at timestamptz NOT NULL DEFAULT siam.clock(),
    updated_at timestamptz NOT NULL DEFAULT siam.clock()
);
COMMENT ON TABLE siam.supplier IS
    'A provider of IT services. Only active suppliers are offered work.';
COMMENT ON COLUMN siam.supplier.code IS 'The supplier''s code, e.g. acme.';
COMMENT ON COLUMN siam.supplier.status IS
    'Lifecycle: onboarding (no work yet) -> active -> suspended (no new work, open work moved) / exiting (no new work, open work drained) -> retired. See siam.supplier_transition.';
COMMENT ON COLUMN siam.supplier.capacity IS 'Most open incidents it owns at once; NULL = unlimited.';
COMMENT ON COLUMN siam.supplier.calendar IS 'Business calendar of its OLA clocks; NULL = 24x7 unless the OLA target names one.';

CREATE TABLE siam.supplier_transition (
    from_status text NOT NULL,
    to_status text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE siam.supplier_transition IS 'The allowed changes of a supplier''s status.';

INSERT INTO siam.supplier_transition (from_status, to_status) VALUES
    ('onboarding', 'active'),
    ('onboarding', 'retired'),
    ('active', 'suspended'),
    ('active', 'exiting'),
    ('suspended', 'active'),
    ('suspended', 'exiting'),
    ('exiting', 'active'),
    ('exiting', 'retired');

CREATE TABLE siam.service (
    code siam.code PRIMARY KEY,
    name text NOT NULL
        CONSTRAINT service_name_present CHECK (btrim(name) <> '' AND length(name) <= 200),
    created_at timestamptz NOT NULL DEFAULT siam.clock()
);
COMMENT ON TABLE siam.service IS 'An entry of the service catalog, e.g. network or sap-hr.';

CREATE TABLE siam.supplier_service (
    supplier siam.code NOT NULL REFERENCES siam.supplier ON UPDATE CASCADE,
    service siam.code NOT NULL REFERENCES siam.service ON UPDATE CASCADE,
    rank smallint NOT NULL DEFAULT 1
        CONSTRAINT supplier_service_rank_valid CHECK (rank BETWEEN 1 AND 1000),
    PRIMARY KEY (supplier, service)
);
COMMENT ON TABLE siam.supplier_service IS
    'Which supplier serves which service. Only suppliers serving an incident''s service can be offered it.';
COMMENT ON COLUMN siam.supplier_service.rank IS 'Preference rank for routing: 1 is preferred over 2, and so on.';

CREATE INDEX supplier_service_service ON siam.supplier_service (service, rank);

CREATE TABLE siam.customer (
    code siam.code PRIMARY KEY,
    name text NOT NULL
        CONSTRAINT customer_name_present CHECK (btrim(name) <> '' AND length(name) <= 200),
    created_at timestamptz NOT NULL DEFAULT siam.clock()
);
COMMENT ON TABLE siam.customer IS
    'The party that signs the contract (not the user who receives the service).';

------------------------------------------------------------------------------------------
-- SLA / OLA targets
------------------------------------------------------------------------------------------

CREATE TABLE siam.target (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL
        CONSTRAINT target_kind_valid CHECK (kind IN ('sla', 'ola')),
    priority text NOT NULL
        CONSTRAINT target_priority_valid CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    service siam.code REFERENCES siam.service ON UPDATE CASCADE,
    supplier siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    calendar siam.code REFERENCES siam.calendar ON UPDATE CASCADE,
    accept_within interval,
    acknowledge_within interval,
    resolve_within interval,
    updated_at timestamptz NOT NULL DEFAULT siam.clock(),
    CONSTRAINT target_sla_has_no_supplier CHECK (kind = 'ola' OR supplier IS NULL),
    CONSTRAINT target_sla_has_no_accept CHECK (kind = 'ola' OR accept_within IS NULL),
    CONSTRAINT target_durations_exact CHECK (
        siam.is_exact_interval(accept_within)
        AND siam.is_exact_interval(acknowledge_within)
        AND siam.is_exact_interval(resolve_within)),
    CONSTRAINT target_has_a_duration CHECK (
        accept_within IS NOT NULL OR acknowledge_within IS NOT NULL OR resolve_within IS NOT NULL),
    CONSTRAINT target_unique UNIQUE NULLS NOT DISTINCT (kind, priority, service, supplier)
);
COMMENT ON TABLE siam.target IS
    'SLA (integrator <-> customer) and OLA (integrator <-> supplier) targets per priority, optionally per service and per supplier. The most specific matching target applies as a whole: supplier and service, then supplier, then service, then neither.';
COMMENT ON COLUMN siam.target.kind IS 'sla or ola.';
COMMENT ON COLUMN siam.target.priority IS 'P1 (highest) to P4.';
COMMENT ON COLUMN siam.target.service IS 'Only for incidents of this service; NULL = any.';
COMMENT ON COLUMN siam.target.supplier IS 'Only for this supplier (OLA only); NULL = any.';
COMMENT ON COLUMN siam.target.calendar IS 'Calendar the durations count on; NULL = the supplier''s calendar for an OLA, else 24x7.';
COMMENT ON COLUMN siam.target.accept_within IS 'Business time a supplier has to accept a handoff (OLA only).';
COMMENT ON COLUMN siam.target.acknowledge_within IS 'Business time until work starts (the incident first goes in_progress, or resolved directly).';
COMMENT ON COLUMN siam.target.resolve_within IS 'Business time until the incident is resolved.';

------------------------------------------------------------------------------------------
-- Shared incidents
------------------------------------------------------------------------------------------

CREATE TABLE siam.incident (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL
        CONSTRAINT incident_title_present CHECK (btrim(title) <> '' AND length(title) <= 500),
    service siam.code NOT NULL REFERENCES siam.service ON UPDATE CASCADE,
    priority text NOT NULL
        CONSTRAINT incident_priority_valid CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    state text NOT NULL DEFAULT 'new'
        CONSTRAINT incident_state_valid
        CHECK (state IN ('new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled')),
    customer siam.code REFERENCES siam.customer ON UPDATE CASCADE,
    user_tier text
        CONSTRAINT incident_user_tier_format CHECK (user_tier ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    owner siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    on_hold boolean NOT NULL DEFAULT false,
    opened_at timestamptz NOT NULL DEFAULT siam.clock(),
    acknowledged_at timestamptz,
    resolved_at timestamptz,
    closed_at timestamptz,
    acknowledge_due timestamptz,
    resolve_due timestamptz,
    sla_calendar siam.code REFERENCES siam.calendar ON UPDATE CASCADE,
    paused_since timestamptz,
    handoff_count integer NOT NULL DEFAULT 0
        CONSTRAINT incident_handoff_count_nonnegative CHECK (handoff_count >= 0),
    complaint_count integer NOT NULL DEFAULT 0
        CONSTRAINT incident_complaint_count_nonnegative CHECK (complaint_count >= 0),
    routing_stopped boolean NOT NULL DEFAULT false,
    next_check_at timestamptz DEFAULT siam.clock(),
    updated_at timestamptz NOT NULL DEFAULT siam.clock(),
    CONSTRAINT incident_owner_matches_state CHECK (
        CASE state
            WHEN 'new' THEN owner IS NULL
            WHEN 'cancelled' THEN true
            ELSE owner IS NOT NULL
        END),
    CONSTRAINT incident_pending_is_paused CHECK ((state = 'pending') = (paused_since IS NOT NULL)),
    CONSTRAINT incident_resolved_at_iff_resolved CHECK (
        (state IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)),
    CONSTRAINT incident_closed_at_iff_closed CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
COMMENT ON TABLE siam.incident IS
    'A shared incident: one supplier owns it (accountable) at a time, others may contribute (siam.assignment).';
COMMENT ON COLUMN siam.incident.state IS
    'new, assigned, in_progress, pending (waiting on the customer: SLA clocks pause), resolved, closed, cancelled. See siam.incident_transition.';
COMMENT ON COLUMN siam.incident.customer IS 'The customer the incident is for, if known.';
COMMENT ON COLUMN siam.incident.user_tier IS 'Tier of the affected user, e.g. vip; NULL = standard.';
COMMENT ON COLUMN siam.incident.owner IS 'The supplier accountable now; NULL while new.';
COMMENT ON COLUMN siam.incident.on_hold IS 'Held by the integrator: the daemon does not route it automatically.';
COMMENT ON COLUMN siam.incident.acknowledged_at IS 'When work first started (first entry into in_progress, or into resolved directly).';
COMMENT ON COLUMN siam.incident.acknowledge_due IS 'SLA due instant of acknowledgement; NULL when no target sets one.';
COMMENT ON COLUMN siam.incident.resolve_due IS 'SLA due instant of resolution; NULL when no target sets one.';
COMMENT ON COLUMN siam.incident.sla_calendar IS 'Calendar the SLA clocks count on; NULL = 24x7.';
COMMENT ON COLUMN siam.incident.paused_since IS 'Set while pending: since when the SLA clocks are paused.';
COMMENT ON COLUMN siam.incident.handoff_count IS 'Handoffs of the whole incident offered so far.';
COMMENT ON COLUMN siam.incident.complaint_count IS 'Complaints recorded so far.';
COMMENT ON COLUMN siam.incident.routing_stopped IS 'Handed off too often (ping-pong): the daemon no longer reassigns it until a person offers it.';
COMMENT ON COLUMN siam.incident.next_check_at IS 'When the daemon next looks at it (a threshold, a deadline, a change); NULL = nothing scheduled. Every siam.* function for people and integrations that changes the incident sets it to now; the daemon schedules it itself.';

CREATE INDEX incident_unrouted ON siam.incident (opened_at)
    WHERE state = 'new' AND NOT on_hold;
CREATE INDEX incident_owner_open ON siam.incident (owner)
    WHERE state IN ('assigned', 'in_progress', 'pending');
CREATE INDEX incident_service ON siam.incident (service);
-- What the daemon has to look at next: one index probe, however many incidents there are.
CREATE INDEX incident_next_check ON siam.incident (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE siam.incident_transition (
    from_state text NOT NULL,
    to_state text NOT NULL,
    by_handoff boolean NOT NULL DEFAULT false,
    PRIMARY KEY (from_state, to_state)
);
COMMENT ON TABLE siam.incident_transition IS
    'The allowed changes of an incident''s state. by_handoff: made only by accepting a handoff of the whole incident, not by setting the state.';

INSERT INTO siam.incident_transition (from_state, to_state, by_handoff) VALUES
    ('new', 'assigned', true),
    ('new', 'cancelled', false),
    ('assigned', 'in_progress', false),
    ('assigned', 'pending', false),
    ('assigned', 'resolved', false),
    ('assigned', 'cancelled', false),
    ('in_progress', 'assigned', true),
    ('in_progress', 'pending', false),
    ('in_progress', 'resolved', false),
    ('in_progress', 'cancelled', false),
    ('pending', 'in_progress', false),
    ('pending', 'resolved', false),
    ('pending', 'cancelled', false),
    ('resolved', 'in_progress', false),
    ('resolved', 'closed', false);

CREATE FUNCTION siam.incident_state_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
        SELECT 1 FROM siam.incident_transition
        WHERE from_state = OLD.state AND to_state = NEW.state
    ) THEN
        RAISE EXCEPTION 'incident % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'incident_state_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER incident_state_transition
    BEFORE UPDATE OF state ON siam.incident
    FOR EACH ROW EXECUTE FUNCTION siam.incident_state_transition();

CREATE TABLE siam.incident_pause (
    incident bigint NOT NULL REFERENCES siam.incident,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    PRIMARY KEY (incident, started_at),
    CONSTRAINT incident_pause_ends_after_start CHECK (ended_at >= started_at)
);
COMMENT ON TABLE siam.incident_pause IS
    'A time the incident was pending (waiting on the customer): its SLA clocks did not run. ended_at is NULL while it lasts.';

CREATE UNIQUE INDEX incident_pause_one_open ON siam.incident_pause (incident) WHERE ended_at IS NULL;

CREATE TABLE siam.assignment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident bigint NOT NULL REFERENCES siam.incident,
    supplier siam.code NOT NULL REFERENCES siam.supplier ON UPDATE CASCADE,
    role text NOT NULL
        CONSTRAINT assignment_role_valid CHECK (role IN ('owner', 'contributor')),
    handoff bigint,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    resolve_due timestamptz,
    ola_calendar siam.code REFERENCES siam.calendar ON UPDATE CASCADE,
    CONSTRAINT assignment_ends_after_start CHECK (ended_at >= started_at)
);
COMMENT ON TABLE siam.assignment IS
    'A span of time a supplier held an incident (role owner) or contributed to it (role contributor), from the accepted handoff until it handed on, the incident was resolved or cancelled.';
COMMENT ON COLUMN siam.assignment.handoff IS 'The accepted handoff that started it.';
COMMENT ON COLUMN siam.assignment.ended_at IS 'NULL while the supplier still holds it.';
COMMENT ON COLUMN siam.assignment.resolve_due IS 'The supplier''s OLA due instant of resolution; NULL when no OLA sets one.';
COMMENT ON COLUMN siam.assignment.ola_calendar IS 'Calendar the supplier''s OLA clock counts on; NULL = 24x7.';

CREATE UNIQUE INDEX assignment_one_open_owner ON siam.assignment (incident)
    WHERE role = 'owner' AND ended_at IS NULL;
CREATE UNIQUE INDEX assignment_one_open_per_supplier ON siam.assignment (incident, supplier)
    WHERE ended_at IS NULL;
CREATE INDEX assignment_supplier ON siam.assignment (supplier, incident);
CREATE INDEX assignment_resolve_due_open ON siam.assignment (resolve_due) WHERE ended_at IS NULL;
-- Who owned an incident at an instant (siam.owner_at, for the scorecards): one probe per clock.
CREATE INDEX assignment_owner_spans ON siam.assignment (incident, started_at) WHERE role = 'owner';

CREATE TABLE siam.external_ref (
    supplier siam.code NOT NULL REFERENCES siam.supplier ON UPDATE CASCADE,
    ticket text NOT NULL
        CONSTRAINT external_ref_ticket_present CHECK (btrim(ticket) <> '' AND length(ticket) <= 200),
    incident bigint NOT NULL REFERENCES siam.incident,
    created_at timestamptz NOT NULL DEFAULT siam.clock(),
    PRIMARY KEY (supplier, ticket),
    CONSTRAINT external_ref_one_per_supplier UNIQUE (incident, supplier)
);
COMMENT ON TABLE siam.external_ref IS
    'A supplier''s own ticket number for an incident; unique per supplier.';

------------------------------------------------------------------------------------------
-- Handoffs
------------------------------------------------------------------------------------------

CREATE TABLE siam.handoff (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident bigint NOT NULL REFERENCES siam.incident,
    from_supplier siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    to_supplier siam.code NOT NULL REFERENCES siam.supplier ON UPDATE CASCADE,
    part text
        CONSTRAINT handoff_part_present CHECK (btrim(part) <> '' AND length(part) <= 500),
    state text NOT NULL DEFAULT 'offered'
        CONSTRAINT handoff_state_valid
        CHECK (state IN ('offered', 'accepted', 'rejected', 'expired', 'cancelled')),
    offered_at timestamptz NOT NULL DEFAULT siam.clock(),
    offered_by text NOT NULL DEFAULT siam.current_actor(),
    accept_due timestamptz,
    accept_calendar siam.code REFERENCES siam.calendar ON UPDATE CASCADE,
    answered_at timestamptz,
    answered_by text,
    reason text
        CONSTRAINT handoff_reason_length CHECK (length(reason) <= 2000),
    out_of_scope boolean NOT NULL DEFAULT false,
    CONSTRAINT handoff_not_to_sender CHECK (from_supplier IS DISTINCT FROM to_supplier),
    CONSTRAINT handoff_answered_iff_closed CHECK ((state = 'offered') = (answered_at IS NULL)),
    CONSTRAINT handoff_rejection_has_reason CHECK (
        state <> 'rejected' OR (reason IS NOT NULL AND btrim(reason) <> '')),
    CONSTRAINT handoff_out_of_scope_is_rejection CHECK (NOT out_of_scope OR state = 'rejected'),
    CONSTRAINT handoff_due_after_offer CHECK (accept_due >= offered_at)
);
COMMENT ON TABLE siam.handoff IS
    'An offer of an incident (or of a part of it) to a supplier: offered -> accepted | rejected (reason required) | expired (not answered by accept_due) | cancelled.';
COMMENT ON COLUMN siam.handoff.from_supplier IS 'Who hands it on; NULL = the service integrator.';
COMMENT ON COLUMN siam.handoff.to_supplier IS 'The supplier it is offered to.';
COMMENT ON COLUMN siam.handoff.part IS 'NULL: the whole incident (ownership). Otherwise what part of the work is offered (a contribution).';
COMMENT ON COLUMN siam.handoff.accept_due IS 'OLA deadline to accept; NULL when no OLA sets one (it then never expires).';
COMMENT ON COLUMN siam.handoff.reason IS 'Why it was offered, rejected, expired or cancelled.';
COMMENT ON COLUMN siam.handoff.out_of_scope IS 'A rejection disputing scope: the integrator has to decide.';

CREATE UNIQUE INDEX handoff_one_open_ownership_offer ON siam.handoff (incident)
    WHERE state = 'offered' AND part IS NULL;
CREATE UNIQUE INDEX handoff_one_open_offer_per_supplier ON siam.handoff (incident, to_supplier)
    WHERE state = 'offered';
CREATE INDEX handoff_accept_due_offered ON siam.handoff (accept_due) WHERE state = 'offered';
CREATE INDEX handoff_incident ON siam.handoff (incident, offered_at);
CREATE INDEX handoff_to_supplier ON siam.handoff (to_supplier, state);

CREATE FUNCTION siam.handoff_state_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is % already', OLD.id, OLD.state
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'handoff_state_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER handoff_state_transition
    BEFORE UPDATE OF state ON siam.handoff
    FOR EACH ROW EXECUTE FUNCTION siam.handoff_state_transition();

------------------------------------------------------------------------------------------
-- Escalations and complaints
------------------------------------------------------------------------------------------

CREATE FUNCTION siam.is_ascending(p_values numeric[]) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(bool_and(v > prev), true)
    FROM (
        SELECT v, lag(v) OVER (ORDER BY i) AS prev
        FROM unnest(p_values) WITH ORDINALITY AS t (v, i)
    ) AS pairs
    WHERE prev IS NOT NULL
$$;
COMMENT ON FUNCTION siam.is_ascending(numeric[]) IS 'True when the values are strictly ascending.';

CREATE TABLE siam.escalation_rule (
    code siam.code PRIMARY KEY,
    measure text NOT NULL
        CONSTRAINT escalation_rule_measure_valid CHECK (measure IN (
            'sla_acknowledge', 'sla_resolve', 'ola_accept', 'ola_resolve',
            'bounces', 'complaints', 'capacity', 'unroutable')),
    thresholds numeric[] NOT NULL
        CONSTRAINT escalation_rule_thresholds_valid CHECK (
            cardinality(thresholds) BETWEEN 1 AND 10
            AND 0 < ALL (thresholds)
            AND siam.is_ascending(thresholds)),
    notify text NOT NULL DEFAULT 'integrator'
        CONSTRAINT escalation_rule_notify_valid CHECK (notify IN ('integrator', 'supplier', 'customer')),
    repeat_every interval
        CONSTRAINT escalation_rule_repeat_positive CHECK (repeat_every > interval '0' AND siam.is_exact_interval(repeat_every)),
    time_window interval
        CONSTRAINT escalation_rule_window_positive CHECK (time_window > interval '0' AND siam.is_exact_interval(time_window)),
    priority text
        CONSTRAINT escalation_rule_priority_valid CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    service siam.code REFERENCES siam.service ON UPDATE CASCADE,
    supplier siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    user_tier text,
    enabled boolean NOT NULL DEFAULT true,
    CONSTRAINT escalation_rule_window_for_counts CHECK (
        measure NOT IN ('bounces', 'complaints') OR time_window IS NOT NULL)
);
COMMENT ON TABLE siam.escalation_rule IS
    'A threshold on a measure that raises an escalation of a level (1 = first threshold) to a party. Optionally scoped by priority, service, supplier and user tier.';
COMMENT ON COLUMN siam.escalation_rule.measure IS
    'sla_acknowledge, sla_resolve, ola_accept, ola_resolve (percent of the clock elapsed); bounces (handoffs of one incident within time_window); complaints (weighted complaints within time_window: customer 2, user 1); capacity (percent of a supplier''s capacity in use); unroutable (no eligible supplier to offer it to: threshold 1).';
COMMENT ON COLUMN siam.escalation_rule.thresholds IS 'Ascending thresholds; level N is raised when the measure reaches thresholds[N].';
COMMENT ON COLUMN siam.escalation_rule.notify IS 'The party it is raised to.';
COMMENT ON COLUMN siam.escalation_rule.repeat_every IS 'Repeat the notification at this interval until acknowledged; NULL = once.';
COMMENT ON COLUMN siam.escalation_rule.time_window IS 'Window of the count measures (bounces, complaints).';

INSERT INTO siam.escalation_rule (code, measure, thresholds, notify, repeat_every, time_window) VALUES
    ('sla-acknowledge', 'sla_acknowledge', '{50,75,90,100}', 'integrator', interval '1 hour', NULL),
    ('sla-resolve', 'sla_resolve', '{50,75,90,100}', 'integrator', interval '1 hour', NULL),
    ('ola-accept', 'ola_accept', '{50,75,90,100}', 'supplier', interval '1 hour', NULL),
    ('ola-resolve', 'ola_resolve', '{50,75,90,100}', 'supplier', interval '1 hour', NULL),
    ('bounce', 'bounces', '{3}', 'integrator', NULL, interval '24 hours'),
    ('complaint', 'complaints', '{1,3}', 'integrator', NULL, interval '7 days'),
    ('capacity', 'capacity', '{100}', 'integrator', interval '4 hours', NULL),
    ('no-supplier', 'unroutable', '{1}', 'integrator', interval '1 hour', NULL);

CREATE TABLE siam.escalation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule siam.code NOT NULL REFERENCES siam.escalation_rule ON UPDATE CASCADE,
    level smallint NOT NULL
        CONSTRAINT escalation_level_positive CHECK (level >= 1),
    incident bigint REFERENCES siam.incident,
    handoff bigint REFERENCES siam.handoff,
    supplier siam.code REFERENCES siam.supplier ON UPDATE CASCADE,
    notify text NOT NULL
        CONSTRAINT escalation_notify_valid CHECK (notify IN ('integrator', 'supplier', 'customer')),
    reason text NOT NULL
        CONSTRAINT escalation_reason_present CHECK (btrim(reason) <> ''),
    raised_at timestamptz NOT NULL DEFAULT siam.clock(),
    notified_count integer NOT NULL DEFAULT 1
        CONSTRAINT escalation_notified_count_positive CHECK (notified_count >= 1),
    last_notified_at timestamptz NOT NULL DEFAULT siam.clock(),
    acknowledged_at timestamptz,
    acknowledged_by text,
    closed_at timestamptz,
    close_reason text,
    CONSTRAINT escalation_has_subject CHECK (incident IS NOT NULL OR supplier IS NOT NULL),
    CONSTRAINT escalation_ack_has_who CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
    CONSTRAINT escalation_close_has_reason CHECK ((closed_at IS NULL) = (close_reason IS NULL))
);
COMMENT ON TABLE siam.escalation IS
    'An escalation: raised once per rule x level x subject (incident, handoff, supplier), repeated at the rule''s interval until acknowledged, closed when its cause ends. Only a supplier''s capacity escalation is raised again after it closed (a new episode).';
COMMENT ON COLUMN siam.escalation.level IS 'Which threshold of the rule was crossed (1 = first).';
COMMENT ON COLUMN siam.escalation.handoff IS 'The handoff whose OLA accept clock it is about, if any.';
COMMENT ON COLUMN siam.escalation.supplier IS 'The supplier it is about (OLA clocks, capacity), if any.';
COMMENT ON COLUMN siam.escalation.acknowledged_by IS 'Who acknowledged it; repeats stop then.';
COMMENT ON COLUMN siam.escalation.closed_at IS 'When its cause ended (incident resolved, handoff accepted, ...).';

-- Never two open escalations of one rule x level x subject, whoever raises them.
CREATE UNIQUE INDEX escalation_raised_once ON siam.escalation (rule, level, incident, handoff, supplier)
    NULLS NOT DISTINCT WHERE closed_at IS NULL;
CREATE INDEX escalation_open ON siam.escalation (raised_at) WHERE closed_at IS NULL;
CREATE INDEX escalation_supplier_open ON siam.escalation (supplier) WHERE closed_at IS NULL AND incident IS NULL;
CREATE INDEX escalation_incident ON siam.escalation (incident);

CREATE TABLE siam.complaint (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident bigint NOT NULL REFERENCES siam.incident,
    source text NOT NULL
        CONSTRAINT complaint_source_valid CHECK (source IN ('user', 'customer')),
    body text NOT NULL
        CONSTRAINT complaint_body_present CHECK (btrim(body) <> '' AND length(body) <= 10000),
    received_at timestamptz NOT NULL DEFAULT siam.clock(),
    recorded_by text NOT NULL DEFAULT siam.current_actor()
);
COMMENT ON TABLE siam.complaint IS
    'A complaint about an incident, from the user or from the customer (a customer complaint weighs more).';

CREATE INDEX complaint_incident ON siam.complaint (incident, received_at);

------------------------------------------------------------------------------------------
-- Events: the audit trail and the integration feed
------------------------------------------------------------------------------------------

CREATE TABLE siam.event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT siam.clock(),
    xact_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    actor text NOT NULL DEFAULT siam.current_actor(),
    db_role text NOT NULL DEFAULT session_user,
    kind text NOT NULL
        CONSTRAINT event_kind_format CHECK (kind ~ '^[a-z_]+\.[a-z_]+$'),
    incident bigint,
    handoff bigint,
    supplier text,
    escalation bigint,
    reason text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT event_data_object CHECK (jsonb_typeof(data) = 'object')
);
COMMENT ON TABLE siam.event IS
    'One row per change, by whom and why. Append-only: the audit trail and the feed that integrations follow.';
COMMENT ON COLUMN siam.event.at IS 'When it happened (siam.clock()).';
COMMENT ON COLUMN siam.event.xact_id IS 'The writing transaction, for consumers that must not skip events committed out of id order.';
COMMENT ON COLUMN siam.event.actor IS 'Who acted: a person (OS user or --actor), siamd''s daemon, or an integration.';
COMMENT ON COLUMN siam.event.db_role IS 'The database role of the session that wrote it.';
COMMENT ON COLUMN siam.event.kind IS 'What happened, as subject.verb: incident.opened, handoff.accepted, ...';
COMMENT ON COLUMN siam.event.reason IS 'Why, in words.';
COMMENT ON COLUMN siam.event.data IS 'Details: the values that changed.';

CREATE INDEX event_incident ON siam.event (incident) WHERE incident IS NOT NULL;
CREATE INDEX event_supplier ON siam.event (supplier) WHERE supplier IS NOT NULL;

CREATE FUNCTION siam.event_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'siam.event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              CONSTRAINT = 'event_append_only';
END
$$;

CREATE TRIGGER event_append_only
    BEFORE UPDATE OR DELETE ON siam.event
    FOR EACH ROW EXECUTE FUNCTION siam.event_append_only();
CREATE TRIGGER event_no_truncate
    BEFORE TRUNCATE ON siam.event
    FOR EACH STATEMENT EXECUTE FUNCTION siam.event_append_only();

CREATE FUNCTION siam.event_notify() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('siam_event', '');
    RETURN NULL;
END
$$;

-- Once per statement, not per row: a burst of changes wakes a listener once.
CREATE TRIGGER event_notify
    AFTER INSERT ON siam.event
    FOR EACH STATEMENT EXECUTE FUNCTION siam.event_notify();

CREATE FUNCTION siam.record_event(
    p_kind text,
    p_reason text,
    p_incident bigint DEFAULT NULL,
    p_handoff bigint DEFAULT NULL,
    p_supplier text DEFAULT NULL,
    p_escalation bigint DEFAULT NULL,
    p_data jsonb DEFAULT '{}'
) RETURNS bigint
LANGUAGE sql
AS $$
    INSERT INTO siam.event (kind, reason, incident, handoff, supplier, escalation, data)
    VALUES (p_kind, p_reason, p_incident, p_handoff, p_supplier, p_escalation, coalesce(p_data, '{}'))
    RETURNING id
$$;
COMMENT ON FUNCTION siam.record_event(text, text, bigint, bigint, text, bigint, jsonb) IS
    'Appends one event (actor and time filled in). Used by the single-row siam.* functions; the daemon''s set-based ones insert their events in the same statement as their change.';

------------------------------------------------------------------------------------------
-- Business time (see PRODUCT.md "SLA clock semantics"; the same rules as the Swift core)
------------------------------------------------------------------------------------------

CREATE FUNCTION siam.seconds(p_seconds numeric) RETURNS interval
LANGUAGE sql IMMUTABLE STRICT
AS $$
    -- A pure time interval (no day part), so adding it never depends on the session's zone.
    SELECT make_interval(secs => p_seconds::double precision)
$$;
COMMENT ON FUNCTION siam.seconds(numeric) IS 'An interval of exactly that many seconds.';

CREATE FUNCTION siam.is_holiday(p_calendar text, p_day date) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM siam.calendar_holiday
        WHERE calendar = p_calendar
          AND (on_date = p_day
               OR (month = extract(month FROM p_day) AND day = extract(day FROM p_day))))
$$;
COMMENT ON FUNCTION siam.is_holiday(text, date) IS 'True when the local day is a dated or yearly holiday of the calendar.';

CREATE FUNCTION siam.open_segments(
    p_calendar text,
    p_from timestamptz,
    p_to timestamptz,
    p_pauses tstzmultirange
) RETURNS SETOF tstzrange
LANGUAGE plpgsql STABLE
AS $$
-- The open, unpaused time of a calendar within [p_from, p_to) in time order (p_to is required:
-- a PL/pgSQL set-returning function hands its rows over only when it returns).
-- A NULL calendar is open at all times (24x7).
DECLARE
    v_zone text;
    v_day date;
    v_window tstzrange := tstzrange(p_from, p_to, '[)');
    v_idle_days integer := 0;
    v_interval record;
    v_open tstzrange;
    v_piece tstzrange;
    v_any boolean;
BEGIN
    IF p_from IS NULL OR p_to IS NULL THEN
        RAISE EXCEPTION 'open_segments needs a start and an end' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_calendar IS NULL THEN
        RETURN QUERY SELECT unnest(tstzmultirange(v_window) - coalesce(p_pauses, '{}'));
        RETURN;
    END IF;
    SELECT time_zone INTO v_zone FROM siam.calendar WHERE name = p_calendar;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown calendar ''%''', p_calendar USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.calendar_interval WHERE calendar = p_calendar) THEN
        RAISE EXCEPTION 'calendar ''%'' has no open time: a deadline on it can never be reached', p_calendar
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_day := (p_from AT TIME ZONE v_zone)::date;
    LOOP
        -- Past the end of the window, or paused for good from here on: nothing more to give.
        EXIT WHEN (v_day::timestamp AT TIME ZONE v_zone) >= p_to;
        EXIT WHEN upper_inf(p_pauses)
              AND (SELECT lower(r) FROM unnest(p_pauses) AS r ORDER BY lower(r) DESC LIMIT 1)
                  <= (v_day::timestamp AT TIME ZONE v_zone);
        v_any := false;
        IF NOT siam.is_holiday(p_calendar, v_day) THEN
            FOR v_interval IN
                SELECT opens, closes
                FROM siam.calendar_interval
                WHERE calendar = p_calendar AND iso_weekday = extract(isodow FROM v_day)
                ORDER BY opens
            LOOP
                v_any := true;
                v_open := tstzrange((v_day + v_interval.opens) AT TIME ZONE v_zone,
                                    (v_day + v_interval.closes) AT TIME ZONE v_zone, '[)')
                          * v_window;
                CONTINUE WHEN isempty(v_open);
                FOR v_piece IN SELECT unnest(tstzmultirange(v_open) - coalesce(p_pauses, '{}')) LOOP
                    RETURN NEXT v_piece;
                END LOOP;
            END LOOP;
        END IF;
        v_idle_days := CASE WHEN v_any THEN 0 ELSE v_idle_days + 1 END;
        IF v_idle_days > 1000 THEN
            RAISE EXCEPTION 'calendar ''%'' has no open time for over 1000 days after %: a deadline on it can never be reached', p_calendar, v_day
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_day := v_day + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.open_segments(text, timestamptz, timestamptz, tstzmultirange) IS
    'Open, unpaused ranges of a calendar (NULL = 24x7) within [from, to) in time order.';

CREATE FUNCTION siam.business_deadline(
    p_calendar text,
    p_from timestamptz,
    p_duration interval,
    p_pauses tstzmultirange DEFAULT '{}'
) RETURNS timestamptz
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_remaining numeric;
    v_length numeric;
    v_piece tstzrange;
    v_window_start timestamptz := p_from;
    v_window_end timestamptz;
    v_empty_windows integer := 0;
    v_any boolean;
    v_pauses tstzmultirange := coalesce(p_pauses, '{}');
BEGIN
    IF p_from IS NULL OR p_duration IS NULL THEN
        RETURN NULL;
    END IF;
    IF NOT siam.is_exact_interval(p_duration) THEN
        RAISE EXCEPTION 'duration must be zero or more and of fixed length (no months), not %', p_duration
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_remaining := extract(epoch FROM p_duration);
    IF p_calendar IS NULL AND isempty(v_pauses) THEN
        RETURN p_from + siam.seconds(v_remaining);  -- 24x7 without pauses: plain arithmetic
    END IF;
    -- Consume open time window by window (open_segments needs an end to return its rows).
    LOOP
        v_window_end := v_window_start + siam.seconds(62 * 86400);
        v_any := false;
        FOR v_piece IN SELECT s FROM siam.open_segments(p_calendar, v_window_start, v_window_end, v_pauses) AS s LOOP
            v_any := true;
            v_length := extract(epoch FROM upper(v_piece) - lower(v_piece));
            -- A deadline on a closing instant is that instant, not the next opening.
            IF v_remaining <= v_length THEN
                RETURN lower(v_piece) + siam.seconds(v_remaining);
            END IF;
            v_remaining := v_remaining - v_length;
        END LOOP;
        IF upper_inf(v_pauses)
           AND (SELECT max(lower(r)) FROM unnest(v_pauses) AS r) <= v_window_end THEN
            RETURN NULL;  -- paused for good: not due while the pause lasts
        END IF;
        v_empty_windows := CASE WHEN v_any THEN 0 ELSE v_empty_windows + 1 END;
        IF v_empty_windows > 16 THEN
            RAISE EXCEPTION 'calendar ''%'' has no open time for over 1000 days after %: a deadline on it can never be reached', p_calendar, v_window_start
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_window_start := v_window_end;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.business_deadline(text, timestamptz, interval, tstzmultirange) IS
    'The instant at which the duration of business time is consumed on the calendar (NULL = 24x7), starting at from (or its next opening), not counting paused ranges. NULL when a pause without end stops the clock first.';

CREATE FUNCTION siam.business_elapsed(
    p_calendar text,
    p_from timestamptz,
    p_to timestamptz,
    p_pauses tstzmultirange DEFAULT '{}'
) RETURNS interval
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN p_from IS NULL OR p_to IS NULL THEN NULL
        WHEN p_to <= p_from THEN interval '0'
        ELSE siam.seconds(coalesce(
            (SELECT sum(extract(epoch FROM upper(s) - lower(s)))
             FROM siam.open_segments(p_calendar, p_from, p_to, p_pauses) AS s), 0))
    END
$$;
COMMENT ON FUNCTION siam.business_elapsed(text, timestamptz, timestamptz, tstzmultirange) IS
    'Business time on the calendar (NULL = 24x7) within [from, to), not counting paused ranges; 0 when to <= from.';

CREATE FUNCTION siam.incident_pauses(p_incident bigint) RETURNS tstzmultirange
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(range_agg(tstzrange(started_at, ended_at, '[)')), '{}')
    FROM siam.incident_pause
    WHERE incident = p_incident
$$;
COMMENT ON FUNCTION siam.incident_pauses(bigint) IS 'The ranges an incident was pending (the last one open while it still is).';

------------------------------------------------------------------------------------------
-- The write path: functions for people (through siamd) and for integrations
------------------------------------------------------------------------------------------

CREATE FUNCTION siam.check_code(p_value text, p_what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_value !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid % ''%'': use 1 to 63 lower-case letters, digits, _ . - (starting with a letter or digit)', p_what, p_value
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_code(text, text) IS 'Returns the code, or raises 22023 naming what is malformed.';

CREATE FUNCTION siam.check_name(p_value text, p_what text, p_max integer DEFAULT 200) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL OR btrim(p_value) = '' THEN
        RAISE EXCEPTION '% is required and must not be blank', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF length(p_value) > p_max THEN
        RAISE EXCEPTION '% is too long: % characters, at most %', p_what, length(p_value), p_max
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_name(text, text, integer) IS 'Returns the text, or raises when it is blank or too long.';

CREATE FUNCTION siam.check_priority(p_priority text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_priority IS NULL OR p_priority NOT IN ('P1', 'P2', 'P3', 'P4') THEN
        RAISE EXCEPTION 'invalid priority ''%'': use P1, P2, P3 or P4', p_priority
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_priority;
END
$$;

CREATE FUNCTION siam.check_duration(p_value interval, p_what text) RETURNS interval
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF NOT siam.is_exact_interval(p_value) THEN
        RAISE EXCEPTION 'invalid % %: a duration must be zero or more and of fixed length (no months or years)', p_what, p_value
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;

CREATE FUNCTION siam.lock_supplier(p_code text) RETURNS siam.supplier
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier siam.supplier;
BEGIN
    SELECT * INTO v_supplier FROM siam.supplier WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown supplier ''%''', p_code USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_supplier;
END
$$;

CREATE FUNCTION siam.lock_incident(p_id bigint) RETURNS siam.incident
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'incident is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v_incident FROM siam.incident WHERE id = p_id FOR UPDATE;
    -- A supplier's session is told the same of what it may not see as of what does not exist.
    IF NOT FOUND OR (siam.caller_supplier() IS NOT NULL AND NOT siam.takes_part(p_id, siam.caller_supplier())) THEN
        RAISE EXCEPTION 'unknown incident %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_incident;
END
$$;

CREATE FUNCTION siam.lock_handoff(p_id bigint) RETURNS siam.handoff
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'handoff is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Always the incident first, then its handoff: the daemon locks in that order too, so
    -- the two never wait for each other in a circle.
    PERFORM 1 FROM siam.incident WHERE id = (SELECT incident FROM siam.handoff WHERE id = p_id) FOR UPDATE;
    SELECT * INTO v_handoff FROM siam.handoff WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR (siam.caller_supplier() IS NOT NULL
                     AND siam.caller_supplier() IS DISTINCT FROM v_handoff.to_supplier
                     AND siam.caller_supplier() IS DISTINCT FROM v_handoff.from_supplier) THEN
        RAISE EXCEPTION 'unknown handoff %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_handoff;
END
$$;

CREATE FUNCTION siam.wake(p_incident bigint) RETURNS void
LANGUAGE sql
AS $$
    UPDATE siam.incident SET next_check_at = siam.clock() WHERE id = p_incident
$$;
COMMENT ON FUNCTION siam.wake(bigint) IS 'Asks the daemon to look at the incident now.';

CREATE FUNCTION siam.require_exists(p_table regclass, p_code text, p_what text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_found boolean;
BEGIN
    IF p_code IS NULL THEN
        RETURN NULL;
    END IF;
    -- The table is one of siam's own (a regclass, quoted by format's %s); the code is a parameter.
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I = $1)', p_table,
                   CASE WHEN p_table = 'siam.calendar'::regclass THEN 'name' ELSE 'code' END)
        INTO v_found USING p_code;
    IF NOT v_found THEN
        RAISE EXCEPTION 'unknown % ''%''', p_what, p_code USING ERRCODE = 'no_data_found';
    END IF;
    RETURN p_code;
END
$$;

-- Calendars ---------------------------------------------------------------------------

CREATE FUNCTION siam.calendar_add(
    p_name text,
    p_time_zone text,
    p_weekdays smallint[],
    p_opens time[],
    p_closes time[],
    p_holidays text[] DEFAULT '{}'
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_holiday text;
    v_count integer := coalesce(cardinality(p_weekdays), 0);
BEGIN
    PERFORM siam.check_code(p_name, 'calendar name');
    IF p_time_zone IS NULL OR NOT siam.is_time_zone(p_time_zone) THEN
        RAISE EXCEPTION 'unknown time zone ''%'': use an IANA name such as Europe/Berlin', p_time_zone
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_count <> coalesce(cardinality(p_opens), 0) OR v_count <> coalesce(cardinality(p_closes), 0) THEN
        RAISE EXCEPTION 'weekdays, opens and closes must have the same number of elements'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_count = 0 THEN
        RAISE EXCEPTION 'calendar ''%'' has no open time: a deadline on it could never be reached', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.calendar WHERE name = p_name) THEN
        RAISE EXCEPTION 'calendar ''%'' exists already', p_name USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.calendar (name, time_zone) VALUES (p_name, p_time_zone);
    FOR i IN 1 .. v_count LOOP
        IF p_weekdays[i] IS NULL OR p_weekdays[i] NOT BETWEEN 1 AND 7 THEN
            RAISE EXCEPTION 'invalid ISO weekday %: use 1 (Monday) to 7 (Sunday)', p_weekdays[i]
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_opens[i] IS NULL OR p_closes[i] IS NULL OR p_closes[i] <= p_opens[i] THEN
            RAISE EXCEPTION 'interval %-% ends before it starts', p_opens[i], p_closes[i]
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM siam.calendar_interval
                   WHERE calendar = p_name AND iso_weekday = p_weekdays[i]
                     AND opens < p_closes[i] AND p_opens[i] < closes) THEN
            RAISE EXCEPTION 'intervals overlap on ISO weekday % at %-%', p_weekdays[i], p_opens[i], p_closes[i]
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO siam.calendar_interval (calendar, iso_weekday, opens, closes)
        VALUES (p_name, p_weekdays[i], p_opens[i], p_closes[i]);
    END LOOP;
    FOREACH v_holiday IN ARRAY coalesce(p_holidays, '{}') LOOP
        IF v_holiday ~ '^\d{4}-\d{2}-\d{2}$' THEN
            BEGIN
                INSERT INTO siam.calendar_holiday (calendar, on_date) VALUES (p_name, v_holiday::date)
                ON CONFLICT DO NOTHING;
            EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
                RAISE EXCEPTION 'invalid holiday ''%'': no such date', v_holiday
                    USING ERRCODE = 'invalid_parameter_value';
            END;
        ELSIF v_holiday ~ '^\d{2}-\d{2}$' THEN
            BEGIN
                INSERT INTO siam.calendar_holiday (calendar, month, day)
                VALUES (p_name, split_part(v_holiday, '-', 1)::smallint, split_part(v_holiday, '-', 2)::smallint)
                ON CONFLICT DO NOTHING;
            EXCEPTION WHEN check_violation THEN
                RAISE EXCEPTION 'invalid holiday ''%'': no such day of the year', v_holiday
                    USING ERRCODE = 'invalid_parameter_value';
            END;
        ELSE
            RAISE EXCEPTION 'invalid holiday ''%'': use YYYY-MM-DD (dated) or MM-DD (yearly)', v_holiday
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    PERFORM siam.record_event('calendar.added', 'calendar added', p_data => jsonb_build_object(
        'calendar', p_name,
        'time_zone', p_time_zone,
        'intervals', (SELECT jsonb_agg(jsonb_build_object('iso_weekday', iso_weekday, 'opens', opens, 'closes', closes)
                                       ORDER BY iso_weekday, opens)
                      FROM siam.calendar_interval WHERE calendar = p_name),
        'holidays', to_jsonb(coalesce(p_holidays, '{}'))));
    RETURN p_name;
END
$$;
COMMENT ON FUNCTION siam.calendar_add(text, text, smallint[], time[], time[], text[]) IS
    'Adds a calendar: name, IANA zone, weekly intervals as three parallel arrays (ISO weekday, opens, closes; 24:00 allowed as an end), holidays as YYYY-MM-DD or MM-DD.';

-- Suppliers, services, customers -------------------------------------------------------

CREATE FUNCTION siam.supplier_add(
    p_code text,
    p_name text,
    p_capacity integer DEFAULT NULL,
    p_calendar text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'supplier code');
    PERFORM siam.check_name(p_name, 'supplier name');
    IF p_capacity IS NOT NULL AND p_capacity < 1 THEN
        RAISE EXCEPTION 'invalid capacity %: use a whole number of at least 1, or none for unlimited', p_capacity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    IF EXISTS (SELECT 1 FROM siam.supplier WHERE code = p_code) THEN
        RAISE EXCEPTION 'supplier ''%'' exists already', p_code USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.supplier (code, name, capacity, calendar)
    VALUES (p_code, p_name, p_capacity, p_calendar);
    PERFORM siam.record_event('supplier.added', 'supplier added (onboarding)', p_supplier => p_code,
        p_data => jsonb_build_object('name', p_name, 'capacity', p_capacity, 'calendar', p_calendar));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.supplier_add(text, text, integer, text) IS
    'Adds a supplier in status onboarding. Capacity NULL = unlimited; calendar NULL = 24x7.';

CREATE FUNCTION siam.supplier_set_status(
    p_code text,
    p_status text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier siam.supplier;
    v_open integer;
BEGIN
    v_supplier := siam.lock_supplier(p_code);
    IF p_status IS NULL OR p_status NOT IN ('onboarding', 'active', 'suspended', 'exiting', 'retired') THEN
        RAISE EXCEPTION 'invalid supplier status ''%'': use onboarding, active, suspended, exiting or retired', p_status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status = v_supplier.status THEN
        RAISE EXCEPTION 'supplier ''%'' is % already', p_code, p_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.supplier_transition
                   WHERE from_status = v_supplier.status AND to_status = p_status) THEN
        RAISE EXCEPTION 'supplier ''%'' cannot go from % to %', p_code, v_supplier.status, p_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_status = 'retired' THEN
        SELECT count(*) INTO v_open
        FROM siam.incident
        WHERE owner = p_code AND state IN ('assigned', 'in_progress', 'pending');
        v_open := v_open + (SELECT count(*) FROM siam.handoff WHERE to_supplier = p_code AND state = 'offered');
        IF v_open > 0 THEN
            RAISE EXCEPTION 'supplier ''%'' still holds % open item(s): drain its work before retiring it', p_code, v_open
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END IF;
    UPDATE siam.supplier SET status = p_status, updated_at = siam.clock() WHERE code = p_code;
    -- Its open work may have to move (suspended, exiting), or waiting work may now go to it (active).
    UPDATE siam.incident AS i SET next_check_at = siam.clock()
    WHERE (i.owner = p_code AND i.state IN ('assigned', 'in_progress', 'pending'))
       OR EXISTS (SELECT 1 FROM siam.handoff AS h WHERE h.incident = i.id AND h.to_supplier = p_code AND h.state = 'offered')
       OR (p_status = 'active' AND i.state = 'new' AND NOT i.on_hold
           AND i.service IN (SELECT service FROM siam.supplier_service WHERE supplier = p_code));
    PERFORM siam.record_event('supplier.status_changed',
        coalesce(p_reason, format('status %s -> %s', v_supplier.status, p_status)),
        p_supplier => p_code,
        p_data => jsonb_build_object('from', v_supplier.status, 'to', p_status));
    RETURN p_status;
END
$$;
COMMENT ON FUNCTION siam.supplier_set_status(text, text, text) IS
    'Changes a supplier''s lifecycle status along siam.supplier_transition. Retiring needs it to hold no open work.';

CREATE FUNCTION siam.supplier_serve(
    p_supplier text,
    p_service text,
    p_rank integer DEFAULT 1
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_previous smallint;
BEGIN
    PERFORM siam.lock_supplier(p_supplier);
    IF p_service IS NULL THEN
        RAISE EXCEPTION 'service is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    IF p_rank IS NULL OR p_rank NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid rank %: use 1 (preferred) to 1000', p_rank
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT rank INTO v_previous FROM siam.supplier_service
    WHERE supplier = p_supplier AND service = p_service FOR UPDATE;
    IF v_previous = p_rank THEN
        RETURN p_rank;  -- nothing changes, nothing to record
    END IF;
    INSERT INTO siam.supplier_service (supplier, service, rank)
    VALUES (p_supplier, p_service, p_rank)
    ON CONFLICT (supplier, service) DO UPDATE SET rank = EXCLUDED.rank;
    -- Incidents waiting for a supplier of this service may now have one.
    UPDATE siam.incident SET next_check_at = siam.clock()
    WHERE service = p_service AND state = 'new' AND NOT on_hold;
    PERFORM siam.record_event('supplier.serves',
        CASE WHEN v_previous IS NULL THEN format('serves %s at rank %s', p_service, p_rank)
             ELSE format('rank for %s %s -> %s', p_service, v_previous, p_rank) END,
        p_supplier => p_supplier,
        p_data => jsonb_build_object('service', p_service, 'rank', p_rank, 'previous_rank', v_previous));
    RETURN p_rank;
END
$$;
COMMENT ON FUNCTION siam.supplier_serve(text, text, integer) IS
    'Records that a supplier serves a service at a preference rank (1 = preferred), or changes the rank.';

CREATE FUNCTION siam.service_add(p_code text, p_name text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'service code');
    PERFORM siam.check_name(p_name, 'service name');
    IF EXISTS (SELECT 1 FROM siam.service WHERE code = p_code) THEN
        RAISE EXCEPTION 'service ''%'' exists already', p_code USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.service (code, name) VALUES (p_code, p_name);
    PERFORM siam.record_event('service.added', 'service added',
        p_data => jsonb_build_object('service', p_code, 'name', p_name));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.service_add(text, text) IS 'Adds an entry to the service catalog.';

CREATE FUNCTION siam.customer_add(p_code text, p_name text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'customer code');
    PERFORM siam.check_name(p_name, 'customer name');
    IF EXISTS (SELECT 1 FROM siam.customer WHERE code = p_code) THEN
        RAISE EXCEPTION 'customer ''%'' exists already', p_code USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.customer (code, name) VALUES (p_code, p_name);
    PERFORM siam.record_event('customer.added', 'customer added',
        p_data => jsonb_build_object('customer', p_code, 'name', p_name));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.customer_add(text, text) IS 'Adds a customer (the party that signs the contract).';

-- Targets ------------------------------------------------------------------------------

CREATE FUNCTION siam.target_set(
    p_kind text,
    p_priority text,
    p_service text DEFAULT NULL,
    p_supplier text DEFAULT NULL,
    p_calendar text DEFAULT NULL,
    p_accept interval DEFAULT NULL,
    p_acknowledge interval DEFAULT NULL,
    p_resolve interval DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_id integer;
    v_before siam.target;
    v_after siam.target;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('sla', 'ola') THEN
        RAISE EXCEPTION 'invalid target kind ''%'': use sla or ola', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    PERFORM siam.check_duration(p_accept, 'accept time');
    PERFORM siam.check_duration(p_acknowledge, 'acknowledge time');
    PERFORM siam.check_duration(p_resolve, 'resolve time');
    IF p_kind = 'sla' AND p_supplier IS NOT NULL THEN
        RAISE EXCEPTION 'an SLA is between the integrator and the customer: it has no supplier (use --kind ola)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'sla' AND p_accept IS NOT NULL THEN
        RAISE EXCEPTION 'time to accept a handoff is an OLA target, not an SLA one (use --kind ola)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO v_before FROM siam.target
    WHERE kind = p_kind AND priority = p_priority
      AND service IS NOT DISTINCT FROM p_service AND supplier IS NOT DISTINCT FROM p_supplier
    FOR UPDATE;
    IF v_before.id IS NULL AND p_accept IS NULL AND p_acknowledge IS NULL AND p_resolve IS NULL THEN
        RAISE EXCEPTION 'a new target needs at least one of accept, acknowledge or resolve time'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Setting a target changes only what is given; what is left out keeps its value.
    INSERT INTO siam.target AS t (kind, priority, service, supplier, calendar, accept_within, acknowledge_within, resolve_within)
    VALUES (p_kind, p_priority, p_service, p_supplier, p_calendar, p_accept, p_acknowledge, p_resolve)
    ON CONFLICT ON CONSTRAINT target_unique DO UPDATE SET
        calendar = coalesce(EXCLUDED.calendar, t.calendar),
        accept_within = coalesce(EXCLUDED.accept_within, t.accept_within),
        acknowledge_within = coalesce(EXCLUDED.acknowledge_within, t.acknowledge_within),
        resolve_within = coalesce(EXCLUDED.resolve_within, t.resolve_within),
        updated_at = siam.clock()
    RETURNING id INTO v_id;
    SELECT * INTO v_after FROM siam.target WHERE id = v_id;
    IF v_before.id IS NOT NULL
       AND (v_before.calendar, v_before.accept_within, v_before.acknowledge_within, v_before.resolve_within)
           IS NOT DISTINCT FROM (v_after.calendar, v_after.accept_within, v_after.acknowledge_within, v_after.resolve_within) THEN
        RETURN v_id;  -- nothing changed, nothing to record
    END IF;
    PERFORM siam.record_event('target.set',
        format('%s %s target %s', upper(p_kind), p_priority, CASE WHEN v_before.id IS NULL THEN 'added' ELSE 'changed' END),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('target', v_id, 'before', to_jsonb(v_before), 'after', to_jsonb(v_after)));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.target_set(text, text, text, text, text, interval, interval, interval) IS
    'Adds or changes the SLA/OLA target for kind x priority x service x supplier (NULL = any). Durations left NULL keep their value.';

CREATE FUNCTION siam.matching_target(
    p_kind text,
    p_priority text,
    p_service text,
    p_supplier text DEFAULT NULL
) RETURNS siam.target
LANGUAGE sql STABLE
AS $$
    -- The most specific target wins as a whole: supplier and service, supplier, service, neither.
    SELECT t.*
    FROM siam.target AS t
    WHERE t.kind = p_kind
      AND t.priority = p_priority
      AND (t.service IS NULL OR t.service = p_service)
      AND (t.supplier IS NULL OR t.supplier = p_supplier)
    ORDER BY (t.supplier IS NOT NULL) DESC, (t.service IS NOT NULL) DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION siam.matching_target(text, text, text, text) IS
    'The target that applies: the most specific one matching kind, priority, service and supplier, taken as a whole.';

-- Incidents ----------------------------------------------------------------------------

CREATE FUNCTION siam.incident_open(
    p_service text,
    p_priority text,
    p_title text,
    p_customer text DEFAULT NULL,
    p_user_tier text DEFAULT NULL,
    p_to_supplier text DEFAULT NULL,
    p_hold boolean DEFAULT false,
    p_reason text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
    v_now timestamptz := siam.clock();
    v_sla siam.target;
BEGIN
    PERFORM siam.require_integrator();
    IF p_service IS NULL THEN
        RAISE EXCEPTION 'service is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.check_name(p_title, 'title', 500);
    PERFORM siam.require_exists('siam.customer', p_customer, 'customer');
    IF p_user_tier IS NOT NULL AND p_user_tier !~ '^[a-z0-9][a-z0-9_-]{0,31}$' THEN
        RAISE EXCEPTION 'invalid user tier ''%'': use up to 32 lower-case letters, digits, _ or -', p_user_tier
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_to_supplier IS NOT NULL AND coalesce(p_hold, false) THEN
        RAISE EXCEPTION 'an incident offered to a supplier cannot also be held: give one of them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_sla := siam.matching_target('sla', p_priority, p_service);
    INSERT INTO siam.incident (title, service, priority, customer, user_tier, on_hold, opened_at,
                               sla_calendar, acknowledge_due, resolve_due, updated_at)
    VALUES (p_title, p_service, p_priority, p_customer, p_user_tier, coalesce(p_hold, false), v_now,
            v_sla.calendar,
            siam.business_deadline(v_sla.calendar, v_now, v_sla.acknowledge_within),
            siam.business_deadline(v_sla.calendar, v_now, v_sla.resolve_within),
            v_now)
    RETURNING id INTO v_id;
    PERFORM siam.record_event('incident.opened', coalesce(p_reason, 'incident opened'), p_incident => v_id,
        p_data => jsonb_build_object('service', p_service, 'priority', p_priority, 'title', p_title,
                                     'customer', p_customer, 'user_tier', p_user_tier, 'on_hold', coalesce(p_hold, false),
                                     'sla_target', v_sla.id));
    IF p_to_supplier IS NOT NULL THEN
        PERFORM siam.handoff_offer(v_id, p_to_supplier, NULL, 'offered when opened');
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.incident_open(text, text, text, text, text, text, boolean, text) IS
    'Opens a shared incident; its SLA due instants come from the matching SLA target. p_to_supplier offers it at once; p_hold keeps it from automatic routing. Returns its id.';

CREATE FUNCTION siam.end_assignments(p_incident bigint, p_role text, p_at timestamptz) RETURNS void
LANGUAGE sql
AS $$
    UPDATE siam.assignment
    SET ended_at = p_at
    WHERE incident = p_incident AND ended_at IS NULL AND (p_role IS NULL OR role = p_role)
$$;
COMMENT ON FUNCTION siam.end_assignments(bigint, text, timestamptz) IS 'Ends the open assignment spans of an incident (of one role, or all when NULL).';

CREATE FUNCTION siam.cancel_open_handoffs(p_incident bigint, p_reason text) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_offers bigint[] := ARRAY(SELECT id FROM siam.handoff WHERE incident = p_incident AND state = 'offered' ORDER BY id);
BEGIN
    RETURN (SELECT count(*)
            FROM siam.handoffs_end(v_offers, array_fill(p_reason, ARRAY[cardinality(v_offers)]), 'cancelled'));
END
$$;
COMMENT ON FUNCTION siam.cancel_open_handoffs(bigint, text) IS 'Cancels the open offers of an incident, one event each. Returns how many.';

CREATE FUNCTION siam.incident_set_state(
    p_incident bigint,
    p_state text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_now timestamptz := siam.clock();
    v_pause_start timestamptz;
    v_transition siam.incident_transition;
    v_ack_due timestamptz;
    v_resolve_due timestamptz;
BEGIN
    v_incident := siam.lock_incident(p_incident);
    IF siam.caller_supplier() IS NOT NULL AND siam.caller_supplier() IS DISTINCT FROM v_incident.owner THEN
        RAISE EXCEPTION 'only the owner of incident % can change its state', p_incident
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_state IS NULL OR p_state NOT IN ('new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'invalid incident state ''%'': use in_progress, pending, resolved, closed or cancelled', p_state
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_state = v_incident.state THEN
        RAISE EXCEPTION 'incident % is % already', p_incident, p_state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO v_transition FROM siam.incident_transition
    WHERE from_state = v_incident.state AND to_state = p_state;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % cannot go from % to %', p_incident, v_incident.state, p_state
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = CASE WHEN v_incident.state = 'new' THEN 'offer it to a supplier first (siamd handoff offer)'
                              ELSE 'see siam.incident_transition for the allowed changes' END;
    END IF;
    IF v_transition.by_handoff THEN
        RAISE EXCEPTION 'incident % becomes assigned by a supplier accepting a handoff, not by setting its state', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    v_ack_due := v_incident.acknowledge_due;
    v_resolve_due := v_incident.resolve_due;
    IF v_incident.state = 'pending' THEN
        -- Leaving pending: the SLA clocks resume and their due instants move later by the
        -- business time the pause took from them.
        v_pause_start := v_incident.paused_since;
        UPDATE siam.incident_pause SET ended_at = v_now
        WHERE incident = p_incident AND ended_at IS NULL;
        IF v_ack_due > v_pause_start AND v_incident.acknowledged_at IS NULL THEN
            v_ack_due := siam.business_deadline(v_incident.sla_calendar, v_now,
                             siam.business_elapsed(v_incident.sla_calendar, v_pause_start, v_ack_due));
        END IF;
        IF v_resolve_due > v_pause_start THEN
            v_resolve_due := siam.business_deadline(v_incident.sla_calendar, v_now,
                                 siam.business_elapsed(v_incident.sla_calendar, v_pause_start, v_resolve_due));
        END IF;
    END IF;
    IF p_state = 'pending' THEN
        INSERT INTO siam.incident_pause (incident, started_at) VALUES (p_incident, v_now);
    END IF;

    UPDATE siam.incident SET
        state = p_state,
        paused_since = CASE WHEN p_state = 'pending' THEN v_now END,
        acknowledged_at = CASE WHEN p_state IN ('in_progress', 'resolved') THEN coalesce(acknowledged_at, v_now)
                               ELSE acknowledged_at END,
        resolved_at = CASE WHEN p_state = 'resolved' THEN v_now
                           WHEN p_state = 'closed' THEN resolved_at END,
        closed_at = CASE WHEN p_state = 'closed' THEN v_now END,
        acknowledge_due = v_ack_due,
        resolve_due = v_resolve_due,
        next_check_at = v_now,
        updated_at = v_now
    WHERE id = p_incident;

    IF p_state IN ('resolved', 'cancelled') THEN
        PERFORM siam.cancel_open_handoffs(p_incident, format('incident %s', p_state));
        PERFORM siam.end_assignments(p_incident, NULL, v_now);
    ELSIF v_incident.state = 'resolved' AND p_state = 'in_progress' THEN
        -- Reopened: the owner holds it again.
        INSERT INTO siam.assignment (incident, supplier, role, started_at, resolve_due, ola_calendar)
        SELECT p_incident, v_incident.owner, 'owner', v_now, NULL, NULL;
    END IF;

    PERFORM siam.record_event('incident.state_changed',
        coalesce(p_reason, format('state %s -> %s', v_incident.state, p_state)),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('from', v_incident.state, 'to', p_state,
                                     'acknowledge_due', v_ack_due, 'resolve_due', v_resolve_due));
    RETURN p_state;
END
$$;
COMMENT ON FUNCTION siam.incident_set_state(bigint, text, text) IS
    'Changes an incident''s state along siam.incident_transition. pending pauses the SLA clocks; leaving it moves the due instants later by the paused business time. resolved/cancelled cancel open offers.';

CREATE FUNCTION siam.incident_set_priority(
    p_incident bigint,
    p_priority text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_sla siam.target;
    v_pauses tstzmultirange;
    v_ack_due timestamptz;
    v_resolve_due timestamptz;
    v_now timestamptz := siam.clock();
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    PERFORM siam.check_priority(p_priority);
    IF p_priority = v_incident.priority THEN
        RAISE EXCEPTION 'incident % is % already', p_incident, p_priority
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT v_incident.state IN ('new', 'assigned', 'in_progress', 'pending') THEN
        RAISE EXCEPTION 'incident % is %: its priority cannot change', p_incident, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- The clocks restart from the opening under the new priority's target, minus the
    -- pauses that ended. A pause still running is accounted for when it ends, as always.
    v_sla := siam.matching_target('sla', p_priority, v_incident.service);
    SELECT coalesce(range_agg(tstzrange(started_at, ended_at, '[)')), '{}') INTO v_pauses
    FROM siam.incident_pause
    WHERE incident = p_incident AND ended_at IS NOT NULL;
    v_ack_due := CASE WHEN v_incident.acknowledged_at IS NULL
                      THEN siam.business_deadline(v_sla.calendar, v_incident.opened_at, v_sla.acknowledge_within, v_pauses)
                      ELSE v_incident.acknowledge_due END;
    v_resolve_due := siam.business_deadline(v_sla.calendar, v_incident.opened_at, v_sla.resolve_within, v_pauses);
    UPDATE siam.incident
    SET priority = p_priority, sla_calendar = v_sla.calendar,
        acknowledge_due = v_ack_due, resolve_due = v_resolve_due, next_check_at = v_now, updated_at = v_now
    WHERE id = p_incident;
    -- The suppliers' OLA clocks follow the new priority too: open offers and the current owner.
    UPDATE siam.handoff AS h
    SET accept_due = siam.business_deadline(c.calendar, h.offered_at, c.accept_within),
        accept_calendar = CASE WHEN c.accept_within IS NOT NULL THEN c.calendar END
    FROM (
        SELECT h2.id, o.accept_within, coalesce(o.calendar, s.calendar) AS calendar
        FROM siam.handoff AS h2
        JOIN siam.supplier AS s ON s.code = h2.to_supplier
        LEFT JOIN LATERAL siam.matching_target('ola', p_priority, v_incident.service, h2.to_supplier) AS o ON true
        WHERE h2.incident = p_incident AND h2.state = 'offered'
    ) AS c
    WHERE h.id = c.id;
    UPDATE siam.assignment AS a
    SET resolve_due = siam.business_deadline(c.calendar, a.started_at, c.resolve_within),
        ola_calendar = CASE WHEN c.resolve_within IS NOT NULL THEN c.calendar END
    FROM (
        SELECT a2.id, o.resolve_within, coalesce(o.calendar, s.calendar) AS calendar
        FROM siam.assignment AS a2
        JOIN siam.supplier AS s ON s.code = a2.supplier
        LEFT JOIN LATERAL siam.matching_target('ola', p_priority, v_incident.service, a2.supplier) AS o ON true
        WHERE a2.incident = p_incident AND a2.ended_at IS NULL
    ) AS c
    WHERE a.id = c.id;
    PERFORM siam.record_event('incident.priority_changed',
        coalesce(p_reason, format('priority %s -> %s', v_incident.priority, p_priority)),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('from', v_incident.priority, 'to', p_priority, 'sla_target', v_sla.id,
                                     'acknowledge_due', v_ack_due, 'resolve_due', v_resolve_due));
    RETURN p_priority;
END
$$;
COMMENT ON FUNCTION siam.incident_set_priority(bigint, text, text) IS
    'Changes an open incident''s priority; its SLA due instants are recomputed from the new matching target (from the opening, minus ended pauses), and so are the OLA clocks of open offers and the current holders.';

-- Handoffs -----------------------------------------------------------------------------

CREATE FUNCTION siam.handoff_offer(
    p_incident bigint,
    p_to_supplier text,
    p_part text DEFAULT NULL,
    p_reason text DEFAULT NULL,
    p_automatic boolean DEFAULT false
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_supplier siam.supplier;
    v_ola siam.target;
    v_calendar text;
    v_now timestamptz := siam.clock();
    v_id bigint;
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_to_supplier IS NULL THEN
        RAISE EXCEPTION 'the supplier to offer it to is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    v_supplier := siam.lock_supplier(p_to_supplier);
    -- The daemon decided on what it read; if that no longer holds, its offer does nothing
    -- (a person gets the reason as an error instead).
    IF coalesce(p_automatic, false) AND p_part IS NULL AND (
           v_incident.state IN ('resolved', 'closed', 'cancelled')
           OR v_incident.routing_stopped
           OR v_supplier.status <> 'active'
           OR v_incident.owner = p_to_supplier
           OR NOT EXISTS (SELECT 1 FROM siam.supplier_service
                          WHERE supplier = p_to_supplier AND service = v_incident.service)
           OR EXISTS (SELECT 1 FROM siam.handoff
                      WHERE incident = p_incident AND state = 'offered' AND part IS NULL)) THEN
        RETURN NULL;
    END IF;
    IF p_part IS NOT NULL THEN
        PERFORM siam.check_name(p_part, 'part', 500);
    END IF;
    IF v_incident.state IN ('resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'incident % is %: it cannot be handed off', p_incident, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_supplier.status <> 'active' THEN
        RAISE EXCEPTION 'supplier ''%'' is %: only active suppliers are offered work', p_to_supplier, v_supplier.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.supplier_service
                   WHERE supplier = p_to_supplier AND service = v_incident.service) THEN
        RAISE EXCEPTION 'supplier ''%'' does not serve ''%''', p_to_supplier, v_incident.service
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('siamd supplier serve %s %s', p_to_supplier, v_incident.service);
    END IF;
    IF p_part IS NULL AND v_incident.owner = p_to_supplier THEN
        RAISE EXCEPTION 'supplier ''%'' owns incident % already', p_to_supplier, p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_part IS NULL AND EXISTS (SELECT 1 FROM siam.handoff
                                  WHERE incident = p_incident AND state = 'offered' AND part IS NULL) THEN
        RAISE EXCEPTION 'incident % has an open offer already: wait for its answer or its expiry', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.handoff
               WHERE incident = p_incident AND to_supplier = p_to_supplier AND state = 'offered') THEN
        RAISE EXCEPTION 'supplier ''%'' has an open offer of incident % already', p_to_supplier, p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    v_ola := siam.matching_target('ola', v_incident.priority, v_incident.service, p_to_supplier);
    v_calendar := coalesce(v_ola.calendar, v_supplier.calendar);
    INSERT INTO siam.handoff (incident, from_supplier, to_supplier, part, offered_at, accept_due, accept_calendar, reason)
    VALUES (p_incident, CASE WHEN p_part IS NULL THEN v_incident.owner END, p_to_supplier, p_part, v_now,
            siam.business_deadline(v_calendar, v_now, v_ola.accept_within),
            CASE WHEN v_ola.accept_within IS NOT NULL THEN v_calendar END,
            p_reason)
    RETURNING id INTO v_id;
    -- A person choosing a supplier is the "person acts" that resumes automatic routing.
    UPDATE siam.incident
    SET handoff_count = handoff_count + CASE WHEN p_part IS NULL THEN 1 ELSE 0 END,
        routing_stopped = routing_stopped AND coalesce(p_automatic, false),
        next_check_at = v_now,
        updated_at = v_now
    WHERE id = p_incident;
    PERFORM siam.record_event('handoff.offered', coalesce(p_reason, 'offered'),
        p_incident => p_incident, p_handoff => v_id, p_supplier => p_to_supplier,
        p_data => jsonb_build_object('from', CASE WHEN p_part IS NULL THEN v_incident.owner END, 'to', p_to_supplier, 'part', p_part,
                                     'accept_due', (SELECT accept_due FROM siam.handoff WHERE id = v_id),
                                     'ola_target', v_ola.id));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_offer(bigint, text, text, text, boolean) IS
    'Offers an incident (p_part NULL) or a part of its work to an active supplier that serves its service; the accept deadline comes from the supplier''s OLA. p_automatic marks the daemon''s own offers; any other offer resumes automatic routing of a ping-pong incident. Returns the handoff id.';

CREATE FUNCTION siam.handoff_accept(p_handoff bigint, p_reason text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
    v_incident siam.incident;
    v_supplier siam.supplier;
    v_ola siam.target;
    v_calendar text;
    v_now timestamptz := siam.clock();
BEGIN
    v_handoff := siam.lock_handoff(p_handoff);
    v_incident := siam.lock_incident(v_handoff.incident);
    IF siam.caller_supplier() IS NOT NULL AND siam.caller_supplier() <> v_handoff.to_supplier THEN
        RAISE EXCEPTION 'handoff % is offered to another supplier: only it can accept it', p_handoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_handoff.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is %, not offered: it cannot be accepted', p_handoff, v_handoff.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_incident.state IN ('resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'incident % is %: its handoff cannot be accepted', v_incident.id, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_supplier := siam.lock_supplier(v_handoff.to_supplier);
    UPDATE siam.handoff
    SET state = 'accepted', answered_at = v_now, answered_by = siam.current_actor(),
        reason = coalesce(p_reason, reason)
    WHERE id = p_handoff;

    v_ola := siam.matching_target('ola', v_incident.priority, v_incident.service, v_handoff.to_supplier);
    v_calendar := coalesce(v_ola.calendar, v_supplier.calendar);
    IF v_handoff.part IS NULL THEN
        -- The whole incident: the receiving supplier becomes its owner, on its own OLA clock.
        PERFORM siam.end_assignments(v_incident.id, 'owner', v_now);
        -- A contributor taking over ends its contribution span.
        UPDATE siam.assignment SET ended_at = v_now
        WHERE incident = v_incident.id AND supplier = v_handoff.to_supplier AND ended_at IS NULL;
        INSERT INTO siam.assignment (incident, supplier, role, handoff, started_at, resolve_due, ola_calendar)
        VALUES (v_incident.id, v_handoff.to_supplier, 'owner', p_handoff, v_now,
                siam.business_deadline(v_calendar, v_now, v_ola.resolve_within),
                CASE WHEN v_ola.resolve_within IS NOT NULL THEN v_calendar END);
        UPDATE siam.incident
        SET owner = v_handoff.to_supplier,
            state = CASE WHEN state = 'pending' THEN 'pending' ELSE 'assigned' END,
            updated_at = v_now
        WHERE id = v_incident.id;
    ELSE
        INSERT INTO siam.assignment (incident, supplier, role, handoff, started_at, resolve_due, ola_calendar)
        VALUES (v_incident.id, v_handoff.to_supplier, 'contributor', p_handoff, v_now,
                siam.business_deadline(v_calendar, v_now, v_ola.resolve_within),
                CASE WHEN v_ola.resolve_within IS NOT NULL THEN v_calendar END)
        ON CONFLICT DO NOTHING;
    END IF;
    PERFORM siam.wake(v_incident.id);
    PERFORM siam.record_event('handoff.accepted', coalesce(p_reason, 'accepted'),
        p_incident => v_incident.id, p_handoff => p_handoff, p_supplier => v_handoff.to_supplier,
        p_data => jsonb_build_object('part', v_handoff.part, 'previous_owner', v_incident.owner,
                                     'late', v_handoff.accept_due < v_now));
    RETURN p_handoff;
END
$$;
COMMENT ON FUNCTION siam.handoff_accept(bigint, text) IS
    'Accepts an offered handoff: for the whole incident the supplier becomes its owner (state assigned, or still pending) on its own OLA resolve clock; for a part it becomes a contributor.';

CREATE FUNCTION siam.handoff_reject(
    p_handoff bigint,
    p_reason text,
    p_out_of_scope boolean DEFAULT false
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
    v_now timestamptz := siam.clock();
BEGIN
    -- The arguments first: a blank reason is refused before anything is looked up.
    PERFORM siam.check_name(p_reason, 'a reason for the rejection', 2000);
    v_handoff := siam.lock_handoff(p_handoff);
    IF siam.caller_supplier() IS NOT NULL AND siam.caller_supplier() <> v_handoff.to_supplier THEN
        RAISE EXCEPTION 'handoff % is offered to another supplier: only it can reject it', p_handoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_handoff.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is %, not offered: it cannot be rejected', p_handoff, v_handoff.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.handoff
    SET state = 'rejected', answered_at = v_now, answered_by = siam.current_actor(),
        reason = p_reason, out_of_scope = coalesce(p_out_of_scope, false)
    WHERE id = p_handoff;
    PERFORM siam.wake(v_handoff.incident);
    PERFORM siam.record_event('handoff.rejected', p_reason,
        p_incident => v_handoff.incident, p_handoff => p_handoff, p_supplier => v_handoff.to_supplier,
        p_data => jsonb_build_object('out_of_scope', coalesce(p_out_of_scope, false)));
    RETURN p_handoff;
END
$$;
COMMENT ON FUNCTION siam.handoff_reject(bigint, text, boolean) IS
    'Rejects an offered handoff with a reason; p_out_of_scope flags a scope dispute for the integrator.';

-- Escalations --------------------------------------------------------------------------

CREATE FUNCTION siam.escalation_ack(p_escalation bigint, p_by text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_escalation siam.escalation;
BEGIN
    IF p_escalation IS NULL THEN
        RAISE EXCEPTION 'escalation is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.check_name(p_by, 'who acknowledges it');
    SELECT * INTO v_escalation FROM siam.escalation WHERE id = p_escalation FOR UPDATE;
    IF NOT FOUND OR (siam.caller_supplier() IS NOT NULL AND siam.caller_supplier() IS DISTINCT FROM v_escalation.supplier) THEN
        RAISE EXCEPTION 'unknown escalation %', p_escalation USING ERRCODE = 'no_data_found';
    END IF;
    IF v_escalation.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION 'escalation % was acknowledged already by %', p_escalation, v_escalation.acknowledged_by
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.escalation SET acknowledged_at = siam.clock(), acknowledged_by = p_by WHERE id = p_escalation;
    PERFORM siam.record_event('escalation.acknowledged', format('acknowledged by %s', p_by),
        p_incident => v_escalation.incident, p_handoff => v_escalation.handoff,
        p_supplier => v_escalation.supplier, p_escalation => p_escalation);
    RETURN p_escalation;
END
$$;
COMMENT ON FUNCTION siam.escalation_ack(bigint, text) IS 'Acknowledges an escalation: its repeats stop.';

-- Set-based forms of the daemon's frequent actions: one statement for a whole batch, with the
-- same re-checks in their WHERE clauses. The single-row functions above and below call them.

CREATE FUNCTION siam.escalation_rule_set_timing(p_rule text, p_repeat_every interval, p_time_window interval)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    PERFORM siam.require_integrator();
    SELECT * INTO v_rule FROM siam.escalation_rule WHERE code = p_rule FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown escalation rule ''%''', p_rule USING ERRCODE = 'no_data_found';
    END IF;
    IF p_repeat_every <= interval '0' OR NOT siam.is_exact_interval(p_repeat_every) THEN
        RAISE EXCEPTION 'invalid repeat interval %: use a positive length in days, hours, minutes or seconds, or NULL for once', p_repeat_every
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window <= interval '0' OR NOT siam.is_exact_interval(p_time_window) THEN
        RAISE EXCEPTION 'invalid window %: use a positive length in days, hours, minutes or seconds', p_time_window
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window IS NULL AND v_rule.measure IN ('bounces', 'complaints') THEN
        RAISE EXCEPTION 'rule ''%'' counts % within a window: give one', p_rule, v_rule.measure
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    UPDATE siam.escalation_rule SET repeat_every = p_repeat_every, time_window = p_time_window WHERE code = p_rule;
    PERFORM siam.record_event('escalation_rule.changed',
        format('rule %s: repeat %s, window %s', p_rule, coalesce(p_repeat_every::text, 'never'), coalesce(p_time_window::text, 'none')),
        p_data => jsonb_build_object('rule', p_rule,
                                     'before', jsonb_build_object('repeat_every', v_rule.repeat_every, 'time_window', v_rule.time_window),
                                     'after', jsonb_build_object('repeat_every', p_repeat_every, 'time_window', p_time_window)));
    RETURN p_rule;
END
$$;
COMMENT ON FUNCTION siam.escalation_rule_set_timing(text, interval, interval) IS
    'Sets how often an escalation rule repeats its unacknowledged escalations (NULL: once) and the window its counts look back over (bounces, complaints; required for those). Integrator only.';

CREATE FUNCTION siam.handoffs_end(p_handoffs bigint[], p_reasons text[], p_state text) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_state NOT IN ('expired', 'cancelled') THEN
        RAISE EXCEPTION 'a handoff is ended as expired or cancelled, not %', p_state
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Incidents first, then their handoffs: the lock order of every write function.
    PERFORM 1 FROM siam.incident
    WHERE id IN (SELECT incident FROM siam.handoff WHERE id = ANY (p_handoffs))
    ORDER BY id FOR UPDATE;
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_handoffs, p_reasons) AS t (id, reason)
    ), ended AS (
        UPDATE siam.handoff AS h
        SET state = p_state, answered_at = siam.clock(), answered_by = siam.current_actor(), reason = input.reason
        FROM input
        -- Still offered; and an expiry only once its deadline has passed.
        WHERE h.id = input.id AND h.state = 'offered'
          AND (p_state <> 'expired' OR h.accept_due <= siam.clock())
        RETURNING h.id, h.incident, h.to_supplier, h.accept_due, input.reason
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident, handoff, supplier, data)
        SELECT 'handoff.' || p_state, e.reason, e.incident, e.id, e.to_supplier,
               CASE WHEN p_state = 'expired' THEN jsonb_build_object('accept_due', e.accept_due) ELSE '{}' END
        FROM ended AS e
    )
    SELECT e.id FROM ended AS e;
END
$$;
COMMENT ON FUNCTION siam.handoffs_end(bigint[], text[], text) IS
    'Ends the offered handoffs among those given as expired (only those past their accept deadline) or cancelled, one event each; returns those it ended.';

CREATE FUNCTION siam.handoffs_expire(p_handoffs bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    SELECT siam.handoffs_end(p_handoffs, p_reasons, 'expired')
$$;
COMMENT ON FUNCTION siam.handoffs_expire(bigint[], text[]) IS
    'Expires the offered handoffs whose accept deadline has passed, one event each; returns those it expired.';

CREATE FUNCTION siam.escalations_raise(
    p_rules text[],
    p_levels integer[],
    p_incidents bigint[],
    p_handoffs bigint[],
    p_suppliers text[],
    p_reasons text[]
) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    -- Raised once per rule x level x subject: what exists already is skipped.
    -- (PL/pgSQL rather than SQL so that the daemon's session keeps the plan.)
    RETURN QUERY
    WITH raised AS (
        INSERT INTO siam.escalation AS x (rule, level, incident, handoff, supplier, notify, reason)
        SELECT t.rule, t.level, t.incident, t.handoff, t.supplier, r.notify, t.reason
        FROM unnest(p_rules, p_levels, p_incidents, p_handoffs, p_suppliers, p_reasons)
             WITH ORDINALITY AS t (rule, level, incident, handoff, supplier, reason, n)
        JOIN siam.escalation_rule AS r ON r.code = t.rule
        ORDER BY t.n
        ON CONFLICT (rule, level, incident, handoff, supplier) WHERE closed_at IS NULL DO NOTHING
        RETURNING x.id, x.rule, x.level, x.incident, x.handoff, x.supplier, x.notify, x.reason
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident, handoff, supplier, escalation, data)
        SELECT 'escalation.raised', e.reason, e.incident, e.handoff, e.supplier, e.id,
               jsonb_build_object('rule', e.rule, 'level', e.level, 'notify', e.notify)
        FROM raised AS e
    )
    SELECT e.id FROM raised AS e;
END
$$;
COMMENT ON FUNCTION siam.escalations_raise(text[], integer[], bigint[], bigint[], text[], text[]) IS
    'Raises escalations (parallel arrays), once per rule x level x subject, one event each; returns those raised.';

CREATE FUNCTION siam.handoffs_offer_automatic(p_incidents bigint[], p_suppliers text[], p_reasons text[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1 FROM siam.incident WHERE id = ANY (p_incidents) ORDER BY id FOR UPDATE;
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_incidents, p_suppliers, p_reasons) WITH ORDINALITY AS t (incident, supplier, reason, n)
    ), eligible AS (
        -- What the daemon decided on must still hold; otherwise its offer does nothing.
        SELECT DISTINCT ON (input.incident)
               input.incident, input.supplier, input.reason, input.n,
               i.owner, i.priority, i.service, s.calendar AS supplier_calendar
        FROM input
        JOIN siam.incident AS i ON i.id = input.incident
        JOIN siam.supplier AS s ON s.code = input.supplier
        WHERE i.state IN ('new', 'assigned', 'in_progress', 'pending')
          AND NOT i.routing_stopped
          AND s.status = 'active'
          AND i.owner IS DISTINCT FROM input.supplier
          AND EXISTS (SELECT 1 FROM siam.supplier_service AS ss
                      WHERE ss.supplier = input.supplier AND ss.service = i.service)
          AND NOT EXISTS (SELECT 1 FROM siam.handoff AS h
                          WHERE h.incident = input.incident AND h.state = 'offered' AND h.part IS NULL)
        ORDER BY input.incident, input.n
    ), targeted AS (
        SELECT e.*, o.id AS ola_target, o.accept_within, coalesce(o.calendar, e.supplier_calendar) AS calendar
        FROM eligible AS e
        LEFT JOIN LATERAL siam.matching_target('ola', e.priority, e.service, e.supplier) AS o ON true
    ), offered AS (
        INSERT INTO siam.handoff (incident, from_supplier, to_supplier, offered_at, offered_by,
                                  accept_due, accept_calendar, reason)
        SELECT t.incident, t.owner, t.supplier, siam.clock(), siam.current_actor(),
               siam.business_deadline(t.calendar, siam.clock(), t.accept_within),
               CASE WHEN t.accept_within IS NOT NULL THEN t.calendar END, t.reason
        FROM targeted AS t
        ORDER BY t.n
        RETURNING id, incident, from_supplier, to_supplier, accept_due, reason
    ), counted AS (
        UPDATE siam.incident AS i
        SET handoff_count = handoff_count + 1, updated_at = siam.clock()
        FROM offered AS o
        WHERE i.id = o.incident
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident, handoff, supplier, data)
        SELECT 'handoff.offered', o.reason, o.incident, o.id, o.to_supplier,
               jsonb_build_object('from', o.from_supplier, 'to', o.to_supplier, 'part', NULL,
                                  'accept_due', o.accept_due, 'ola_target', t.ola_target)
        FROM offered AS o
        JOIN targeted AS t ON t.incident = o.incident
    )
    SELECT o.id FROM offered AS o;
END
$$;
COMMENT ON FUNCTION siam.handoffs_offer_automatic(bigint[], text[], text[]) IS
    'The daemon''s offers of whole incidents (parallel arrays): each is made only if the incident still needs one and the supplier can still take it; one event each; returns the handoffs made. The daemon schedules the incidents itself.';

CREATE FUNCTION siam.escalations_close(p_escalations bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_escalations, p_reasons) AS t (id, reason)
    ), closed AS (
        UPDATE siam.escalation AS e
        SET closed_at = siam.clock(), close_reason = input.reason
        FROM input
        WHERE e.id = input.id AND e.closed_at IS NULL
        RETURNING e.id, e.rule, e.level, e.incident, e.handoff, e.supplier, input.reason
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident, handoff, supplier, escalation, data)
        SELECT 'escalation.closed', c.reason, c.incident, c.handoff, c.supplier, c.id,
               jsonb_build_object('rule', c.rule, 'level', c.level)
        FROM closed AS c
    )
    SELECT c.id FROM closed AS c;
END
$$;
COMMENT ON FUNCTION siam.escalations_close(bigint[], text[]) IS
    'Closes the open escalations among those given, one event each; returns those it closed.';

CREATE FUNCTION siam.escalations_repeat(p_escalations bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_escalations, p_reasons) AS t (id, reason)
    ), repeated AS (
        UPDATE siam.escalation AS e
        SET notified_count = e.notified_count + 1, last_notified_at = siam.clock()
        FROM input
        WHERE e.id = input.id AND e.closed_at IS NULL AND e.acknowledged_at IS NULL
        RETURNING e.id, e.rule, e.level, e.incident, e.handoff, e.supplier, e.notified_count, input.reason
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident, handoff, supplier, escalation, data)
        SELECT 'escalation.repeated', r.reason, r.incident, r.handoff, r.supplier, r.id,
               jsonb_build_object('rule', r.rule, 'level', r.level, 'notified_count', r.notified_count)
        FROM repeated AS r
    )
    SELECT r.id FROM repeated AS r;
END
$$;
COMMENT ON FUNCTION siam.escalations_repeat(bigint[], text[]) IS
    'Notifies the open, unacknowledged escalations among those given again, one event each; returns those repeated.';

CREATE FUNCTION siam.handoffs_cancel(p_handoffs bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    SELECT siam.handoffs_end(p_handoffs, p_reasons, 'cancelled')
$$;
COMMENT ON FUNCTION siam.handoffs_cancel(bigint[], text[]) IS
    'Withdraws the offered handoffs among those given, one event each; returns those cancelled.';

CREATE FUNCTION siam.incidents_stop_routing(p_incidents bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_incidents, p_reasons) AS t (id, reason)
    ), stopped AS (
        UPDATE siam.incident AS i
        SET routing_stopped = true, updated_at = siam.clock()
        FROM input
        WHERE i.id = input.id AND NOT i.routing_stopped
        RETURNING i.id, input.reason
    ), events AS (
        INSERT INTO siam.event (kind, reason, incident)
        SELECT 'incident.routing_stopped', s.reason, s.id FROM stopped AS s
    )
    SELECT s.id FROM stopped AS s;
END
$$;
COMMENT ON FUNCTION siam.incidents_stop_routing(bigint[], text[]) IS
    'Stops automatic reassignment of the incidents given (ping-pong), one event each; returns those stopped.';

-- The daemon's claims --------------------------------------------------------------------

CREATE FUNCTION siam.incidents_claim_due(p_limit integer) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    -- Locks (for the caller's transaction) up to p_limit incidents that are due for a look,
    -- skipping any another daemon holds, so that no two daemons plan the same incident.
    SELECT id FROM siam.incident
    WHERE next_check_at <= siam.clock()
    ORDER BY next_check_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
$$;
COMMENT ON FUNCTION siam.incidents_claim_due(integer) IS
    'The daemon''s claim: locks up to p_limit due incidents for the calling transaction (FOR UPDATE SKIP LOCKED) and returns their ids.';

CREATE FUNCTION siam.incident_claim(p_incident bigint) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT id FROM siam.incident WHERE id = p_incident AND next_check_at <= siam.clock() FOR UPDATE SKIP LOCKED
$$;
COMMENT ON FUNCTION siam.incident_claim(bigint) IS
    'Locks one incident for the calling transaction if it is due and nobody holds it; returns its id or NULL.';

CREATE FUNCTION siam.supplier_loads(p_lock boolean)
RETURNS TABLE (code text, capacity integer, load bigint)
LANGUAGE plpgsql
AS $$
BEGIN
    -- Suppliers with a capacity (or an open capacity escalation, which must close when the
    -- capacity was lifted), with their open owned incidents. With p_lock, they are locked for
    -- the calling transaction, skipping any another daemon holds. The query is siamd's own
    -- text; only the locking clause is appended.
    RETURN QUERY EXECUTE
        'SELECT s.code::text, s.capacity,
                (SELECT count(*) FROM siam.incident AS i
                 WHERE i.owner = s.code AND i.state IN (''assigned'', ''in_progress'', ''pending''))
         FROM siam.supplier AS s
         WHERE s.capacity IS NOT NULL
            OR EXISTS (SELECT 1 FROM siam.escalation AS e
                       WHERE e.supplier = s.code AND e.incident IS NULL AND e.closed_at IS NULL)
         ORDER BY s.code'
        || CASE WHEN p_lock THEN ' FOR UPDATE OF s SKIP LOCKED' ELSE '' END;
END
$$;
COMMENT ON FUNCTION siam.supplier_loads(boolean) IS
    'Suppliers with a capacity (or an open capacity escalation) and their load; with p_lock, the daemon''s claim: locked for the calling transaction (FOR UPDATE SKIP LOCKED).';

-- The daemon's actions ----------------------------------------------------------------
-- Each re-checks its precondition under the row lock, so a decision made on a stale view
-- changes nothing (and writes no event) instead of doing something twice.

CREATE FUNCTION siam.handoff_expire(p_handoff bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT e INTO v_id FROM siam.handoffs_expire(ARRAY[p_handoff], ARRAY[p_reason]) AS e;
    IF v_id IS NOT NULL THEN
        PERFORM siam.wake((SELECT incident FROM siam.handoff WHERE id = v_id));
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_expire(bigint, text) IS
    'Expires an offered handoff whose accept deadline has passed; does nothing (returns NULL) otherwise.';

CREATE FUNCTION siam.handoff_cancel(p_handoff bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
    v_id bigint;
BEGIN
    PERFORM siam.require_integrator();
    v_handoff := siam.lock_handoff(p_handoff);
    PERFORM siam.check_name(p_reason, 'a reason for the cancellation', 2000);
    SELECT c INTO v_id FROM siam.handoffs_cancel(ARRAY[p_handoff], ARRAY[p_reason]) AS c;
    IF v_id IS NOT NULL THEN
        PERFORM siam.wake(v_handoff.incident);
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_cancel(bigint, text) IS
    'Withdraws an offered handoff with a reason; does nothing (returns NULL) when it is no longer offered.';

CREATE FUNCTION siam.escalation_raise(
    p_rule text,
    p_level integer,
    p_incident bigint,
    p_handoff bigint,
    p_supplier text,
    p_reason text
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM siam.escalation_rule WHERE code = p_rule) THEN
        RAISE EXCEPTION 'unknown escalation rule ''%''', p_rule USING ERRCODE = 'no_data_found';
    END IF;
    SELECT r INTO v_id
    FROM siam.escalations_raise(ARRAY[p_rule], ARRAY[p_level], ARRAY[p_incident], ARRAY[p_handoff],
                                ARRAY[p_supplier], ARRAY[p_reason]) AS r;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.escalation_raise(text, integer, bigint, bigint, text, text) IS
    'Raises an escalation once per rule x level x subject; returns its id, or NULL when it was raised before.';

CREATE FUNCTION siam.escalation_repeat(p_escalation bigint, p_reason text) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT r FROM siam.escalations_repeat(ARRAY[p_escalation], ARRAY[p_reason]) AS r
$$;
COMMENT ON FUNCTION siam.escalation_repeat(bigint, text) IS
    'Notifies an open, unacknowledged escalation again; does nothing (returns NULL) otherwise.';

CREATE FUNCTION siam.escalation_close(p_escalation bigint, p_reason text) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT c FROM siam.escalations_close(ARRAY[p_escalation], ARRAY[p_reason]) AS c
$$;
COMMENT ON FUNCTION siam.escalation_close(bigint, text) IS
    'Closes an open escalation because its cause ended; does nothing (returns NULL) when it is closed already.';

CREATE FUNCTION siam.incident_stop_routing(p_incident bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM siam.lock_incident(p_incident);
    SELECT s INTO v_id FROM siam.incidents_stop_routing(ARRAY[p_incident], ARRAY[p_reason]) AS s;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.incident_stop_routing(bigint, text) IS
    'Stops automatic reassignment of an incident (ping-pong) until a person offers it.';

CREATE FUNCTION siam.incident_schedule(p_incidents bigint[], p_next_checks timestamptz[]) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    -- Bookkeeping of the daemon, not a change of the incident: no event.
    UPDATE siam.incident AS i SET next_check_at = t.next_check_at
    FROM unnest(p_incidents, p_next_checks) AS t (id, next_check_at)
    WHERE i.id = t.id AND i.next_check_at IS DISTINCT FROM t.next_check_at;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION siam.incident_schedule(bigint[], timestamptz[]) IS
    'Sets when the daemon next looks at each incident (NULL = nothing scheduled).';

CREATE FUNCTION siam.complaint_record(p_incident bigint, p_source text, p_body text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
    v_incident siam.incident;
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_source IS NULL OR p_source NOT IN ('user', 'customer') THEN
        RAISE EXCEPTION 'invalid complaint source ''%'': use user or customer', p_source
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_name(p_body, 'the complaint', 10000);
    INSERT INTO siam.complaint (incident, source, body) VALUES (p_incident, p_source, p_body) RETURNING id INTO v_id;
    UPDATE siam.incident
    SET complaint_count = complaint_count + 1, next_check_at = siam.clock(), updated_at = siam.clock()
    WHERE id = p_incident;
    PERFORM siam.record_event('complaint.recorded', format('%s complaint', p_source),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('complaint', v_id, 'source', p_source));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.complaint_record(bigint, text, text) IS
    'Records a complaint about an incident from the user or the customer (a customer complaint weighs 2, a user''s 1).';

------------------------------------------------------------------------------------------
-- Database-level integration: supplier roles, row-level security, external references,
-- feedback, and the event feed
------------------------------------------------------------------------------------------

CREATE TABLE siam.supplier_role (
    role_name name PRIMARY KEY,
    supplier siam.code NOT NULL REFERENCES siam.supplier ON UPDATE CASCADE,
    created_at timestamptz NOT NULL DEFAULT siam.clock()
);
COMMENT ON TABLE siam.supplier_role IS
    'Which database login role acts for which supplier (siamd supplier grant). A session whose login role is listed here sees and changes only that supplier''s work.';

CREATE FUNCTION siam.supplier_of(p_role name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT supplier FROM siam.supplier_role WHERE role_name = p_role
$$;
COMMENT ON FUNCTION siam.supplier_of(name) IS 'The supplier a login role acts for; NULL for the integrator''s own roles.';

CREATE FUNCTION siam.caller_supplier() RETURNS text
LANGUAGE sql STABLE
AS $$
    -- The login role (session_user), so that SECURITY DEFINER functions see their caller too.
    SELECT siam.supplier_of(session_user)
$$;
COMMENT ON FUNCTION siam.caller_supplier() IS
    'The supplier the calling session acts for (by its login role), or NULL for the integrator, the daemon and reporting.';

CREATE FUNCTION siam.takes_part(p_incident bigint, p_supplier text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Owns it, holds or held a part of it, or was offered it.
    SELECT EXISTS (SELECT 1 FROM siam.incident WHERE id = p_incident AND owner = p_supplier)
        OR EXISTS (SELECT 1 FROM siam.assignment WHERE incident = p_incident AND supplier = p_supplier)
        OR EXISTS (SELECT 1 FROM siam.handoff WHERE incident = p_incident AND to_supplier = p_supplier)
$$;
COMMENT ON FUNCTION siam.takes_part(bigint, text) IS
    'True when the supplier owns the incident, took part in it, or was offered it.';

CREATE FUNCTION siam.require_integrator() RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF siam.caller_supplier() IS NOT NULL THEN
        RAISE EXCEPTION 'only the service integrator may do this'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE FUNCTION siam.supplier_grant(p_supplier text, p_role text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_previous text;
BEGIN
    PERFORM siam.require_integrator();
    PERFORM siam.lock_supplier(p_supplier);
    IF p_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role) THEN
        RAISE EXCEPTION 'unknown database role ''%'': create it first (CREATE ROLE ... LOGIN)', p_role
            USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role ''%'' is a superuser or bypasses row-level security: it cannot act for a supplier', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT supplier INTO v_previous FROM siam.supplier_role WHERE role_name = p_role FOR UPDATE;
    IF v_previous = p_supplier THEN
        RETURN p_role;
    ELSIF v_previous IS NOT NULL THEN
        RAISE EXCEPTION 'role ''%'' acts for supplier ''%'' already', p_role, v_previous
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.supplier_role (role_name, supplier) VALUES (p_role, p_supplier);
    -- Its privileges come from the group role of deploy/roles.sql, when it exists.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'siam_supplier') THEN
        EXECUTE format('GRANT siam_supplier TO %I', p_role);
    END IF;
    PERFORM siam.record_event('supplier.role_granted', format('role %s acts for %s', p_role, p_supplier),
        p_supplier => p_supplier, p_data => jsonb_build_object('role', p_role));
    RETURN p_role;
END
$$;
COMMENT ON FUNCTION siam.supplier_grant(text, text) IS
    'Maps a login role to a supplier: sessions of that role see and change only that supplier''s work (and get the group role siam_supplier when it exists).';

CREATE FUNCTION siam.external_ref_attach(p_incident bigint, p_ticket text, p_supplier text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier text := coalesce(siam.caller_supplier(), p_supplier);
    v_existing bigint;
BEGIN
    PERFORM siam.lock_incident(p_incident);
    IF siam.caller_supplier() IS NOT NULL AND p_supplier IS NOT NULL AND p_supplier <> siam.caller_supplier() THEN
        RAISE EXCEPTION 'you act for supplier ''%'': you can attach only its own ticket numbers', siam.caller_supplier()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_supplier IS NULL THEN
        RAISE EXCEPTION 'the supplier whose ticket number it is is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.lock_supplier(v_supplier);
    PERFORM siam.check_name(p_ticket, 'ticket number', 200);
    IF NOT siam.takes_part(p_incident, v_supplier) THEN
        RAISE EXCEPTION 'supplier ''%'' takes no part in incident %', v_supplier, p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT incident INTO v_existing FROM siam.external_ref WHERE supplier = v_supplier AND ticket = p_ticket;
    IF v_existing = p_incident THEN
        RETURN p_incident;
    ELSIF v_existing IS NOT NULL THEN
        RAISE EXCEPTION 'ticket ''%'' of supplier ''%'' is attached to another incident already', p_ticket, v_supplier
            USING ERRCODE = 'unique_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.external_ref WHERE supplier = v_supplier AND incident = p_incident) THEN
        RAISE EXCEPTION 'supplier ''%'' has a ticket number for incident % already', v_supplier, p_incident
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.external_ref (supplier, ticket, incident) VALUES (v_supplier, p_ticket, p_incident);
    PERFORM siam.record_event('incident.ref_attached', format('%s ticket %s', v_supplier, p_ticket),
        p_incident => p_incident, p_supplier => v_supplier, p_data => jsonb_build_object('ticket', p_ticket));
    RETURN p_incident;
END
$$;
COMMENT ON FUNCTION siam.external_ref_attach(bigint, text, text) IS
    'Attaches a supplier''s own ticket number to an incident it takes part in. A supplier''s role attaches its own (p_supplier may be left out); the integrator names the supplier.';

CREATE FUNCTION siam.incident_by_ref(p_supplier text, p_ticket text) RETURNS bigint
LANGUAGE sql STABLE
AS $$
    -- Row-level security applies: a supplier finds only its own ticket numbers.
    SELECT incident FROM siam.external_ref WHERE supplier = p_supplier AND ticket = p_ticket
$$;
COMMENT ON FUNCTION siam.incident_by_ref(text, text) IS
    'The incident a supplier''s ticket number is attached to, or NULL.';

CREATE TABLE siam.feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident bigint NOT NULL REFERENCES siam.incident,
    score smallint NOT NULL
        CONSTRAINT feedback_score_valid CHECK (score BETWEEN 1 AND 5),
    comment text
        CONSTRAINT feedback_comment_length CHECK (length(comment) <= 10000),
    received_at timestamptz NOT NULL DEFAULT siam.clock(),
    recorded_by text NOT NULL DEFAULT siam.current_actor()
);
COMMENT ON TABLE siam.feedback IS 'Customer satisfaction with an incident, 1 (poor) to 5 (excellent), for the scorecards.';
CREATE INDEX feedback_incident ON siam.feedback (incident);

CREATE FUNCTION siam.feedback_record(p_incident bigint, p_score integer, p_comment text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_id bigint;
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_score IS NULL OR p_score NOT BETWEEN 1 AND 5 THEN
        RAISE EXCEPTION 'invalid satisfaction score %: use 1 (poor) to 5 (excellent)', p_score
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(p_comment) > 10000 THEN
        RAISE EXCEPTION 'the comment is too long: % characters, at most 10000', length(p_comment)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO siam.feedback (incident, score, comment) VALUES (p_incident, p_score, p_comment) RETURNING id INTO v_id;
    PERFORM siam.record_event('feedback.recorded', format('satisfaction %s/5', p_score),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('feedback', v_id, 'score', p_score));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.feedback_record(bigint, integer, text) IS
    'Records the customer''s satisfaction with an incident, 1 to 5, with an optional comment.';

-- The feed ----------------------------------------------------------------------------

CREATE INDEX event_feed_order ON siam.event (xact_id, id);

CREATE FUNCTION siam.events_after(p_cursor text DEFAULT NULL, p_limit integer DEFAULT 100)
RETURNS TABLE (
    cursor text,
    id bigint,
    at timestamptz,
    actor text,
    kind text,
    incident bigint,
    handoff bigint,
    supplier text,
    escalation bigint,
    reason text,
    data jsonb
)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_xact xid8 := '0';
    v_id bigint := 0;
BEGIN
    IF p_cursor IS NOT NULL AND p_cursor <> '' THEN
        IF p_cursor !~ '^\d{1,20}:\d{1,19}$' THEN
            RAISE EXCEPTION 'invalid feed cursor ''%'': use a cursor returned by siam.events_after, or none to start at the beginning', p_cursor
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_xact := split_part(p_cursor, ':', 1)::xid8;
        v_id := split_part(p_cursor, ':', 2)::bigint;
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid limit %: use 1 to 10000', p_limit USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Events in the order of their transactions, and only of transactions older than every
    -- one still running: a transaction that commits late, with smaller event ids, is
    -- delivered when it commits, after the cursor, never skipped and never twice.
    -- Row-level security applies: a supplier gets the events about its own work.
    RETURN QUERY
    SELECT e.xact_id::text || ':' || e.id, e.id, e.at, e.actor, e.kind, e.incident, e.handoff, e.supplier,
           e.escalation, e.reason, e.data
    FROM siam.event AS e
    WHERE (e.xact_id, e.id) > (v_xact, v_id)
      AND e.xact_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.xact_id, e.id
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION siam.events_after(text, integer) IS
    'The feed: the next events after a cursor (NULL: from the beginning), each with the cursor to continue from. Follow it with LISTEN siam_event and this function; keep the last cursor durably on your side. Events appear once every older transaction has ended (in the whole cluster: a long transaction anywhere delays the feed, never skips it), so none is ever skipped or repeated.';

------------------------------------------------------------------------------------------
-- Daemons: which `siamd run` instances are alive, and their last pass
------------------------------------------------------------------------------------------

CREATE TABLE siam.daemon (
    instance uuid PRIMARY KEY,
    host text NOT NULL
        CONSTRAINT daemon_host_present CHECK (btrim(host) <> '' AND length(host) <= 255),
    pid integer NOT NULL
        CONSTRAINT daemon_pid_positive CHECK (pid > 0),
    version text NOT NULL
        CONSTRAINT daemon_version_length CHECK (length(version) <= 100),
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    poll_interval interval NOT NULL
        CONSTRAINT daemon_poll_interval_positive CHECK (poll_interval > interval '0'),
    started_at timestamptz NOT NULL DEFAULT siam.clock(),
    connected_at timestamptz NOT NULL DEFAULT siam.clock(),
    last_pass_at timestamptz,
    last_pass_seconds double precision
        CONSTRAINT daemon_last_pass_seconds_nonnegative CHECK (last_pass_seconds >= 0),
    passes bigint NOT NULL DEFAULT 0,
    actions bigint NOT NULL DEFAULT 0,
    stopped_at timestamptz
);
COMMENT ON TABLE siam.daemon IS
    'One row per siamd run process: registered when it connects (event daemon.started), its last pass recorded at most once a second (liveness only: no event, so idle daemons do not fill the log or wake each other), stopped_at set when it stops (event daemon.stopped). Rows not seen for 7 days are removed when a daemon starts.';
COMMENT ON COLUMN siam.daemon.instance IS 'A random id the process chose when it started.';
COMMENT ON COLUMN siam.daemon.host IS 'Host name the process runs on.';
COMMENT ON COLUMN siam.daemon.pid IS 'Its operating-system process id on that host.';
COMMENT ON COLUMN siam.daemon.backend_pid IS 'The PostgreSQL backend of its connection (pg_stat_activity.pid).';
COMMENT ON COLUMN siam.daemon.connected_at IS 'When it last registered: at start, and again after each reconnect.';
COMMENT ON COLUMN siam.daemon.poll_interval IS 'Its --poll-interval: it passes at least this often while alive.';
COMMENT ON COLUMN siam.daemon.last_pass_at IS 'When its last pass ended (siam.clock()); NULL before the first.';
COMMENT ON COLUMN siam.daemon.last_pass_seconds IS 'How long that pass took.';
COMMENT ON COLUMN siam.daemon.passes IS 'Passes recorded (at most one a second is written; the count includes the others).';
COMMENT ON COLUMN siam.daemon.actions IS 'Actions that changed something, over all its passes.';
COMMENT ON COLUMN siam.daemon.stopped_at IS 'When it stopped gracefully; NULL while running (or after a crash).';

CREATE FUNCTION siam.daemon_started(
    p_instance uuid,
    p_host text,
    p_pid integer,
    p_version text,
    p_poll_interval interval
) RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
    v_forgotten integer;
    v_known boolean;
BEGIN
    IF p_instance IS NULL OR p_host IS NULL OR p_pid IS NULL OR p_version IS NULL OR p_poll_interval IS NULL THEN
        RAISE EXCEPTION 'a daemon registers with its instance, host, pid, version and poll interval'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF btrim(p_host) = '' OR length(p_host) > 255 OR p_pid <= 0 OR length(p_version) > 100
       OR p_poll_interval <= interval '0' THEN
        RAISE EXCEPTION 'invalid daemon registration (host %, pid %, poll interval %)', p_host, p_pid, p_poll_interval
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM siam.daemon
    WHERE coalesce(stopped_at, greatest(last_pass_at, connected_at)) < siam.clock() - interval '7 days';
    GET DIAGNOSTICS v_forgotten = ROW_COUNT;
    v_known := EXISTS (SELECT 1 FROM siam.daemon WHERE instance = p_instance);
    INSERT INTO siam.daemon (instance, host, pid, version, poll_interval)
    VALUES (p_instance, p_host, p_pid, p_version, p_poll_interval)
    ON CONFLICT (instance) DO UPDATE
        SET backend_pid = pg_backend_pid(), poll_interval = EXCLUDED.poll_interval, connected_at = siam.clock(),
            stopped_at = NULL;
    PERFORM siam.record_event('daemon.started',
        format('siamd run %s on %s (pid %s)', CASE WHEN v_known THEN 'reconnected' ELSE 'started' END, p_host, p_pid),
        p_data => jsonb_build_object('instance', p_instance, 'host', p_host, 'pid', p_pid, 'version', p_version,
                                     'reconnected', v_known, 'forgotten', v_forgotten));
    RETURN p_instance;
END
$$;
COMMENT ON FUNCTION siam.daemon_started(uuid, text, integer, text, interval) IS
    'Registers a siamd run process (again after a reconnect), with event daemon.started; forgets daemons not seen for 7 days.';

CREATE FUNCTION siam.daemon_passed(p_instance uuid, p_seconds double precision, p_passes integer, p_actions integer)
RETURNS boolean
LANGUAGE sql
AS $$
    -- Liveness only: no event (see the table's comment).
    UPDATE siam.daemon
    SET last_pass_at = siam.clock(),
        last_pass_seconds = greatest(p_seconds, 0),
        passes = passes + greatest(p_passes, 0),
        actions = actions + greatest(p_actions, 0)
    WHERE instance = p_instance AND stopped_at IS NULL
    RETURNING true
$$;
COMMENT ON FUNCTION siam.daemon_passed(uuid, double precision, integer, integer) IS
    'Records a daemon''s last pass (its duration) and adds the passes and actions since the previous record. NULL when the instance is not registered (it then registers again).';

CREATE FUNCTION siam.daemon_stopped(p_instance uuid) RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_daemon siam.daemon;
BEGIN
    UPDATE siam.daemon SET stopped_at = siam.clock()
    WHERE instance = p_instance AND stopped_at IS NULL
    RETURNING * INTO v_daemon;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM siam.record_event('daemon.stopped',
        format('siamd run stopped on %s (pid %s) after %s %s', v_daemon.host, v_daemon.pid, v_daemon.passes,
               CASE v_daemon.passes WHEN 1 THEN 'pass' ELSE 'passes' END),
        p_data => jsonb_build_object('instance', p_instance, 'host', v_daemon.host, 'pid', v_daemon.pid,
                                     'passes', v_daemon.passes, 'actions', v_daemon.actions));
    RETURN true;
END
$$;
COMMENT ON FUNCTION siam.daemon_stopped(uuid) IS
    'Marks a daemon stopped (a graceful stop), with event daemon.stopped; false when it was not running.';

CREATE VIEW siam.daemon_status WITH (security_invoker = true) AS
SELECT
    d.instance,
    d.host,
    d.pid,
    d.version,
    d.started_at,
    d.connected_at,
    d.last_pass_at,
    d.last_pass_seconds,
    d.passes,
    d.actions,
    d.stopped_at,
    -- A running daemon passes at least every poll interval; allow twice that, plus slack
    -- for a long pass, before calling it gone.
    d.stopped_at IS NULL
        AND greatest(d.last_pass_at, d.connected_at) >= siam.clock() - 2 * d.poll_interval - interval '10 seconds'
        AS alive,
    EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity AS a WHERE a.pid = d.backend_pid)
        AND d.stopped_at IS NULL AS connected
FROM siam.daemon AS d;
COMMENT ON VIEW siam.daemon_status IS
    'The daemons with liveness: alive = not stopped, and its last pass or (re)registration within twice its poll interval plus 10 s; connected = its database session still exists.';

------------------------------------------------------------------------------------------
-- Reports: scorecards for supplier governance (siamd report scorecard | html)
------------------------------------------------------------------------------------------
-- These read only, with the caller's rights (SECURITY INVOKER), so row-level security
-- applies to whoever calls them. deploy/roles.sql grants them to siam_reporting (and, with
-- every function, to siam_admin and siam_daemon), not to suppliers' roles.

-- A table function in plain SQL, so that a query joining it (LATERAL) gets it inlined: one
-- index probe a row, where a scalar call would cost a function call a row.
CREATE FUNCTION siam.owner_at(p_incident bigint, p_at timestamptz) RETURNS TABLE (supplier text)
LANGUAGE sql STABLE
AS $$
    -- Spans are [started_at, ended_at]: the supplier that resolves an incident still holds it
    -- at the instant of resolution.
    SELECT a.supplier::text
    FROM siam.assignment AS a
    WHERE a.incident = p_incident
      AND a.role = 'owner'
      AND a.started_at <= p_at
      AND (a.ended_at IS NULL OR a.ended_at >= p_at)
    ORDER BY a.started_at DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION siam.owner_at(bigint, timestamptz) IS
    'The supplier that owned the incident at an instant (by its assignment spans): one row, or none. Join it LATERAL for many incidents.';

CREATE FUNCTION siam.check_period(p_since timestamptz, p_until timestamptz) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_since IS NULL OR p_until IS NULL THEN
        RAISE EXCEPTION 'a report needs the start and the end of its period' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_since >= p_until THEN
        RAISE EXCEPTION 'invalid period: % is not before %', p_since, p_until USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

CREATE FUNCTION siam.sla_outcomes(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    incident bigint,
    service text,
    priority text,
    clock text,
    due timestamptz,
    done_at timestamptz,
    decided_at timestamptz,
    met boolean,
    holder text
)
LANGUAGE plpgsql STABLE
-- JIT compiling these scans costs more than it saves (measured: +0.2 to 0.4 s a report).
SET jit = off
AS $$
DECLARE
    -- Once, not per row: siam.clock() looks up the session's role.
    v_now timestamptz := siam.clock();
BEGIN
    PERFORM siam.check_period(p_since, p_until);
    RETURN QUERY
    WITH clocks AS (
        SELECT i.id, i.service::text AS service, i.priority, 'acknowledge'::text AS clock,
               i.acknowledge_due AS due, i.acknowledged_at AS done_at, i.paused_since
        FROM siam.incident AS i
        -- A clock is decided at its due instant or before it, never after: one due before
        -- the period cannot be decided in it (a cheap test before the rest).
        WHERE i.acknowledge_due >= p_since AND i.state <> 'cancelled'
        UNION ALL
        SELECT i.id, i.service::text, i.priority, 'resolve', i.resolve_due, i.resolved_at, i.paused_since
        FROM siam.incident AS i
        WHERE i.resolve_due >= p_since AND i.state <> 'cancelled'
    ),
    decided AS (
        SELECT c.*,
               (c.done_at IS NOT NULL AND c.done_at <= c.due) AS met,
               CASE
                   WHEN c.done_at IS NOT NULL AND c.done_at <= c.due THEN c.done_at
                   -- Breached when the due instant passed undone, unless the clock was paused
                   -- (pending) before then: leaving pending moves the due instant later.
                   WHEN c.due <= v_now AND (c.paused_since IS NULL OR c.paused_since >= c.due) THEN c.due
               END AS decided_at
        FROM clocks AS c
    )
    SELECT d.id, d.service, d.priority, d.clock, d.due, d.done_at, d.decided_at, d.met, o.supplier::text
    FROM decided AS d
    -- The owner at the instant, or else the last one before it: an incident reopened after
    -- its resolution runs its clock again, and a breach then is the resolver's (one index
    -- probe a row).
    LEFT JOIN LATERAL (
        SELECT a.supplier
        FROM siam.assignment AS a
        WHERE a.incident = d.id AND a.role = 'owner' AND a.started_at <= d.decided_at
        ORDER BY a.started_at DESC
        LIMIT 1
    ) AS o ON true
    WHERE d.decided_at >= p_since AND d.decided_at < p_until;
END
$$;
COMMENT ON FUNCTION siam.sla_outcomes(timestamptz, timestamptz) IS
    'Every SLA clock (acknowledge, resolve) decided in [p_since, p_until): met when done by its due instant (decided then), breached when its due instant passed undone (decided at the due instant), with the supplier that owned the incident at that instant, or else last owned it before (holder; NULL = nobody yet: not routed or accepted). Reopening a resolved incident clears its resolution, so its resolve clock is decided again: a breach after the reopening counts against the supplier that resolved it, and a period already reported can change. Clocks of cancelled incidents are left out.';

CREATE FUNCTION siam.ola_outcomes(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    supplier text,
    incident bigint,
    handoff bigint,
    clock text,
    due timestamptz,
    decided_at timestamptz,
    met boolean
)
LANGUAGE plpgsql STABLE
-- JIT compiling these scans costs more than it saves (measured: +0.2 to 0.4 s a report).
SET jit = off
AS $$
DECLARE
    v_now timestamptz := siam.clock();
BEGIN
    PERFORM siam.check_period(p_since, p_until);
    RETURN QUERY
    WITH outcomes AS (
        -- Accept clocks: accepted in time (met), or not accepted by the deadline (missed).
        -- A rejection or a withdrawn offer decides nothing about the supplier's speed.
        SELECT h.to_supplier::text AS supplier, h.incident, h.id AS handoff, 'accept'::text AS clock,
               h.accept_due AS due,
               CASE WHEN h.state = 'accepted' AND h.answered_at <= h.accept_due THEN h.answered_at
                    ELSE h.accept_due END AS decided_at,
               (h.state = 'accepted' AND h.answered_at <= h.accept_due) AS met
        FROM siam.handoff AS h
        -- Decided at the due instant or before it: one due before the period is not in it.
        WHERE h.accept_due >= p_since
          AND (h.state IN ('accepted', 'expired') OR (h.state = 'offered' AND h.accept_due <= v_now))
        UNION ALL
        -- Resolve clocks of the owner: resolved while it held the incident, by the due
        -- instant (met); the due instant passed while it still held it (missed). A span that
        -- ended before the due instant otherwise (handed on, cancelled) decides nothing: passing
        -- work on is not meeting the OLA.
        SELECT a.supplier::text, a.incident, a.handoff, 'resolve',
               a.resolve_due,
               CASE WHEN a.ended_at <= a.resolve_due THEN a.ended_at ELSE a.resolve_due END,
               coalesce(a.ended_at <= a.resolve_due, false)
        FROM siam.assignment AS a
        JOIN siam.incident AS i ON i.id = a.incident
        WHERE a.role = 'owner'
          AND a.resolve_due >= p_since
          AND ((a.ended_at <= a.resolve_due AND a.ended_at = i.resolved_at)
               OR a.resolve_due <= coalesce(a.ended_at, v_now))
    )
    SELECT o.supplier, o.incident, o.handoff, o.clock, o.due, o.decided_at, o.met
    FROM outcomes AS o
    WHERE o.decided_at >= p_since AND o.decided_at < p_until;
END
$$;
COMMENT ON FUNCTION siam.ola_outcomes(timestamptz, timestamptz) IS
    'Every OLA clock decided in [p_since, p_until): accept clocks of handoffs (met: accepted by accept_due; missed: expired or still unanswered past it; rejections and cancellations decide nothing) and the owners'' resolve clocks (met: resolved by resolve_due while it held the incident; missed: resolve_due passed while it held it; a span ended earlier otherwise, by a handoff or a cancellation, decides nothing).';

CREATE FUNCTION siam.scorecard(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    supplier text,
    name text,
    status text,
    offered bigint,
    accepted bigint,
    rejected bigint,
    expired bigint,
    cancelled bigint,
    acceptance_rate double precision,
    median_seconds_to_accept double precision,
    ola_clocks bigint,
    ola_met bigint,
    sla_breaches bigint,
    bounces bigint,
    out_of_scope bigint,
    escalations bigint,
    complaints bigint,
    satisfaction double precision,
    feedback_count bigint
)
LANGUAGE plpgsql STABLE
-- JIT compiling these scans costs more than it saves (measured: +0.2 to 0.4 s a report).
SET jit = off
AS $$
BEGIN
    PERFORM siam.check_period(p_since, p_until);
    RETURN QUERY
    WITH offers AS (
        SELECT h.to_supplier::text AS supplier,
               count(*) AS offered,
               count(*) FILTER (WHERE h.state = 'accepted') AS accepted,
               count(*) FILTER (WHERE h.state = 'rejected') AS rejected,
               count(*) FILTER (WHERE h.state = 'expired') AS expired,
               count(*) FILTER (WHERE h.state = 'cancelled') AS cancelled,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.answered_at - h.offered_at))
                   FILTER (WHERE h.state = 'accepted') AS median_seconds
        FROM siam.handoff AS h
        WHERE h.offered_at >= p_since AND h.offered_at < p_until
        GROUP BY 1
    ),
    disputes AS (
        SELECT h.to_supplier::text AS supplier, count(*) AS n
        FROM siam.handoff AS h
        WHERE h.state = 'rejected' AND h.out_of_scope AND h.answered_at >= p_since AND h.answered_at < p_until
        GROUP BY 1
    ),
    ola AS (
        SELECT o.supplier, count(*) AS clocks, count(*) FILTER (WHERE o.met) AS met
        FROM siam.ola_outcomes(p_since, p_until) AS o
        GROUP BY 1
    ),
    breaches AS (
        SELECT s.holder AS supplier, count(*) AS n
        FROM siam.sla_outcomes(p_since, p_until) AS s
        WHERE NOT s.met AND s.holder IS NOT NULL
        GROUP BY 1
    ),
    bounced AS (
        -- Incidents escalated as ping-pong, counted once for every supplier in their round.
        SELECT h.to_supplier::text AS supplier, count(DISTINCT e.incident) AS n
        FROM siam.escalation AS e
        JOIN siam.escalation_rule AS r ON r.code = e.rule AND r.measure = 'bounces'
        JOIN siam.handoff AS h ON h.incident = e.incident AND h.part IS NULL AND h.offered_at <= e.raised_at
        WHERE e.raised_at >= p_since AND e.raised_at < p_until
        GROUP BY 1
    ),
    escalated AS (
        SELECT coalesce(e.supplier::text, owner.supplier) AS supplier, count(*) AS n
        FROM siam.escalation AS e
        LEFT JOIN LATERAL siam.owner_at(e.incident, e.raised_at) AS owner ON e.supplier IS NULL
        WHERE e.raised_at >= p_since AND e.raised_at < p_until
        GROUP BY 1
    ),
    remarks AS (
        -- Complaints (no score) and feedback of the period.
        SELECT c.incident, c.received_at, NULL::smallint AS score
        FROM siam.complaint AS c
        WHERE c.received_at >= p_since AND c.received_at < p_until
        UNION ALL
        SELECT f.incident, f.received_at, f.score
        FROM siam.feedback AS f
        WHERE f.received_at >= p_since AND f.received_at < p_until
    ),
    remarked AS (
        -- About the owner when it came in; after the resolution (nobody holds it then), about
        -- the supplier that resolved it; about nobody before anyone accepted it.
        SELECT coalesce(holder.supplier, resolver.supplier) AS supplier,
               count(*) FILTER (WHERE m.score IS NULL) AS complaints,
               avg(m.score)::double precision AS satisfaction,
               count(m.score) AS rated
        FROM remarks AS m
        JOIN siam.incident AS i ON i.id = m.incident
        LEFT JOIN LATERAL siam.owner_at(m.incident, m.received_at) AS holder ON true
        LEFT JOIN LATERAL siam.owner_at(m.incident, i.resolved_at) AS resolver ON i.resolved_at <= m.received_at
        GROUP BY 1
    )
    SELECT s.code::text, s.name, s.status,
           coalesce(o.offered, 0), coalesce(o.accepted, 0), coalesce(o.rejected, 0),
           coalesce(o.expired, 0), coalesce(o.cancelled, 0),
           o.accepted::double precision / nullif(o.accepted + o.rejected + o.expired, 0),
           o.median_seconds,
           coalesce(ola.clocks, 0), coalesce(ola.met, 0),
           coalesce(b.n, 0), coalesce(bo.n, 0), coalesce(d.n, 0), coalesce(e.n, 0), coalesce(rm.complaints, 0),
           rm.satisfaction, coalesce(rm.rated, 0)
    FROM siam.supplier AS s
    LEFT JOIN offers AS o ON o.supplier = s.code
    LEFT JOIN disputes AS d ON d.supplier = s.code
    LEFT JOIN ola ON ola.supplier = s.code
    LEFT JOIN breaches AS b ON b.supplier = s.code
    LEFT JOIN bounced AS bo ON bo.supplier = s.code
    LEFT JOIN escalated AS e ON e.supplier = s.code
    LEFT JOIN remarked AS rm ON rm.supplier = s.code
    -- Retired suppliers only when there is something about them in the period.
    WHERE s.status <> 'retired'
       OR o.offered IS NOT NULL OR d.n IS NOT NULL OR ola.clocks IS NOT NULL OR b.n IS NOT NULL
       OR bo.n IS NOT NULL OR e.n IS NOT NULL OR rm.supplier IS NOT NULL
    ORDER BY s.code;
END
$$;
COMMENT ON FUNCTION siam.scorecard(timestamptz, timestamptz) IS
    'One scorecard per supplier for [p_since, p_until): handoffs offered to it in the period and how they ended (accepted, rejected, expired, cancelled), acceptance rate (accepted of accepted + rejected + expired), median real seconds from offer to acceptance, OLA clocks decided and met (siam.ola_outcomes), SLA breaches while it owned the incident (siam.sla_outcomes), ping-pong incidents it was part of, out-of-scope rejections, escalations about it or about incidents it owned when raised, complaints and satisfaction (mean of 1-5) about incidents it owned when they came in, or had resolved (after the resolution). Retired suppliers appear only when there is something about them in the period.';

CREATE FUNCTION siam.sla_compliance(p_since timestamptz, p_until timestamptz, p_bucket interval)
RETURNS TABLE (supplier text, bucket_start timestamptz, clocks bigint, met bigint)
LANGUAGE plpgsql STABLE
-- JIT compiling these scans costs more than it saves (measured: +0.2 to 0.4 s a report).
SET jit = off
AS $$
BEGIN
    PERFORM siam.check_period(p_since, p_until);
    IF p_bucket IS NULL OR p_bucket <= interval '0' OR NOT siam.is_exact_interval(p_bucket) THEN
        RAISE EXCEPTION 'invalid bucket %: use a positive length in days, hours, minutes or seconds', p_bucket
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF extract(epoch FROM p_until - p_since) / extract(epoch FROM p_bucket) > 1000 THEN
        RAISE EXCEPTION 'too many buckets: % in % makes more than 1000', p_bucket, p_until - p_since
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT o.holder, date_bin(p_bucket, o.decided_at, p_since), count(*), count(*) FILTER (WHERE o.met)
    FROM siam.sla_outcomes(p_since, p_until) AS o
    WHERE o.holder IS NOT NULL
    GROUP BY 1, 2
    ORDER BY 1, 2;
END
$$;
COMMENT ON FUNCTION siam.sla_compliance(timestamptz, timestamptz, interval) IS
    'SLA clocks decided per supplier (the holder) and time bucket of p_bucket from p_since, and how many were met: SLA compliance over time. At most 1000 buckets.';

CREATE FUNCTION siam.sla_breaches(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (supplier text, service text, priority text, breaches bigint)
LANGUAGE sql STABLE
SET jit = off
AS $$
    SELECT o.holder, o.service, o.priority, count(*)
    FROM siam.sla_outcomes(p_since, p_until) AS o
    WHERE NOT o.met
    GROUP BY 1, 2, 3
    ORDER BY 1 NULLS FIRST, 2, 3
$$;
COMMENT ON FUNCTION siam.sla_breaches(timestamptz, timestamptz) IS
    'Where the SLA breaches of [p_since, p_until) happened: counts per holder (NULL = nobody owned it), service and priority.';

-- Row-level security --------------------------------------------------------------------
-- A session whose login role acts for a supplier (siam.supplier_role) sees only its work;
-- every other session (integrator, daemon, reporting) sees everything its privileges allow.
-- Writes happen only through the siam.* functions (SECURITY DEFINER), never by supplier roles
-- directly: the policies' WITH CHECK admits writes from the integrator's roles only.

ALTER TABLE siam.incident ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_visible ON siam.incident
    USING ((SELECT siam.caller_supplier()) IS NULL OR siam.takes_part(id, (SELECT siam.caller_supplier())))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.handoff ENABLE ROW LEVEL SECURITY;
CREATE POLICY handoff_visible ON siam.handoff
    USING ((SELECT siam.caller_supplier()) IS NULL
           OR to_supplier = (SELECT siam.caller_supplier()) OR from_supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.assignment ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignment_visible ON siam.assignment
    USING ((SELECT siam.caller_supplier()) IS NULL OR supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.external_ref ENABLE ROW LEVEL SECURITY;
CREATE POLICY external_ref_visible ON siam.external_ref
    USING ((SELECT siam.caller_supplier()) IS NULL OR supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.event ENABLE ROW LEVEL SECURITY;
CREATE POLICY event_visible ON siam.event
    USING ((SELECT siam.caller_supplier()) IS NULL OR supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.escalation ENABLE ROW LEVEL SECURITY;
CREATE POLICY escalation_visible ON siam.escalation
    USING ((SELECT siam.caller_supplier()) IS NULL OR supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.incident_pause ENABLE ROW LEVEL SECURITY;
CREATE POLICY incident_pause_visible ON siam.incident_pause
    USING ((SELECT siam.caller_supplier()) IS NULL OR siam.takes_part(incident, (SELECT siam.caller_supplier())))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.complaint ENABLE ROW LEVEL SECURITY;
CREATE POLICY complaint_visible ON siam.complaint
    USING ((SELECT siam.caller_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.incident AS i WHERE i.id = incident AND i.owner = (SELECT siam.caller_supplier())))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.feedback ENABLE ROW LEVEL SECURITY;
CREATE POLICY feedback_visible ON siam.feedback
    USING ((SELECT siam.caller_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.incident AS i WHERE i.id = incident AND i.owner = (SELECT siam.caller_supplier())))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.supplier ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_visible ON siam.supplier
    USING ((SELECT siam.caller_supplier()) IS NULL OR code = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.supplier_service ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_service_visible ON siam.supplier_service
    USING ((SELECT siam.caller_supplier()) IS NULL OR supplier = (SELECT siam.caller_supplier()))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.target ENABLE ROW LEVEL SECURITY;
CREATE POLICY target_visible ON siam.target
    USING ((SELECT siam.caller_supplier()) IS NULL
           OR (kind = 'ola' AND (supplier IS NULL OR supplier = (SELECT siam.caller_supplier()))))
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

ALTER TABLE siam.supplier_role ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_role_visible ON siam.supplier_role
    USING ((SELECT siam.caller_supplier()) IS NULL OR role_name = session_user)
    WITH CHECK ((SELECT siam.caller_supplier()) IS NULL);

-- Functions run with their owner's rights (so that callers need no table privileges) and a
-- fixed search_path (so that no caller can shadow what they use). Who may call which is
-- granted in deploy/roles.sql; nobody may by default.
DO $do$
DECLARE
    v_function regprocedure;
BEGIN
    FOR v_function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'siam'::regnamespace
          AND p.prokind = 'f'
          AND p.proname NOT IN ('caller_supplier', 'require_integrator', 'incident_by_ref', 'events_after',
                                'clock', 'current_actor', 'is_time_zone', 'is_exact_interval', 'is_ascending',
                                'seconds', 'supplier_of', 'takes_part',
                                -- Reports read with the caller's rights: row-level security applies.
                                'owner_at', 'check_period', 'sla_outcomes', 'ola_outcomes', 'scorecard',
                                'sla_compliance', 'sla_breaches')
          AND p.prorettype <> 'trigger'::regtype
    LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp', v_function);
    END LOOP;
END
$do$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA siam FROM PUBLIC;

-- The helpers the row-level security policies call must be executable by every querying role.
GRANT EXECUTE ON FUNCTION siam.caller_supplier(), siam.supplier_of(name), siam.takes_part(bigint, text) TO PUBLIC;

COMMIT;
