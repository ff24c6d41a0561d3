--
-- Migration 0004: escalations that climb, real bounces, OLA clocks that pause, scope disputes
--
-- REWRITES DATA (covered by MigrationTests' upgrade of a filled 0003 database):
--   * Open escalations: one per rule x subject (incident, handoff, supplier) from now on,
--     whose level climbs. Where a subject had several open ones (one per level), the
--     earliest raised stays open and takes the highest level's level, acknowledgement and
--     notifications; the others are closed with cause 'merged' and a reason naming the one
--     they were merged into, and one event 'escalation.merged' each. No row is deleted.
--   * Closed escalations get a close cause, derived from their free-text close reason (which
--     stays as it was); a reason that names no known cause gets 'other'.
--   * Every out-of-scope rejection already recorded becomes an open scope dispute (unruled),
--     raised at the rejection's answer time.
--   * handoff.automatic is filled from offered_by = 'siamd' (the daemon's own offers).
-- Changes what a report says about the past: siam.scorecard's bounces now count siam.bounce
-- (refusals and hand-backs, charged to who refused or handed back) instead of bounce
-- escalations, and its out_of_scope column becomes the dispute columns.
-- New columns for what existed before keep the old behaviour: assignment spans that exist
-- already do not pause while pending (their due instants were set without it); new spans take
-- their OLA target's setting, which is to pause unless the target opts out.
--

-- Escalations: one per rule x subject, climbing ---------------------------------------------

ALTER TABLE siam.escalation
    ADD COLUMN level_raised_at timestamptz,
    ADD COLUMN close_cause text;
COMMENT ON COLUMN siam.escalation.level IS
    'The highest threshold of the rule crossed so far (1 = first): it climbs, never drops.';
COMMENT ON COLUMN siam.escalation.level_raised_at IS 'When it reached its current level.';
COMMENT ON COLUMN siam.escalation.close_cause IS
    'Why it closed, as a word: see the check escalation_close_cause_valid and docs/schema.md.';
COMMENT ON COLUMN siam.escalation.acknowledged_by IS
    'Who acknowledged its current level; repeats stop then. Cleared when the level rises (a new acknowledgement is asked for).';

UPDATE siam.escalation SET level_raised_at = raised_at;

-- The merge of one subject's open escalations into its earliest one.
CREATE TEMPORARY TABLE escalation_merge ON COMMIT DROP AS
WITH open_groups AS (
    SELECT e.*,
           first_value(e.id) OVER subject AS keeper,
           first_value(e.id) OVER (PARTITION BY e.rule, e.incident, e.handoff, e.supplier
                                   ORDER BY e.level DESC, e.id) AS highest,
           count(*) OVER (PARTITION BY e.rule, e.incident, e.handoff, e.supplier) AS n
    FROM siam.escalation AS e
    WHERE e.closed_at IS NULL
    WINDOW subject AS (PARTITION BY e.rule, e.incident, e.handoff, e.supplier ORDER BY e.raised_at, e.id)
)
SELECT id, keeper, highest FROM open_groups WHERE n > 1;



UPDATE siam.escalation AS e
SET closed_at = now(), close_cause = 'merged',
    close_reason = format('merged into escalation %s (one escalation per clock, its level climbs)', m.keeper)
FROM escalation_merge AS m
WHERE e.id = m.id AND m.id <> m.keeper;

-- Then the keeper takes the highest level's state (closing the others first keeps one open
-- row per rule x level x subject at every step, as the old unique index demands).
UPDATE siam.escalation AS k
SET level = h.level,
    level_raised_at = h.raised_at,
    reason = h.reason,
    notified_count = h.notified_count,
    last_notified_at = greatest(k.last_notified_at, h.last_notified_at),
    acknowledged_at = h.acknowledged_at,
    acknowledged_by = h.acknowledged_by
FROM (SELECT DISTINCT keeper, highest FROM escalation_merge) AS m
JOIN siam.escalation AS h ON h.id = m.highest
WHERE k.id = m.keeper AND m.keeper <> m.highest;

INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, escalation, data)
SELECT now(), 'siamd db migrate', 'escalation.merged', e.close_reason, e.incident, e.handoff, e.supplier, e.id,
       jsonb_build_object('rule', e.rule, 'level', e.level, 'into', m.keeper)
FROM escalation_merge AS m
JOIN siam.escalation AS e ON e.id = m.id
WHERE m.id <> m.keeper
ORDER BY e.id;

UPDATE siam.escalation
SET close_cause = CASE
        WHEN close_reason = 'acknowledged' THEN 'work started'
        WHEN close_reason ~ '^handoff [0-9]+ accepted$' THEN 'accepted'
        WHEN close_reason ~ '^handoff [0-9]+ (expired|ended)$' THEN 'expired'
        WHEN close_reason ~ '^handoff [0-9]+ cancelled$' THEN 'withdrawn'
        WHEN close_reason ~ '^handoff [0-9]+ rejected$' THEN 'rejected'
        WHEN close_reason LIKE '% no longer holds it' THEN 'handed on'
        WHEN close_reason LIKE 'owned by %' OR close_reason = 'offered' THEN 'routed'
        WHEN close_reason IN ('incident resolved', 'incident closed') THEN 'resolved'
        WHEN close_reason = 'incident cancelled' THEN 'cancelled'
        WHEN close_reason LIKE '% back to %' THEN 'below threshold'
        ELSE 'other'
    END
WHERE closed_at IS NOT NULL AND close_cause IS NULL;

ALTER TABLE siam.escalation
    ALTER COLUMN level_raised_at SET NOT NULL,
    ALTER COLUMN level_raised_at SET DEFAULT siam.clock(),
    ADD CONSTRAINT escalation_close_cause_valid CHECK (close_cause IN (
        'resolved', 'cancelled', 'work started', 'accepted', 'expired', 'withdrawn', 'handed on',
        'rejected', 'routed', 'below threshold', 'ruled', 'merged', 'other')),
    ADD CONSTRAINT escalation_close_has_cause CHECK ((closed_at IS NULL) = (close_cause IS NULL));

DROP INDEX siam.escalation_raised_once;
-- Never two open escalations of one rule x subject, whoever raises them.
CREATE UNIQUE INDEX escalation_open_once ON siam.escalation (rule, incident, handoff, supplier)
    NULLS NOT DISTINCT WHERE closed_at IS NULL;

COMMENT ON TABLE siam.escalation IS
    'An escalation: one per rule x subject (incident, handoff, supplier) while its cause lasts. Raised at the first threshold crossed, its level climbs as later ones are crossed; repeated at the rule''s interval until its current level is acknowledged; closed when its cause ends (close_cause). Only a supplier''s capacity escalation is raised again after it closed (a new episode).';

-- Scope disputes -------------------------------------------------------------------------

ALTER TABLE siam.escalation_rule DROP CONSTRAINT escalation_rule_measure_valid;
ALTER TABLE siam.escalation_rule ADD CONSTRAINT escalation_rule_measure_valid CHECK (measure IN (
    'sla_acknowledge', 'sla_resolve', 'ola_accept', 'ola_resolve',
    'bounces', 'complaints', 'capacity', 'unroutable', 'scope_dispute'));
COMMENT ON COLUMN siam.escalation_rule.measure IS
    'sla_acknowledge, sla_resolve, ola_accept, ola_resolve (percent of the clock elapsed); bounces (siam.bounce rows of one incident within time_window); complaints (weighted complaints within time_window: customer 2, user 1); capacity (percent of a supplier''s capacity in use); unroutable (no eligible supplier to offer it to: threshold 1); scope_dispute (an out-of-scope rejection waiting for the integrator''s ruling: threshold 1).';
COMMENT ON COLUMN siam.escalation_rule.thresholds IS
    'Ascending thresholds; an escalation is at level N once the measure has reached thresholds[N].';

INSERT INTO siam.escalation_rule (code, measure, thresholds, notify, repeat_every, time_window)
VALUES ('scope-dispute', 'scope_dispute', '{1}', 'integrator', interval '4 hours', NULL)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE siam.scope_dispute (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handoff bigint NOT NULL UNIQUE REFERENCES siam.handoff,
    raised_at timestamptz NOT NULL DEFAULT siam.clock(),
    ruling text
        CONSTRAINT scope_dispute_ruling_valid CHECK (ruling IN ('in_scope', 'out_of_scope')),
    ruled_at timestamptz,
    ruled_by text,
    note text
        CONSTRAINT scope_dispute_note_length CHECK (length(note) <= 2000),
    sent_back_handoff bigint REFERENCES siam.handoff,
    CONSTRAINT scope_dispute_ruling_complete CHECK (
        (ruling IS NULL) = (ruled_at IS NULL) AND (ruling IS NULL) = (ruled_by IS NULL)
        AND (ruling IS NULL) = (note IS NULL)),
    CONSTRAINT scope_dispute_sent_back_in_scope CHECK (sent_back_handoff IS NULL OR ruling = 'in_scope')
);
COMMENT ON TABLE siam.scope_dispute IS
    'A scope dispute: a supplier rejected an offer as out of scope (the handoff, its reason and supplier), and the integrator rules on it. Open while ruling is NULL.';
COMMENT ON COLUMN siam.scope_dispute.ruling IS
    'in_scope: the work was the supplier''s (the dispute is overturned); out_of_scope: the refusal was fair (upheld).';
COMMENT ON COLUMN siam.scope_dispute.note IS 'The integrator''s reason for the ruling.';
COMMENT ON COLUMN siam.scope_dispute.sent_back_handoff IS
    'The offer that sent the work back to the supplier after an in-scope ruling, if the integrator asked for one.';
CREATE INDEX scope_dispute_open ON siam.scope_dispute (raised_at) WHERE ruling IS NULL;
ALTER TABLE siam.scope_dispute ENABLE ROW LEVEL SECURITY;

INSERT INTO siam.scope_dispute (handoff, raised_at)
SELECT id, answered_at FROM siam.handoff WHERE state = 'rejected' AND out_of_scope ORDER BY id;

-- Bounces: refusals and hand-backs ----------------------------------------------------------

ALTER TABLE siam.handoff ADD COLUMN automatic boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN siam.handoff.automatic IS 'Made by the daemon (routing, reassignment), not by a person.';
UPDATE siam.handoff SET automatic = true WHERE offered_by = 'siamd';

ALTER TABLE siam.assignment ADD COLUMN handed_back boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN siam.assignment.handed_back IS
    'The supplier gave the work back (siam.incident_hand_back) rather than handing it on or finishing it.';

INSERT INTO siam.incident_transition (from_state, to_state, by_handoff) VALUES
    ('assigned', 'new', true),
    ('in_progress', 'new', true)
ON CONFLICT DO NOTHING;
COMMENT ON TABLE siam.incident_transition IS
    'The allowed changes of an incident''s state. by_handoff: made only by a handoff of the whole incident (accepting one, or the owner handing it back), not by setting the state.';

COMMENT ON COLUMN siam.incident.handoff_count IS 'Offers of the whole incident made so far (routing included; siam.bounce counts bounces).';
COMMENT ON COLUMN siam.incident.routing_stopped IS
    'Bounced too often (ping-pong, siam.bounce): the daemon no longer routes it until a person offers it.';

-- OLA clocks that pause while pending --------------------------------------------------------

ALTER TABLE siam.target ADD COLUMN pauses_when_pending boolean NOT NULL DEFAULT true;
ALTER TABLE siam.target ADD CONSTRAINT target_only_ola_opts_out CHECK (kind = 'ola' OR pauses_when_pending);
COMMENT ON COLUMN siam.target.pauses_when_pending IS
    'OLA only: whether the owner''s resolve clock pauses while the incident is pending (waiting on the customer), like the SLA. SLA clocks always pause.';

ALTER TABLE siam.assignment ADD COLUMN pauses_when_pending boolean NOT NULL DEFAULT false;
ALTER TABLE siam.assignment ALTER COLUMN pauses_when_pending SET DEFAULT true;
COMMENT ON COLUMN siam.assignment.pauses_when_pending IS
    'Whether this span''s OLA resolve clock pauses while the incident is pending (from its OLA target when it began; spans from before migration 0004 do not).';

DROP FUNCTION IF EXISTS siam.target_set(text, text, text, text, text, interval, interval, interval);

-- Signatures that change (the definitions files create the new ones) -------------------------

DROP FUNCTION IF EXISTS siam.escalations_close(bigint[], text[]);
-- These now return what they changed (the daemon schedules from it):
DROP FUNCTION IF EXISTS siam.escalations_raise(text[], integer[], bigint[], bigint[], text[], text[]);
DROP FUNCTION IF EXISTS siam.handoffs_offer_automatic(bigint[], text[], text[]);
DROP FUNCTION IF EXISTS siam.escalation_close(bigint, text);
DROP FUNCTION IF EXISTS siam.scorecard(timestamptz, timestamptz);
