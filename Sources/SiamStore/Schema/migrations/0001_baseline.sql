--
-- Migration 0001: baseline
--
-- The tables, types, indexes, triggers and seed rows of siamd's schema as they were before
-- numbered migrations ("schema version 2"), with the few functions that those tables use in
-- defaults, checks and triggers. The other functions, the views, the policies and the
-- grants of that schema live in definitions/ (applied after the migrations), so that each
-- has one live copy. Together they make exactly the schema.sql of siamd before this file;
-- a database made by that siamd is taken as having this migration applied (adopted).
--
-- Never edit this file: `siamd db migrate` refuses a database whose recorded checksum of an
-- applied migration differs from the binary's. Change the schema with a new migration.
--
-- Conventions
--   * Everything lives in schema `siam`; core tables are named in the singular.
--   * Suppliers, services, customers, calendars and escalation rules are identified by a
--     short lower-case code (domain siam.code); references hold that code, so a row reads
--     as it is meant (incident.owner = 'acme').
--   * Every change made through siamd (CLI, daemon, or the siam.* functions) writes one
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

-- The feed ----------------------------------------------------------------------------

CREATE INDEX event_feed_order ON siam.event (xact_id, id);

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

-- Row-level security --------------------------------------------------------------------
-- A session whose login role acts for a supplier (siam.supplier_role) sees only its work;
-- every other session (integrator, daemon, reporting) sees everything its privileges allow.
-- Writes happen only through the siam.* functions (SECURITY DEFINER), never by supplier roles
-- directly: the policies' WITH CHECK admits writes from the integrator's roles only.

ALTER TABLE siam.incident ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.handoff ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.assignment ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.external_ref ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.event ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.escalation ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.incident_pause ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.complaint ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.feedback ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.supplier ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.supplier_service ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.target ENABLE ROW LEVEL SECURITY;

ALTER TABLE siam.supplier_role ENABLE ROW LEVEL SECURITY;
