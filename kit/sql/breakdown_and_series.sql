-- breakdown_and_series(breakdown, listener_parts, series)
-- Grain: one row, holding four answers of one artist × platform × country × period as
-- lists of rows: `breakdown`, every row of the served breakdown named `breakdown` in the
-- calling query (track_breakdown_month or track_breakdown_served), in kit.query's breakdown
-- order (most streams, best position, title, track id; missing values last); `totals`, its
-- footer (breakdown_totals_served, over the same rows and the listener parts named
-- `listener_parts`); `series`, the rows of the table named `series` (the rows of
-- artist_track_daily_growth: each track × day or week with its track's growth) without
-- their growth, by track and date; `growth`, each track's growth, by track (its growth
-- columns once, as track_growth_served takes them). What an open Explorer row and the report's row show, read in one statement
-- because DuckDB binds and plans every statement anew: the breakdown is read once for the
-- table and its footer, and the Parquet files are opened once (docs/metrics.md, "The
-- serving layer"; kit.query.breakdown_and_series unpacks the lists into the frames).
create or replace macro breakdown_and_series(p_breakdown, p_listener_parts, p_series) as table
select
    (
        select list(b order by b.total_streams desc nulls last, b.best_position asc nulls last, b.title asc, b.track_id asc)
        from query_table(p_breakdown) as b
    ) as breakdown,
    (
        select t from breakdown_totals_served(p_breakdown, p_listener_parts) as t
    ) as totals,
    (
        select list(struct_pack(s.track_id, s.title, s.credit, s.date, s.streams, s.days, s.kind, s.source) order by s.track_id, s.date)
        from query_table(p_series) as s
    ) as series,
    (
        select list(g order by g.track_id)
        from (
            select distinct track_id, half_days, first_half_streams, second_half_streams, half_change
            from query_table(p_series)
        ) as g
    ) as growth
