-- track_movers_breakdown(track_ids, titles, credits, total_streams, best_positions, coverages)
-- Grain: one row per track of a breakdown handed over as the lists of the columns the movers
-- read (track_movers_served): the n-th value of each list is the n-th track's. kit.query.movers
-- hands a calendar month's stored breakdown rows (kit/query/month_rows.py) to its statement so,
-- as parameters: registering them on the cursor as a table cost about as much again as the
-- rest of the statement (docs/metrics.md, "The serving layer").
create or replace macro track_movers_breakdown(p_track_ids, p_titles, p_credits, p_total_streams, p_best_positions, p_coverages) as table
select
    unnest(cast(p_track_ids as varchar[])) as track_id,
    unnest(cast(p_titles as varchar[])) as title,
    unnest(cast(p_credits as varchar[])) as credit,
    unnest(cast(p_total_streams as bigint[])) as total_streams,
    unnest(cast(p_best_positions as bigint[])) as best_position,
    unnest(cast(p_coverages as double[])) as coverage
