--
-- Migration 0005: targets that cannot be set wrong by accident, inherited per field
--
-- REWRITES DATA (covered by MigrationTests' upgrade of a 0004 database with such targets):
--   * A target duration of zero (accepted before: every incident breached at once) becomes
--     NULL: it is inherited from a less specific target from now on, or there is no such
--     clock. One event 'target.set' per target changed, reason 'migration 0005: ...'.
--   * A target left with no duration by that is deleted, with one event 'target.deleted'.
--   No other row changes.
-- Changes what the existing targets mean (siam.matching_target, definitions/catalog.sql):
-- a more specific target now overrides only the fields it sets (calendar, accept,
-- acknowledge, resolve, pauses_when_pending); the others come from the next less specific
-- target that sets them. Before, the most specific target applied as a whole, so a supplier's
-- target of only an accept time left that supplier's incidents without an OLA resolve clock;
-- now they get the resolve time of the less specific OLA. Clocks already running keep their
-- due instants; new offers, spans and incidents (and priority changes) take the new rule.
-- pauses_when_pending may now be NULL (inherited; the least specific default is to pause);
-- the values stored so far are kept as they are, so that no pause setting changes.
--

-- Zero durations become NULL (inherited), each change with its event.
WITH zeroed AS (
    SELECT t.*,
           CASE WHEN t.accept_within = interval '0' THEN NULL ELSE t.accept_within END AS new_accept,
           CASE WHEN t.acknowledge_within = interval '0' THEN NULL ELSE t.acknowledge_within END AS new_acknowledge,
           CASE WHEN t.resolve_within = interval '0' THEN NULL ELSE t.resolve_within END AS new_resolve
    FROM siam.target AS t
    WHERE t.accept_within = interval '0' OR t.acknowledge_within = interval '0' OR t.resolve_within = interval '0'
)
INSERT INTO siam.event (kind, reason, supplier, data)
SELECT CASE WHEN z.new_accept IS NULL AND z.new_acknowledge IS NULL AND z.new_resolve IS NULL
            THEN 'target.deleted' ELSE 'target.set' END,
       CASE WHEN z.new_accept IS NULL AND z.new_acknowledge IS NULL AND z.new_resolve IS NULL
            THEN format('migration 0005: %s %s target %s deleted: its only durations were zero', upper(z.kind), z.priority, z.id)
            ELSE format('migration 0005: %s %s target %s: zero durations removed (now inherited)', upper(z.kind), z.priority, z.id) END,
       z.supplier,
       jsonb_build_object('target', z.id, 'migration', '0005_targets_inherit_per_field',
                          'before', to_jsonb(z) - ARRAY['new_accept', 'new_acknowledge', 'new_resolve'],
                          'after', CASE WHEN z.new_accept IS NULL AND z.new_acknowledge IS NULL AND z.new_resolve IS NULL
                                        THEN NULL
                                        ELSE (to_jsonb(z) - ARRAY['new_accept', 'new_acknowledge', 'new_resolve'])
                                             || jsonb_build_object('accept_within', z.new_accept,
                                                                   'acknowledge_within', z.new_acknowledge,
                                                                   'resolve_within', z.new_resolve) END)
FROM zeroed AS z
ORDER BY z.id;

DELETE FROM siam.target
WHERE coalesce(accept_within, interval '0') = interval '0'
  AND coalesce(acknowledge_within, interval '0') = interval '0'
  AND coalesce(resolve_within, interval '0') = interval '0';

UPDATE siam.target SET
    accept_within = nullif(accept_within, interval '0'),
    acknowledge_within = nullif(acknowledge_within, interval '0'),
    resolve_within = nullif(resolve_within, interval '0')
WHERE accept_within = interval '0' OR acknowledge_within = interval '0' OR resolve_within = interval '0';

ALTER TABLE siam.target ADD CONSTRAINT target_durations_positive CHECK (
    accept_within > interval '0' AND acknowledge_within > interval '0' AND resolve_within > interval '0');

-- Inherited per field: NULL = from the next less specific target.
ALTER TABLE siam.target ALTER COLUMN pauses_when_pending DROP NOT NULL;
ALTER TABLE siam.target ALTER COLUMN pauses_when_pending DROP DEFAULT;

COMMENT ON TABLE siam.target IS
    'SLA (integrator <-> customer) and OLA (integrator <-> supplier) targets per priority, optionally per service and per supplier. Inherited per field: for an incident each of calendar, accept, acknowledge, resolve and pauses_when_pending comes from the most specific matching target that sets it (supplier and service, then supplier, then service, then neither); siam.matching_target is the rule.';
COMMENT ON COLUMN siam.target.calendar IS
    'Calendar the durations count on; NULL = inherited from a less specific target, else the supplier''s calendar for an OLA, else 24x7.';
COMMENT ON COLUMN siam.target.accept_within IS 'Business time a supplier has to accept a handoff (OLA only); more than zero; NULL = inherited.';
COMMENT ON COLUMN siam.target.acknowledge_within IS 'Business time until work starts (the incident first goes in_progress, or resolved directly); more than zero; NULL = inherited.';
COMMENT ON COLUMN siam.target.resolve_within IS 'Business time until the incident is resolved; more than zero; NULL = inherited.';
COMMENT ON COLUMN siam.target.pauses_when_pending IS
    'OLA only: whether the owner''s resolve clock pauses while the incident is pending (waiting on the customer), like the SLA; NULL = inherited, and pause when no matching target says. SLA clocks always pause.';
