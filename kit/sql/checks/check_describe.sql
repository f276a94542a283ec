-- check_describe(p_row, p_columns)
-- A row (as JSON) described by some of its columns, for a finding's example:
-- 'date=2026-09-01, platform=spotify, track_id=x1'.
create or replace macro check_describe(p_row, p_columns) as
array_to_string(
    list_transform(
        p_columns,
        lambda c: c || '=' || coalesce(json_extract_string(p_row, '$.' || c), 'null')
    ),
    ', '
)
