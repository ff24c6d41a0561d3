--
-- Calendars and business time
--
-- Writes siam.calendar, siam.calendar_interval, siam.calendar_holiday (migration 0001).
-- Business time follows PRODUCT.md "SLA clock semantics", the same rules as the Swift core.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.calendar_interval_no_overlap() RETURNS trigger
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

CREATE OR REPLACE FUNCTION siam.is_holiday(p_calendar text, p_day date) RETURNS boolean
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

CREATE OR REPLACE FUNCTION siam.open_segments(
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
    v_day_open tstzmultirange;
    v_opens_at timestamptz;
    v_closes_at timestamptz;
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
        RAISE EXCEPTION 'unknown calendar %', siam.shown(p_calendar) || siam.did_you_mean('siam.calendar', p_calendar)
            USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.calendar_interval WHERE calendar = p_calendar) THEN
        RAISE EXCEPTION 'calendar % has no open time: a deadline on it can never be reached', siam.shown(p_calendar)
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
        v_day_open := '{}';
        IF NOT siam.is_holiday(p_calendar, v_day) THEN
            FOR v_interval IN
                SELECT opens, closes
                FROM siam.calendar_interval
                WHERE calendar = p_calendar AND iso_weekday = extract(isodow FROM v_day)
                ORDER BY opens
            LOOP
                v_any := true;
                v_opens_at := (v_day + v_interval.opens) AT TIME ZONE v_zone;
                v_closes_at := (v_day + v_interval.closes) AT TIME ZONE v_zone;
                -- A boundary in a DST gap moves later by the gap (02:30 reads as 03:30): an
                -- interval whose opening is then not before its closing is empty that day.
                CONTINUE WHEN v_opens_at >= v_closes_at;
                -- A union, not a list: an interval moved by a gap may now overlap the next,
                -- and open time counts once.
                v_day_open := v_day_open + tstzmultirange(tstzrange(v_opens_at, v_closes_at, '[)'));
            END LOOP;
            FOR v_piece IN SELECT unnest((v_day_open * tstzmultirange(v_window)) - coalesce(p_pauses, '{}')) LOOP
                RETURN NEXT v_piece;
            END LOOP;
        END IF;
        v_idle_days := CASE WHEN v_any THEN 0 ELSE v_idle_days + 1 END;
        IF v_idle_days > 1000 THEN
            RAISE EXCEPTION 'calendar % has no open time for over 1000 days after %: a deadline on it can never be reached', siam.shown(p_calendar), v_day
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_day := v_day + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.open_segments(text, timestamptz, timestamptz, tstzmultirange) IS
    'Open, unpaused ranges of a calendar (NULL = 24x7) within [from, to) in time order.';

CREATE OR REPLACE FUNCTION siam.business_deadline(
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
    PERFORM siam.check_duration(p_duration, 'duration');
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
            RAISE EXCEPTION 'calendar % has no open time for over 1000 days after %: a deadline on it can never be reached', siam.shown(p_calendar), v_window_start
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_window_start := v_window_end;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.business_deadline(text, timestamptz, interval, tstzmultirange) IS
    'The instant at which the duration of business time is consumed on the calendar (NULL = 24x7), starting at from (or its next opening), not counting paused ranges. NULL when a pause without end stops the clock first.';

CREATE OR REPLACE FUNCTION siam.business_elapsed(
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

-- Calendars ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.calendar_add(
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
        RAISE EXCEPTION 'unknown time zone %: use an IANA name such as Europe/Berlin', siam.shown(p_time_zone)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_count <> coalesce(cardinality(p_opens), 0) OR v_count <> coalesce(cardinality(p_closes), 0) THEN
        RAISE EXCEPTION 'weekdays, opens and closes must have the same number of elements'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_count = 0 THEN
        RAISE EXCEPTION 'calendar % has no open time: a deadline on it could never be reached', siam.shown(p_name)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.calendar WHERE name = p_name) THEN
        RAISE EXCEPTION 'calendar % exists already', siam.shown(p_name)
            USING ERRCODE = 'unique_violation';
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
                RAISE EXCEPTION 'invalid holiday %: no such date', siam.shown(v_holiday)
                    USING ERRCODE = 'invalid_parameter_value';
            END;
        ELSIF v_holiday ~ '^\d{2}-\d{2}$' THEN
            BEGIN
                INSERT INTO siam.calendar_holiday (calendar, month, day)
                VALUES (p_name, split_part(v_holiday, '-', 1)::smallint, split_part(v_holiday, '-', 2)::smallint)
                ON CONFLICT DO NOTHING;
            EXCEPTION WHEN check_violation THEN
                RAISE EXCEPTION 'invalid holiday %: no such day of the year', siam.shown(v_holiday)
                    USING ERRCODE = 'invalid_parameter_value';
            END;
        ELSE
            RAISE EXCEPTION 'invalid holiday %: use YYYY-MM-DD (dated) or MM-DD (yearly)', siam.shown(v_holiday)
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

-- Changing calendars --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.lock_calendar(p_name text) RETURNS siam.calendar
LANGUAGE plpgsql
AS $$
DECLARE
    v_calendar siam.calendar;
BEGIN
    PERFORM siam.require_integrator();
    IF p_name IS NULL THEN
        RAISE EXCEPTION 'calendar is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v_calendar FROM siam.calendar WHERE name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown calendar %', siam.shown(p_name) || siam.did_you_mean('siam.calendar', p_name) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_calendar;
END
$$;
COMMENT ON FUNCTION siam.lock_calendar(text) IS 'Locks and returns a calendar for a change; refuses an unknown one (P0002). Integrator only.';

CREATE OR REPLACE FUNCTION siam.calendar_set(
    p_name text,
    p_time_zone text DEFAULT NULL,
    p_weekdays smallint[] DEFAULT NULL,
    p_opens time[] DEFAULT NULL,
    p_closes time[] DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_calendar siam.calendar;
    v_count integer := coalesce(cardinality(p_weekdays), 0);
    v_before jsonb;
    v_after jsonb;
BEGIN
    v_calendar := siam.lock_calendar(p_name);
    IF p_time_zone IS NULL AND p_weekdays IS NULL AND p_opens IS NULL AND p_closes IS NULL THEN
        RAISE EXCEPTION 'nothing to change: give a time zone or the weekly hours'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_time_zone IS NOT NULL AND NOT siam.is_time_zone(p_time_zone) THEN
        RAISE EXCEPTION 'unknown time zone %: use an IANA name such as Europe/Berlin', siam.shown(p_time_zone)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_before := (SELECT jsonb_agg(jsonb_build_object('iso_weekday', iso_weekday, 'opens', opens, 'closes', closes)
                                  ORDER BY iso_weekday, opens)
                 FROM siam.calendar_interval WHERE calendar = p_name);
    IF p_weekdays IS NOT NULL OR p_opens IS NOT NULL OR p_closes IS NOT NULL THEN
        IF v_count <> coalesce(cardinality(p_opens), 0) OR v_count <> coalesce(cardinality(p_closes), 0) THEN
            RAISE EXCEPTION 'weekdays, opens and closes must have the same number of elements'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v_count = 0 THEN
            RAISE EXCEPTION 'calendar % would have no open time: a deadline on it could never be reached', siam.shown(p_name)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        DELETE FROM siam.calendar_interval WHERE calendar = p_name;
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
    END IF;
    UPDATE siam.calendar SET time_zone = coalesce(p_time_zone, time_zone) WHERE name = p_name;
    v_after := (SELECT jsonb_agg(jsonb_build_object('iso_weekday', iso_weekday, 'opens', opens, 'closes', closes)
                                 ORDER BY iso_weekday, opens)
                FROM siam.calendar_interval WHERE calendar = p_name);
    IF v_before = v_after AND coalesce(p_time_zone, v_calendar.time_zone) = v_calendar.time_zone THEN
        RAISE EXCEPTION 'calendar % has these hours and time zone already: nothing to change', siam.shown(p_name)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM siam.record_event('calendar.changed',
        concat_ws(', ',
            CASE WHEN coalesce(p_time_zone, v_calendar.time_zone) <> v_calendar.time_zone
                 THEN format('time zone %s -> %s', v_calendar.time_zone, p_time_zone) END,
            CASE WHEN v_before <> v_after THEN 'weekly hours changed' END),
        p_data => jsonb_build_object('calendar', p_name,
            'before', jsonb_build_object('time_zone', v_calendar.time_zone, 'intervals', v_before),
            'after', jsonb_build_object('time_zone', coalesce(p_time_zone, v_calendar.time_zone), 'intervals', v_after)));
    RETURN p_name;
END
$$;
COMMENT ON FUNCTION siam.calendar_set(text, text, smallint[], time[], time[]) IS
    'Changes a calendar''s time zone and/or replaces its weekly intervals (three parallel arrays, as siam.calendar_add). Clocks running on it keep their due instants; clocks that start afterwards count on the new hours. Refuses a change that changes nothing (55000). Integrator only.';

CREATE OR REPLACE FUNCTION siam.holiday_parts(p_holiday text, OUT o_date date, OUT o_month smallint, OUT o_day smallint)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_holiday ~ '^\d{4}-\d{2}-\d{2}$' THEN
        BEGIN
            o_date := p_holiday::date;
        EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
            RAISE EXCEPTION 'invalid holiday %: no such date', siam.shown(p_holiday)
                USING ERRCODE = 'invalid_parameter_value';
        END;
    ELSIF p_holiday ~ '^\d{2}-\d{2}$' THEN
        o_month := split_part(p_holiday, '-', 1)::smallint;
        o_day := split_part(p_holiday, '-', 2)::smallint;
        IF o_month NOT BETWEEN 1 AND 12
           OR o_day NOT BETWEEN 1 AND (CASE WHEN o_month = 2 THEN 29 WHEN o_month IN (4, 6, 9, 11) THEN 30 ELSE 31 END) THEN
            RAISE EXCEPTION 'invalid holiday %: no such day of the year', siam.shown(p_holiday)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSE
        RAISE EXCEPTION 'invalid holiday %: use YYYY-MM-DD (dated) or MM-DD (yearly)', siam.shown(p_holiday)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION siam.holiday_parts(text) IS 'A holiday YYYY-MM-DD (dated) or MM-DD (yearly) as siam.calendar_holiday''s columns; refuses other forms (22023).';

CREATE OR REPLACE FUNCTION siam.calendar_holiday_add(p_calendar text, p_holiday text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_day record;
BEGIN
    PERFORM siam.lock_calendar(p_calendar);
    v_day := siam.holiday_parts(p_holiday);
    IF EXISTS (SELECT 1 FROM siam.calendar_holiday
               WHERE calendar = p_calendar AND on_date IS NOT DISTINCT FROM v_day.o_date
                 AND month IS NOT DISTINCT FROM v_day.o_month AND day IS NOT DISTINCT FROM v_day.o_day) THEN
        RAISE EXCEPTION 'calendar % has holiday % already', siam.shown(p_calendar), p_holiday
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.calendar_holiday (calendar, on_date, month, day) VALUES (p_calendar, v_day.o_date, v_day.o_month, v_day.o_day);
    PERFORM siam.record_event('calendar.holiday_added', format('holiday %s added', p_holiday),
        p_data => jsonb_build_object('calendar', p_calendar, 'holiday', p_holiday));
    RETURN p_holiday;
END
$$;
COMMENT ON FUNCTION siam.calendar_holiday_add(text, text) IS
    'Adds a holiday (YYYY-MM-DD dated, MM-DD yearly) to a calendar, for clocks that start afterwards. Refuses one it has (23505). Integrator only.';

CREATE OR REPLACE FUNCTION siam.calendar_holiday_remove(p_calendar text, p_holiday text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_day record;
BEGIN
    PERFORM siam.lock_calendar(p_calendar);
    v_day := siam.holiday_parts(p_holiday);
    DELETE FROM siam.calendar_holiday
    WHERE calendar = p_calendar AND on_date IS NOT DISTINCT FROM v_day.o_date
      AND month IS NOT DISTINCT FROM v_day.o_month AND day IS NOT DISTINCT FROM v_day.o_day;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'calendar % has no holiday %', siam.shown(p_calendar), p_holiday
            USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM siam.record_event('calendar.holiday_removed', format('holiday %s removed', p_holiday),
        p_data => jsonb_build_object('calendar', p_calendar, 'holiday', p_holiday));
    RETURN p_holiday;
END
$$;
COMMENT ON FUNCTION siam.calendar_holiday_remove(text, text) IS
    'Removes a holiday (as it was added: YYYY-MM-DD or MM-DD) from a calendar, for clocks that start afterwards. Refuses one it does not have (P0002). Integrator only.';
