-- breakdown_and_series(breakdown, listener_parts, series, start_date, end_date)
-- Grain: one row, holding four answers of one artist × platform × country × period
-- [start_date, end_date] as lists of rows: `breakdown`, every row of the served breakdown
-- named `breakdown` in the calling query (track_breakdown_month or track_breakdown_pieces),
-- in kit.query's breakdown order (most streams, best position, title, track id; missing
-- values last); `totals`, its footer (breakdown_totals_served, over the same rows and the
-- listener parts named `listener_parts`); `series`, every row of the table named `series`
-- (the rows of artist_track_daily_served), by track and date; `growth`, each of its
-- tracks' half-on-half growth (track_growth_of), by track. What an open Explorer row and
-- the report's row show, read in one statement because DuckDB binds and plans every
-- statement anew: the breakdown is read once for the table and its footer, and each table
-- is bound once (docs/metrics.md, "The serving layer"; kit.query.breakdown_and_series
-- unpacks the lists into the frames).
create or replace macro breakdown_and_series(p_breakdown, p_listener_parts, p_series, start_date, end_date) as table
select
    (
        select list(b order by b.total_streams desc nulls last, b.best_position asc nulls last, b.title asc, b.track_id asc)
        from query_table(p_breakdown) as b
    ) as breakdown,
    (
        select t from breakdown_totals_served(p_breakdown, p_listener_parts) as t
    ) as totals,
    (
        select list(s order by s.track_id, s.date)
        from query_table(p_series) as s
    ) as series,
    (
        select list(g order by g.track_id)
        from track_growth_of(p_series, start_date, end_date) as g
    ) as growth
