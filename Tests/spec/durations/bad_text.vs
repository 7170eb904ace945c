duration("soon")
# expect error: cannot read "soon" as a duration
# expect error: write it like 90s, 5m or 1h30m
