-- audience_comparison(artist_ids, platforms, country, start_date, end_date, previous_start, previous_end)
-- Grain: one row per artist × platform × metric of audience_summary for the period (the
-- same rows, the same columns first), with the comparison period's figures beside them.
-- Definitions (README, "What moved and what is noteworthy"; docs/metrics.md, "What moved"):
--   previous_end_value, previous_average, previous_coverage   audience_summary of the
--                    comparison period (empty when it has no point there);
--   end_change       end_value − previous_end_value; end_pct_change = end_change ÷
--                    previous_end_value (empty on a base of zero);
--   average_change   average − previous_average; average_pct_change likewise.
create or replace macro audience_comparison(p_artist_ids, p_platforms, p_country, start_date, end_date, p_previous_start, p_previous_end) as table
with
this_period as (
    select *
    from audience_summary(p_artist_ids, p_platforms, p_country, start_date, end_date)
),
previous_period as (
    select artist_id, platform, metric, end_value, average, coverage
    from audience_summary(p_artist_ids, p_platforms, p_country, p_previous_start, p_previous_end)
),
final as (
    select
        c.*,
        p.end_value as previous_end_value,
        p.average as previous_average,
        p.coverage as previous_coverage,
        cast(c.end_value - p.end_value as bigint) as end_change,
        (c.end_value - p.end_value) / nullif(cast(p.end_value as double), 0) as end_pct_change,
        c.average - p.average as average_change,
        (c.average - p.average) / nullif(p.average, 0) as average_pct_change
    from this_period as c
    left join previous_period as p
      on p.artist_id = c.artist_id and p.platform = c.platform and p.metric = c.metric
)
select * from final
order by list_position(p_artist_ids, artist_id), list_position(p_platforms, platform), metric
