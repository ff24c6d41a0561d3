--
-- Scope disputes: out-of-scope rejections, ruled by the integrator
--
-- Writes siam.scope_dispute (its rows are opened by siam.handoff_reject, handoffs.sql, in the
-- rejection's transaction), and through siam.handoff_offer, siam.handoffs_cancel and
-- siam.escalations_close the send-back offer, the offer it replaces and the dispute's
-- escalations.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--
-- Words: a dispute is upheld when ruled out_of_scope (the supplier's refusal was fair) and
-- overturned when ruled in_scope (the work was the supplier's). The daemon's planner raises
-- the escalation rule 'scope-dispute' (measure scope_dispute) for every unruled dispute,
-- subject: the incident, the rejected handoff, the disputing supplier; a ruling closes it
-- (cause 'ruled').

CREATE OR REPLACE FUNCTION siam.dispute_rule(
    p_dispute bigint,
    p_ruling text,
    p_note text,
    p_send_back boolean DEFAULT false
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dispute siam.scope_dispute;
    v_handoff siam.handoff;
    v_incident siam.incident;
    v_standing bigint[];
    v_sent_back bigint;
    v_escalations bigint[];
BEGIN
    -- The arguments first: a bad ruling or a blank note is refused before anything is looked up.
    PERFORM siam.require_integrator();
    IF p_dispute IS NULL THEN
        RAISE EXCEPTION 'scope dispute is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_ruling IS NULL OR p_ruling NOT IN ('in_scope', 'out_of_scope') THEN
        RAISE EXCEPTION 'invalid ruling %: use in_scope (the work was the supplier''s) or out_of_scope (its refusal was fair)', siam.shown(p_ruling)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_text(p_note, 'a note on the ruling', 'reason');
    IF coalesce(p_send_back, false) AND p_ruling <> 'in_scope' THEN
        RAISE EXCEPTION 'only a dispute ruled in_scope can send the work back to the supplier'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT * INTO v_dispute FROM siam.scope_dispute WHERE id = p_dispute;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown scope dispute %', p_dispute USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO v_handoff FROM siam.handoff WHERE id = v_dispute.handoff;
    -- The incident first, then the dispute: the lock order of every write function.
    v_incident := siam.lock_incident(v_handoff.incident);
    SELECT * INTO v_dispute FROM siam.scope_dispute WHERE id = p_dispute FOR UPDATE;
    IF v_dispute.ruling IS NOT NULL THEN
        RAISE EXCEPTION 'scope dispute % was ruled % already, by % at %', p_dispute, v_dispute.ruling, v_dispute.ruled_by,
                        to_char(v_dispute.ruled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    IF coalesce(p_send_back, false) THEN
        IF v_incident.state IN ('resolved', 'closed', 'cancelled') THEN
            RAISE EXCEPTION 'incident % is %: its work cannot be sent back to %', v_incident.id, v_incident.state, siam.shown(v_handoff.to_supplier)
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'rule without --send-back';
        END IF;
        -- In a block of its own: whatever the supplier cannot take refuses the whole ruling
        -- (the block's changes are undone with it), with one message that says so.
        BEGIN
            IF v_handoff.part IS NULL THEN
                -- A standing offer of the whole incident to another supplier gives way.
                v_standing := ARRAY(SELECT id FROM siam.handoff
                                    WHERE incident = v_incident.id AND state = 'offered' AND part IS NULL
                                      AND to_supplier <> v_handoff.to_supplier
                                    ORDER BY id);
                PERFORM 1 FROM siam.handoffs_cancel(
                    v_standing,
                    array_fill(format('withdrawn: scope dispute %s ruled in scope, the work goes back to %s', p_dispute, v_handoff.to_supplier),
                               ARRAY[cardinality(v_standing)]));
            END IF;
            -- A person's offer (not automatic): it resumes automatic routing of the incident.
            v_sent_back := siam.handoff_offer(v_incident.id, v_handoff.to_supplier, v_handoff.part,
                                              format('sent back: scope dispute %s ruled in scope', p_dispute));
        EXCEPTION WHEN object_not_in_prerequisite_state THEN
            RAISE EXCEPTION 'scope dispute % cannot send incident % back to %: %', p_dispute, v_incident.id, siam.shown(v_handoff.to_supplier), SQLERRM
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'rule without --send-back, or make the supplier able to take it first';
        END;
    END IF;

    UPDATE siam.scope_dispute
    SET ruling = p_ruling, ruled_at = siam.clock(), ruled_by = siam.current_actor(), note = p_note,
        sent_back_handoff = v_sent_back
    WHERE id = p_dispute;

    -- The dispute's escalations end with the ruling.
    v_escalations := ARRAY(SELECT e.id FROM siam.escalation AS e
                           JOIN siam.escalation_rule AS r ON r.code = e.rule AND r.measure = 'scope_dispute'
                           WHERE e.closed_at IS NULL AND e.incident = v_incident.id
                             AND e.handoff = v_dispute.handoff AND e.supplier = v_handoff.to_supplier
                           ORDER BY e.id);
    PERFORM 1 FROM siam.escalations_close(
        v_escalations,
        array_fill('ruled'::text, ARRAY[cardinality(v_escalations)]),
        array_fill(format('scope dispute %s ruled %s', p_dispute, p_ruling), ARRAY[cardinality(v_escalations)]));

    PERFORM siam.wake(v_incident.id);
    PERFORM siam.record_event('dispute.ruled', p_note,
        p_incident => v_incident.id, p_handoff => v_dispute.handoff, p_supplier => v_handoff.to_supplier,
        p_data => jsonb_build_object('dispute', p_dispute, 'ruling', p_ruling, 'supplier', v_handoff.to_supplier,
                                     'handoff', v_dispute.handoff, 'upheld', p_ruling = 'out_of_scope',
                                     'sent_back_handoff', v_sent_back));
    RETURN p_dispute;
END
$$;
COMMENT ON FUNCTION siam.dispute_rule(bigint, text, text, boolean) IS
    'The integrator rules on an open scope dispute: in_scope (overturned: the work was the supplier''s) or out_of_scope (upheld: its refusal was fair), with a note (required). Closes the dispute''s open scope_dispute escalations (cause ruled), one event dispute.ruled. p_send_back (in_scope only) offers the work to the supplier again as a person''s offer (resuming automatic routing), withdrawing a standing offer of the whole incident to another supplier first; refused whole (55000) when the incident is resolved, closed or cancelled or the supplier cannot take it. Returns the dispute id.';

CREATE OR REPLACE FUNCTION siam.disputes(
    p_since timestamptz DEFAULT NULL,
    p_until timestamptz DEFAULT NULL,
    p_open_only boolean DEFAULT false
) RETURNS TABLE (
    id bigint,
    incident bigint,
    handoff bigint,
    supplier text,
    reason text,
    raised_at timestamptz,
    ruling text,
    ruled_at timestamptz,
    ruled_by text,
    note text,
    sent_back_handoff bigint
)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_since IS NOT NULL AND p_until IS NOT NULL AND p_since >= p_until THEN
        RAISE EXCEPTION 'invalid period: % is not before %', p_since, p_until USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT d.id, h.incident, d.handoff, h.to_supplier::text, h.reason, d.raised_at,
           d.ruling, d.ruled_at, d.ruled_by, d.note, d.sent_back_handoff
    FROM siam.scope_dispute AS d
    JOIN siam.handoff AS h ON h.id = d.handoff
    WHERE (NOT coalesce(p_open_only, false) OR d.ruling IS NULL)
      -- Of the period: raised before its end, and raised in it or not ruled before its start
      -- (so ruled in it or later, or still open).
      AND (p_until IS NULL OR d.raised_at < p_until)
      AND (p_since IS NULL OR d.raised_at >= p_since OR d.ruling IS NULL OR d.ruled_at >= p_since)
    ORDER BY d.raised_at, d.id;
END
$$;
COMMENT ON FUNCTION siam.disputes(timestamptz, timestamptz, boolean) IS
    'Scope disputes with their incident, disputing supplier and its reason (the rejection''s) and the ruling so far: those of [p_since, p_until) (either bound NULL: open-ended), that is raised before p_until and either raised in the period or not ruled before p_since (ruled in it or later, or still open); p_open_only: only the unruled ones. Oldest first. Reads with the caller''s rights: row-level security applies (a supplier sees only its own).';
