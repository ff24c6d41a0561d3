--
-- Notifications: receivers, routes, the notifications the event trigger records, delivery
--
-- Writes siam.receiver, siam.notification_route, siam.notification and
-- siam.notification_attempt (tables: migration 0006). The trigger event_notifications records
-- one notification per event x matching receiver in the event's own transaction; the daemon
-- delivers them (SiamDaemon/Notifications) through siam.notifications_claim and
-- siam.notification_record.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--
-- Which events concern a party when its route names no kinds (docs/integration.md):
--   * a supplier: offers made to it (handoff.offered), its offers that expired or were
--     withdrawn (handoff.expired, handoff.cancelled), rulings on its disputes (dispute.ruled)
--     and the escalations notified to the supplier (raised, level raised, repeated, closed);
--   * the integrator: the escalations notified to the integrator, and scope disputes opened
--     (handoff.rejected as out of scope);
--   * the customer: the escalations notified to the customer.
-- A supplier's receiver gets only events whose supplier is that supplier, whatever its
-- routes say: those are the events row-level security shows it.

CREATE OR REPLACE FUNCTION siam.notifiable_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ARRAY['escalation.raised', 'escalation.level_raised', 'escalation.repeated', 'escalation.closed',
                 'escalation.acknowledged', 'handoff.offered', 'handoff.accepted', 'handoff.rejected',
                 'handoff.expired', 'handoff.cancelled', 'dispute.ruled', 'incident.opened',
                 'incident.state_changed', 'incident.handed_back']
$$;
COMMENT ON FUNCTION siam.notifiable_kinds() IS
    'The event kinds a route may name (siamd route add --event); events of other kinds are never notified.';

CREATE OR REPLACE FUNCTION siam.concerns_party(p_party text, p_kind text, p_notify text, p_data jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    -- The default route (no kinds named): see the header. p_notify is the escalation's.
    SELECT CASE
        WHEN p_kind IN ('escalation.raised', 'escalation.level_raised', 'escalation.repeated', 'escalation.closed')
            THEN p_notify = CASE WHEN p_party IN ('integrator', 'customer') THEN p_party ELSE 'supplier' END
        WHEN p_party = 'integrator'
            THEN p_kind = 'handoff.rejected' AND coalesce((p_data->>'out_of_scope')::boolean, false)
        WHEN p_party = 'customer' THEN false
        ELSE p_kind IN ('handoff.offered', 'handoff.expired', 'handoff.cancelled', 'dispute.ruled')
    END
$$;
COMMENT ON FUNCTION siam.concerns_party(text, text, text, jsonb) IS
    'Whether an event of this kind (an escalation notified to p_notify) concerns the party when its route names no kinds.';

CREATE OR REPLACE FUNCTION siam.event_notifications() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Once per INSERT statement on siam.event, over all its rows (the daemon inserts its
    -- events set-wise, hundreds per statement). Cost: with no route, one probe of an index on
    -- an empty or tiny table, nothing else. Otherwise the statement's events are first cut
    -- to the notifiable kinds (no lookup for the others), and only those are joined to their
    -- escalation and incident by primary key and to the live routes (a handful of rows).
    IF NOT EXISTS (SELECT 1 FROM siam.notification_route WHERE removed_at IS NULL) THEN
        RETURN NULL;
    END IF;
    INSERT INTO siam.notification (event, receiver, created_at, next_attempt_at)
    SELECT DISTINCT e.id, r.id, e.at, e.at
    FROM (SELECT n.* FROM new_events AS n WHERE n.kind = ANY (siam.notifiable_kinds())) AS e
    LEFT JOIN siam.escalation AS x ON x.id = e.escalation
    LEFT JOIN siam.incident AS i ON i.id = e.incident
    JOIN siam.notification_route AS rt ON rt.removed_at IS NULL
    JOIN siam.receiver AS r ON r.id = rt.receiver AND r.removed_at IS NULL
    WHERE (r.supplier IS NULL OR e.supplier = r.supplier)
      AND CASE WHEN cardinality(rt.event_kinds) = 0 THEN siam.concerns_party(r.party, e.kind, x.notify, e.data)
               ELSE e.kind = ANY (rt.event_kinds) END
      AND (rt.rule IS NULL OR x.rule = rt.rule)
      AND (rt.min_level IS NULL OR coalesce((e.data->>'level')::integer, x.level) >= rt.min_level)
      AND (cardinality(rt.priorities) = 0 OR i.priority = ANY (rt.priorities))
    ON CONFLICT (event, receiver) DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION siam.event_notifications() IS
    'Trigger (once per INSERT statement on siam.event): records one pending notification per new event x receiver that a live route matches. Nothing when no route exists.';

-- Receivers -----------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.receiver_add(
    p_name text,
    p_party text,
    p_kind text,
    p_url text DEFAULT NULL,
    p_secret text DEFAULT NULL,
    p_format text DEFAULT 'json',
    p_email text[] DEFAULT NULL,
    p_calendar text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_caller text := siam.caller_supplier();
    v_supplier text;
    v_id bigint;
BEGIN
    PERFORM siam.check_code(p_name, 'receiver name');
    IF p_party IS NULL THEN
        RAISE EXCEPTION 'party is required: integrator, customer or a supplier code' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_party NOT IN ('integrator', 'customer') THEN
        v_supplier := p_party;
        IF v_caller IS NULL AND NOT EXISTS (SELECT 1 FROM siam.supplier WHERE code = p_party) THEN
            RAISE EXCEPTION 'unknown party %: use integrator, customer or a supplier code', siam.shown(p_party)
                USING ERRCODE = 'no_data_found';
        END IF;
    END IF;
    IF v_caller IS NOT NULL AND v_supplier IS DISTINCT FROM v_caller THEN
        RAISE EXCEPTION 'a supplier may add receivers for itself only (party %)', siam.shown(v_caller)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_kind IS NULL OR p_kind NOT IN ('webhook', 'email') THEN
        RAISE EXCEPTION 'invalid receiver kind %: use webhook or email', siam.shown(p_kind) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'email' THEN
        -- The schema keeps the addresses; the daemon does not send e-mail yet.
        RAISE EXCEPTION 'e-mail receivers are not delivered yet: use a webhook (a chat channel''s incoming webhook with --format chat)'
            USING ERRCODE = 'feature_not_supported';
    END IF;
    IF p_url IS NULL OR p_url !~ '^https?://[^[:space:]/?#]+[^[:space:]]*$' OR length(p_url) > 2000 THEN
        RAISE EXCEPTION 'invalid webhook URL %: use http:// or https:// and a host, at most 2000 characters, no spaces', siam.shown(p_url)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_secret IS NOT NULL AND length(p_secret) NOT BETWEEN 16 AND 200 THEN
        RAISE EXCEPTION 'invalid secret: use 16 to 200 characters (it has %)', length(p_secret)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(p_format, 'json') NOT IN ('json', 'chat') THEN
        RAISE EXCEPTION 'invalid format %: use json or chat', siam.shown(p_format) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_email IS NOT NULL THEN
        RAISE EXCEPTION 'a webhook receiver takes no e-mail addresses' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_calendar IS NOT NULL AND NOT EXISTS (SELECT 1 FROM siam.calendar WHERE name = p_calendar) THEN
        RAISE EXCEPTION 'unknown calendar %', siam.shown(p_calendar) USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.receiver WHERE name = p_name AND removed_at IS NULL) THEN
        RAISE EXCEPTION 'receiver % exists already', siam.shown(p_name) USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.receiver (name, party, supplier, kind, url, secret, format, calendar)
    VALUES (p_name, p_party, v_supplier, p_kind, p_url, p_secret, coalesce(p_format, 'json'), p_calendar)
    RETURNING id INTO v_id;
    -- The event names neither the URL (a chat webhook's URL is itself a credential) nor the secret.
    PERFORM siam.record_event('receiver.added', format('receiver %s added for %s', p_name, p_party),
        p_supplier => v_supplier,
        p_data => jsonb_build_object('receiver', p_name, 'party', p_party, 'kind', p_kind,
                                     'format', coalesce(p_format, 'json'), 'signed', p_secret IS NOT NULL,
                                     'calendar', p_calendar));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.receiver_add(text, text, text, text, text, text, text[], text) IS
    'Adds a receiver (a webhook; e-mail is refused with 0A000 until the daemon sends it) for a party: integrator, customer, or a supplier (a supplier''s session: itself only). One event receiver.added, which names neither URL nor secret.';

CREATE OR REPLACE FUNCTION siam.receiver_lookup(p_name text) RETURNS siam.receiver
LANGUAGE plpgsql
AS $$
DECLARE
    v_caller text := siam.caller_supplier();
    v_receiver siam.receiver;
BEGIN
    -- A live receiver the caller may see, locked; another supplier's is "unknown" to it.
    PERFORM siam.check_code(p_name, 'receiver name');
    SELECT * INTO v_receiver FROM siam.receiver
    WHERE name = p_name AND removed_at IS NULL AND (v_caller IS NULL OR supplier = v_caller)
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown receiver %', siam.shown(p_name) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_receiver;
END
$$;
COMMENT ON FUNCTION siam.receiver_lookup(text) IS
    'The live receiver of that name, locked, if the caller may see it (its own, for a supplier); raises P0002 otherwise. Internal.';

CREATE OR REPLACE FUNCTION siam.receiver_remove(p_name text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_receiver siam.receiver := siam.receiver_lookup(p_name);
    v_now timestamptz := siam.clock();
    v_routes integer;
    v_pending integer;
BEGIN
    UPDATE siam.receiver SET removed_at = v_now WHERE id = v_receiver.id;
    UPDATE siam.notification_route SET removed_at = v_now WHERE receiver = v_receiver.id AND removed_at IS NULL;
    GET DIAGNOSTICS v_routes = ROW_COUNT;
    UPDATE siam.notification SET state = 'failed', last_error = 'receiver removed'
    WHERE receiver = v_receiver.id AND state = 'pending';
    GET DIAGNOSTICS v_pending = ROW_COUNT;
    PERFORM siam.record_event('receiver.removed', format('receiver %s removed', v_receiver.name),
        p_supplier => v_receiver.supplier,
        p_data => jsonb_build_object('receiver', v_receiver.name, 'routes_removed', v_routes,
                                     'pending_failed', v_pending));
    RETURN v_receiver.id;
END
$$;
COMMENT ON FUNCTION siam.receiver_remove(text) IS
    'Removes a receiver (its row stays, marked removed) and its routes; its pending notifications fail with "receiver removed". One event receiver.removed.';

CREATE OR REPLACE VIEW siam.receivers WITH (security_invoker = true) AS
    -- Everything but the secret: whether there is one.
    SELECT r.id, r.name, r.party, r.supplier, r.kind, r.url, r.has_secret, r.format, r.email, r.calendar,
           r.created_at, r.created_by
    FROM siam.receiver AS r
    WHERE r.removed_at IS NULL;
COMMENT ON VIEW siam.receivers IS
    'The live receivers the caller may see (row-level security: a supplier its own), without their secrets.';

-- Routes --------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.route_add(
    p_receiver text,
    p_event_kinds text[] DEFAULT '{}',
    p_rule text DEFAULT NULL,
    p_min_level integer DEFAULT NULL,
    p_priorities text[] DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_receiver siam.receiver := siam.receiver_lookup(p_receiver);
    v_kind text;
    v_priority text;
    v_id bigint;
BEGIN
    FOREACH v_kind IN ARRAY coalesce(p_event_kinds, '{}') LOOP
        IF v_kind IS NULL OR NOT v_kind = ANY (siam.notifiable_kinds()) THEN
            RAISE EXCEPTION 'invalid event kind %: use one of %', siam.shown(v_kind), array_to_string(siam.notifiable_kinds(), ', ')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF p_rule IS NOT NULL AND NOT EXISTS (SELECT 1 FROM siam.escalation_rule WHERE code = p_rule) THEN
        RAISE EXCEPTION 'unknown escalation rule %', siam.shown(p_rule) USING ERRCODE = 'no_data_found',
            HINT = 'siamd rule list shows them';
    END IF;
    IF p_min_level IS NOT NULL AND p_min_level NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'invalid least level %: use 1 to 100', p_min_level USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH v_priority IN ARRAY coalesce(p_priorities, '{}') LOOP
        PERFORM siam.check_priority(v_priority);
    END LOOP;
    INSERT INTO siam.notification_route (receiver, event_kinds, rule, min_level, priorities)
    VALUES (v_receiver.id,
            ARRAY(SELECT DISTINCT k FROM unnest(coalesce(p_event_kinds, '{}')) AS k ORDER BY k),
            p_rule, p_min_level,
            ARRAY(SELECT DISTINCT p FROM unnest(coalesce(p_priorities, '{}')) AS p ORDER BY p))
    RETURNING id INTO v_id;
    PERFORM siam.record_event('route.added', format('route %s to receiver %s', v_id, v_receiver.name),
        p_supplier => v_receiver.supplier,
        p_data => jsonb_build_object('route', v_id, 'receiver', v_receiver.name, 'event_kinds', to_jsonb(coalesce(p_event_kinds, '{}')),
                                     'rule', p_rule, 'min_level', p_min_level, 'priorities', to_jsonb(coalesce(p_priorities, '{}'))));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.route_add(text, text[], text, integer, text[]) IS
    'Adds a route to a receiver the caller may see: event kinds (of siam.notifiable_kinds(); none: those that concern the receiver''s party), an escalation rule, a least level, priorities (each empty matches all). One event route.added.';

CREATE OR REPLACE FUNCTION siam.route_remove(p_route bigint) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_caller text := siam.caller_supplier();
    v_receiver siam.receiver;
BEGIN
    IF p_route IS NULL THEN
        RAISE EXCEPTION 'route is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT r.* INTO v_receiver FROM siam.notification_route AS rt JOIN siam.receiver AS r ON r.id = rt.receiver
    WHERE rt.id = p_route AND rt.removed_at IS NULL AND (v_caller IS NULL OR r.supplier = v_caller)
    FOR UPDATE OF rt;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown route %', p_route USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE siam.notification_route SET removed_at = siam.clock() WHERE id = p_route;
    PERFORM siam.record_event('route.removed', format('route %s to receiver %s removed', p_route, v_receiver.name),
        p_supplier => v_receiver.supplier,
        p_data => jsonb_build_object('route', p_route, 'receiver', v_receiver.name));
    RETURN p_route;
END
$$;
COMMENT ON FUNCTION siam.route_remove(bigint) IS 'Removes a live route of a receiver the caller may see. One event route.removed.';

CREATE OR REPLACE VIEW siam.routes WITH (security_invoker = true) AS
    SELECT rt.id, r.name AS receiver, r.party, rt.event_kinds, rt.rule, rt.min_level, rt.priorities,
           rt.created_at, rt.created_by
    FROM siam.notification_route AS rt
    JOIN siam.receiver AS r ON r.id = rt.receiver
    WHERE rt.removed_at IS NULL;
COMMENT ON VIEW siam.routes IS 'The live routes the caller may see (row-level security: a supplier those of its own receivers).';

-- Notifications -------------------------------------------------------------------------

CREATE OR REPLACE VIEW siam.notifications WITH (security_invoker = true) AS
    SELECT n.id, n.event, e.kind AS event_kind, e.incident, r.name AS receiver, r.party, n.state, n.attempts,
           n.created_at, n.next_attempt_at, n.last_error, n.delivered_at, n.idempotency_key
    FROM siam.notification AS n
    JOIN siam.receiver AS r ON r.id = n.receiver
    JOIN siam.event AS e ON e.id = n.event;
COMMENT ON VIEW siam.notifications IS
    'Notifications with their event''s kind and incident and the receiver''s name (row-level security: a supplier those of its own receivers).';

CREATE OR REPLACE FUNCTION siam.notification_retry(p_notification bigint) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_caller text := siam.caller_supplier();
    v_notification siam.notification;
    v_receiver siam.receiver;
    v_now timestamptz := siam.clock();
BEGIN
    IF p_notification IS NULL THEN
        RAISE EXCEPTION 'notification is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT n.* INTO v_notification FROM siam.notification AS n JOIN siam.receiver AS r ON r.id = n.receiver
    WHERE n.id = p_notification AND (v_caller IS NULL OR r.supplier = v_caller)
    FOR UPDATE OF n;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown notification %', p_notification USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO v_receiver FROM siam.receiver WHERE id = v_notification.receiver;
    IF v_notification.state <> 'failed' THEN
        RAISE EXCEPTION 'notification % is %, not failed: only a failed one can be retried', p_notification, v_notification.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_receiver.removed_at IS NOT NULL THEN
        RAISE EXCEPTION 'notification % is for receiver %, which was removed', p_notification, siam.shown(v_receiver.name)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.notification SET state = 'pending', next_attempt_at = v_now, retried_at = v_now
    WHERE id = p_notification;
    PERFORM siam.record_event('notification.retried', format('notification %s to %s asked for again', p_notification, v_receiver.name),
        p_supplier => v_receiver.supplier,
        p_data => jsonb_build_object('notification', p_notification, 'receiver', v_receiver.name,
                                     'event', v_notification.event, 'last_error', v_notification.last_error));
    RETURN p_notification;
END
$$;
COMMENT ON FUNCTION siam.notification_retry(bigint) IS
    'Makes a failed notification pending again, due now, its maximum age counted from now. One event notification.retried.';

CREATE OR REPLACE FUNCTION siam.notification_body(p_event bigint, p_format text, p_notification bigint, p_key uuid, p_receiver text) RETURNS text
LANGUAGE sql STABLE
AS $$
    -- The body a receiver is sent (docs/integration.md, "Webhooks"): json, or chat's {"text"}.
    WITH e AS (SELECT * FROM siam.event WHERE id = p_event),
    parts AS (
        SELECT e.*,
               (SELECT jsonb_build_object('id', i.id, 'title', i.title, 'service', i.service, 'priority', i.priority,
                                          'state', i.state, 'owner', i.owner, 'customer', i.customer,
                                          'acknowledge_due', i.acknowledge_due, 'resolve_due', i.resolve_due,
                                          'explain', format('siamd incident explain %s', i.id))
                FROM siam.incident AS i WHERE i.id = e.incident) AS incident_json,
               (SELECT jsonb_build_object('id', h.id, 'to_supplier', h.to_supplier, 'from_supplier', h.from_supplier,
                                          'part', h.part, 'state', h.state, 'offered_at', h.offered_at,
                                          'accept_due', h.accept_due)
                FROM siam.handoff AS h WHERE h.id = e.handoff) AS handoff_json,
               (SELECT jsonb_build_object('id', x.id, 'rule', x.rule, 'level', coalesce((e.data->>'level')::integer, x.level),
                                          'notify', x.notify, 'reason', x.reason, 'raised_at', x.raised_at,
                                          'acknowledged_at', x.acknowledged_at, 'closed_at', x.closed_at,
                                          'close_cause', x.close_cause)
                FROM siam.escalation AS x WHERE x.id = e.escalation) AS escalation_json
        FROM e
    ),
    summary AS (
        SELECT p.*,
               concat_ws(' ', '[siamd]', p.kind,
                         CASE WHEN p.incident IS NOT NULL THEN format('#%s', p.incident) END,
                         p.incident_json->>'priority',
                         CASE WHEN p.escalation_json IS NOT NULL
                              THEN format('%s level %s', p.escalation_json->>'rule', p.escalation_json->>'level') END,
                         CASE WHEN p.supplier IS NOT NULL THEN format('(%s)', p.supplier) END)
               || ': ' || p.reason AS text
        FROM parts AS p
    )
    SELECT CASE WHEN p_format = 'chat' THEN jsonb_build_object('text', s.text)::text
           ELSE jsonb_build_object(
               'notification', jsonb_build_object('id', p_notification, 'idempotency_key', p_key, 'receiver', p_receiver),
               'event', jsonb_build_object('id', s.id, 'kind', s.kind, 'at', s.at, 'actor', s.actor, 'reason', s.reason,
                                           'supplier', s.supplier, 'data', s.data),
               'incident', s.incident_json,
               'handoff', s.handoff_json,
               'escalation', s.escalation_json,
               'text', s.text)::text
           END
    FROM summary AS s
$$;
COMMENT ON FUNCTION siam.notification_body(bigint, text, bigint, uuid, text) IS
    'The body sent for a notification of that event: format json (event, incident, handoff, escalation, text) or chat ({"text": ...}). Internal to the daemon''s claim.';

CREATE OR REPLACE FUNCTION siam.notifications_claim(p_limit integer, p_lease_seconds integer)
RETURNS TABLE (
    id bigint,
    attempt integer,
    idempotency_key uuid,
    receiver text,
    url text,
    secret text,
    body text,
    age_seconds integer,
    now timestamptz
)
LANGUAGE sql
AS $$
    -- The daemon's claim, in its own short transaction: the due pending notifications, oldest
    -- due first, that no other daemon holds (SKIP LOCKED); each is leased for p_lease_seconds
    -- (next_attempt_at moves on, so a daemon that dies mid-send leaves it due again then) and
    -- its attempt counted (the attempt number is the claim's token for the record).
    WITH due AS (
        SELECT n.id FROM siam.notification AS n
        WHERE n.state = 'pending' AND n.next_attempt_at <= siam.clock()
        ORDER BY n.next_attempt_at, n.id
        LIMIT p_limit
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE siam.notification AS n
        SET attempts = n.attempts + 1, next_attempt_at = siam.clock() + siam.seconds(p_lease_seconds)
        FROM due WHERE n.id = due.id
        RETURNING n.*
    )
    SELECT c.id, c.attempts, c.idempotency_key, r.name, r.url, r.secret,
           siam.notification_body(c.event, r.format, c.id, c.idempotency_key, r.name),
           extract(epoch FROM siam.clock() - coalesce(c.retried_at, c.created_at))::integer,
           siam.clock()
    FROM claimed AS c JOIN siam.receiver AS r ON r.id = c.receiver
    ORDER BY c.next_attempt_at, c.id
$$;
COMMENT ON FUNCTION siam.notifications_claim(integer, integer) IS
    'The daemon''s claim of due notifications (FOR UPDATE SKIP LOCKED), each leased for p_lease_seconds and its attempt counted; returns what to send, with the receiver''s secret. The daemon''s only: granted to siam_daemon alone.';

CREATE OR REPLACE FUNCTION siam.notification_record(
    p_notification bigint,
    p_attempt integer,
    p_outcome text,
    p_status integer,
    p_error text,
    p_milliseconds integer,
    p_retry_in_seconds integer
) RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_now timestamptz := siam.clock();
    v_notification siam.notification;
    v_receiver siam.receiver;
    v_event siam.event;
    v_error text := left(p_error, 2000);
BEGIN
    IF p_outcome IS NULL OR p_outcome NOT IN ('delivered', 'retry', 'failed') THEN
        RAISE EXCEPTION 'invalid outcome %: use delivered, retry or failed', siam.shown(p_outcome) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Only the claim that made this attempt may record it: a record that comes after the
    -- lease ran out and another daemon claimed it again changes nothing.
    UPDATE siam.notification AS n
    SET state = CASE p_outcome WHEN 'delivered' THEN 'delivered' WHEN 'failed' THEN 'failed' ELSE 'pending' END,
        delivered_at = CASE WHEN p_outcome = 'delivered' THEN v_now END,
        last_error = CASE WHEN p_outcome = 'delivered' THEN n.last_error ELSE v_error END,
        next_attempt_at = CASE WHEN p_outcome = 'retry' THEN v_now + siam.seconds(greatest(coalesce(p_retry_in_seconds, 0), 0))
                               ELSE n.next_attempt_at END
    WHERE n.id = p_notification AND n.attempts = p_attempt AND n.state = 'pending'
    RETURNING n.* INTO v_notification;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO siam.notification_attempt (notification, attempt, at, outcome, status, error, milliseconds)
    VALUES (p_notification, p_attempt, v_now, p_outcome, p_status, CASE WHEN p_outcome <> 'delivered' THEN v_error END, p_milliseconds);
    SELECT * INTO v_receiver FROM siam.receiver WHERE id = v_notification.receiver;
    SELECT * INTO v_event FROM siam.event WHERE id = v_notification.event;
    PERFORM siam.record_event(
        CASE p_outcome WHEN 'delivered' THEN 'notification.delivered' WHEN 'failed' THEN 'notification.failed'
                       ELSE 'notification.attempt_failed' END,
        CASE p_outcome WHEN 'delivered' THEN format('%s delivered to %s (attempt %s)', v_event.kind, v_receiver.name, p_attempt)
                       WHEN 'failed' THEN format('%s to %s failed after %s attempts: %s', v_event.kind, v_receiver.name, p_attempt, v_error)
                       ELSE format('%s to %s: attempt %s failed (%s), again in %s s', v_event.kind, v_receiver.name, p_attempt, v_error, p_retry_in_seconds) END,
        p_incident => v_event.incident, p_supplier => v_receiver.supplier,
        p_data => jsonb_build_object('notification', p_notification, 'receiver', v_receiver.name, 'event', v_event.id,
                                     'attempt', p_attempt, 'status', p_status, 'milliseconds', p_milliseconds));
    RETURN true;
END
$$;
COMMENT ON FUNCTION siam.notification_record(bigint, integer, text, integer, text, integer, integer) IS
    'The daemon records one attempt of a notification it claimed: delivered, retry (due again in p_retry_in_seconds) or failed; with the attempt row and one event (notification.delivered, .attempt_failed, .failed). False, changing nothing, when the attempt is no longer the current claim.';

CREATE OR REPLACE FUNCTION siam.notification_next_due() RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    SELECT min(next_attempt_at) FROM siam.notification WHERE state = 'pending'
$$;
COMMENT ON FUNCTION siam.notification_next_due() IS 'When the next pending notification is due (the daemon''s delivery sleeps until then).';
