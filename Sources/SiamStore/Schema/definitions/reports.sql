--
-- Reports: scorecards for supplier governance
--
-- Read only; writes nothing.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

------------------------------------------------------------------------------------------
-- Reports: scorecards for supplier governance (siamd report scorecard | html)
------------------------------------------------------------------------------------------
-- These read only, with the caller's rights (SECURITY INVOKER), so row-level security
-- applies to whoever calls them. deploy/roles.sql grants them to siam_reporting (and, with
-- every function, to siam_admin and siam_daemon), not to suppliers' roles.

-- A table function in plain SQL, so that a query joining it (LATERAL) gets it inlined: one
-- index probe a row, where a scalar call would cost a function call a row.
CREATE OR REPLACE FUNCTION siam.owner_at(p_incident bigint, p_at timestamptz) RETURNS TABLE (supplier text)
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

CREATE OR REPLACE FUNCTION siam.check_period(p_since timestamptz, p_until timestamptz) RETURNS void
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

CREATE OR REPLACE FUNCTION siam.sla_outcomes(p_since timestamptz, p_until timestamptz)
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

CREATE OR REPLACE FUNCTION siam.ola_outcomes(p_since timestamptz, p_until timestamptz)
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
        -- A span whose clock pauses while pending counts its business time minus the paused
        -- time inside it: every ended pause is in its due instant already (moved when the pause
        -- ended for it, siam.resumed_ola_due), so comparing instants compares those business
        -- times. A pause still running has not moved it yet: a due instant that passed during
        -- it is stale, not a breach (leaving pending moves it later), as for the SLA.
        SELECT a.supplier::text, a.incident, a.handoff, 'resolve',
               a.resolve_due,
               CASE WHEN a.ended_at <= a.resolve_due THEN a.ended_at ELSE a.resolve_due END,
               coalesce(a.ended_at <= a.resolve_due, false)
        FROM siam.assignment AS a
        JOIN siam.incident AS i ON i.id = a.incident
        WHERE a.role = 'owner'
          AND a.resolve_due >= p_since
          AND ((a.ended_at <= a.resolve_due AND a.ended_at = i.resolved_at)
               OR (a.resolve_due <= coalesce(a.ended_at, v_now)
                   AND NOT (a.ended_at IS NULL AND a.pauses_when_pending
                            AND coalesce(i.paused_since < a.resolve_due, false))))
    )
    SELECT o.supplier, o.incident, o.handoff, o.clock, o.due, o.decided_at, o.met
    FROM outcomes AS o
    WHERE o.decided_at >= p_since AND o.decided_at < p_until;
END
$$;
COMMENT ON FUNCTION siam.ola_outcomes(timestamptz, timestamptz) IS
    'Every OLA clock decided in [p_since, p_until): accept clocks of handoffs (met: accepted by accept_due; missed: expired or still unanswered past it; rejections and cancellations decide nothing) and the owners'' resolve clocks (met: resolved by resolve_due while it held the incident; missed: resolve_due passed while it held it; a span ended earlier otherwise, by a handoff or a cancellation, decides nothing). A span whose clock pauses while pending is not charged the paused time: its resolve_due moves later when a pause ends, and one that passes while the incident is still pending decides nothing yet.';

CREATE OR REPLACE FUNCTION siam.scorecard(p_since timestamptz, p_until timestamptz)
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
    disputes_raised bigint,
    disputes_upheld bigint,
    disputes_overturned bigint,
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
        -- Scope disputes raised in the period (out-of-scope rejections), by how they have been
        -- ruled so far, whenever that was: upheld + overturned <= raised, the rest still open.
        SELECT h.to_supplier::text AS supplier, count(*) AS n,
               count(*) FILTER (WHERE d.ruling = 'out_of_scope') AS upheld,
               count(*) FILTER (WHERE d.ruling = 'in_scope') AS overturned
        FROM siam.scope_dispute AS d
        JOIN siam.handoff AS h ON h.id = d.handoff
        WHERE d.raised_at >= p_since AND d.raised_at < p_until
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
        -- Each bounce of the period (siam.bounce) is charged to the supplier that refused the
        -- work or handed it back, unless the integrator upheld its scope dispute (fair).
        SELECT b.supplier, count(*) AS n
        FROM siam.bounce AS b
        WHERE b.at >= p_since AND b.at < p_until AND NOT b.fair
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
           coalesce(b.n, 0), coalesce(bo.n, 0),
           coalesce(d.n, 0), coalesce(d.upheld, 0), coalesce(d.overturned, 0), coalesce(e.n, 0), coalesce(rm.complaints, 0),
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
    'One scorecard per supplier for [p_since, p_until): handoffs offered to it in the period and how they ended (accepted, rejected, expired, cancelled), acceptance rate (accepted of accepted + rejected + expired), median real seconds from offer to acceptance, OLA clocks decided and met (siam.ola_outcomes), SLA breaches while it owned the incident (siam.sla_outcomes), bounces charged to it (siam.bounce: work it refused or handed back in the period, less refusals the integrator ruled out of scope), scope disputes it raised in the period (its out-of-scope rejections) and how many of those have been ruled so far, whenever ruled: upheld (out_of_scope) or overturned (in_scope), escalations about it or about incidents it owned when raised, complaints and satisfaction (mean of 1-5) about incidents it owned when they came in, or had resolved (after the resolution). Retired suppliers appear only when there is something about them in the period.';

CREATE OR REPLACE FUNCTION siam.sla_compliance(p_since timestamptz, p_until timestamptz, p_bucket interval)
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

CREATE OR REPLACE FUNCTION siam.sla_breaches(p_since timestamptz, p_until timestamptz)
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
