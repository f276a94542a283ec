-- track_breakdown_month(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track, exactly as track_breakdown (the definition; its header gives
-- every column) over a period that is one whole calendar month, [start_date, end_date]: the
-- artist's rows of the month in artist_track_month, the serving layer's breakdown rows kept
-- by the write path (kit/sql/artist_track_month_rows.sql), read as they are. A month is the
-- period the Explorer and the monthly report ask most, and DuckDB plans a statement anew at
-- every call: a filtered read of stored rows plans in a fraction of the time the joins,
-- window and expressions that derive them would (docs/metrics.md, "The serving layer").
create or replace macro track_breakdown_month(p_artist_id, p_platform, p_country, start_date, end_date) as table
select
    track_id, title, credit, total_streams, avg_daily, peak_streams, peak_date, best_position,
    days_on_chart, first_chart_date, last_chart_date, share, source, coverage, peak_kind,
    days_with_value
from artist_track_month
where platform = lower(p_platform)
  and month = strftime(cast(start_date as date), '%Y-%m')
  and country = upper(p_country)
  and artist_id = p_artist_id
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
