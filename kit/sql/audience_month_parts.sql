-- audience_month_parts(artist_ids, platforms, country, months_start, months_end)
-- Grain: one row per artist × platform × metric × whole month [months_start, months_end]
-- of a period (kit.period.serving_parts), from the serving layer's audience_month, with the
-- columns of audience_part that audience_summary_served puts together.
-- (docs/metrics.md, "The serving layer")
create or replace macro audience_month_parts(p_artist_ids, p_platforms, p_country, months_start, months_end) as table
select m.platform, m.artist_id, m.metric, m.first_date, m.first_value, m.last_date, m.last_value,
    m.value_sum, m.points, m.peak_value, m.peak_date
from audience_month as m
where list_contains(p_artist_ids, m.artist_id)
  and list_contains(p_platforms, m.platform)
  and m.country = upper(p_country)
  and m.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
